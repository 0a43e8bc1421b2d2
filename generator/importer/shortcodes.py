"""WordPress shortcodes and block comments in a post's HTML, turned into plain HTML.

What comes out is HTML that html_to_markdown.py can say in Markdown: `[caption]` becomes
a <figure> with its <figcaption>, `[gallery]` a <figure class="gallery"> of figures,
`[embed]` and a bare embed URL on its own line an embed marker, `[audio]`/`[video]` the
HTML5 element. Block comments (`<!-- wp:... -->`) go; a dynamic block (one that WordPress
fills when the page is shown, such as latest posts) has no text to keep and is reported.
A shortcode with no conversion loses its brackets, keeps its inner text, and is reported.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

# Shortcodes of WordPress itself and of the commonest plugins: always shortcodes, even bare.
KNOWN = ("caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist")
EMBED_HOSTS = re.compile(r"^https?://(www\.|m\.)?(youtube\.com/watch|youtu\.be/|vimeo\.com/\d|"
                         r"player\.vimeo\.com/video/|youtube\.com/embed/)", re.IGNORECASE)
_BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([a-z0-9/_-]+)(\s[^>]*?)?\s*(/?)-->", re.IGNORECASE | re.DOTALL)
_MORE = re.compile(r"<!--\s*(more|nextpage|noteaser)\b[^>]*-->", re.IGNORECASE)
_ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*\'([^\']*)\'|([\w-]+)\s*=\s*([^\s\'"]+)|"([^"]*)"|(\S+)')
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)


@dataclass
class Findings:
    """What a conversion could not do, named for the summary."""

    unconverted: list[str] = field(default_factory=list)  # "[playlist]", "block wp:latest-posts"


@dataclass(frozen=True)
class Photo:
    """An attachment as a gallery or caption shows it."""

    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


def strip_blocks(text: str, found: Findings) -> str:
    """Remove block comments and <!--more-->; note the dynamic (self-closing) blocks."""
    def block(match: re.Match[str]) -> str:
        if match.group(4):  # <!-- wp:latest-posts /-->: WordPress fills it when the page is shown
            found.unconverted.append(f"block wp:{match.group(2)}")
        return ""

    return _MORE.sub("", _BLOCK_COMMENT.sub(block, text))


def attributes(text: str) -> dict[str, str]:
    """Shortcode attributes: name="value", name='value', name=value, and positional ones as 0, 1..."""
    result: dict[str, str] = {}
    position = 0
    for match in _ATTR.finditer(text or ""):
        if match.group(1):
            result[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            result[match.group(3).lower()] = match.group(4)
        elif match.group(5):
            result[match.group(5).lower()] = match.group(6)
        else:
            result[str(position)] = match.group(7) if match.group(7) is not None else match.group(8)
            position += 1
    return result


def embed_marker(url: str) -> str:
    """A paragraph the Markdown step turns back into the URL alone on its line."""
    return f'\n\n<p data-sitegen-embed="{html.escape(url, quote=True)}"></p>\n\n'


def figure_html(photo: Photo, css: str = "") -> str:
    """A <figure> html_to_markdown.py turns into a Markdown figure or keeps as HTML."""
    attrs = f' class="{css}"' if css else ""
    caption = ""
    if photo.caption or photo.credit:
        credit = f'<span class="credit">{html.escape(photo.credit)}</span>' if photo.credit else ""
        caption = f"<figcaption>{photo.caption}{' ' if photo.caption and credit else ''}{credit}</figcaption>"
    return (f'<figure{attrs}><img src="{html.escape(photo.src, quote=True)}" '
            f'alt="{html.escape(photo.alt, quote=True)}">{caption}</figure>')


def convert_shortcodes(text: str, photos: Mapping[int, Photo], children: Callable[[], list[Photo]],
                       found: Findings) -> str:
    """Replace every shortcode of `text`.

    `photos` are the export's attachments by ID (for `[gallery ids=...]` and captions);
    `children()` gives the attachments of this post, for a `[gallery]` without ids.
    """
    names = "|".join(KNOWN)
    paired = re.compile(rf"\[({names})\b([^\]]*)\](.*?)\[/\1\]", re.IGNORECASE | re.DOTALL)
    single = re.compile(rf"\[({names})\b([^\]]*?)/?\]", re.IGNORECASE)

    def one(name: str, attrs: dict[str, str], inner: str) -> str:
        name = name.lower()
        if name in ("caption", "wp_caption"):
            return _caption(attrs, inner, photos)
        if name == "gallery":
            return _gallery(attrs, photos, children, found)
        if name == "embed":
            url = inner.strip() or attrs.get("src", "") or attrs.get("0", "")
            return embed_marker(html.unescape(url)) if url else ""
        if name in ("audio", "video"):
            src = next((attrs[k] for k in ("src", "mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv", "0")
                        if attrs.get(k, "").startswith(("http", "/"))), "")
            if src:
                return f'\n\n<{name} controls preload="none" src="{html.escape(src, quote=True)}">' \
                       f'<a href="{html.escape(src, quote=True)}">{html.escape(src)}</a></{name}>\n\n'
        found.unconverted.append(f"[{name}]")
        return inner

    text = paired.sub(lambda m: one(m.group(1), attributes(m.group(2)), m.group(3)), text)
    text = single.sub(lambda m: one(m.group(1), attributes(m.group(2)), ""), text)

    # Any other shortcode that is clearly one: a [name ...]...[/name] pair, or [name key="..."].
    def other(match: re.Match[str]) -> str:
        found.unconverted.append(f"[{match.group(1).lower()}]")
        return match.group(3) or ""

    text = re.sub(r"\[([a-zA-Z][\w-]*)\b([^\]\[]*)\](.*?)\[/\1\]", other, text, flags=re.DOTALL)
    text = re.sub(r"\[([a-zA-Z][\w-]*)(\s+[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s\]]+))+\s*/?\](())", other, text)
    # A URL alone on its line is an embed in WordPress (oEmbed): keep it as one for players.
    return _URL_LINE.sub(lambda m: embed_marker(html.unescape(m.group(1)))
                         if EMBED_HOSTS.match(m.group(1)) else m.group(0), text)


def _caption(attrs: dict[str, str], inner: str, photos: Mapping[int, Photo]) -> str:
    image = re.search(r"<img\b[^>]*>", inner, re.IGNORECASE)
    caption = attrs.get("caption", "")
    if image is None:
        return f"<p>{inner}</p>"
    if not caption:
        caption = re.sub(r"<img\b[^>]*>|</?a\b[^>]*>", "", inner, flags=re.IGNORECASE).strip()
    tag = image.group(0)
    src = _attr(tag, "src")
    link = re.search(r"<a\b[^>]*>\s*<img", inner, re.IGNORECASE)
    match = re.search(r"attachment_(\d+)", attrs.get("id", ""))
    known = photos.get(int(match.group(1))) if match else None
    photo = Photo(src=src, alt=_attr(tag, "alt") or (known.alt if known else ""), caption=caption,
                  credit=known.credit if known else "")
    figure = figure_html(photo, "wp-caption")
    if link is not None:  # the image linked somewhere (often the full-size file): keep the link
        href = _attr(link.group(0), "href")
        if href and href != src:
            figure = figure.replace("<img", f'<a href="{html.escape(href, quote=True)}"><img', 1)
            figure = figure.replace("<figcaption>", "</a><figcaption>", 1) if "<figcaption>" in figure \
                else figure.replace("</figure>", "</a></figure>")
    return f"\n\n{figure}\n\n"


def _gallery(attrs: dict[str, str], photos: Mapping[int, Photo], children: Callable[[], list[Photo]],
             found: Findings) -> str:
    ids = attrs.get("ids") or attrs.get("include") or ""
    if ids:
        chosen = [photos[int(i)] for i in re.findall(r"\d+", ids) if int(i) in photos]
    else:
        chosen = children()
    if not chosen:
        found.unconverted.append("[gallery] (no images in the export)")
        return ""
    return "\n\n" + "\n".join(figure_html(photo, "gallery-item") for photo in chosen) + "\n\n"


def _attr(tag: str, name: str) -> str:
    match = re.search(rf'\b{name}\s*=\s*("([^"]*)"|\'([^\']*)\'|([^\s>]+))', tag, re.IGNORECASE)
    if not match:
        return ""
    return html.unescape(next(g for g in match.groups()[1:] if g is not None))
