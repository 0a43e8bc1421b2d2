"""`sitegen list drafts|scheduled`: exactly the stories a build withholds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator.build import build
from generator.cli import main
from generator.config.options import BuildOptions
from generator.scaffold import init_site

NOW = datetime(2024, 5, 6, 17, 15, tzinfo=timezone.utc)  # 00:15 WIB on 7 May


def story(site: Path, rel: str, title: str, date: str, draft: bool | None = None) -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    flag = "" if draft is None else f"draft: {'true' if draft else 'false'}\n"
    path.write_text(f"---\ntitle: {title}\ndate: {date}\nsection: daerah\n{flag}---\n\nIsi berita.\n")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    init_site(site, NOW - timedelta(days=2))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    story(site, "content/articles/2024/05/rapat-dewan.md", "Rapat Dewan", "2024-05-06 09:00", draft=True)
    story(site, "content/articles/2024/05/pasar-baru.md", "Pasar Baru Dibuka", "2024-05-06 10:00", draft=False)
    story(site, "content/articles/2024/05/jembatan.md", "Jembatan Diresmikan", "2024-05-08 07:30")
    story(site, "content/articles/2024/05/festival.md", "Festival Pantai", "2024-05-07 19:00")
    # Scheduled and a draft: a draft until someone publishes it, not a scheduled story.
    story(site, "content/articles/2024/05/pemilu\x1b[2J.md", "Hitung Cepat\nslug: pemilu", "2024-05-09 08:00",
          draft=True)  # a file name that would clear the screen
    return site


def test_list_drafts_names_what_the_build_skips(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "drafts", "--source", str(site)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "content/articles/2024/05/pemilu\\x1b[2J.md\tHitung Cepat",  # terminal-safe
        "content/articles/2024/05/rapat-dewan.md\tRapat Dewan",
    ]
    assert "2 drafts; to publish one, set draft: false" in err
    report = build(BuildOptions(source=site, out=site / "public", build_time=NOW, search=False))
    assert report.drafts_skipped == len(out.splitlines())


def test_list_scheduled_says_when_each_goes_live_in_the_sites_timezone(site: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "scheduled", "-s", str(site)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "content/articles/2024/05/festival.md\tFestival Pantai\t2024-05-07 19:00 WIB",
        "content/articles/2024/05/jembatan.md\tJembatan Diresmikan\t2024-05-08 07:30 WIB",
    ]
    assert "2 scheduled stories" in err and "Asia/Jakarta" in err
    report = build(BuildOptions(source=site, out=site / "public", build_time=NOW, search=False))
    assert [a.source for a in report.scheduled] == [line.split("\t")[0] for line in out.splitlines()]


def test_list_with_nothing_withheld_and_a_wrong_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    init_site(site, NOW - timedelta(days=1))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert main(["list", "drafts", "--source", str(site)]) == 0
    assert capsys.readouterr() == ("", "0 drafts\n")
    assert main(["list", "scheduled", "--source", str(site)]) == 0
    assert capsys.readouterr() == ("", "0 scheduled stories\n")
    with pytest.raises(SystemExit):
        main(["list", "pages", "--source", str(site)])
    assert "invalid choice: 'pages'" in capsys.readouterr().err
    assert main(["list", "drafts", "--source", str(tmp_path / "nowhere")]) == 1
    assert "site.toml" in capsys.readouterr().err
