"""Plan every page of the site: which template renders which URL with what data."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Mapping, Sequence

from generator.config.site import Section, SiteConfig
from generator.content.model import Article, Content, Profile
from generator.dates import iso
from generator.images.variants import thumb_image
from generator.plan.listings import (
    Group,
    Month,
    group_by_month,
    group_by_person,
    group_by_section,
    group_by_tag,
    paginate,
    MonthSummary,
    summarise,
    summarise_month,
)
from generator.plan.memo import GroupPlanner
from generator.plan.page import Page
from generator.plan.sitemaps import NEWS_WINDOW, SitemapEntry, render_news_sitemap, render_robots, render_sitemaps
from generator.search.pagefind import BUNDLE_DIR
from generator.urls import link


ATOM_MAKER = "atom"  # Page.maker of an Atom feed: generator.plan.feeds.render_atom(**context)


@dataclass(frozen=True)
class SiteData:
    """Whole-site facts that templates read on every page, and the links between pages."""

    config: SiteConfig
    sections: tuple[Section, ...]
    articles: tuple[Article, ...]  # newest first
    related: Mapping[str, tuple[Article, ...]]
    tags: tuple[Group, ...]
    people: tuple[Group, ...]
    months: tuple[Month, ...]
    by_section: Mapping[str, list[Article]] = field(default_factory=dict)  # newest first
    profiles: Mapping[str, Profile] = field(default_factory=dict)  # by person slug
    _tag_slugs: Mapping[str, str] = field(default_factory=dict)
    _person_slugs: Mapping[str, str] = field(default_factory=dict)

    def section_url(self, key: str) -> str:
        """First page of a section listing: /nasional/."""
        return f"/{key}/"

    def tag_url(self, name: str) -> str:
        """The page of a tag, by any spelling of it: /tag/pemilu-2024/."""
        return f"/{self.config.paths.tags}/{self._tag_slugs[name.casefold()]}/"

    def person_url(self, name: str) -> str:
        """The page of a reporter or editor: /orang/rina-wulandari/."""
        return f"/{self.config.paths.people}/{self._person_slugs[name]}/"

    def tags_url(self) -> str:
        """The index of all tags."""
        return f"/{self.config.paths.tags}/"

    def people_url(self) -> str:
        """The index of all people."""
        return f"/{self.config.paths.people}/"

    def search_url(self) -> str:
        """The search page: /cari/."""
        return f"/{self.config.paths.search}/"

    def archive_url(self, year: int | None = None, month: int | None = None) -> str:
        """/arsip/, /arsip/2023/ or /arsip/2023/11/."""
        url = f"/{self.config.paths.archive}/"
        if year is not None:
            url += f"{year:04d}/"
            if month is not None:
                url += f"{month:02d}/"
        return url


def build_site_data(content: Content, config: SiteConfig,
                    related: Mapping[str, tuple[str, ...]]) -> SiteData:
    """Gather sections, tags, people and months, and resolve related lists to articles."""
    used = {a.section for a in content.articles}
    declared = list(config.sections)
    extra = sorted(used - {s.key for s in declared})
    sections = tuple(declared + [config.section(key) for key in extra])
    by_source = {a.source: a for a in content.articles}
    resolved = {src: tuple(by_source[r] for r in refs if r in by_source) for src, refs in related.items()}
    tags = tuple(group_by_tag(content.articles))
    people = tuple(group_by_person(content.articles))
    tag_slugs = {}
    for group in tags:
        for article in group.articles:
            for tag in article.tags:
                if tag.casefold() == group.name.casefold():
                    tag_slugs[tag.casefold()] = group.slug
    return SiteData(config=config, sections=sections, articles=content.articles, related=resolved,
                    tags=tags, people=people, months=tuple(group_by_month(content.articles, config.tz)),
                    by_section=group_by_section(content.articles), _tag_slugs=tag_slugs, _person_slugs={g.name: g.slug for g in people},
                    profiles={p.slug: p for p in content.profiles})


def plan_pages(content: Content, site: SiteData, config: SiteConfig, build_time: datetime,
               search: bool = True, groups: GroupPlanner | None = None) -> list[Page]:
    """Every file of the site, in a stable order; without `search` the search page says it has no index.

    `groups` takes the groups of pages an edit did not reach from the last build
    (generator/plan/memo.py); without it every page is planned.
    """
    groups = groups or GroupPlanner()
    pages: list[Page] = [plan_home(site, config)]
    pages += plan_sections(site, config, groups)
    pages += plan_articles(site, config, groups)
    for page in content.pages:
        pages.append(Page(url=page.url, template="page.html", source=page.source,
                          context={"page": page}, markdown=page.body))
    pages += plan_groups(site.tags, "tag.html", "tag", site.tag_url, config, groups=groups)
    pages.append(Page(url=site.tags_url(), template="tags.html", source="tags-index",
                      context={"groups": [(summarise(g), site.tag_url(g.name))
                                 for g in sorted(site.tags, key=lambda g: (-len(g.articles), g.slug))]}))
    pages += plan_groups(site.people, "person.html", "person", site.person_url, config, site.profiles, groups)
    pages.append(Page(url=site.people_url(), template="people.html", source="people-index",
                      context={"groups": [(summarise(g), site.person_url(g.name)) for g in site.people]}))
    pages += plan_archives(site, config, groups)
    pages.append(Page(url="/404.html", template="404.html", source="theme:404.html", in_sitemap=False))
    pages.append(Page(url=site.search_url(), template="search.html", source="search", in_sitemap=False,
                      # The index's folder; its shards are listed in shards.json there, read by the
                      # page itself, so that the page does not change when the layout does.
                      # The filter menus' choices, as the index's filters spell them (the
                      # article template's data-pagefind-filter): no index is loaded to fill them.
                      context={"index": f"/{BUNDLE_DIR}/" if search and site.articles else "",
                               "section_names": [s.title for s in site.sections if s.key in site.by_section],
                               "reporter_names": sorted({name for a in site.articles for name in a.reporters},
                                                   key=str.casefold)}))
    pages += plan_feeds(site, config)
    pages.append(plan_latest(site, config))
    pages += plan_sitemaps(pages, site, config, build_time, groups)
    pages.append(Page(url="/.nojekyll", source="nojekyll", text="", in_sitemap=False))
    return pages


def plan_home(site: SiteData, config: SiteConfig) -> Page:
    """The front page: latest stories, then a block per section of stories not shown above."""
    groups = site.by_section
    latest = site.articles[:config.home_latest]
    shown = {a.source for a in latest}  # each story once on the page
    blocks = [(section, items) for section in site.sections
              if (items := tuple(a for a in groups.get(section.key, ()) if a.source not in shown)
                  [:config.home_per_section])]
    return Page(url="/", template="home.html", source="home",
                context={"latest": latest, "blocks": blocks}, lastmod=_newest(latest))


def plan_articles(site: SiteData, config: SiteConfig, groups: GroupPlanner | None = None) -> list[Page]:
    """One page per article, with its related list and structured data."""
    groups = groups or GroupPlanner()
    pages: list[Page] = []
    people, tags = site._person_slugs, site._tag_slugs
    for article in site.articles:
        section = config.section(article.section)
        related = site.related.get(article.source, ())
        # Link targets are part of the page's data (and so of its fingerprint): a slug can
        # change when a look-alike name appears. The names are the article's; with the
        # folders (settings), their slugs make the addresses.
        names = article.reporters + article.editors
        slugs = [*(people[name] for name in names), *(tags[tag.casefold()] for tag in article.tags)]
        pages += groups.plan_story(article, section, related, slugs,
                                   lambda: [article_page(article, section, related,
                                                         {name: site.person_url(name) for name in names},
                                                         {tag: site.tag_url(tag) for tag in article.tags})])
    return pages


def plan_article(article: Article, site: SiteData, config: SiteConfig) -> Page:
    """The page of one article."""
    return article_page(article, config.section(article.section), site.related.get(article.source, ()),
                        {name: site.person_url(name) for name in article.reporters + article.editors},
                        {tag: site.tag_url(tag) for tag in article.tags})


def article_page(article: Article, section: Section, related: Sequence[Article], person_urls: Mapping[str, str],
                 tag_urls: Mapping[str, str]) -> Page:
    """The page of one article, from everything it shows besides the article."""
    return Page(url=article.url, template="article.html", source=article.source,
                context={"article": article, "section": section, "related": related,
                         "person_urls": person_urls, "tag_urls": tag_urls},
                markdown=article.body, lastmod=article.modified)


def plan_again(page: Page, site: SiteData, config: SiteConfig) -> Page:
    """The full page behind one taken from the last build's plan (`Page.known`), for what
    needs its data: the line of a broken link in a story's or profile's text."""
    if page.known is None:
        return page
    if page.template == "article.html":
        article = next((a for a in site.articles if a.source == page.source), None)
        return plan_article(article, site, config) if article is not None else page
    kind, _, name = page.source.partition(":")
    if kind == "person":
        groups = [g for g in site.people if g.name == name]
        planned = plan_groups(groups, "person.html", "person", site.person_url, config, site.profiles)
        return next((p for p in planned if p.url == page.url), page)
    return page  # listings and the rest show no text of a story's or page's own


def plan_sections(site: SiteData, config: SiteConfig, groups: GroupPlanner | None = None) -> list[Page]:
    """Paginated listing pages for every section."""
    groups = groups or GroupPlanner()
    pages = []
    for section in site.sections:
        # A declared section with no stories yet still gets its page: the menu links to it.
        items = tuple(site.by_section.get(section.key, ()))
        first = site.section_url(section.key)
        pages += groups.plan(("section", section, items, config.per_page, first),
                             lambda: section_pages(section, items, config.per_page, first))
    return pages


def section_pages(section: Section, items: Sequence[Article], per_page: int, first: str) -> list[Page]:
    """The pages of one section's listing."""
    return [Page(url=listing.url, template="section.html", source=f"section:{section.key}",
                 context={"section": section, "listing": listing, "feed_url": first + "feed.xml"},
                 lastmod=_newest(listing.items))
            for listing in paginate(items, per_page, first)]


