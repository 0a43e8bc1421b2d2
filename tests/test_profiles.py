"""Person profiles from content/people/<slug>.md: the person page's bio, photo, role, links and JSON-LD."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.errors import BuildError
from tests.conftest import build_into
from tests.test_incremental import snapshot

PROFILE = """---
name: Sari Lestari
role: Reporter kota
photo:
  src: /media/jembatan.jpg
  alt: Foto Sari Lestari
  credit: "Foto: Warta Uji"
links:
  Surel: mailto:sari@example.org
  Mastodon: https://example.social/@sari
---

Sari Lestari meliput *kota* sejak 2020.

Paragraf kedua bionya.
"""
PAGE = "orang/sari-lestari/index.html"


def write_profile(site: Path, slug: str = "sari-lestari", text: str = PROFILE) -> Path:
    path = site / "content/people" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def jsonld_blocks(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]


def errors_of(site: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(BuildError) as caught:
        build_into(site, tmp_path / "out")
    return [f"{d.path}:{d.line}: {d.message} ({d.hint})" for d in caught.value.diagnostics]


def test_a_profile_adds_bio_photo_role_and_links_to_the_person_page(basic_site: Path, tmp_path: Path) -> None:
    write_profile(basic_site)
    out = tmp_path / "public"
    build_into(basic_site, out)
    html = (out / PAGE).read_text(encoding="utf-8")
    profile = html[html.index('<section class="profile"'):html.index("</section>")]
    assert "<p>Sari Lestari meliput <em>kota</em> sejak 2020.</p>" in profile and "Paragraf kedua" in profile
    assert '<p class="profile-role">Reporter kota</p>' in profile
    assert 'alt="Foto Sari Lestari" loading="eager" fetchpriority="high"' in profile and "/media/_v/" in profile
    assert '<figcaption class="credit">Foto: Warta Uji</figcaption>' in profile
    assert '<a href="mailto:sari@example.org" rel="me noopener">Surel</a>' in profile
    # The profile photo is the page's one eager image; the first card's photo waits.
    assert html.count('loading="eager"') == 1
    person = next(b for b in jsonld_blocks(html) if b["@type"] == "ProfilePage")["mainEntity"]
    assert person["@type"] == "Person" and person["name"] == "Sari Lestari" and person["jobTitle"] == "Reporter kota"
    assert person["description"] == "Sari Lestari meliput kota sejak 2020."
    assert person["sameAs"] == ["https://example.social/@sari"]  # the mailto: address is no profile elsewhere
    assert person["url"] == "https://example.org/orang/sari-lestari/" and person["image"].startswith("https://example.org/media/")
    # Archived pages of the person keep only the stories.
    archived = (out / "orang/sari-lestari/page/1/index.html").read_text(encoding="utf-8")
    assert 'class="profile"' not in archived and "ProfilePage" not in archived


def test_a_person_without_a_profile_gets_a_plain_page_with_person_json_ld(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    html = (out / "orang/dodi-hartono/index.html").read_text(encoding="utf-8")
    assert 'class="profile"' not in html
    person = next(b for b in jsonld_blocks(html) if b["@type"] == "ProfilePage")["mainEntity"]
    assert person["name"] == "Dodi Hartono" and "jobTitle" not in person and "description" not in person


def test_cards_on_a_person_page_name_only_the_stories_they_edited(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    reporter = (out / PAGE).read_text(encoding="utf-8")
    assert 'class="role"' not in reporter and ">Reporter<" not in reporter.split("<main", 1)[1]
    editor = (out / "orang/dodi-hartono/index.html").read_text(encoding="utf-8")
    assert editor.count('<p class="role">Editor</p>') == 1  # per_page = 1: one card


def test_a_profile_of_nobody_with_a_byline_is_an_error_naming_the_file_with_the_nearest_slug(
        basic_site: Path, tmp_path: Path) -> None:
    write_profile(basic_site, "sari-lestary", PROFILE.replace("name: Sari Lestari\n", ""))
    assert errors_of(basic_site, tmp_path) == [
        "content/people/sari-lestary.md:1: no story names a person with the slug 'sari-lestary': a profile's "
        "file name is the slug of a reporter's or editor's page (did you mean 'sari-lestari'?)"]


def test_a_profile_whose_name_is_not_the_byline_is_an_error_at_its_line(basic_site: Path, tmp_path: Path) -> None:
    write_profile(basic_site, text=PROFILE.replace("name: Sari Lestari", "name: Sari Lestarie"))
    assert errors_of(basic_site, tmp_path) == [
        "content/people/sari-lestari.md:2: name 'Sari Lestarie' is not the byline of this page, 'Sari Lestari' "
        "(write name: Sari Lestari, or leave 'name' out)"]


def test_bad_front_matter_names_file_and_line(basic_site: Path, tmp_path: Path) -> None:
    text = PROFILE.replace("role: Reporter kota", "role: [a, b]\nbio: x").replace(
        "  Mastodon: https://example.social/@sari", "  Mastodon: example.social/@sari")
    write_profile(basic_site, text=text)
    found = errors_of(basic_site, tmp_path)
    assert "content/people/sari-lestari.md:3: 'role' must be text, not a list (None)" in found
    assert "content/people/sari-lestari.md:4: unknown key 'bio' (put theme-specific data under 'extra:')" in found
    assert ("content/people/sari-lestari.md:11: link 'Mastodon' must be an http(s) or mailto: address "
            "(write Mastodon: https://...)") in found


def test_a_photo_must_be_a_file_of_content_media(basic_site: Path, tmp_path: Path) -> None:
    write_profile(basic_site, text=PROFILE.replace("/media/jembatan.jpg", "/media/sari.jpg"))
    assert errors_of(basic_site, tmp_path) == [
        "content/people/sari-lestari.md:5: image file not found: content/media/sari.jpg (None)"]
    shutil.copy(basic_site / "content/media/jembatan.jpg", basic_site / "content/people/sari.jpg")
    write_profile(basic_site, text=PROFILE.replace("/media/jembatan.jpg", "sari.jpg"))
    assert errors_of(basic_site, tmp_path) == [
        "content/people/sari-lestari.md:5: photo 'sari.jpg' is not in content/media/ "
        "(put the photo in content/media/ and write /media/name.jpg)"]


def test_a_profile_may_wait_for_a_reporters_first_story_in_a_draft(basic_site: Path, tmp_path: Path) -> None:
    story = basic_site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    draft = story.with_name("draf-baru.md")
    draft.write_text(story.read_text(encoding="utf-8").replace("editor: Dodi Hartono", "reporter: Wulan Sari\ndraft: true"),
                     encoding="utf-8")
    write_profile(basic_site, "wulan-sari", "---\nrole: Reporter\n---\nBaru bergabung.\n")
    out = tmp_path / "public"
    build_into(basic_site, out)
    assert not (out / "orang/wulan-sari").exists()


def test_editing_a_profile_rewrites_that_person_page_only(basic_site: Path, tmp_path: Path) -> None:
    path = write_profile(basic_site)
    out = tmp_path / "public"
    build_into(basic_site, out)
    path.write_text(PROFILE.replace("sejak 2020", "sejak 2021"), encoding="utf-8")
    report = build_into(basic_site, out)
    assert report.changed == [PAGE]
    assert "sejak 2021" in (out / PAGE).read_text(encoding="utf-8")
    assert snapshot(out) == snapshot(build_into_clean(basic_site, tmp_path / "clean-1"))
    path.unlink()
    report = build_into(basic_site, out)
    assert report.changed == [PAGE] and 'class="profile"' not in (out / PAGE).read_text(encoding="utf-8")
    assert snapshot(out) == snapshot(build_into_clean(basic_site, tmp_path / "clean-2"))


def build_into_clean(site: Path, out: Path) -> Path:
    build_into(site, out, clean=True)
    return out
