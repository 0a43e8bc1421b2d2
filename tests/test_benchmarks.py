"""The benchmarks run from a fresh clone: their own corpus generator, no outside paths."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO, build_into

CORPUS = REPO / "benchmarks" / "archive_corpus.py"


def make_archive(out: Path, *args: str) -> None:
    """Run the corpus generator as the benchmarks do."""
    subprocess.run([sys.executable, str(CORPUS), str(out), *args], check=True, capture_output=True)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def front_matter(path: Path) -> dict:
    """The YAML between the first two '---' lines of a story."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_a_generated_archive_builds_with_sitegen_and_its_links_resolve(tmp_path: Path) -> None:
    site = tmp_path / "archive"
    make_archive(site, "--articles", "60", "--images", "2", "--image-width", "320")
    stories = sorted((site / "content" / "articles").rglob("*.md"))
    assert len(stories) == 60
    assert len(list((site / "content" / "media").glob("*.jpg"))) == 2
    report = build_into(site, tmp_path / "public", future=True)  # the archive runs past the test clock
    assert report.articles == 60
    # "Baca juga" links point at earlier stories' pages, which the build wrote.
    links = re.findall(r"\]\((/[^)]+/)\)", "".join(p.read_text(encoding="utf-8") for p in stories))
    assert links
    for link in links:
        assert (tmp_path / "public" / link.strip("/") / "index.html").is_file(), link


def test_the_archive_has_a_newsroom_shape(tmp_path: Path) -> None:
    site = tmp_path / "archive"
    make_archive(site, "--articles", "400")
    matters = [front_matter(p) for p in (site / "content" / "articles").rglob("*.md")]
    years = {str(m["date"])[:4] for m in matters}
    tag_counts: dict[str, int] = {}
    for matter in matters:
        for tag in matter["tags"]:
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
    counts = sorted(tag_counts.values(), reverse=True)
    assert len(years) >= 6
    assert len({m["section"] for m in matters}) == 10
    assert any(not m["tags"] for m in matters), "some stories are untagged"
    assert counts[0] >= 10 * counts[len(counts) // 2], "tag popularity is skewed (a few common, many rare)"
    assert len({name for m in matters for name in m["reporter"]}) >= 20


def test_one_seed_gives_the_same_archive_and_another_seed_another(tmp_path: Path) -> None:
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        make_archive(tmp_path / name, "--articles", "30", "--images", "1", "--image-width", "64", "--seed", seed)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert files_of(tmp_path / "a") != files_of(tmp_path / "c")


def test_the_hugo_twin_has_the_same_stories_at_the_same_addresses(tmp_path: Path) -> None:
    make_archive(tmp_path / "archive", "--articles", "25", "--hugo")
    hugo = tmp_path / "archive-hugo"
    assert (hugo / "hugo.toml").is_file() and (hugo / "layouts").is_dir()
    ours = {front_matter(p)["title"]: p for p in (tmp_path / "archive" / "content" / "articles").rglob("*.md")}
    theirs = {front_matter(p)["title"]: front_matter(p) for p in (hugo / "content" / "posts").rglob("*.md")}
    assert ours.keys() == theirs.keys()
    for title, matter in theirs.items():
        ours_matter = front_matter(ours[title])
        assert matter["url"].endswith(f"/{ours[title].stem}/")
        assert matter["categories"] == [ours_matter["section"]]


def test_no_benchmark_or_doc_needs_a_path_outside_the_repository() -> None:
    offenders = []
    for folder in ("benchmarks", "docs"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".md", ".toml", ".html", ".json"}:
                text = path.read_text(encoding="utf-8")
                offenders += [f"{path.relative_to(REPO)}: {m}" for m in ("../shared", "/work/") if m in text]
    assert offenders == []


def test_page_weight_reports_a_built_site_by_kind_page_and_part(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "page_weight.py"), "--site", str(out),
                             "--articles", "3"], check=True, capture_output=True, text=True).stdout
    files = [p for p in out.rglob("*") if p.is_file()]
    assert result.startswith(f"Output: {len(files):,} files, ")
    assert re.search(r"^\| article \| 3 \| ", result, re.MULTILINE)
    assert re.search(r"^\| whitespace \| 0\.0% \| 0\.0% \|$", result, re.MULTILINE)  # the build removed it
    assert re.search(r"^\| related list \| [1-9]", result, re.MULTILINE)


def doc_commands() -> list[tuple[str, str]]:
    """(file, command) for each line of README.md and docs/ that runs a script of the repository."""
    found = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("  #", 1)[0].strip().rstrip("\\").strip()
            if re.match(r"^(/usr/bin/time -v )?(\.venv/bin/python|python3?) (benchmarks|scripts)/\w+\.py\b", line):
                found.append((path.name, line))
    return found


def test_every_script_command_in_the_docs_names_a_script_and_options_it_has() -> None:
    commands = doc_commands()
    assert len(commands) >= 10
    helps: dict[str, str] = {}
    for name, command in commands:
        script = re.search(r"(benchmarks|scripts)/\w+\.py", command).group(0)  # type: ignore[union-attr]
        assert (REPO / script).is_file(), f"{name}: {command}"
        if script not in helps:
            helps[script] = subprocess.run([sys.executable, str(REPO / script), "--help"], cwd=REPO,
                                           capture_output=True, text=True, check=True).stdout
        for option in re.findall(r"(?<=\s)--[a-z][a-z-]*", command):
            assert option in helps[script], f"{name}: {command}: {script} has no {option}"
