"""Every output path has one owner: two sources claiming one file fail the build, naming both."""

from __future__ import annotations

from typing import Iterable, Sequence

from generator.config.site import RESERVED_SEGMENTS
from generator.content.aliases import is_query_alias
from generator.content.model import Content
from generator.errors import Diagnostic, raise_if_errors
from generator.plan.aliases import ALIAS_TEMPLATE, owners
from generator.plan.pages import Page
from generator.urls import output_path


def check_routes(pages: Sequence[Page], content: Content, files: Sequence[tuple[str, str]] = ()) -> None:
    """Fail when two sources claim one output file, or a page lands in a folder the build fills.

    `files` are the files copied into the output as (output path, the source claiming it):
    theme files, resized photos, shared media, bundle files. Generated pages, theme files
    and resized photos come first, so a clash is reported on the content file causing it;
    aliases come last, so a clash with an alias is reported at the alias's line.
    """
    def rank(route: tuple[str, str, int]) -> int:
        _, source, kind = route
        if not source.startswith("content/"):
            return kind  # a generated page (0) or a theme file or resized photo (1)
        return 2 if kind == 0 else 3 if source.startswith("content/media/") else 4

    files = files or [(m.removeprefix("content/"), m) for m in content.media]
    pages = [page for page in pages if page.template != ALIAS_TEMPLATE]
    ranked = [(page.url, page.source, 0) for page in pages] + [("/" + rel, source, 1) for rel, source in files]
    routes = [(url, source) for url, source, _ in sorted(ranked, key=rank)]
    diags = find_collisions(routes)
    for page in pages:
        segment = page.url.strip("/").split("/", 1)[0]
        if segment in RESERVED_SEGMENTS:
            diags.append(Diagnostic(page.source, f"the URL {page.url} is inside /{segment}/, where sitegen writes "
                                                 f"{RESERVED_SEGMENTS[segment]}", hint="set a different 'slug:'"))
    diags += alias_collisions(routes, content)
    raise_if_errors(diags)


def alias_collisions(routes: Sequence[tuple[str, str]], content: Content) -> list[Diagnostic]:
    """An alias naming a page, another alias, or its own story is an error at the alias's line."""
    seen: dict[str, str] = {output_path(url).lower(): f"{source} ({url})" for url, source in reversed(routes)}
    diags = []
    for item in owners(content):
        for alias, line in zip(item.aliases, item.alias_lines):
            def report(message: str, hint: str = "remove the alias or change one of them",
                       source: str = item.source, line: int | None = line) -> None:
                diags.append(Diagnostic(source, message, line=line, hint=hint))

            if is_query_alias(alias):
                key = alias
            else:
                key = output_path(alias).lower()
                segment = alias.strip("/").split("/", 1)[0]
                if segment in RESERVED_SEGMENTS:
                    report(f"alias {alias} is inside /{segment}/, where sitegen writes {RESERVED_SEGMENTS[segment]}",
                           hint="remove the alias")
                    continue
            if key == output_path(item.url).lower():
                report(f"alias {alias} is the URL of this file itself", hint="remove the alias")
            elif key in seen:
                report(f"alias {alias} claims the same URL as {seen[key]}")
            else:
                seen[key] = f"an alias in {item.source}" + (f" (line {line})" if line else "")
    return diags


def find_collisions(routes: Iterable[tuple[str, str]]) -> list[Diagnostic]:
    """Report URLs claimed by two sources, including ones that differ only in case."""
    seen: dict[str, tuple[str, str]] = {}
    diags = []
    for url, source in routes:
        path = str(output_path(url))
        key = path.lower()
        if key in seen:
            other_url, other = seen[key]
            other_path = str(output_path(other_url))
            if other_url == url:
                same = f"the same URL as {other}: {url}"
            elif other_path == path:  # /media/ and /media/index.html
                same = f"the same output file as {other} ({other_url}): {path}"
            elif other_url.lower() == url.lower():
                same = f"URLs that differ only in case as {other}: {url}"
            else:
                same = f"output files that differ only in case as {other} ({other_path}): {path}"
            diags.append(Diagnostic(source, same,
                                    hint="set a different 'slug:' in one of them" if source.endswith(".md")
                                    else "rename one of them"))
        else:
            seen[key] = (url, source)
    return diags
