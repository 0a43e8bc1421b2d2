"""Markdown to HTML with markdown-it-py: CommonMark plus tables."""

from __future__ import annotations

import logging
import sys
from functools import lru_cache
from typing import Any, Callable, Mapping, NamedTuple, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit, table
from markdown_it.token import Token
from markupsafe import Markup

from generator.content.embeds import STRINGS, use_embeds
from generator.content.embeds import TOKEN as EMBED
from generator.content.links import links_in
from generator.errors import BuildError, Diagnostic

SUMMARY_LIMIT = 300
# Lists and block quotes nested deeper than this are refused, not rendered: markdown-it
# would silently leave out everything inside them (and, in a list, the rest of the story).
# Its commonmark preset stops at 20 (ten levels of lists); each level costs the parser
# up to 3 Python stack frames, so 100 stays far from Python's recursion limit.
MAX_NESTING = 100
_LOST = "sitegen_lost"  # key of the parser's env: [(0-based line, what is left out)]


def _ignore(*args: Any, **kwargs: Any) -> None:
    """A log call whose record nobody reads."""


def _unlogged_rules() -> None:
    """markdown-it's block rules log each try at DEBUG level (about 100 calls a story body,
    a twelfth of its parsing time, measured), records sitegen never shows: their loggers'
    debug() does nothing."""
    for name, module in list(sys.modules.items()):
        logger = getattr(module, "LOGGER", None) if name.startswith("markdown_it.") else None
        if isinstance(logger, logging.Logger):
            logger.debug = _ignore  # type: ignore[method-assign]


@lru_cache(maxsize=8)
def _parser(safe: bool, quotes: str = "") -> MarkdownIt:
    _unlogged_rules()
    # Raw HTML is allowed by default: newsroom staff embed maps, videos and asides.
    md = MarkdownIt("commonmark", {"html": not safe, "maxNesting": MAX_NESTING})
    if len(quotes) == 4:  # the theme's quotation marks for the site language, e.g. “”‘’
        md.options.update(typographer=True, quotes=quotes)
        md.enable("smartquotes")
    md.block.ruler.at("table", _table, {"alt": ["paragraph", "reference"]})  # as markdown-it has it
    tokenize = md.block.tokenize

    def watched(state: StateBlock, start: int, end: int) -> None:
        # markdown-it skips every line to `end` when the nesting limit is reached (the same
        # test as in ParserBlock.tokenize): note the first line it would leave out.
        line = state.skipEmptyLines(start) if state.level >= MAX_NESTING else end
        if line < end and state.sCount[line] >= state.blkIndent:
            message = (f"lists or block quotes nested more than {MAX_NESTING} levels deep: the text from here "
                       "on would be left out of the page")
            state.env.setdefault(_LOST, []).append((line, (message, "nest lists and quotes less deeply")))
        tokenize(state, start, end)

    md.block.tokenize = watched  # type: ignore[method-assign]
    # A YouTube/Vimeo URL alone in its paragraph: a click-to-load player (content/embeds.py).
    return use_embeds(md.enable("table"))


def _table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule, noting a row with more cells than the header: the extra
    cells would be left out of the page (as GitHub's tables do)."""
    first = len(state.tokens)
    if not table(state, start, end, silent):
        return False
    if silent:
        return True
    columns = sum(1 for token in state.tokens[first:] if token.type == "th_open")
    for token in state.tokens[first:]:
        if token.type == "tr_open" and token.map and token.map[0] > start + 1:
            line = token.map[0]
            cells = escapedSplit(state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].strip())
            cells = cells[1:] if cells and not cells[0] else cells
            if any(cell.strip() for cell in cells[columns:]):
                message = (f"table row has more cells than the header row ({columns}): the extra cells would "
                           "be left out of the page")
                hint = "add the column to the header row, or write a '|' inside a cell as '\\|'"
                state.env.setdefault(_LOST, []).append((line, (message, hint)))
    return True


# Turns one image of a body into HTML: (src as parsed, alt text, title, standalone) ->
# the HTML, or None to leave the image as markdown-it renders it. A standalone image is
# alone in its paragraph (the figure syntax, see docs/images.md).
ImageHook = Callable[[str, str, str, bool], "str | None"]


class ImageRef(NamedTuple):
    """An image written in a Markdown body."""

    src: str  # as markdown-it normalises it (percent-encoded)
    alt: str
    title: str
    line: int  # 0-based line of the body
    standalone: bool


def render_markdown(text: str, base_path: str = "/", safe: bool = False, images: ImageHook | None = None,
                    path: str = "<markdown>", first_line: int = 1, strings: Mapping[str, str] | None = None) -> str:
    """Render Markdown to HTML; root-relative links get the site's base path.

    `images` renders the body's images (responsive <picture>s and <figure>s). Text the
    parser would leave out raises BuildError at its line (`first_line` is the body's first
    line in the file `path`). `strings` are the theme's UI strings (the labels of video embeds,
    and `quotes`: the four typographic quotation marks that replace straight ones).
    """
    md = _parser(safe, (strings or {}).get("quotes", ""))
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    if env.get(_LOST):
        lines = text.split("\n")
        raise BuildError([Diagnostic(path, message, line=first_line + line, hint=hint, source_line=lines[line])
                          for line, (message, hint) in sorted(dict(env[_LOST]).items())])
    if images is not None and "![" in text:
        tokens = _replace_images(tokens, images)
    if base_path != "/":
        _prefix_root_links(tokens, base_path)
    return md.renderer.render(tokens, md.options, {STRINGS: strings or {}})


