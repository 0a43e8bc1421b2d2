"""Old URLs that keep working: a small page at each alias path, and the query-alias map.

A path alias (`/2019/05/old-story/`) is a page that sends readers and crawlers on to the
new URL: a canonical link, a meta refresh (static hosts allow no server redirect) and a
visible link, marked noindex and listed in no sitemap. Query aliases (`/?p=123`) cannot
be files: they are gathered into `/aliases.json`, which the theme's script on the home
page and the 404 page reads when the address has a query (docs/import.md).
"""

from __future__ import annotations

import json
from typing import Iterator

from generator.content.aliases import is_query_alias
from generator.content.model import Article, Content, StandalonePage
from generator.plan.pages import Page

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
