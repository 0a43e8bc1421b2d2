"""Plan every page of the site: which template renders which URL with what data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from generator.config import SiteConfig
from generator.listings import group_by_section, paginate
from generator.model import Article, Content, Section


@dataclass(frozen=True)
class Page:
    """One HTML (or other text) file to render: URL, template and the data it shows."""

    url: str
    template: str
    source: str  # what the page is built from, named in collision errors
    context: Mapping[str, Any] = field(default_factory=dict)
    markdown: str | None = None  # rendered into `content` at render time, never kept


@dataclass(frozen=True)
class SiteData:
    """Whole-site facts that templates read on every page."""

    sections: tuple[Section, ...]
    section_urls: Mapping[str, str]
    articles: tuple[Article, ...]  # newest first
    related: Mapping[str, tuple[Article, ...]]


def section_url(key: str) -> str:
    """First page of a section listing: /nasional/."""
    return f"/{key}/"


def build_site_data(content: Content, config: SiteConfig,
                    related: Mapping[str, tuple[str, ...]]) -> SiteData:
    """Gather the sections in use and resolve related lists to articles."""
    used = {a.section for a in content.articles}
    declared = [s for s in config.sections]
    extra = sorted(used - {s.key for s in declared})
    sections = tuple(declared + [config.section(key) for key in extra])
    by_source = {a.source: a for a in content.articles}
    resolved = {src: tuple(by_source[r] for r in refs if r in by_source) for src, refs in related.items()}
    return SiteData(sections=sections, section_urls={s.key: section_url(s.key) for s in sections},
                    articles=content.articles, related=resolved)


def plan_pages(content: Content, site: SiteData, config: SiteConfig) -> list[Page]:
    """Every page of the site, in a stable order."""
    pages: list[Page] = []
    pages.append(plan_home(site, config))
    pages.extend(plan_sections(site, config))
    for article in site.articles:
        pages.append(Page(url=article.url, template="article.html", source=article.source,
                          context={"article": article, "section": config.section(article.section),
                                   "related": site.related.get(article.source, ())},
                          markdown=article.body))
    for page in content.pages:
        pages.append(Page(url=page.url, template="page.html", source=page.source,
                          context={"page": page}, markdown=page.body))
    pages.append(Page(url="/404.html", template="404.html", source="theme:404.html"))
    return pages


def plan_home(site: SiteData, config: SiteConfig) -> Page:
    """The front page: latest stories, then a block per section."""
    groups = group_by_section(site.articles)
    blocks = [(section, tuple(groups.get(section.key, ())[:config.home_per_section]))
              for section in site.sections if groups.get(section.key)]
    return Page(url="/", template="home.html", source="home",
                context={"latest": site.articles[:config.home_latest], "blocks": blocks})


def plan_sections(site: SiteData, config: SiteConfig) -> list[Page]:
    """Paginated listing pages for every section that has articles."""
    groups = group_by_section(site.articles)
    pages = []
    for section in site.sections:
        items: Sequence[Article] = groups.get(section.key, ())
        if not items:
            continue
        for listing in paginate(items, config.per_page, section_url(section.key)):
            pages.append(Page(url=listing.url, template="section.html", source=f"section:{section.key}",
                              context={"section": section, "listing": listing}))
    return pages
