"""Person profiles from content/people/<slug>.md: a bio, a photo, a role and links for a person page.

The file's name is the slug of the person page it belongs to (`orang/<slug>/`), so a
profile names a person who has a byline (as reporter or editor) in some story; any other
is an error naming the file, with the nearest slug as a hint.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Iterable

from generator.config.site import SiteConfig
from generator.content.frontmatter import parse_front_matter
from generator.content.model import Profile
from generator.content.slugs import assign_slugs
from generator.content.validate import FieldChecker
from generator.errors import Diagnostic, line_of, suggest

PROFILE_KEYS = ("name", "role", "photo", "links", "extra")
_LINK = re.compile(r"^(https?://\S+|mailto:\S+@\S+)$", re.IGNORECASE)


def parse_profile(rel: str, text: str, config: SiteConfig) -> Profile:
    """Validate one profile's front matter; its Markdown body is the bio."""
    fm = parse_front_matter(text, rel)
    check = FieldChecker(rel, text, fm)
    check.unknown_keys(PROFILE_KEYS)
    name = check.string("name")
    role = check.string("role")
    photo = check.image(config.source, rel, "/", key="photo")
    if photo is not None and photo.file and not photo.src.startswith("/"):
        # Only content/media/ is copied as it is: a file beside the profile would not be published.
        check.error("photo.src", f"photo '{photo.src}' is not in content/media/",
                    hint="put the photo in content/media/ and write /media/name.jpg")
        photo = None
    links = _links(check)
    check.mapping("extra")
    check.done()
    return Profile(source=rel, slug=PurePosixPath(rel).stem, name=name, role=role, photo=photo,
                   links=links, body=fm.body, body_line=fm.body_line, name_line=fm.lines.get("name"))


def _links(check: FieldChecker) -> tuple[tuple[str, str], ...]:
    """`links:` as (label, address) pairs: a mapping of label to http(s) or mailto address."""
    value = check.mapping("links")
    links = []
    for label, address in value.items():
        key = f"links.{label}"
        if not isinstance(address, str) or not _LINK.match(address.strip()):
            check.error(key, f"link '{label}' must be an http(s) or mailto: address",
                        hint=f"write {label}: https://...")
            continue
        links.append((str(label), address.strip()))
    return tuple(links)


def check_profiles(profiles: Iterable[Profile], names: Iterable[str], texts: dict[str, str]) -> list[Diagnostic]:
    """Problems of profiles that fit no person page: every name with a byline in any story
    file (drafts and scheduled ones too, so a profile can wait for a reporter's first story)."""
    slugs = assign_slugs(list(dict.fromkeys(names)))
    by_slug = {slug: name for name, slug in slugs.items()}
    problems = []
    for profile in profiles:
        person = by_slug.get(profile.slug)
        text = texts.get(profile.source, "")
        if person is None:
            hint = suggest(profile.slug, sorted(by_slug))
            problems.append(Diagnostic(profile.source, f"no story names a person with the slug '{profile.slug}': "
                                       "a profile's file name is the slug of a reporter's or editor's page",
                                       line=1, source_line=line_of(text, 1),
                                       hint=hint or "name the file after the person page, e.g. content/people/"
                                                    "rina-wulandari.md for /orang/rina-wulandari/"))
        elif profile.name and profile.name != person:
            line = profile.name_line or 1
            problems.append(Diagnostic(profile.source, f"name '{profile.name}' is not the byline of this page, "
                                       f"'{person}'", line=line, source_line=line_of(text, line),
                                       hint=f"write name: {person}, or leave 'name' out"))
    return problems

