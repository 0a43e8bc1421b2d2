"""`sitegen serve`: the build in a loop, served to a browser that reloads.

Takes: `BuildOptions`. Gives: a local preview that builds into `.sitegen/serve/site`
(preview.py), serves it with a live-reload script (http.py), tells browsers which pages
changed (status.py), watches the sources (watch.py), and shows an edited story at once
by rendering the pages that hold it from the last build's plan (patch.py).
"""
