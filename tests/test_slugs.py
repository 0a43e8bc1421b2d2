"""Slugs transliterate what ASCII lacks, keep numbers, never change for ASCII text, and a
tag or person page whose slug changed keeps its old address as an alias."""

from __future__ import annotations

import string
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.content.slugs import legacy_slugify, legacy_slugs, slugify
from generator.scaffold import init_site
from tests.conftest import build_into


@pytest.mark.parametrize("text, slug", [
    ("Straße", "strasse"),
    ("Łódź", "lodz"),
    ("Москва", "moskva"),
    ("Ελλάδα", "ellada"),
    ("北京", "bei-jing"),
    ("한국어", "han-gug-eo"),
    ("Rp 1,5 Triliun", "rp-1-5-triliun"),
    ("Pemilu 2024", "pemilu-2024"),
    ("Café Ñandú", "cafe-nandu"),
    ("Ærø Ødegård", "aero-odegard"),
])
def test_slugs_transliterate_letters_and_keep_numbers(text: str, slug: str) -> None:
    assert slugify(text) == slug


@given(st.text(alphabet=string.printable))
def test_ascii_text_gets_the_slug_it_always_had(text: str) -> None:
    assert slugify(text) == legacy_slugify(text)


@given(st.text(alphabet="aeiouAEIOU éèêëáàâäíìîïóòôöúùûüçñÉÁÍÓÚÇÑ-,.0123456789"))
def test_accented_latin_gets_the_slug_it_always_had(text: str) -> None:
    # Accents were already dropped ("é" -> "e"); only letters that vanished change.
    assert slugify(text) == legacy_slugify(text)


def test_names_whose_slug_changed_are_the_ones_with_letters_that_vanished() -> None:
    assert legacy_slugs(["Straße", "banjir", "Café", "Москва", "Łódź"]) == {
        "Straße": "strae", "Москва": "x", "Łódź": "odz"}


def test_a_renamed_tag_or_person_page_keeps_its_old_address(basic_site: Path, tmp_path: Path) -> None:
    story = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
    text = story.read_text()
    story.write_text(text.replace("tags: [jembatan, transportasi]", "tags: [jembatan, Straße]")
                     .replace("reporter: Sari Lestari", "reporter: Łukasz Nowak"))
    out = tmp_path / "public"
    build_into(basic_site, out)
    assert (out / "tag/strasse/index.html").is_file() and (out / "orang/lukasz-nowak/index.html").is_file()
    for old, new in (("tag/strae", "/tag/strasse/"), ("orang/ukasz-nowak", "/orang/lukasz-nowak/")):
        alias = (out / old / "index.html").read_text()
        assert f'content="0; url={new}"' in alias and 'name="robots" content="noindex"' in alias
    assert "strae" not in (out / "sitemap.xml").read_text()


def test_new_accepts_a_headline_in_another_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    init_site(site, datetime(2024, 5, 6, tzinfo=timezone.utc))
    assert main(["new", "Москва принимает саммит", "--section", "ekonomi", "--source", str(site)]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.name == "moskva-prinimaet-sammit.md"
    assert 'title: "Москва принимает саммит"' in path.read_text()
