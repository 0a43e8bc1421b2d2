"""The README and docs/ send readers to things that exist: every option the parser takes is in
the synopsis, and every command they give runs from a fresh clone."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import make_parser
from generator.scaffold import init_site
from tests.conftest import BUILD_TIME, REPO

README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))


def subcommands(parser: argparse.ArgumentParser | None = None, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every command by its words (`import wordpress` for a command of a command)."""
    action = next(a for a in (parser or make_parser())._actions if isinstance(a, argparse._SubParsersAction))
    found: dict[str, argparse.ArgumentParser] = {}
    for name, sub in action.choices.items():
        nested = any(isinstance(a, argparse._SubParsersAction) for a in sub._actions)
        found.update(subcommands(sub, f"{prefix}{name} ") if nested else {f"{prefix}{name}": sub})
    return found


def synopses(path: Path) -> dict[str, str]:
    """`sitegen CMD ...` lines indented as code in a Markdown file, by command words."""
    commands = sorted(subcommands(), key=len, reverse=True)  # `import wordpress` before `import`
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^ {4}sitegen (.*)$", line)
        if match:
            name = next((c for c in commands if match.group(1) == c or match.group(1).startswith(c + " ")), None)
            if name is not None:
                found.setdefault(name, match.group(1)[len(name):])
    return found


def parser_options(parser: argparse.ArgumentParser) -> tuple[set[str], list[str]]:
    """Long options (the first long spelling of each) and positional metavars of a subcommand."""
    options, positionals = set(), []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if action.option_strings:
            options.add(next(s for s in action.option_strings if s.startswith("--")))
        else:
            positionals.append(action.metavar or action.dest.upper())
    return options, positionals


def test_the_readme_has_a_synopsis_of_every_command_with_every_option() -> None:
    documented = synopses(README)
    assert set(documented) == set(subcommands()), "a command without a synopsis in README.md"
    for name, parser in subcommands().items():
        options, positionals = parser_options(parser)
        line = documented[name]
        assert set(re.findall(r"--[a-z][a-z-]*", line)) == options, f"sitegen {name}: {line}"
        for metavar in positionals:
            assert metavar in line or name == "new", f"sitegen {name}: {metavar} missing"


def test_docs_synopses_match_the_parser() -> None:
    for path in DOCS:
        for name, line in synopses(path).items():
            if "[" not in line:  # an example command, not a synopsis
                continue
            options, _ = parser_options(subcommands()[name])
            assert set(re.findall(r"--[a-z][a-z-]*", line)) == options, f"{path.name}: sitegen {name}{line}"
    assert "serve" in synopses(REPO / "docs/serve.md")


def test_every_option_in_an_option_table_exists() -> None:
    every = set().union(*(parser_options(p)[0] for p in subcommands().values()))
    for path in [README, *DOCS]:
        for cell in re.findall(r"^\| (`--[^|]+)\|", path.read_text(), re.MULTILINE):
            for option in re.findall(r"`(--[a-z][a-z-]*)", cell):
                assert option in every, f"{path.name}: {option}"


def test_the_quick_start_says_how_to_see_the_site() -> None:
    quick = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    targets = set(re.findall(r"^([a-z-]+):", (REPO / "Makefile").read_text(), re.MULTILINE))
    for target in re.findall(r"\bmake ([a-z-]+)", quick):
        assert target in targets, target
    assert "make serve" in quick and "sitegen serve" in quick
    assert "Open `public/index.html`" not in quick  # root-relative links do not work from the disk


def test_init_puts_the_example_image_where_the_readme_says(tmp_path: Path) -> None:
    written = init_site(tmp_path / "site", BUILD_TIME)
    [image] = [f for f in written if f.endswith(".jpg")]
    assert image.startswith("content/media/")
    init = README.read_text().split("    sitegen init", 1)[1].split("    sitegen new", 1)[0]
    assert "its lead image in `content/media/`" in init


def pre_commit_hook() -> str:
    return re.search(r"```sh\n(#!/bin/sh\n.*?)```", README.read_text(), re.DOTALL).group(1)  # type: ignore[union-attr]


@pytest.fixture
def hooked_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    init_site(site, BUILD_TIME, "sitegen-news==0.1.0")
    hook = site / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True)
    hook.write_text(pre_commit_hook())
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    return site


def fake_sitegen(path: Path) -> Path:
    """A `sitegen` executable running this checkout, as a venv's would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m generator \"$@\"\n")
    path.chmod(0o755)
    return path


def run_hook(site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run([str(site / ".git/hooks/pre-commit")], cwd=site, env={**base, **env},
                          capture_output=True, text=True, check=False)


def test_the_pre_commit_hook_finds_sitegen_in_the_sites_venv_or_says_how(hooked_site: Path, tmp_path: Path) -> None:
    missing = run_hook(hooked_site)
    assert missing.returncode == 1 and "sitegen not found; set SITEGEN=" in missing.stderr
    fake_sitegen(hooked_site / ".venv/bin/sitegen")
    assert run_hook(hooked_site).returncode == 0
    (hooked_site / "site.toml").write_text((hooked_site / "site.toml").read_text() + "\nper_pages = 3\n")
    refused = run_hook(hooked_site)
    assert refused.returncode == 1 and "unknown key 'per_pages'" in refused.stderr
    (hooked_site / ".venv/bin/sitegen").unlink()
    elsewhere = fake_sitegen(tmp_path / "elsewhere/sitegen")
    assert run_hook(hooked_site, SITEGEN=str(elsewhere)).returncode == 1  # found, and the site is still broken


HELPED = ("build", "serve", "check", "related", "init", "new", "list")


@pytest.mark.parametrize("name", HELPED)
def test_subcommand_help_has_a_description_and_examples_that_parse(name: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    parser = subcommands()[name]
    assert parser.formatter_class is argparse.RawDescriptionHelpFormatter
    assert parser.description and len(parser.description) > 60
    examples = [line.split("  # ")[0].strip() for line in (parser.epilog or "").splitlines()[1:] if line.strip()]
    assert (parser.epilog or "").startswith("example") and examples
    for example in examples:
        for command in example.split(" && "):
            words = shlex.split(command)
            if words[0] != "sitegen":
                continue
            assert words[1] == name or name == "init", example  # `init ... && sitegen serve`
            make_parser().parse_args(words[1:])  # exits 2 on a wrong example
    with pytest.raises(SystemExit) as info:
        make_parser().parse_args([name, "--help"])
    shown = capsys.readouterr().out
    assert info.value.code == 0
    assert parser.description.splitlines()[0] in shown  # line breaks kept as written
    assert f"\n  {examples[0]}" in shown
