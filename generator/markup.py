"""Markdown to HTML with markdown-it-py: CommonMark plus tables."""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from markdown_it import MarkdownIt
from markupsafe import Markup
from markdown_it.token import Token

SUMMARY_LIMIT = 300


@lru_cache(maxsize=8)
def _parser(safe: bool) -> MarkdownIt:
    # Raw HTML is allowed by default: newsroom staff embed maps, videos and asides.
    return MarkdownIt("commonmark", {"html": not safe}).enable("table")


def render_markdown(text: str, base_path: str = "/", safe: bool = False) -> str:
    """Render Markdown to HTML; root-relative links get the site's base path."""
    md = _parser(safe)
    tokens = md.parse(text)
    if base_path != "/":
        _prefix_root_links(tokens, base_path)
    return md.renderer.render(tokens, md.options, {})


def _prefix_root_links(tokens: Sequence[Token], base_path: str) -> None:
    """Make `/nasional/...` links work when the site lives under `/arsip/`."""
    for token in tokens:
        for attr in ("href", "src"):
            value = token.attrGet(attr)
            if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
                token.attrSet(attr, base_path.rstrip("/") + value)
        if token.children:
            _prefix_root_links(token.children, base_path)


def with_dateline(html: str, dateline: str) -> Markup:
    """Open the first paragraph with the dateline, as newspapers print it: "JAKARTA — ..."."""
    if not dateline:
        return Markup(html)
    label = Markup('<span class="dateline">{}</span> &mdash; ').format(dateline)
    if html.startswith("<p>"):
        return Markup("<p>") + label + Markup(html[3:])
    return Markup("<p>") + label + Markup("</p>\n") + Markup(html)


def first_paragraph_text(text: str) -> str:
    """Plain text of the first paragraph, cut at a word boundary, for summaries."""
    tokens = _parser(True).parse(text)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            inline = tokens[index + 1]
            plain = "".join(_plain(child) for child in inline.children or ())
            plain = " ".join(plain.split())
            if plain:
                return shorten(plain, SUMMARY_LIMIT)
    return ""


def _plain(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if token.type == "image":
        return ""
    return ""


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"
