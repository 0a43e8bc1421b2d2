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
_BLANKS = " \t\r\f"  # with the line break, the white space HTML collapses (\v and no-break spaces are text)
# A line break with a blank beside it: without one, compaction has nothing to do. (Tested
# as substrings, which Python finds much faster than a regex finds the first of them.)
_NEAR_BREAK = tuple(f"\n{c}" for c in _BLANKS + "\n") + tuple(f"{c}\n" for c in _BLANKS)
_GAP = "\0"  # joins the text between tokens: not a blank, so no run of blanks crosses it


def compact_html(text: str) -> str:
    """`text` with each run of blanks around a line break, outside tags and raw elements, made one line break."""
    if not any(pair in text for pair in _NEAR_BREAK):
        return text  # a page whose templates and data hold no such run: nothing to split
    parts = _TOKEN.split(text)  # text, token, raw element's name or None, text, ...
    if _GAP in text:
        parts[0::3] = [_collapse(gap) for gap in parts[0::3]]
    else:  # every gap at once: one call instead of one per tag
        parts[0::3] = _collapse(_GAP.join(parts[0::3])).split(_GAP)
    parts[2::3] = [""] * (len(parts) // 3)
    return "".join(parts)


def _collapse(text: str) -> str:
    """Each run of blanks holding a line break made one line break, line by line: the
    blanks ending a line and starting the next are the run's, and a line of blanks
    only lies inside one."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    kept = [lines[0].rstrip(_BLANKS)]
    for line in lines[1:-1]:
        line = line.strip(_BLANKS)
        if line:
            kept.append(line)
    kept.append(lines[-1].lstrip(_BLANKS))
    return "\n".join(kept)
