"""Where the theme lives and its UI strings: read by every build, even one with nothing to do.

Kept apart from the Jinja environment (generator/render/templates.py) so that a build that
finds nothing changed never imports Jinja, Babel or Markdown.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from generator.config.site import SiteConfig
from generator.errors import BuildError, Diagnostic

PACKAGE_THEMES = Path(__file__).parent.parent / "themes"  # inside an installed wheel
SOURCE_THEMES = Path(__file__).parent.parent.parent / "themes"  # in a checkout or editable install


@dataclass(frozen=True)
class Theme:
    """Where a theme's parts live; a site's own theme folder wins over the packaged one."""

    name: str
    templates: tuple[Path, ...]
    static: tuple[Path, ...]
    strings: Mapping[str, str]


def theme_roots(config: SiteConfig) -> list[Path]:
    """Folders that may hold the configured theme, most specific first."""
    return [root / config.theme for root in (config.source / "themes", PACKAGE_THEMES, SOURCE_THEMES)
            if (root / config.theme).is_dir()]


def load_theme(config: SiteConfig) -> Theme:
    """Find the theme and read its UI strings for the site language."""
    roots = theme_roots(config)
    if not roots:
        raise BuildError([Diagnostic("site.toml", f"theme '{config.theme}' not found",
                                     hint="the packaged theme is 'default'; a site theme lives in themes/NAME/")])
    strings: dict[str, str] = {}
    language = config.language.split("-")[0]
    # Later roots are fallbacks: read them first so the site's own strings override.
    for root in reversed(roots):
        for name in ("en", language):
            path = root / "i18n" / f"{name}.toml"
            if path.is_file():
                try:
                    strings.update(tomllib.loads(path.read_text(encoding="utf-8")))
                except tomllib.TOMLDecodeError as exc:
                    raise BuildError([Diagnostic(str(path), f"invalid TOML: {exc}")]) from None
    return Theme(name=config.theme,
                 templates=tuple(r / "templates" for r in roots if (r / "templates").is_dir()),
                 static=tuple(r / "static" for r in roots if (r / "static").is_dir()),
                 strings=strings)
