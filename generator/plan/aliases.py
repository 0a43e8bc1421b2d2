"""Old URLs that keep working: a small page at each alias path, and the query-alias map.

A path alias (`/2019/05/old-story/`, or the address a tag or person page had before slugs
were transliterated: `/tag/strae/` for `/tag/strasse/`) is a page that sends readers and crawlers on to the
new URL: a canonical link, a meta refresh (static hosts allow no server redirect) and a
visible link, marked noindex and listed in no sitemap. Query aliases (`/?p=123`) cannot
be files: they are gathered into `/aliases.json`, which the theme's script on the home
page and the 404 page reads when the address has a query (docs/import.md).
"""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from generator.content.aliases import is_query_alias
from generator.content.model import Article, Content, StandalonePage
from generator.content.slugs import legacy_slugs
from generator.plan.pages import Page, SiteData

ALIAS_TEMPLATE = "alias.html"
QUERY_MAP_URL = "/aliases.json"


def owners(content: Content) -> Iterator[Article | StandalonePage]:
    """The published stories and pages that have aliases, in a stable order."""
    for item in (*content.articles, *content.pages):
        if item.aliases:
            yield item


def plan_aliases(content: Content) -> list[Page]:
    """A page per path alias, then `/aliases.json` when any query alias exists."""
    pages: list[Page] = []
    queries: dict[str, str] = {}
    for item in owners(content):
        for alias in item.aliases:
            if is_query_alias(alias):
                queries.setdefault(alias.removeprefix("/"), item.url)
            else:
                pages.append(Page(url=alias, template=ALIAS_TEMPLATE, source=item.source, in_sitemap=False,
                                  context={"target": item.url, "title": item.title}))
    if queries:
        text = json.dumps(dict(sorted(queries.items())), ensure_ascii=False, indent=0) + "\n"
        pages.append(Page(url=QUERY_MAP_URL, source="aliases", text=text, in_sitemap=False))
    return pages


def plan_slug_aliases(site: SiteData, taken: Iterable[str]) -> list[Page]:
    """An alias page at the old address of each tag and person page whose slug changed when
    slugs began to be transliterated (`/tag/strae/` -> `/tag/strasse/`), unless a page of
    the site (in `taken`) now has that address."""
    used = set(taken)
    pages: list[Page] = []
    for groups, folder, url_of in ((site.tags, site.config.paths.tags, site.tag_url),
                                   (site.people, site.config.paths.people, site.person_url)):
        for name, old in sorted(legacy_slugs([group.name for group in groups]).items()):
            url = f"/{folder}/{old}/"
            if url not in used:
                used.add(url)
                pages.append(Page(url=url, template=ALIAS_TEMPLATE, source=f"{folder} page of {name!r}",
                                  in_sitemap=False, context={"target": url_of(name), "title": name}))
    return pages
