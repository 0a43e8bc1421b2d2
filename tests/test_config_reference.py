"""docs/configuration.md and docs/site.schema.json say what the site.toml validator accepts."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import tomllib
from datetime import datetime, timezone
from typing import Any

import pytest

from generator.config.deploy import DeployConfig, LimitsConfig
from generator.config.images import ImagesConfig
from generator.config.links import LinksConfig
from generator.config.options import BuildOptions
from generator.config.related import RelatedConfig
from generator.config.schema import MEANINGS, all_keys, json_schema
from generator.config.search import SearchConfig
from generator.config.site import PathsConfig, SiteConfig, validate_config
from generator.errors import BuildError
from tests.conftest import REPO

DOC = REPO / "docs/configuration.md"
SCHEMA = REPO / "docs/site.schema.json"
TABLE_RECORDS = {"related": RelatedConfig, "paths": PathsConfig, "search": SearchConfig, "images": ImagesConfig,
                 "deploy": DeployConfig, "limits": LimitsConfig,
                 "links": LinksConfig}
MINIMAL = {"title": "Warta", "base_url": "https://example.org/"}
OPTIONS = BuildOptions(source=REPO, out=REPO / "public", build_time=datetime(2024, 1, 1, tzinfo=timezone.utc))


def validate(raw: dict[str, Any]) -> SiteConfig:
    return validate_config(raw, "", OPTIONS)


def documented_rows() -> dict[str, tuple[str, str]]:
    """'table.key' (or 'key') -> (type, default) from the tables of docs/configuration.md."""
    rows: dict[str, tuple[str, str]] = {}
    table = None
    for line in DOC.read_text().splitlines():
        heading = re.match(r"^## `\[(\w+)(?:\.KEY)?\]`", line)
        if heading:
            table = heading.group(1)
        elif line.startswith("## "):
            table = None
        row = re.match(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|", line)
        if row:
            name = f"{table}.{row.group(1)}" if table else row.group(1)
            assert name not in rows, f"{name} documented twice"
            rows[name] = (row.group(2).strip(), row.group(3).strip())
    return rows


def accepted_keys() -> set[str]:
    """Every key the validator reads, from the records it fills."""
    names = {f.name for f in dataclasses.fields(SiteConfig)} - {"source", "sections", *TABLE_RECORDS}
    for table, record in TABLE_RECORDS.items():
        names |= {f"{table}.{f.name}" for f in dataclasses.fields(record)}
    return names | {"sections.title", "sections.description"}


def test_every_key_the_validator_accepts_is_documented_and_every_documented_key_exists() -> None:
    assert set(documented_rows()) == accepted_keys()
    assert {key.name for key in all_keys()} == accepted_keys() and set(MEANINGS) >= accepted_keys()
    with pytest.raises(BuildError, match="unknown key 'per_pages'"):
        validate({**MINIMAL, "per_pages": 5})


def parse_default(text: str) -> Any:
    return tomllib.loads(f"v = {text.strip('`')}")["v"]


WRONG = {"string": 12, "whole number": "10", "number": "1.5", "true/false": "ya", "list of whole numbers": [1.5]}


@pytest.mark.parametrize("name", sorted(accepted_keys() - {"title", "base_url", "sections.title", "publisher"}))
def test_each_documented_default_and_type_is_the_validators(name: str) -> None:
    kind, default = documented_rows()[name]
    value = parse_default(default)
    table, _, key = name.rpartition(".")

    def setting(v: Any) -> dict[str, Any]:
        if table == "sections":
            return {**MINIMAL, "sections": {"kota": {"title": "Kota", key: v}}}
        return {**MINIMAL, table: {key: v}} if table else {**MINIMAL, key: v}

    def read(config: SiteConfig) -> Any:
        if table == "sections":
            return getattr(config.sections[0], key)
        return getattr(getattr(config, table), key) if table else getattr(config, key)

    # The documented default is what the validator gives when the key is left out, and
    # writing it out changes nothing.
    unset = validate({**MINIMAL, "sections": {"kota": {"title": "Kota"}}} if table == "sections" else MINIMAL)
    assert read(unset) == read(validate(setting(value))) == (tuple(value) if isinstance(value, list) else value)
    # A value of another type is refused.
    with pytest.raises(BuildError, match="must be"):
        validate(setting(WRONG[kind]))


def test_the_documented_required_keys_and_special_defaults() -> None:
    rows = documented_rows()
    assert rows["title"][1] == rows["base_url"][1] == "(required)"
    for required in ("title", "base_url"):
        with pytest.raises(BuildError, match=f"missing required key '{required}'"):
            validate({k: v for k, v in MINIMAL.items() if k != required})
    assert "the title" in rows["publisher"][1] and validate(MINIMAL).publisher == ""
    assert rows["sections.title"][1] == "the key, capitalized"


def load_script() -> Any:
    spec = importlib.util.spec_from_file_location("config_reference", REPO / "scripts/config_reference.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_reference_and_the_schema_are_what_the_script_writes() -> None:
    for path, text in load_script().expected().items():
        assert path.read_text() == text, f"{path.name} is stale: run python scripts/config_reference.py"
    assert json.loads(SCHEMA.read_text()) == json_schema()


def test_the_schema_gives_each_key_its_type_default_and_meaning() -> None:
    schema = json_schema()
    for key in all_keys():
        table, _, name = key.name.rpartition(".")
        if table == "sections":
            prop = schema["properties"]["sections"]["additionalProperties"]["oneOf"][1]["properties"][name]
        else:
            prop = schema["properties"][table]["properties"][name] if table else schema["properties"][name]
        assert prop["description"] == MEANINGS[key.name]
        if not key.required:
            assert prop["default"] == (list(key.default) if isinstance(key.default, tuple) else key.default)
    assert schema["required"] == ["title", "base_url"]


def uncommented(text: str) -> str:
    """The scaffold's site.toml with every optional setting written out."""
    return "\n".join(re.sub(r"^#(?=\[|\w+ = )", "", line) for line in text.splitlines())


