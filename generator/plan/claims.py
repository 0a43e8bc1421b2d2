"""Every output path has one owner: two sources claiming one file fail the build, naming both."""

from __future__ import annotations

from typing import Iterable, Sequence

from generator.config.site import RESERVED_SEGMENTS
from generator.content.model import Content
from generator.errors import Diagnostic, raise_if_errors
from generator.plan.pages import Page
from generator.urls import output_path


def check_routes(pages: Sequence[Page], content: Content) -> None:
    """Fail when two sources claim one output file, or a page lands in a folder the build fills.

    Generated pages come first, so a clash is reported on the source file that causes it.
    """
    routes = [(page.url, page.source) for page in pages]
    routes += [("/" + m.removeprefix("content/"), m) for m in content.media]
    routes.sort(key=lambda route: route[1].startswith("content/"))
    diags = find_collisions(routes)
    for url, source in routes:
        segment = url.strip("/").split("/", 1)[0]
        if segment in RESERVED_SEGMENTS and not source.startswith("content/media/"):
            diags.append(Diagnostic(source, f"the URL {url} is inside /{segment}/, where sitegen writes "
                                            f"{RESERVED_SEGMENTS[segment]}", hint="set a different 'slug:'"))
    raise_if_errors(diags)


def find_collisions(routes: Iterable[tuple[str, str]]) -> list[Diagnostic]:
    """Report URLs claimed by two sources, including ones that differ only in case."""
    seen: dict[str, tuple[str, str]] = {}
    diags = []
    for url, source in routes:
        key = output_path(url).lower()
        if key in seen:
            other_url, other = seen[key]
            same = "the same URL" if other_url == url else "URLs that differ only in case"
            diags.append(Diagnostic(source, f"{same} as {other}: {url}",
                                    hint="set a different 'slug:' in one of them" if source.endswith(".md")
                                    else "rename one of them"))
        else:
            seen[key] = (url, source)
    return diags