def _prefix_root_links(tokens: Sequence[Token], base_path: str) -> None:
    """Make `/nasional/...` links work when the site lives under `/arsip/`."""
    for token in tokens:
        for attr in ("href", "src"):
            value = token.attrGet(attr)
            if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
                token.attrSet(attr, base_path.rstrip("/") + value)
        if token.children:
            _prefix_root_links(token.children, base_path)


def image_refs(text: str) -> list[ImageRef]:
    """Every image of a Markdown body, in order, with its line.

    Read with raw HTML off, so that an image inside an HTML block counts too (a --safe
    build renders it as Markdown).
    """
    if "![" not in text:
        return []
    refs = []
    tokens = _parser(True).parse(text)
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children or token.map is None:
            continue
        standalone = _standalone_image(tokens, index) is not None
        breaks = 0
        for child in _walk(token.children):
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
            elif child.type == "image":
                refs.append(ImageRef(str(child.attrGet("src") or ""), _alt(child), str(child.attrGet("title") or ""),
                                     token.map[0] + breaks, standalone))
    return refs


class LinkRef(NamedTuple):
    """A link (or image, or URL of raw HTML) written in a Markdown body."""

    url: str  # as the rendered page has it: normalised by the parser, the base path applied
    line: int  # 0-based line of the body


def body_links(text: str, base_path: str = "/", safe: bool = False) -> list[LinkRef]:
    """Every URL the rendered body links to, with the body line that holds it.

    Read from the parser's own tokens, as `render_markdown` renders them, so that every
    form counts: inline, reference-style (at the line of the use, not of the definition),
    autolinks, relative and percent-encoded links, images, and href/src of raw HTML.
    """
    tokens = _parser(safe).parse(text, {})
    if base_path != "/":
        _prefix_root_links(tokens, base_path)
    refs: list[LinkRef] = []
    line = 0
    for token in tokens:
        if token.map is not None:
            line = token.map[0]
        if token.type == EMBED:
            refs.append(LinkRef(token.meta["href"], line))
        elif token.type == "html_block":
            found = set()
            for offset, source_line in enumerate(token.content.split("\n")):
                for url in links_in(source_line):
                    refs.append(LinkRef(url, line + offset))
                    found.add(url)
            # a tag written over several lines: at the block's first line
            refs += [LinkRef(url, line) for url in links_in(token.content) if url not in found]
        elif token.type == "inline" and token.children:
            at = line
            for child in _walk(token.children):
                if child.type in ("softbreak", "hardbreak"):
                    at += 1
                elif child.type in ("link_open", "image"):
                    url = child.attrGet("href" if child.type == "link_open" else "src")
                    if isinstance(url, str):
                        refs.append(LinkRef(url, at))
                elif child.type == "html_inline":
                    refs += [LinkRef(url, at) for url in links_in(child.content)]
                    at += child.content.count("\n")
    return refs


def _walk(tokens: Sequence[Token]) -> list[Token]:
    """Inline tokens in order, images inside links included."""
    found = []
    for token in tokens:
        found.append(token)
        if token.children and token.type != "image":
            found.extend(_walk(token.children))
    return found


def _alt(image: Token) -> str:
    return "".join(_plain(child) if child.type != "image" else _alt(child) for child in image.children or ())


def _standalone_image(tokens: Sequence[Token], index: int) -> Token | None:
    """The image when tokens[index] is the inline of a paragraph holding only that image."""
    if index == 0 or index + 1 >= len(tokens) or tokens[index - 1].type != "paragraph_open":
        return None
    children = [c for c in tokens[index].children or () if not (c.type == "text" and not c.content.strip())]
    return children[0] if len(children) == 1 and children[0].type == "image" else None


def _replace_images(tokens: list[Token], hook: ImageHook) -> list[Token]:
    """Swap images for the hook's HTML: a standalone one with its paragraph, others in place."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        image = _standalone_image(tokens, index + 1) if token.type == "paragraph_open" else None
        if image is not None:
            html = hook(str(image.attrGet("src") or ""), _alt(image), str(image.attrGet("title") or ""), True)
            if html is not None:
                result.append(Token("html_block", "", 0, content=html + "\n", map=token.map, level=token.level,
                                    block=True))
                index += 3  # paragraph_open, inline, paragraph_close
                continue
        if token.type == "inline" and token.children:
            token.children = _replace_inline(token.children, hook)
        result.append(token)
        index += 1
    return result


def _replace_inline(children: list[Token], hook: ImageHook) -> list[Token]:
    replaced = []
    for child in children:
        if child.type == "image":
            html = hook(str(child.attrGet("src") or ""), _alt(child), str(child.attrGet("title") or ""), False)
            if html is not None:
                child = Token("html_inline", "", 0, content=html)
        elif child.children:
            child.children = _replace_inline(child.children, hook)
        replaced.append(child)
    return replaced


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
