"""A post's HTML, once its shortcodes are converted, as clean Markdown for sitegen.

markdownify does the common part (paragraphs, headings, emphasis, links, lists, quotes,
code). What Markdown cannot say stays HTML, which sitegen's Markdown passes through:
tables (colspan, captions, cells of several paragraphs), iframes, audio and video,
definition lists, <sup>/<sub> and the like. A figure with a local photo (copied from
the media folder) becomes sitegen's figure syntax `![alt](src "caption | credit")`, so
it gets responsive variants; one whose photo stays on the old site stays a <figure>,
so its caption and credit still show.
"""

from __future__ import annotations

import html
import re
from typing import Callable

from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter

from generator.importer.shortcodes import EMBED_HOSTS, Findings

KEEP_BLOCK = ("table", "iframe", "video", "audio", "object", "embed", "dl", "svg", "math", "details")
KEEP_INLINE = ("sup", "sub", "abbr", "mark", "ins", "del", "s", "u", "kbd", "small", "cite", "q", "time")
_BLOCK_START = re.compile(r"^\s*<(/?(p|div|h[1-6]|ul|ol|li|table|thead|tbody|tr|td|th|blockquote|pre|figure|"
                          r"figcaption|hr|dl|dt|dd|iframe|video|audio|section|article|aside|form|address|"
                          r"script|style|object|embed|header|footer|nav|details|summary)\b|!--)", re.IGNORECASE)


def wpautop(text: str) -> str:
    """Paragraphs from blank lines and line breaks from single ones, as WordPress shows
    posts written in its classic editor (which stores no <p>)."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = re.sub(r"<(pre|script|style|table)\b.*?</\1>", keep, text.replace("\r\n", "\n"),
                  flags=re.IGNORECASE | re.DOTALL)
    blocks = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        if not block.strip():
            continue
        if _BLOCK_START.match(block) or re.fullmatch(r"\s*\x00\d+\x00\s*", block):
            blocks.append(block)
        else:
            blocks.append("<p>" + re.sub(r"(?<!>)\n(?!\s*<(/?(ul|ol|li|div|p|h\d|blockquote)\b))", "<br>\n",
                                         block.strip()) + "</p>")
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], "\n\n".join(blocks))


class _Converter(MarkdownConverter):
    """markdownify, keeping as HTML what Markdown cannot say, and sitegen's figures."""

    def __init__(self, found: Findings, local: Callable[[str], bool], **options: object):
        super().__init__(heading_style=ATX, bullets="-", **options)
        self.found, self.local = found, local

    def get_conv_fn(self, tag_name: str):  # type: ignore[no-untyped-def]
        name = tag_name.lower()
        if name in KEEP_BLOCK:
            return lambda el, text, parent_tags: "\n\n" + _raw(el) + "\n\n"
        if name in KEEP_INLINE:
            return lambda el, text, parent_tags: _raw(el)
        return super().get_conv_fn(tag_name)

    def convert_p(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        url = el.get("data-sitegen-embed")
        if url:  # an embed: the URL alone on its line, as a link (<URL>) that works everywhere
            return f"\n\n<{url}>\n\n"
        return super().convert_p(el, text, parent_tags)

    def convert_script(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        if el.get("src") or el.get_text().strip():
            self.found.unconverted.append("<script> (removed)")
        return ""

    def convert_figure(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        images = el.find_all("img")
        if len(images) != 1 or el.find("figure") is not None or el.find(KEEP_BLOCK) is not None:
            return f"\n\n{text.strip()}\n\n"  # a gallery, a table or media with a caption
        image = images[0]
        caption_el = el.find("figcaption")
        credit = ""
        if caption_el is not None:
            span = caption_el.find("span", class_="credit")
            if span is not None:
                credit = span.get_text(" ", strip=True)
                span.extract()
        caption = " ".join(caption_el.get_text(" ").split()) if caption_el is not None else ""
        src, alt = image.get("src", ""), " ".join(image.get("alt", "").split())
        title = f"{caption} | {credit}" if credit else caption
        if self.local(src) and " | " not in caption and caption:
            alt_text = alt.replace("[", "\\[").replace("]", "\\]")
            return f'\n\n![{alt_text}]({src} "{title.replace(chr(34), "&quot;")}")\n\n'
        if self.local(src) and not caption:
            return f"\n\n![{alt}]({src})\n\n"
        return "\n\n" + _figure(el, image, caption, credit) + "\n\n"


def _figure(el: Tag, image: Tag, caption: str, credit: str) -> str:
    """The figure as sitegen's own body figures are marked up, for a photo left on the old site."""
    link = image.find_parent("a")
    img = (f'<img src="{html.escape(image.get("src", ""), quote=True)}" '
           f'alt="{html.escape(image.get("alt", ""), quote=True)}" loading="lazy">')
    if link is not None and link.get("href"):
        img = f'<a href="{html.escape(link["href"], quote=True)}">{img}</a>'
    figcaption = ""
    if caption or credit:
        credit_html = f'<span class="credit">{html.escape(credit)}</span>' if credit else ""
        figcaption = f"<figcaption>{html.escape(caption)}{' ' if caption and credit else ''}{credit_html}</figcaption>"
    return f'<figure class="body-figure">{img}{figcaption}</figure>'


def _raw(el: Tag) -> str:
    # A blank line would end the HTML block in Markdown; the rest is passed through as it is.
    return re.sub(r"\n\s*\n", "\n", str(el)).strip()


def to_markdown(source: str, rewrite_link: Callable[[str], str], media: Callable[[str], str],
                found: Findings) -> str:
    """Markdown of `source` (HTML): links through `rewrite_link`, photo sources through
    `media` (which answers a site path such as /media/wp/2013/03/a.jpg for a copied file)."""
    soup = BeautifulSoup(source, "html.parser")
    for tag in soup.find_all("a", href=True):
        tag["href"] = rewrite_link(tag["href"])
    for tag in soup.find_all(["img", "source", "video", "audio"], src=True):
        tag["src"] = media(tag["src"])
    for tag in soup.find_all("img", srcset=True):
        del tag["srcset"]  # sizes of the old site; sitegen makes its own
        if tag.get("sizes"):
            del tag["sizes"]
    for gallery in soup.select("figure.wp-block-gallery ul, figure.wp-block-gallery li"):
        gallery.unwrap()
    for wrapper in soup.select("figure.wp-block-embed"):
        url = wrapper.get_text(" ", strip=True).split(" ")[0] if wrapper.get_text(strip=True) else ""
        marker = soup.new_tag("p")
        if url.startswith("http"):
            marker["data-sitegen-embed"] = url
            wrapper.replace_with(marker)
    for paragraph in soup.find_all("p"):
        words = paragraph.get_text(" ", strip=True)
        if not paragraph.find(True) and EMBED_HOSTS.match(words) and " " not in words:
            paragraph["data-sitegen-embed"] = words  # a player URL alone in its paragraph
    converter = _Converter(found, lambda src: src.startswith("/"))
    text = converter.convert_soup(soup)
    text = re.sub(r"[ \t]+\n", lambda m: m.group(0) if m.group(0).startswith("  ") else "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
