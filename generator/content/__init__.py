"""Stages 2-4, content: find the source files, parse them, hold back scheduled stories.

Takes: the site folder and `SiteConfig`. Gives: `Sources` (discover.py: paths and stamps),
then `Content` (model.py: frozen `Article` and `StandalonePage` records) parsed from front
matter (frontmatter.py, validate.py) and Markdown (markdown.py), with each photo measured
(photos.py), and finally `Content` with the stories dated after the build time moved to
`Content.scheduled` (schedule.py).
"""
