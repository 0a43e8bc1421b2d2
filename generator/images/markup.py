"""The HTML of a responsive photo: <picture> with WebP and fallback sources, and body figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import quote

from markupsafe import Markup, escape

from generator.config.images import ImagesConfig
from generator.config.site import SiteConfig
from generator.content.model import Article, Image
from generator.images.variants import Responsive, responsive, share_image, thumb_image, variant_settings

# --- HTML ------------------------------------------------------------------------------

def picture_html(image: Image, config: ImagesConfig, base_path: str, *, sizes: str | None = None,
                 eager: bool = False, thumb: bool = False, alt: str | None = None) -> Markup:
    """A <picture> with a WebP <source> and a JPEG/PNG <img>, or a plain <img> for a remote photo.

    The lead photo is `eager` (loaded at once, high priority); every other one is lazy.
    A thumbnail has one small variant; others list every width with `sizes`.
    """
    text = escape(image.alt if alt is None else alt)
    loading = ' loading="eager" fetchpriority="high"' if eager else ' loading="lazy" decoding="async"'
    plan = _sources(image, config, base_path)
    if plan is None:
        size = f' width="{image.width}" height="{image.height}"' if image.width and image.height else ""
        return Markup(f'<img src="{escape(_href(image.url, base_path))}" alt="{text}"{size}{loading}>')
    if thumb:
        return Markup(f'<picture>{plan.thumb_source}{plan.thumb_img} alt="{text}"{loading}></picture>')
    sizes = escape(sizes or config.sizes)
    return Markup(f'<picture><source type="image/webp" srcset="{plan.webp}" sizes="{sizes}">'
                  f'<img src="{plan.src}" srcset="{plan.fallback}" sizes="{sizes}" {plan.size} alt="{text}"'
                  f'{loading}></picture>')


def _href(url: str, base_path: str) -> str:
    """A photo's URL under the base path, percent-encoded: a space or comma would split a srcset candidate."""
    if "://" in url or url.startswith("//"):
        return url
    return quote(base_path.rstrip("/") + url, safe="/%:@!$&'()*+;=-._~")


class _Sources(NamedTuple):
    """The parts of a local photo's <picture> that do not depend on the page, escaped."""

    webp: str  # srcset of every WebP width
    fallback: str  # srcset of every JPEG/PNG width
    src: str  # the largest fallback
    size: str  # width="..." height="..." of the largest
    thumb_source: str  # <source> of the thumbnail
    thumb_img: str  # <img src width height of the thumbnail, without alt and the end


# Made once per photo (stories may share one) and settings, keyed by what the markup
# depends on: each listing page shows many photos, and every URL is percent-encoded and
# escaped. Cleared when full, which a worker of a very large archive may reach.
_SOURCES: dict[tuple[Any, ...], _Sources | None] = {}
_SOURCES_LIMIT = 100_000


def _sources(image: Image, config: ImagesConfig, base_path: str) -> _Sources | None:
    # The variant settings (Pillow's version among them) name the files: part of the key, so a
    # process that outlives an upgrade never reuses the old names.
    key = (image.url, image.digest, image.width, image.height, image.alpha, bool(image.file), config, base_path,
           variant_settings(config))
    try:
        return _SOURCES[key]
    except KeyError:
        pass
    if len(_SOURCES) >= _SOURCES_LIMIT:
        _SOURCES.clear()
    made = _SOURCES[key] = _make_sources(responsive(image, config), base_path)
    return made


def _make_sources(plan: Responsive | None, base_path: str) -> _Sources | None:
    if plan is None:
        return None  # a remote photo: nothing resized
    largest = plan.fallback[-1]
    small, small_webp = plan.fallback[plan.thumb], plan.webp[plan.thumb]
    return _Sources(
        webp=escape(", ".join(f"{_href(v.url, base_path)} {v.width}w" for v in plan.webp)),
        fallback=escape(", ".join(f"{_href(v.url, base_path)} {v.width}w" for v in plan.fallback)),
        src=escape(_href(largest.url, base_path)),
        size=f'width="{largest.width}" height="{largest.height}"',
        thumb_source=f'<source type="image/webp" srcset="{escape(_href(small_webp.url, base_path))}">',
        thumb_img=f'<img src="{escape(_href(small.url, base_path))}" width="{small.width}" height="{small.height}"')


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
