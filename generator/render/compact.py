"""Whitespace a reader's browser never shows, taken out of rendered HTML.

Templates are indented to be read; in HTML that indentation, like blank lines and spaces at
line ends, renders as nothing more than the single white space a line break already is
(`white-space: normal`, which the default theme uses throughout). So each run of blanks
holding a line break becomes one line break: the text and every gap between words and
inline elements stay, the page renders the same. Left verbatim: <pre>, <textarea>,
<script> and <style> (whose white space can matter), and everything inside a tag (an
attribute value keeps its line breaks). The same input always gives the same output.
"""

from __future__ import annotations

import re

# Part of the digest every output's fingerprint starts from: a change here re-renders every page.
VERSION = "compact-1"
# A tag (quoted attribute values may hold '>'), a comment, or an element whose content is kept as it is.
_TOKEN = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>|<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
                    re.S | re.I)
_BREAK = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")


def compact_html(text: str) -> str:
    """`text` with each run of blanks around a line break, outside tags and raw elements, made one line break."""
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            out.append(_BREAK.sub("\n", text[pos:match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_BREAK.sub("\n", text[pos:]))
    return "".join(out)
