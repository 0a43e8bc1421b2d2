"""`sitegen init` and `sitegen new`: start a site, start a story.

The files written come from templates in `generator/scaffold/` (package data). Neither
function reads the clock: the command line passes `now`, as it does for builds.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import jinja2

from generator import __version__
from generator.config.options import BuildOptions
from generator.config.site import SiteConfig, load_config
from generator.content.parse import parse_article
from generator.content.placeholders import PLACEHOLDERS
from generator.content.slugs import is_url_safe, slugify
from generator.errors import BuildError, Diagnostic, suggest

TEMPLATES = Path(__file__).with_name("scaffold")
WORKFLOW = ".github/workflows/pages.yml"
# `init --deploy`: where the site is published -> (workflow written, its template).
WORKFLOWS = {"pages": (WORKFLOW, "pages.yml"), "s3": (".github/workflows/deploy.yml", "s3.yml")}
ARCHETYPE = "archetypes/article.md"
EXAMPLE_TITLE = "Warga Gotong Royong Bersihkan Pantai Kampung Nelayan"
# Entries a folder may already hold and still count as empty for `init`.
IGNORED_ENTRIES = (".git",)


# The distribution's name on PyPI (the command and the import package stay `sitegen` and
# `generator`). The bare name "sitegen" on PyPI is an unrelated project.
DISTRIBUTION = "sitegen-news"
_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:[\[@=<>!~;(]|$)")


@dataclass(frozen=True)
class Requirement:
    """A pip requirement for the workflow, and what `init` tells the user about it."""

    spec: str
    note: str  # where it comes from, or why it may not resolve
    certain: bool = True  # False: sitegen could not tell how it was installed


def default_requirement() -> Requirement:
    """How the running sitegen was installed, as a pip requirement CI can install again.

    pip records a direct install (PEP 610, `direct_url.json`): from git it is pinned to the
    commit, from an archive URL to that archive. An install from a package index, or an
    install whose source a runner cannot reach (a local folder, a URL with credentials),
    gives `sitegen-news==VERSION`, the latter with a note saying so.
    """
    pinned = f"{DISTRIBUTION}=={__version__}"
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return Requirement(pinned, f"sitegen {__version__} is not installed as the {DISTRIBUTION} distribution "
                                   "(run from a source tree?), so its source is unknown", certain=False)
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "null")
    except ValueError:
        direct = None
    if not isinstance(direct, dict):
        return Requirement(pinned, "the version installed here, from a package index")
    url = str(direct.get("url", ""))
    parts = urlsplit(url)
    reachable = parts.scheme in ("https", "ssh") and parts.username in (None, "git") and parts.password is None
    vcs, archive = direct.get("vcs_info"), direct.get("archive_info")
    if isinstance(vcs, dict) and vcs.get("commit_id") and reachable:
        return Requirement(f"{DISTRIBUTION} @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}",
                           "the git source and commit this sitegen was installed from")
    if isinstance(archive, dict) and parts.scheme == "https" and parts.username is None:
        hashes = archive.get("hashes")
        digest = next(iter(sorted(hashes.items())), None) if isinstance(hashes, dict) else None
        return Requirement(f"{DISTRIBUTION} @ {url}" + (f"#{digest[0]}={digest[1]}" if digest else ""),
                           "the archive this sitegen was installed from")
    if parts.scheme == "file":
        where = f"the local folder {unquote(parts.path)}" if isinstance(direct.get("dir_info"), dict) \
            else f"the local file {unquote(parts.path)}"
    else:
        where = "a URL with a user name or an unusual scheme, which is not copied into a workflow"
    return Requirement(pinned, f"sitegen was installed from {where}, which GitHub's runners cannot reach",
                       certain=False)


def check_requirement(requirement: str) -> str:
    """The requirement, stripped; a BuildError when it cannot be one, or names PyPI's other "sitegen"."""
    requirement = requirement.strip()
    example = f"e.g. {DISTRIBUTION}==0.1.0 or '{DISTRIBUTION} @ git+https://github.com/ORG/sitegen@v0.1.0'"
    if not requirement or "\n" in requirement or "\r" in requirement:
        raise BuildError([Diagnostic("--requirement", f"not a pip requirement: {requirement!r}", hint=example)])
    name = _NAME.match(requirement)
    if name and re.sub(r"[-_.]+", "-", name.group(1)).lower() == "sitegen":
        raise BuildError([Diagnostic("--requirement", f"{requirement!r} names the distribution 'sitegen': on PyPI "
                                     f"that is an unrelated project, and this one is called {DISTRIBUTION!r}",
                                     hint=example)])
    return requirement