def plan_groups(groups_of: Sequence[Group], template: str, kind: str, url_of: Any,
                config: SiteConfig, profiles: Mapping[str, Profile] | None = None,
                groups: GroupPlanner | None = None) -> list[Page]:
    """Paginated pages for each tag or person; a person's newest page shows their profile, if any."""
    groups = groups or GroupPlanner()
    pages = []
    for group in groups_of:
        first = url_of(group.name)
        profiled = profiles is not None
        profile = profiles.get(group.slug) if profiles is not None else None
        pages += groups.plan((kind, template, group, first, config.per_page, profiled, profile),
                             lambda: group_pages(group, template, kind, first, config.per_page, profiled, profile))
    return pages


def group_pages(group: Group, template: str, kind: str, first: str, per_page: int, profiled: bool,
                profile: Profile | None) -> list[Page]:
    """The pages of one tag's or person's listing (`profiled`: a person's, which may show a profile)."""
    summary = summarise(group)
    pages = []
    for listing in paginate(group.articles, per_page, first):
        # Only the newest page shows the story count: archived pages stay byte-stable
        # while the tag grows (see ListingPage).
        shown = summary if listing.is_newest else replace(summary, count=None)
        context: dict[str, Any] = {"group": shown, "listing": listing, "feed_url": first + "feed.xml"}
        # Archived pages keep only the stories: editing a bio rewrites one page.
        own = profile if listing.is_newest else None
        if profiled:
            context["profile"] = own
        pages.append(Page(url=listing.url, template=template, source=f"{kind}:{group.name}", context=context,
                          markdown=own.body if own is not None else None, lastmod=_newest(listing.items)))
    return pages


