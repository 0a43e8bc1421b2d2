"""A full disk names the output file being written and the disk, never a source file or nothing."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

import generator.output.switch
from generator.cli import main
from generator.output.write import _mount_point
from tests.conftest import build_into


def run(site: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    status = main(["build", "--source", str(site), "--out", str(out), "--no-search", "--jobs", "1", *extra])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("mode", ["clean", "incremental"])
def test_a_page_written_on_a_full_disk_is_named_with_the_disk(mode: str, basic_site: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public"
    if mode == "incremental":
        build_into(basic_site, out, jobs=1)
        article = basic_site / "content/articles/2023/11/jembatan-baru-dibuka.md"
        article.write_text(article.read_text().replace("40 meter", "41 meter"))
    real = Path.write_bytes

    def write_bytes(path: Path, data: bytes) -> int:
        if path.name == "index.html" and "jembatan-baru-dibuka" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")  # as a write() reports it: no file name
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    status, err = run(basic_site, out, capsys)
    assert status == 74, err
    wanted = out / "kota/2023/11/jembatan-baru-dibuka/index.html"
    assert f"sitegen: error: {wanted}: No space left on device: the disk holding {wanted.parent} " \
           f"(mounted at {_mount_point(wanted.parent)}) is full" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("which", ["media/jembatan.jpg", "_v/"])
def test_a_file_copied_onto_a_full_disk_is_named_not_its_source(which: str, basic_site: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "public"
    failed: list[str] = []
    real = shutil.copyfile

    def copyfile(src: object, dst: object, *args: object, **kwargs: object) -> object:
        if which in str(dst) and not failed:
            failed.append(str(dst))
            # shutil's sendfile copy names the source first, whatever went wrong
            raise OSError(errno.ENOSPC, "No space left on device", str(src), None, str(dst))
        return real(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.output.switch.shutil, "copyfile", copyfile)
    status, err = run(basic_site, out, capsys)
    assert status == 74, err
    [staged] = failed
    rel = staged.split(f".{out.name}.staging-{os.getpid()}/", 1)[1]
    assert f"sitegen: error: {out / rel}: No space left on device: the disk holding {(out / rel).parent}" in err
    assert ".sitegen/images" not in err and "content/media" not in err

