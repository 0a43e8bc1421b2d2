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
# A tag (quoted attribute values may hold '>'), a comment, or an element whose content is
# kept as it is: the parts of a page left verbatim, as one group so that split keeps them.
# (The tag's quoted values are matched as runs, which the regex engine does much faster
# than one character at a time.)
_TOKEN = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>|<!--.*?-->"
                    r"|<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>)", re.S | re.I)
# A line break with the blanks after it, and (read backwards) with the blanks before it.
# Both start with the line break, so the regex engine jumps from one to the next instead
# of trying a match at every character.
_BREAK_AFTER = re.compile(r"\n[ \t\r\n\f]*")
_BREAK_BEFORE = re.compile(r"\n[ \t\r\f]*")
_GAP = "\0"  # joins the text between tokens: not a blank, so no run of blanks crosses it


def compact_html(text: str) -> str:
    """`text` with each run of blanks around a line break, outside tags and raw elements, made one line break."""
    if _GAP in text:
        return _compact_gaps_one_by_one(text)
    parts = _TOKEN.split(text)  # text, token, raw element's name or None, text, ...
    gaps = _BREAK_AFTER.sub("\n", _GAP.join(parts[0::3]))
    parts[0::3] = _BREAK_BEFORE.sub("\n", gaps[::-1])[::-1].split(_GAP)
    parts[2::3] = [""] * (len(parts) // 3)
    return "".join(parts)


def _compact_gaps_one_by_one(text: str) -> str:
    parts = _TOKEN.split(text)
    parts[0::3] = [_BREAK_BEFORE.sub("\n", _BREAK_AFTER.sub("\n", gap)[::-1])[::-1] for gap in parts[0::3]]
    parts[2::3] = [""] * (len(parts) // 3)
    return "".join(parts)
