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
from typing import NamedTuple, Sequence

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
    return "".join(_compacted_parts(text))


def _compacted_parts(text: str) -> list[str]:
    """The text and tokens of `text` (text, token, "", text, ...), the text compacted."""
    parts = _TOKEN.split(text)  # text, token, raw element's name or None, text, ...
    if _GAP in text:
        parts[0::3] = [_collapse(gap) for gap in parts[0::3]]
    else:  # every gap at once: one call instead of one per tag
        parts[0::3] = _collapse(_GAP.join(parts[0::3])).split(_GAP)
    parts[2::3] = [""] * (len(parts) // 3)
    return parts


# --- pages made of fragments ------------------------------------------------------------
#
# The masthead, the footer and the cards recur on page after page. A fragment that is
# "closed" compacts alone as it does in any page that shows it, so a page is compacted
# with each such fragment taken out (a placeholder in its place) and put back compacted
# once. Closed: no blank at either end (no run of blanks crosses its edges), no "<" left
# outside its tokens, and nothing of a raw element or comment (which could pair with
# something outside it). The page around them must hold no placeholder inside a token and
# no "<" outside one: then every token of the page is one of its own or one of a fragment's.

_PLACE = "\ue000"  # a private-use character stands for each fragment in the page around them
_RAW_MARK = re.compile(r"<(?:/?(?:pre|textarea|script|style)|!--)|-->", re.I)


class Closed(NamedTuple):
    """A closed fragment: its text without the blanks at its ends, and that text compacted."""

    core: str
    compacted: str


def closed(html: str) -> Closed | None:
    """`html` as a closed fragment, or None when it is not one (it is then compacted with its page)."""
    core = html.strip(_BLANKS + "\n")
    if not core or _PLACE in core or _GAP in core or _RAW_MARK.search(core):
        return None
    if any("<" in gap for gap in _TOKEN.split(core)[0::3]):
        return None
    return Closed(core, compact_html(core))


def compact_page(text: str, fragments: Sequence[Closed]) -> str:
    """compact_html(text) for a page that shows `fragments` (closed, in this order; one not
    found is skipped): only the text around them is split, each is put back compacted."""
    if not fragments or _PLACE in text:
        return compact_html(text)
    around, found, start = [], [], 0
    for fragment in fragments:
        at = text.find(fragment.core, start)
        if at >= 0:
            around.append(text[start:at])
            found.append(fragment.compacted)
            start = at + len(fragment.core)
    if not found:
        return compact_html(text)
    around.append(text[start:])
    parts = _compacted_parts(_PLACE.join(around))
    if any(_PLACE in token for token in parts[1::3]) or any("<" in gap for gap in parts[0::3]):
        return compact_html(text)
    pieces = "".join(parts).split(_PLACE)
    merged = [pieces[0]]
    for compacted, piece in zip(found, pieces[1:]):
        merged += (compacted, piece)
    return "".join(merged)


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