def render_workflow(requirement: str, cache_paths: Sequence[str] | None = None, deploy: str = "pages") -> str:
    """The publishing workflow (GitHub Pages, or `sitegen deploy` to S3 for "s3"), installing
    sitegen from the pip `requirement`.

    `cache_paths` are the files whose change renews the pip cache (default: the workflow).
    """
    requirement = check_requirement(requirement)
    workflow, template = WORKFLOWS[deploy]
    cache_paths = cache_paths if cache_paths is not None else (workflow,)
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    paths = "\n".join(" " * 12 + path for path in cache_paths)
    return (text.replace("__SITEGEN_REQUIREMENT__", json.dumps(requirement, ensure_ascii=False))
            .replace("__CACHE_DEPENDENCY_PATHS__", paths))


def init_site(target: Path, now: datetime, requirement: str | None = None, deploy: str = "pages") -> list[str]:
    """Write a new, working site into `target` (new or empty); returns the files written.

    The workflow installs sitegen from `requirement`, by default `default_requirement()`,
    and publishes on GitHub Pages, or with `sitegen deploy` when `deploy` is "s3".
    """
    if target.exists() and not target.is_dir():
        raise BuildError([Diagnostic(str(target), "is a file, not a folder",
                                     hint="sitegen init DIR writes a new site into an empty or new folder")])
    if target.is_dir():
        present = sorted(p.name for p in target.iterdir() if p.name not in IGNORED_ENTRIES)
        if present:
            shown = ", ".join(present[:5]) + (f" and {len(present) - 5} more" if len(present) > 5 else "")
            raise BuildError([Diagnostic(str(target), f"folder is not empty ({shown}); nothing was changed",
                                         hint="sitegen init writes a new site into an empty or new folder: "
                                              "choose another, e.g. sitegen init kabar-kota")])
    workflow = render_workflow(requirement or default_requirement().spec, deploy=deploy)
    config_text = (TEMPLATES / "site.toml").read_text(encoding="utf-8")
    if deploy == "s3":  # the bucket named after the folder; the rest as the comments explain
        bucket = slugify(target.resolve().name) or "situs-berita"
        config_text = config_text.replace('#[deploy]\n# The bucket\'s name.\n#bucket = ""',
                                          f'[deploy]\n# The bucket\'s name.\nbucket = "{bucket}"')
    local = now.astimezone(ZoneInfo(tomllib.loads(config_text)["timezone"]))
    slug = slugify(EXAMPLE_TITLE)
    article_rel = f"content/articles/{local:%Y}/{local:%m}/{slug}.md"
    article = ((TEMPLATES / "example-article.md").read_text(encoding="utf-8")
               .replace("__DATE__", local.strftime("%Y-%m-%d %H:%M")).replace("__SLUG__", slug))
    files: dict[str, str | bytes] = {
        "site.toml": config_text,
        ".gitignore": (TEMPLATES / "gitignore").read_text(encoding="utf-8"),
        WORKFLOWS[deploy][0]: workflow,
        "content/pages/tentang.md": (TEMPLATES / "tentang.md").read_text(encoding="utf-8"),
        article_rel: article,
        f"content/media/{slug}.jpg": example_image(),
    }
    for rel, data in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return list(files)


