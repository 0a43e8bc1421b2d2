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


def check_routes(pages: Sequence[Page], content: Content) -> None:
    """Fail when two sources claim one output file, or a page lands in a folder the build fills.

    Generated pages come first, so a clash is reported on the source file that causes it;
    aliases come last, so a clash with an alias is reported at the alias's line.
    """
    routes = [(page.url, page.source) for page in pages if page.template != ALIAS_TEMPLATE]
    routes += [("/" + m.removeprefix("content/"), m) for m in content.media]
    routes.sort(key=lambda route: route[1].startswith("content/"))
    diags = find_collisions(routes)
    for url, source in routes:
        segment = url.strip("/").split("/", 1)[0]
        if segment in RESERVED_SEGMENTS and not source.startswith("content/media/"):
            diags.append(Diagnostic(source, f"the URL {url} is inside /{segment}/, where sitegen writes "
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
