"""Structured data and social metadata for search engines and link previews."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.config.site import Section, SiteConfig
from generator.content.model import Article, Profile
from generator.dates import iso
from generator.images.variants import share_image

if TYPE_CHECKING:  # pages.py imports this module; the type is only for annotations
    from generator.plan.pages import SiteData


def absolute(config: SiteConfig, path: str) -> str:
    """An absolute URL under base_url for a site path."""
    if "://" in path:
        return path
    return config.base_url.rstrip("/") + path


def article_jsonld(article: Article, section: Section, site: "SiteData", config: SiteConfig) -> dict[str, Any]:
    """schema.org NewsArticle for one article; serialised with Jinja's HTML-safe tojson."""
    url = absolute(config, article.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": iso(article.date),
        "dateModified": iso(article.modified),
        "inLanguage": config.language,
        "articleSection": section.title,
        "author": [_person(name, site, config) for name in article.reporters],
        "publisher": {"@type": "Organization", "name": config.publisher or config.title,
                      "url": config.base_url},
    }
    if not article.reporters:
        # Google asks for an author; a story without a byline is the newsroom's own.
        data["author"] = [{"@type": "Organization", "name": config.publisher or config.title,
                           "url": config.base_url}]
    if article.editors:
        data["editor"] = [_person(name, site, config) for name in article.editors]
    if article.tags:
        data["keywords"] = list(article.tags)
    shared = share_image(article.image, config.images)  # a large variant, else the original
    if article.image and shared:
        image: dict[str, Any] = {"@type": "ImageObject", "url": absolute(config, shared.url)}
        if shared.width:
            image["width"] = shared.width
            image["height"] = shared.height
        if article.image.caption:
            image["caption"] = article.image.caption
        if article.image.credit:
            image["creditText"] = article.image.credit
        data["image"] = image
    return data


def breadcrumbs_jsonld(article: Article, section: Section, home_name: str, site: "SiteData",
                       config: SiteConfig) -> dict[str, Any]:
    """schema.org BreadcrumbList of an article page: home, its section, the story, as its breadcrumbs show."""
    trail = [(home_name, "/"), (section.title, site.section_url(section.key)), (article.title, article.url)]
    return {"@context": "https://schema.org", "@type": "BreadcrumbList",
            "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": absolute(config, path)}
                                for n, (name, path) in enumerate(trail, start=1)]}


def person_jsonld(name: str, profile: Profile | None, bio: str, site: "SiteData",
                  config: SiteConfig) -> dict[str, Any]:
    """schema.org ProfilePage about one Person: name and page, and the profile's role, bio, photo and links."""
    person: dict[str, Any] = {"@type": "Person", **_person(name, site, config)}
    del person["url"]  # as mainEntity of its own page, the person's @id is the page
    url = absolute(config, site.person_url(name))
    person["@id"] = url + "#person"
    person["url"] = url
    if profile is not None:
        if profile.role:
            person["jobTitle"] = profile.role
        if bio:
            person["description"] = bio
        shared = share_image(profile.photo, config.images)
        if profile.photo and shared:
            person["image"] = absolute(config, shared.url)
        links = [address for _, address in profile.links if address.startswith(("http://", "https://"))]
        if links:
            person["sameAs"] = links
    person["worksFor"] = {"@type": "Organization", "name": config.publisher or config.title, "url": config.base_url}
    return {"@context": "https://schema.org", "@type": "ProfilePage", "url": url, "mainEntity": person}


def _person(name: str, site: "SiteData", config: SiteConfig) -> dict[str, str]:
    return {"@type": "Person", "name": name, "url": absolute(config, site.person_url(name))}
