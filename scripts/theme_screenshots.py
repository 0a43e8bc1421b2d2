"""Screenshots of the default theme for docs/theme.md: the sample archive, built with the
tests' fixed build time, in Chromium at desktop and phone size, light and dark.

    .venv/bin/python scripts/theme_screenshots.py   # writes docs/theme/*.png

Needs Debian's chromium and the venv's Playwright, as the browser tests do. The browser's
clock is set two hours after the newest story, so the relative times show.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PIL import Image  # noqa: E402

from tests.browser import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402
from tests.conftest import build_into  # noqa: E402

OUT = REPO / "docs" / "theme"
NOW = datetime(2024, 3, 8, 12, 0, tzinfo=timezone.utc)  # two hours after the newest story
PAGES = {"home": "", "article": "budaya/2024/03/warga-karangasem-gelar-megibung-jelang-nyepi/",
         "section": "nasional/"}
VIEWS = {"desktop": ({"width": 1366, "height": 900}, "light", 800),
         "phone": ({"width": 390, "height": 844}, "light", 300),
         "dark": ({"width": 390, "height": 844}, "dark", 300)}


def shrink(path: Path, width: int) -> None:
    """Resize to `width` and keep 128 colours: a screenshot of a few kilobytes, still readable."""
    with Image.open(path) as img:
        small = img.convert("RGB").resize((width, round(img.height * width / img.width)), Image.LANCZOS)
    small.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main() -> None:
    """Build, serve and photograph every page of PAGES in every view of VIEWS."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium is required (apt-get install chromium)")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sitegen-shots-") as tmp:
        public = Path(tmp) / "public"
        build_into(REPO, public, future=True)
        with serve(public) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            for view, (viewport, scheme, width) in VIEWS.items():
                context = browser.new_context(viewport=viewport, color_scheme=scheme, locale="id-ID",
                                              timezone_id="Asia/Jakarta")
                page = context.new_page()
                page.clock.set_fixed_time(NOW)
                for name, path in PAGES.items():
                    page.goto(url + path)
                    page.wait_for_load_state("networkidle")
                    target = OUT / f"{name}-{view}.png"
                    page.screenshot(path=str(target))
                    shrink(target, width)
                    print(target.relative_to(REPO), target.stat().st_size, "bytes")
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
