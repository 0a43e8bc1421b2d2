"""The HTML of a responsive photo: <picture> with WebP and fallback sources, and body figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from generator.config.images import ImagesConfig
from generator.config.site import SiteConfig
from generator.content.model import Article, Image
from generator.images.variants import responsive, share_image, thumb_image

# --- HTML ------------------------------------------------------------------------------

def picture_html(image: Image, config: ImagesConfig, base_path: str, *, sizes: str | None = None,
                 eager: bool = False, thumb: bool = False, alt: str | None = None) -> Markup:
    """A <picture> with a WebP <source> and a JPEG/PNG <img>, or a plain <img> for a remote photo.

    The lead photo is `eager` (loaded at once, high priority); every other one is lazy.
    A thumbnail has one small variant; others list every width with `sizes`.
    """
    def href(url: str) -> str:  # percent-encoded: a space or comma would split a srcset candidate
        if "://" in url or url.startswith("//"):
            return url
        return quote(base_path.rstrip("/") + url, safe="/%:@!$&'()*+;=-._~")

    text = image.alt if alt is None else alt
    loading = ' loading="eager" fetchpriority="high"' if eager else ' loading="lazy" decoding="async"'
    plan = responsive(image, config)
    if plan is None:
        size = f' width="{image.width}" height="{image.height}"' if image.width and image.height else ""
        return Markup('<img src="{}" alt="{}"{}').format(href(image.url), text, Markup(size)) + Markup(loading + ">")
    if thumb:
        webp, fallback = plan.webp[plan.thumb], plan.fallback[plan.thumb]
        source = Markup('<source type="image/webp" srcset="{}">').format(href(webp.url))
        img = Markup('<img src="{}" width="{}" height="{}" alt="{}"').format(
            href(fallback.url), fallback.width, fallback.height, text)
    else:
        sizes = sizes or config.sizes
        source = Markup('<source type="image/webp" srcset="{}" sizes="{}">').format(
            ", ".join(f"{href(v.url)} {v.width}w" for v in plan.webp), sizes)
        largest = plan.fallback[-1]
        img = Markup('<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"').format(
            href(largest.url), ", ".join(f"{href(v.url)} {v.width}w" for v in plan.fallback), sizes,
            largest.width, largest.height, text)
    return Markup("<picture>") + source + img + Markup(loading + "></picture>")


def figure_html(image: Image, config: ImagesConfig, base_path: str, alt: str, caption: str,
                credit: str) -> Markup:
    """A body photo as a <figure>: the picture, then the caption and the credit apart."""
    html = Markup('<figure class="body-figure">') + picture_html(image, config, base_path, alt=alt)
    if caption or credit:
        html += Markup("<figcaption>") + escape(caption)
        if credit:
            html += Markup('{}<span class="credit">{}</span>').format(" " if caption else "", credit)
        html += Markup("</figcaption>")
    return html + Markup("</figure>")


def split_title(title: str) -> tuple[str, str]:
    """A body image's title "caption | credit" as (caption, credit); the credit is optional."""
    caption, bar, credit = title.rpartition(" | ") if " | " in title else (title, "", "")
    return caption.strip(), credit.strip() if bar else ""


def body_image_hook(article: Any, config: "SiteConfig") -> Callable[[str, str, str, bool], str | None] | None:
    """For markup.render_markdown: HTML for each image of this article's body, by its src."""
    images = getattr(article, "body_images", ()) if isinstance(article, Article) else ()
    if not images:
        return None
    by_src = {image.src: image for image in images}

    def render(src: str, alt: str, title: str, standalone: bool) -> str | None:
        image = by_src.get(src)
        if image is None or not image.file:
            return None
        if standalone:  # alone in its paragraph: a <figure> when it has a title, else in place
            if not title:
                return None
            caption, credit = split_title(title)
            return str(figure_html(image, config.images, config.base_path, alt, caption, credit))
        return str(picture_html(image, config.images, config.base_path, alt=alt))

    return render


def template_helpers(config: "SiteConfig") -> dict[str, Callable[..., Any]]:
    """Jinja globals: picture(image, ...), share_image(image), thumb_image(image)."""
    images, base_path = config.images, config.base_path

    def picture(image: Image, sizes: str | None = None, eager: bool = False, thumb: bool = False,
                alt: str | None = None) -> Markup:
        return picture_html(image, images, base_path, sizes=sizes, eager=eager, thumb=thumb, alt=alt)

    return {"picture": picture,
            "share_image": lambda image: share_image(image, images),
            "thumb_image": lambda image: thumb_image(image, images)}