def plan_archives(site: SiteData, config: SiteConfig, groups: GroupPlanner | None = None) -> list[Page]:
    """The archive index, a page per year and a paginated page per month."""
    years: dict[int, list[Month]] = {}
    for month in site.months:
        years.setdefault(month.year, []).append(month)
    pages = [Page(url=site.archive_url(), template="archive.html", source="archive-index",
                  context={"years": [(year, [summarise_month(m) for m in months])
                                     for year, months in sorted(years.items(), reverse=True)]})]
    for year, months in sorted(years.items(), reverse=True):
        pages.append(Page(url=site.archive_url(year), template="archive_year.html", source=f"archive:{year}",
                          context={"year": year, "months": months},
                          lastmod=max((a.modified for m in months for a in m.articles), default=None)))
    # site.months is newest first: the "newer" neighbour of month i is i - 1.
    # Neighbours are named without their counts, so a story added to this month does not
    # change the pages of the month before.
    groups = groups or GroupPlanner()
    summaries = [summarise_month(m) for m in site.months]
    uncounted = [replace(s, count=None) for s in summaries]
    for index, month in enumerate(site.months):
        newer = uncounted[index - 1] if index > 0 else None
        older = uncounted[index + 1] if index + 1 < len(site.months) else None
        first = site.archive_url(month.year, month.month)
        shown, archived = summaries[index], uncounted[index]
        pages += groups.plan(("month", month, shown, archived, newer, older, config.per_page, first),
                             lambda: month_pages(month, shown, archived, newer, older, config.per_page, first))
    return pages


