"""Render one page: its template with its data, its Markdown body and structured data."""

from __future__ import annotations

import jinja2

from generator.config.site import Section, SiteConfig
from generator.content.markdown import first_paragraph_text, render_markdown
from generator.content.model import Article
from generator.images.markup import body_image_hook
from generator.plan.feeds import render_atom
from generator.plan.pages import ATOM_MAKER, Page, SiteData
from generator.render.compact import compact_page
from generator.render.seo import article_jsonld, breadcrumbs_jsonld, person_jsonld
from generator.render.templates import Theme, make_environment, render_template


class Renderer:
    """Renders pages with one Jinja environment per process."""

    def __init__(self, theme: Theme, config: SiteConfig, site: SiteData, safe: bool,
                 compiled: dict[str, bytes] | None = None):
        self.config, self.site, self.safe = config, site, safe
        self.strings = theme.strings
        self.env = make_environment(theme, config, site, compiled)

    def compile_templates(self) -> None:
        """Compile every template once here, before workers fork, rather than once per worker."""
        for name in self.env.list_templates(filter_func=lambda n: n.endswith(".html")):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError:
                pass  # reported with its page when a page uses it

    def render(self, page: Page) -> str:
        """The text of one page."""
        if page.text is not None:
            return page.text
        if page.maker == ATOM_MAKER:
            context = dict(page.context)
            return render_atom(config=self.config, section_titles=dict(context.pop("section_titles")), **context)
        assert page.template is not None
        context = dict(page.context, page_url=page.url, sections=self.site.sections)
        article, section = page.context.get("article"), page.context.get("section")
        if isinstance(article, Article) and isinstance(section, Section):
            # Structured data follows from the page's own data (article, section, the
            # person_urls) and the config, all in its fingerprint; made here, the plan of
            # 100,000 pages need not hold it.
            context["jsonld"] = article_jsonld(article, section, self.site, self.config)
            context["breadcrumbs_jsonld"] = breadcrumbs_jsonld(article, section, self.strings.get("home", "Home"),
                                                               self.site, self.config)
        profile = page.context.get("profile")
        if page.markdown is not None:
            owner = article if isinstance(article, Article) else page.context.get("page") or profile
            context["content"] = render_markdown(page.markdown, self.config.base_path, self.safe,
                                                 images=body_image_hook(article, self.config),
                                                 path=getattr(owner, "source", page.source),
                                                 first_line=getattr(owner, "body_line", 1), strings=self.strings)
        if "profile" in page.context and page.context["listing"].is_newest:
            name = page.context["group"].name
            bio = first_paragraph_text(page.markdown) if page.markdown else ""
            context["person_jsonld"] = person_jsonld(name, profile, bio, self.site, self.config)
        shown = self.env.fragments_shown  # type: ignore[attr-defined]
        shown.clear()
        text = render_template(self.env, page.template, context)
        return compact_page(text, shown) if page.template.endswith(".html") else text
