"""Broken internal links, for `sitegen check` and every build.

Each rendered HTML page gives its internal links and ids (`output.links.page_links`). A
build keeps them for every page of the output in `.sitegen/` (a `LinkBook`), so that an
incremental build checks only what can have broken: the pages it rewrote, pages whose
links were broken last time, pages linking to files it removed, and pages whose
`#fragment` links point into a page it rewrote (whose ids may have changed).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import SplitResult, urlsplit

from generator.config.options import BuildOptions
from generator.config.site import SiteConfig
from generator.content.markdown import LinkRef, body_links
from generator.content.model import Article, Content
from generator.errors import Diagnostic, sort_key, suggest
from generator.output.files import Output
from generator.output.links import PageLinks, broken_in, page_links, target_of
from generator.plan.pages import Page
from generator.urls import output_path
from generator.search.pagefind import BUNDLE_DIR

BOOK_KEY = "links-1"
SUGGESTED = 50  # broken links that get a "did you mean" hint  # the format of the cached LinkBook
Broken = tuple[str, str, "str | None"]  # (link, output path, missing fragment or None)


@dataclass
class LinkBook:
    """Every HTML page's links and ids, compactly: each distinct link and id stored once."""

    links: list[tuple[str, str, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    pages: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # rel -> link and id numbers
    broken: dict[str, tuple[Broken, ...]] = field(default_factory=dict)  # rel -> its broken links now
    _link_no: dict[tuple[str, str, str], int] = field(default_factory=dict, repr=False)
    _id_no: dict[str, int] = field(default_factory=dict, repr=False)

    def put(self, rel: str, record: PageLinks) -> None:
        """Remember one page's links and ids."""
        links = array("I", (self._number(self.links, self._link_no, link) for link in record.links))
        ids = array("I", (self._number(self.ids, self._id_no, name) for name in sorted(record.ids)))
        self.pages[rel] = (links.tobytes(), ids.tobytes())

    def record(self, rel: str) -> PageLinks:
        """One page's links and ids as `page_links` gave them."""
        links, ids = self.pages[rel]
        return PageLinks(tuple(self.links[n] for n in _numbers(links)), frozenset(self.ids[n] for n in _numbers(ids)))

    def ids_of(self, rel: str) -> frozenset[str] | None:
        """The ids of the page at `rel`, None when no HTML page is there."""
        entry = self.pages.get(rel)
        return None if entry is None else frozenset(self.ids[n] for n in _numbers(entry[1]))

    def linking_to(self, rels: Iterable[str], fragments_only: bool) -> set[str]:
        """Pages with a link into one of `rels` (with `fragments_only`, a #fragment link into
        another page than their own)."""
        wanted = set(rels)
        wanted |= {rel[:-len("/index.html")] for rel in wanted if rel.endswith("/index.html")}
        hits = {n for n, (_, target, fragment) in enumerate(self.links)
                if target in wanted and (fragment or not fragments_only)}
        if not hits:
            return set()
        return {rel for rel, (links, _) in self.pages.items()
                if any(n in hits and not (fragments_only and self.links[n][1] == rel) for n in _numbers(links))}

    def to_cache(self) -> dict[str, Any]:
        """Plain values for the cache (its loader builds no other types)."""
        return {"links": self.links, "ids": self.ids, "pages": self.pages, "broken": self.broken}

    @classmethod
    def from_cache(cls, value: Any) -> LinkBook | None:
        """The book a build saved, or None when the value is not one."""
        try:
            book = cls(list(value["links"]), list(value["ids"]), dict(value["pages"]), dict(value["broken"]))
        except (TypeError, KeyError):
            return None
        book._link_no = {link: n for n, link in enumerate(book.links)}
        book._id_no = {name: n for n, name in enumerate(book.ids)}
        return book

    @staticmethod
    def _number(table: list[Any], numbers: dict[Any, int], item: Any) -> int:
        number = numbers.get(item)
        if number is None:
            number = numbers[item] = len(table)
            table.append(item)
        return number


def _numbers(packed: bytes) -> array:
    numbers = array("I")
    numbers.frombytes(packed)
    return numbers


def update_book(book: LinkBook | None, fresh: Mapping[str, PageLinks], html: Mapping[str, Page], base: SplitResult,
                targets: frozenset[str], prefixes: tuple[str, ...], removed: Sequence[str],
                read_output: Callable[[str], str | None]) -> LinkBook:
    """The book after a build that rendered the pages in `fresh`, their broken links checked.

    `html` holds every HTML page of the output by its path. Those neither rendered nor
    remembered are read from the output (`read_output`; None when unreadable: then their
    links are not known).
    """
    old = book
    book = LinkBook.from_cache(old.to_cache()) if old is not None else LinkBook()
    assert book is not None
    for rel in [rel for rel in book.pages if rel not in html]:
        del book.pages[rel]
        book.broken.pop(rel, None)
    for rel, record in fresh.items():
        book.put(rel, record)
    missing = [rel for rel in html if rel not in book.pages]
    for rel in missing:
        text = read_output(rel)
        if text is not None:
            book.put(rel, page_links(text, html[rel].url, rel, base))
    if old is None:
        check = set(book.pages)
    else:
        check = set(fresh) | set(missing) | set(book.broken)
        if removed:
            check |= book.linking_to(removed, fragments_only=False)
        if fresh:
            check |= book.linking_to(fresh, fragments_only=True)
    for rel in check & set(book.pages):
        found = broken_in(book.record(rel), targets, prefixes, book.ids_of)
        if found:
            book.broken[rel] = tuple(found)
        else:
            book.broken.pop(rel, None)
    return book


def build_links(book: LinkBook | None, fresh: Mapping[str, PageLinks], outputs: Sequence[Output],
                removed: Sequence[str], options: BuildOptions, config: SiteConfig, content: Content,
                read_output: Callable[[str], str | None], skip: frozenset[str] = frozenset(),
                full_page: Callable[[Page], Page] = lambda page: page) -> tuple[LinkBook, list[Diagnostic]]:
    """A build's link check: the updated book and a diagnostic (an error, whatever the
    `[links] broken` mode: see `in_mode`) for each broken link in the output.

    `full_page` gives the data of a page taken from the last build's plan, whose broken
    link is then found at its line in the story's text."""
    targets = frozenset(o.rel for o in outputs)
    html = {o.rel: o.page for o in outputs if o.page is not None and o.page.template is not None}
    prefixes = (BUNDLE_DIR + "/",) if options.search else ()
    book = update_book(book, fresh, html, urlsplit(config.base_url), targets, prefixes, removed, read_output)
    if not book.broken:
        return book, []
    scheduled = {str(output_path(a.url)): a for a in content.scheduled if not options.future}
    broken = [(full_page(html[rel]), link, target, fragment) for rel, found in sorted(book.broken.items())
              for link, target, fragment in found]
    return book, sorted(link_diagnostics(broken, config, targets, scheduled, options.safe, book.ids_of, skip),
                        key=sort_key)


def left_out(problems: Iterable[Diagnostic]) -> frozenset[str]:
    """The slugs of the stories and pages left out for their errors (`read(defer=True)`)."""
    slugs = set()
    for diag in problems:
        path = PurePosixPath(diag.path)
        if diag.path.startswith("content/") and path.suffix == ".md":
            slugs.add(path.parent.name if path.stem == "index" else path.stem)
    return frozenset(slugs)


def link_diagnostics(broken: Iterable[tuple[Page, str, str, str | None]], config: SiteConfig, targets: frozenset[str],
                     scheduled: Mapping[str, Article], safe: bool, ids_of: Callable[[str], frozenset[str] | None],
                     skip: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """Diagnostics for broken links: at the line of the story or page that holds the link,
    or one per link of a template (naming a page that shows it). Links to a page whose
    last segment is in `skip` (a story left out for its errors, see `left_out`) are not
    reported: its own errors are."""
    diags: list[Diagnostic] = []
    suggesting = [SUGGESTED]  # "did you mean" compares with every output path: for the first few only
    from_templates: dict[tuple[str, str, str | None], list[str]] = {}
    for page, link, rel, fragment in broken:
        if skip and rel.removesuffix("index.html").rstrip("/").rsplit("/", 1)[-1] in skip:
            continue
        diag = _broken_link(page, link, rel, fragment, config, targets if suggesting[0] > 0 else frozenset(),
                            scheduled.get(rel), safe, ids_of)
        suggesting[0] -= 1
        if diag is not None:
            diags.append(diag)
        else:
            from_templates.setdefault((page.template or page.source, link, fragment), []).append(page.url)
    for (template, link, fragment), urls in from_templates.items():
        others = f" (and {len(urls) - 1} other page{'s' if len(urls) > 2 else ''})" if len(urls) > 1 else ""
        what = f"names no element with id '{fragment}'" if fragment is not None else "names no page or file of the site"
        diags.append(Diagnostic(f"theme:{template}", f"link to {link} on {urls[0]}{others} {what}",
                                hint="check the link in the template"))
    return diags


@lru_cache(maxsize=16)  # a page with several broken links is parsed once
def _body_links(text: str, base_path: str, safe: bool) -> tuple[LinkRef, ...]:
    return tuple(body_links(text, base_path, safe))


def _broken_link(page: Page, link: str, rel: str, fragment: str | None, config: SiteConfig, targets: frozenset[str],
                 scheduled: Article | None, safe: bool, ids_of: Callable[[str], frozenset[str] | None]
                 ) -> Diagnostic | None:
    """A diagnostic at the line of the Markdown body that holds the link, or None when the
    link is not in the page's own text (then it comes from a template).

    The body's links are found by the Markdown parser (`body_links`), so every form of
    link is found at its own line, and nothing in the front matter is mistaken for it.
    """
    if page.markdown is None:
        return None
    owner = page.context.get("article") or page.context.get("page")
    body_line = getattr(owner, "body_line", 1)
    base = urlsplit(config.base_url)
    refs = _body_links(page.markdown, config.base_path, safe)
    ref = next((r for r in refs if r.url == link), None) \
        or next((r for r in refs if target_of(r.url, page.url, base) == rel), None)
    if ref is None:
        return None
    line = body_line + ref.line
    source_line = page.markdown.split("\n")[ref.line]
    if fragment is not None:
        ids = ids_of(rel) or ids_of(rel + "/index.html") or frozenset()
        return Diagnostic(page.source, f"link to {link}: its page has no element with id '{fragment}'", line=line,
                          source_line=source_line, hint=suggest(fragment, ids) or "a #fragment names the id of a "
                          "heading or other element of the page it links to")
    if scheduled is not None:
        return Diagnostic(page.source, f"link to {link}: a scheduled story ({scheduled.source}) that goes live "
                                       f"{scheduled.date.isoformat(sep=' ', timespec='minutes')}",
                          line=line, source_line=source_line, severity="warning",
                          hint="the link is broken on the site until then (build with --future to preview)")
    wanted = rel[:-len("index.html")] if rel.endswith("/index.html") else rel
    close = suggest(wanted, [t[:-len("index.html")] if t.endswith("/index.html") else t for t in targets])
    return Diagnostic(page.source, f"link to {link} names no page or file of the site", line=line,
                      source_line=source_line, hint=close or "links to articles follow the permalink "
                                                             f"pattern {config.permalink}")