def example_image(width: int = 1200, height: int = 675) -> bytes:
    """The example story's lead image: a drawn sunrise over the sea with fishing boats.

    Drawn here, so the scaffold ships no photo and needs no credit but sitegen's own.
    """
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.58)
    top, low = (38, 62, 120), (250, 170, 110)
    for y in range(horizon):
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, low)))
    sun_x, sun_r = int(width * 0.62), int(height * 0.11)
    draw.ellipse([sun_x - sun_r, horizon - sun_r, sun_x + sun_r, horizon + sun_r], fill=(255, 214, 140))
    deep, near = (40, 70, 110), (20, 40, 70)
    for y in range(horizon, height):
        t = (y - horizon) / (height - horizon)
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(deep, near)))
    for i in range(14):  # the sun's reflection
        y = horizon + 8 + i * 14
        half = int(sun_r * (1 - i / 16))
        draw.line([(sun_x - half, y), (sun_x + half, y)], fill=(240, 180, 120), width=3)
    for x, y, size in ((int(width * 0.2), horizon + 40, 1.0), (int(width * 0.82), horizon + 90, 1.4)):
        hull = [(x - 60 * size, y), (x + 60 * size, y), (x + 40 * size, y + 18 * size), (x - 40 * size, y + 18 * size)]
        draw.polygon(hull, fill=(25, 25, 35))
        draw.line([(x, y), (x, y - 70 * size)], fill=(25, 25, 35), width=max(2, int(3 * size)))
        draw.polygon([(x + 3, y - 68 * size), (x + 3, y - 12 * size), (x + 45 * size, y - 12 * size)], fill=(235, 225, 210))
    out = BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def new_article(source: Path, title: str, section: str, now: datetime, reporters: Sequence[str] = (),
                editors: Sequence[str] = ()) -> tuple[str, bool]:
    """Write `content/articles/YYYY/MM/<slug>.md` for a new story; returns its path and
    whether it is a draft (the packaged archetype writes `draft: true`).

    The front matter comes from the archetype `themes/<theme>/archetypes/article.md` of
    the site, else the packaged one; the date is `now` in the site's timezone. Refuses to
    overwrite a file and checks the section against site.toml.
    """
    config = load_config(BuildOptions(source=source, out=source / "public", build_time=now))
    title = " ".join(title.split())
    if not title:
        raise BuildError([Diagnostic("sitegen new", "the headline is empty",
                                     hint='sitegen new "Judul berita" --section KEY')])
    _check_section(section, config)
    slug = slugify(title)
    if not is_url_safe(slug) or slug == "x" and title.lower() != "x":
        raise BuildError([Diagnostic("sitegen new", f"cannot make a file name from the headline {title!r}",
                                     hint="use a headline with letters or digits")])
    local = now.astimezone(config.tz)
    rel = f"content/articles/{local:%Y}/{local:%m}/{slug}.md"
    path = source / rel
    for existing in (path, path.with_suffix("") / "index.md"):
        if existing.exists():
            raise BuildError([Diagnostic(existing.relative_to(source).as_posix(), "this story already exists; "
                                         "sitegen new never overwrites a file",
                                         hint="edit that file, or choose another headline")])
    archetype = archetype_path(config)
    text = render_archetype(archetype, source, {
        "title": title, "slug": slug, "section": section, "date": local.strftime("%Y-%m-%d %H:%M"),
        "reporters": [" ".join(r.split()) for r in reporters if r.strip()],
        "editors": [" ".join(e.split()) for e in editors if e.strip()], "placeholder": PLACEHOLDERS})
    article = parse_article(rel, text, config)  # a broken archetype fails here, before anything is written
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:  # written by someone else in the meantime
        raise BuildError([Diagnostic(rel, "this story already exists; sitegen new never overwrites a file")]) from None
    return rel, article.draft


def archetype_path(config: SiteConfig) -> Path:
    """The site's own archetype for new stories when it has one, else the packaged one."""
    own = config.source / "themes" / config.theme / ARCHETYPE
    return own if own.is_file() else TEMPLATES / ARCHETYPE


def render_archetype(path: Path, source: Path, values: dict[str, Any]) -> str:
    """Fill in an archetype (a Jinja template; `| yaml` quotes a value for front matter)."""
    try:
        shown = path.relative_to(source).as_posix()
    except ValueError:
        shown = str(path)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["yaml"] = lambda value: json.dumps(value, ensure_ascii=False)
    try:
        return env.from_string(path.read_text(encoding="utf-8")).render(values)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError([Diagnostic(shown, f"template error: {exc.message}", line=exc.lineno)]) from None
    except jinja2.UndefinedError as exc:
        raise BuildError([Diagnostic(shown, f"template error: {exc.message}",
                                     hint="an archetype can use title, slug, section, date, reporters, editors, "
                                          "placeholder.lead")]) from None


def _check_section(section: str, config: SiteConfig) -> None:
    keys = [s.key for s in config.sections]
    if keys and section not in keys:
        raise BuildError([Diagnostic("site.toml", f"unknown section '{section}' (--section)",
                                     hint=suggest(section, keys) or f"sections in site.toml: {', '.join(keys)}")])
    if not keys and not is_url_safe(section):
        raise BuildError([Diagnostic("sitegen new", f"section '{section}' is not URL-safe",
                                     hint=f"use lowercase letters, digits and hyphens, e.g. '{slugify(section)}'")])
