"""The package works when installed from a wheel, away from the repository."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from generator import __version__
from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_install_builds_a_site_from_an_empty_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
                   check=True, cwd=tmp_path)
    [wheel] = dist.glob("sitegen_news-*.whl")  # PyPI's "sitegen" is another project
    env_dir = tmp_path / "venv"
    # Dependencies come from the test environment; the wheel itself is what is under test.
    venv.create(env_dir, system_site_packages=False, with_pip=True)
    python = env_dir / "bin/python"
    site_packages = subprocess.run([sys.executable, "-c", "import jinja2, os; print(os.path.dirname(os.path.dirname(jinja2.__file__)))"],
                                   check=True, capture_output=True, text=True).stdout.strip()
    pth = next((env_dir / "lib").glob("python*/site-packages"))
    (pth / "deps.pth").write_text(site_packages + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)], check=True)

    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "tests/sites/basic/site.toml", site)
    shutil.copytree(REPO / "tests/sites/basic/content", site / "content")
    result = subprocess.run([str(env_dir / "bin/sitegen"), "build"], cwd=site, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (site / "public/static/style.css").is_file()
    html = (site / "public/kota/2023/11/jembatan-baru-dibuka/index.html").read_text()
    assert "Kamis, 9 November 2023 14.30\xa0WIB" in html  # the zone kept beside the time
    # The theme came from the wheel, not from the repository checkout.
    where = subprocess.run([str(python), "-c", "import generator, os; print(os.path.dirname(generator.__file__))"],
                           capture_output=True, text=True, check=True, cwd=site).stdout.strip()
    assert (Path(where) / "themes/default/templates/base.html").is_file()
    assert not where.startswith(str(REPO))

    # `sitegen init` writes a requirement naming this distribution, and pip resolves it to
    # this wheel (from a folder standing in for the package index; nothing downloaded).
    result = subprocess.run([str(env_dir / "bin/sitegen"), "init", "neu"], cwd=tmp_path, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    # Installed from a local file, which GitHub's runners cannot reach: pinned by version, with a warning.
    assert "cannot reach" in result.stderr
    workflow = yaml.safe_load((tmp_path / "neu/.github/workflows/pages.yml").read_text())
    requirement = workflow["env"]["SITEGEN_REQUIREMENT"]
    assert requirement == f"sitegen-news=={__version__}"
    resolved = subprocess.run([str(python), "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps",
                               "--no-index", "--find-links", str(dist), "--report", "-", "--quiet", requirement],
                              capture_output=True, text=True, check=True)
    [item] = json.loads(resolved.stdout)["install"]
    assert item["metadata"]["name"] == "sitegen-news" and item["metadata"]["version"] == __version__
    assert item["download_info"]["url"] == wheel.as_uri()