def example_in_doc() -> str:
    return re.search(r"## Example\n\n```toml\n(.*?)```", DOC.read_text(), re.DOTALL).group(1)  # type: ignore[union-attr]


def good_files() -> dict[str, str]:
    scaffold = (REPO / "generator/scaffold/site.toml").read_text()
    files = {"site.toml": (REPO / "site.toml").read_text(), "scaffold": scaffold,
             "scaffold, every setting written": uncommented(scaffold), "docs example": example_in_doc()}
    files.update({str(p.relative_to(REPO)): p.read_text() for p in sorted((REPO / "tests/sites").glob("*/site.toml"))})
    return files


BAD = {
    "unknown key": {"per_pages": 5},
    "wrong type": {"per_page": "10"},
    "below the minimum": {"per_page": 0},
    "permalink without slug": {"permalink": "/{section}/{year}/"},
    "permalink field": {"permalink": "/{sektion}/{slug}/"},
    "theme path": {"theme": "../lain"},
    "section key": {"sections": {"Luar Negeri": "Luar Negeri"}},
    "section table key": {"sections": {"kota": {"title": "Kota", "judul": "x"}}},
    "paths segment": {"paths": {"tags": "Label Berita"}},
    "related table key": {"related": {"counts": 3}},
    "related weight": {"related": {"tags": -1}},
    "image quality": {"images": {"jpeg_quality": 101}},
    "image widths": {"images": {"widths": []}},
    "image width": {"images": {"widths": [8]}},
    "search": {"search": {"shard_threshold": 0}},
    "links": {"links": {"broken": "ignore"}},
    "base_url": {"base_url": "example.org"},
}


def test_the_schema_accepts_every_site_toml_sitegen_accepts() -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra: pip install -e '.[test]'")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    for name, text in good_files().items():
        raw = tomllib.loads(text)
        validate_config(raw, text, OPTIONS)  # sitegen accepts it...
        errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(raw)]
        assert errors == [], name  # ...and so does the schema


@pytest.mark.parametrize("case", sorted(BAD))
def test_the_schema_refuses_what_sitegen_refuses(case: str) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra: pip install -e '.[test]'")
    raw = {**MINIMAL, **BAD[case]}
    with pytest.raises(BuildError):
        validate(raw)
    assert list(jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).iter_errors(raw)), case


def test_site_toml_points_to_the_reference_that_exists() -> None:
    header = (REPO / "site.toml").read_text().split("\ntitle", 1)[0]
    assert "docs/configuration.md" in header and DOC.is_file()
    assert "docs/site.schema.json" in header and SCHEMA.is_file()
    scaffold = (REPO / "generator/scaffold/site.toml").read_text()
    assert "docs/configuration.md" in scaffold.split("\ntitle", 1)[0]
