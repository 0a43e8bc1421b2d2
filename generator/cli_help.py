"""What `sitegen COMMAND --help` says besides the options: a description and examples.

Kept apart from generator/cli.py so that the parser stays short to read; the README has
the full story of each command.
"""

from __future__ import annotations

import argparse
from typing import Any

# Command -> (description, examples), each shown as written.
HELP: dict[str, tuple[str, str]] = {
    "build": (
        """\
Render the site into a folder (SOURCE/public by default): every page, the feeds and
sitemaps, resized photos and the Pagefind search index. A build is incremental (it
rewrites only what changed) and atomic: on an error nothing is written and the
previous output stays. Drafts and stories dated after now are left out.""",
        """\
examples:
  sitegen build
  sitegen build --base-url https://ORG.github.io/kabar-kota/ --strict
  sitegen build --drafts --future --out /tmp/pratinjau   # preview everything
"""),
    "serve": (
        """\
Preview the site at http://127.0.0.1:8000/ (plus the site's base path). It rebuilds
when content/, themes/ or site.toml change and reloads the open pages that changed;
errors are shown over the page. Built into .sitegen/serve/, never into public/.
Ctrl-C stops it.""",
        """\
examples:
  sitegen serve --open              # and open it in the browser
  sitegen serve --drafts --future   # with drafts and scheduled stories
  sitegen serve --port 0            # any free port (the URL is printed)
"""),
    "check": (
        """\
Validate the site as a build would (settings, front matter, images, templates, every
page rendered in memory), check every internal link and the host's size limits, and
write nothing. Exit status 1 on errors; warnings (a photo without alt text, the
placeholder text of `sitegen new` left in a published story) fail it only with --strict.""",
        """\
examples:
  sitegen check
  sitegen check --strict --quiet   # e.g. in a git pre-commit hook
"""),
    "related": (
        """\
Print the related list of one article, with each candidate's score, what each signal
(tags, text, section, people) contributed and why, then the runners-up.""",
        """\
example:
  sitegen related content/articles/2024/05/banjir-rob.md
"""),
    "init": (
        """\
Write a new site that builds at once into DIR (new, or empty but for .git): site.toml
with every key explained, an example story with its image, an about page, a
.gitignore and the GitHub Pages workflow.""",
        """\
examples:
  sitegen init kabar-kota && cd kabar-kota && sitegen serve
  sitegen init kabar-kota --requirement 'sitegen-news @ git+https://github.com/ORG/sitegen@v0.1.0'
"""),
    "new": (
        """\
Start a story: writes content/articles/YYYY/MM/<slug>.md from the archetype, dated now
in the site's timezone, and prints its path. It starts as a draft (draft: true): to
publish it, set draft: false or delete that line.""",
        """\
examples:
  sitegen new "Banjir Rob Rendam Pesisir Utara" --section daerah --reporter "Nur Aini"
  sitegen new "Laga Final" --section olahraga --reporter "A" --reporter "B" --editor "C"
"""),
    "list": (
        """\
List what a build withholds, one story a line (tab-separated): drafts with path and
title, scheduled stories with path, title and when they go live (site's timezone).""",
        """\
examples:
  sitegen list drafts
  sitegen list scheduled --source kabar-kota
"""),
    "deploy": (
        """\
Upload the built site (public/) to the S3-compatible bucket of [deploy] in site.toml
(AWS S3, Cloudflare R2, MinIO, Google Cloud Storage): only files whose MD5 differs from
the bucket's copy, pages last, then delete what the site no longer has. Credentials come
from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), never from site.toml.
An interrupted deploy is safe to run again. Settings: docs/deploy.md.""",
        """\
examples:
  sitegen build && sitegen deploy
  sitegen deploy --dry-run           # list the uploads and deletes, change nothing
  sitegen deploy --max-deletes 5000  # after removing many stories on purpose
"""),
}


def described(command: str) -> dict[str, Any]:
    """Keyword arguments for `add_parser`: the command's description and examples, as written."""
    description, examples = HELP[command]
    return {"description": description, "epilog": examples,
            "formatter_class": argparse.RawDescriptionHelpFormatter}