def month_pages(month: Month, shown: MonthSummary, archived: MonthSummary, newer: MonthSummary | None,
                older: MonthSummary | None, per_page: int, first: str) -> list[Page]:
    """The pages of one month's archive listing: `shown` names it on the newest, `archived` on the others."""
    return [Page(url=listing.url, template="archive_month.html", source=f"archive:{month.year}-{month.month:02d}",
                 context={"month": shown if listing.is_newest else archived, "listing": listing,
                          "newer": newer, "older": older},
                 lastmod=_newest(listing.items))
            for listing in paginate(month.articles, per_page, first)]


def plan_feeds(site: SiteData, config: SiteConfig) -> list[Page]:
    """Atom feeds: the whole site, and one per section, tag and person.

    Each feed is rendered with the pages (generator/render/renderer.py), not here: its
    fingerprint then digests its stories as shared records instead of its whole text, and
    an unchanged feed of the hundreds a large archive has is never rendered at all.
    """
    titles = tuple((s.key, s.title) for s in site.sections)

    def feed(url: str, source: str, title: str, page_path: str, articles: Sequence[Article]) -> Page:
        return Page(url=url, source=source, in_sitemap=False, maker=ATOM_MAKER,
                    context={"title": title, "feed_path": url, "page_path": page_path,
                             "articles": tuple(articles[:config.feed_items]), "section_titles": titles})

    pages = [feed("/feed.xml", "feed", config.title, "/", site.articles)]
    groups = site.by_section
    for section in site.sections:
        first = site.section_url(section.key)
        pages.append(feed(first + "feed.xml", f"feed:{section.key}", f"{section.title} | {config.title}", first,
                          groups.get(section.key, [])))
    # Readers follow a topic or a reporter too: a feed beside each tag's and person's page.
    for groups_of, url_of, kind in ((site.tags, site.tag_url, "tag"), (site.people, site.person_url, "person")):
        for group in groups_of:
            first = url_of(group.name)
            pages.append(feed(first + "feed.xml", f"feed:{kind}:{group.name}", f"{group.name} | {config.title}",
                              first, group.articles))
    return pages


def plan_latest(site: SiteData, config: SiteConfig) -> Page:
    """latest.json: the newest stories, loaded in the browser so old pages need no rebuild.

    The theme's latest.json template adds each date as readers see it on the pages (the
    site's language and timezone), which only the theme's strings can format.
    """
    stories = site.articles[:config.latest_items]
    thumbs = [thumb_image(a.image, config.images) for a in stories]  # small variants
    items = [{"title": a.title, "url": link(config.base_path, a.url), "date": iso(a.date),
              "section": config.section(a.section).title,
              "image": link(config.base_path, thumb.url) if thumb else None,
              "image_width": thumb.width if thumb else None,
              "image_height": thumb.height if thumb else None}
             for a, thumb in zip(stories, thumbs)]
    return Page(url="/latest.json", template="latest.json", source="latest", in_sitemap=False,
                context={"items": items, "dates": tuple(a.date for a in stories)})


def plan_sitemaps(pages: Sequence[Page], site: SiteData, config: SiteConfig, build_time: datetime,
                  groups: GroupPlanner | None = None) -> list[Page]:
    """sitemap.xml (split past the protocol's limits), the news sitemap and robots.txt."""
    groups = groups or GroupPlanner()
    listed = [p for p in pages if p.in_sitemap and p.template is not None]

    def sitemaps() -> list[Page]:
        entries = [SitemapEntry(path=p.url, lastmod=p.lastmod) for p in listed]
        return [Page(url=f"/{name}", source="sitemap", text=text, in_sitemap=False)
                for name, text in render_sitemaps(entries, config.base_url).items()]

    result = list(groups.plan(("sitemap", groups.outline(listed)) if groups.remembering else (), sitemaps))
    result.append(Page(url="/sitemap-news.xml", source="sitemap-news", in_sitemap=False,
                       text=render_news_sitemap(site.articles, config, build_time,
                                                publication_name=config.publisher or config.title)))
    result.append(Page(url="/robots.txt", source="robots", in_sitemap=False, text=render_robots(config.base_url)))
    return result


def next_change(articles: Sequence[Article], build_time: datetime) -> datetime | None:
    """The next moment the output changes with no edit.

    That is a scheduled story going live (give it the withheld stories too) or entering
    the news sitemap, or a story leaving the news sitemap.
    """
    # A story more than NEWS_WINDOW old has no moment left: one comparison each for most.
    settled = build_time - NEWS_WINDOW
    moments = [moment for a in articles if a.date > settled
               for moment in (a.date, a.date + NEWS_WINDOW) if moment > build_time]
    return min(moments, default=None)


def _newest(articles: Sequence[Article]) -> datetime | None:
    return max((a.modified for a in articles), default=None)
