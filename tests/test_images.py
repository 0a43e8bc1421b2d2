"""Responsive photos: variants, markup, caching and the diagnostics of bad images."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image as PILImage

from generator.check import check
from generator.cli import main
from generator.config.options import BuildOptions
from generator.errors import BuildError
from generator.images import make as make_module
from generator.images import variants as images_module
from generator.images.make import RECORD_SUFFIX, record_path
from generator.images.variants import variant_widths
from tests.conftest import BUILD_TIME, REPO, build_into, copy_site

ARTICLES = "content/articles/2023/11"
BUNDLE = f"{ARTICLES}/pasar-apung-bersolek"
JEMBATAN = f"{ARTICLES}/jembatan-baru-dibuka.md"


# --- reading the built HTML ------------------------------------------------------------

class Tags(HTMLParser):
    """Every <img> and <source> with its attributes and the link it sits in, and the text of links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.imgs: list[dict[str, str | None]] = []
        self.sources: list[dict[str, str | None]] = []
        self.link_text: dict[str, str] = {}  # href -> text of the links to it
        self.figure_classes: list[str] = []
        self._link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if tag == "a":
            self._link = data.get("href") or ""
            self.link_text.setdefault(self._link, "")
        elif tag == "figure":
            self.figure_classes.append(data.get("class") or "")
        elif tag == "img":
            self.imgs.append(dict(data, _link=self._link, _figure=self.figure_classes[-1] if self.figure_classes else None))
        elif tag == "source":
            self.sources.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._link = None
        elif tag == "figure" and self.figure_classes:
            self.figure_classes.pop()

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self.link_text[self._link] += data


def tags(path: Path) -> Tags:
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def candidates(srcset: str) -> list[tuple[str, int | None]]:
    """(url, width) of each srcset candidate; width None without a w descriptor."""
    found = []
    for part in srcset.split(","):
        bits = part.split()
        if not bits:
            continue
        width = int(bits[1][:-1]) if len(bits) > 1 and bits[1].endswith("w") else None
        found.append((bits[0], width))
    return found


def file_of(out: Path, url: str, base_path: str = "/") -> Path:
    assert url.startswith(base_path), url
    return out / url[len(base_path):]


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive, built once, without the search index."""
    out = tmp_path_factory.mktemp("sample-images") / "public"
    build_into(REPO, out, future=True)
    return out


# --- the sample archive ----------------------------------------------------------------

def test_every_img_has_width_height_and_alt(sample_out: Path) -> None:
    pages = sorted(sample_out.rglob("*.html"))
    seen = 0
    for page in pages:
        parsed = tags(page)
        for img in parsed.imgs:
            seen += 1
            where = f"{page.relative_to(sample_out)}: {img.get('src')}"
            assert re.fullmatch(r"[1-9]\d*", img.get("width") or ""), where
            assert re.fullmatch(r"[1-9]\d*", img.get("height") or ""), where
            assert "alt" in img, where
            if not (img["alt"] or "").strip():
                # Decorative: a thumbnail inside a link whose target a link with text also names.
                link = img["_link"]
                assert link is not None and parsed.link_text.get(link, "").strip(), where
    assert seen > 100


def test_the_largest_image_of_each_page_is_eager_and_every_other_image_lazy(sample_out: Path) -> None:
    # The LCP image: an article's lead photo; on a listing page (home, section, tag,
    # person, month), the first card's photo. An article without a lead photo has none.
    leads = first_cards = 0
    for page in sorted(sample_out.rglob("*.html")):
        imgs = tags(page).imgs
        eager = [img for img in imgs if img.get("loading") == "eager"]
        lead = [img for img in imgs if img["_figure"] == "lead-figure"]
        if lead:
            leads += 1
            assert eager == lead, page
        elif '<article class="story"' in page.read_text(encoding="utf-8") or not imgs:
            assert eager == [], page
        else:
            first_cards += 1
            assert eager == [imgs[0]], page
        for img in eager:
            assert img.get("fetchpriority") == "high", page
        for img in imgs:
            if img not in eager:
                assert img.get("loading") == "lazy" and img.get("decoding") == "async", (page, img)
    assert leads == 27 and first_cards > 50


def test_every_srcset_candidate_exists_with_its_stated_width(sample_out: Path) -> None:
    checked: dict[Path, tuple[int, int]] = {}

    def size(path: Path) -> tuple[int, int]:
        if path not in checked:
            assert path.is_file(), path
            with PILImage.open(path) as img:
                checked[path] = img.size
        return checked[path]

    for page in sorted(sample_out.rglob("*.html")):
        parsed = tags(page)
        for element in parsed.imgs + parsed.sources:
            for url, width in candidates(element.get("srcset") or ""):
                if url:
                    path = file_of(sample_out, url)
                    if width is not None:
                        assert size(path)[0] == width, (page, url)
                    if element.get("type") == "image/webp":
                        with PILImage.open(path) as img:
                            assert img.format == "WEBP"
        for img in parsed.imgs:
            # width and height are those of the file the src names (so the aspect ratio is exact)
            assert size(file_of(sample_out, img["src"])) == (int(img["width"]), int(img["height"])), page
    assert len(checked) > 60


def test_no_variant_is_wider_than_its_source(sample_out: Path) -> None:
    variants = sorted(sample_out.rglob("_v/*"))
    assert variants
    widths_by_source: dict[Path, set[int]] = {}
    for variant in variants:
        stem = variant.name.rsplit("-", 2)[0]
        [original] = [p for p in variant.parent.parent.iterdir() if p.is_file() and p.stem == stem]
        with PILImage.open(variant) as v, PILImage.open(original) as o:
            assert v.width <= o.width and v.height <= o.height, variant
            assert abs(v.width / v.height - o.width / o.height) < 0.01, variant
            assert int(variant.stem.rsplit("-", 1)[1]) == v.width
            assert not v.getexif() and "icc_profile" not in v.info
            widths_by_source.setdefault(original, set()).add(v.width)
            source_width = o.width
        assert widths_by_source[original] <= set(variant_widths(source_width, (480, 800, 1200)))
    for original, widths in widths_by_source.items():
        with PILImage.open(original) as o:
            assert widths == set(variant_widths(o.width, (480, 800, 1200))), original
    assert {1600, 1200, 900} <= {PILImage.open(o).width for o in widths_by_source}


def test_variant_widths_never_upscale() -> None:
    assert variant_widths(1600, (480, 800, 1200)) == [480, 800, 1200]
    assert variant_widths(1200, (480, 800, 1200)) == [480, 800, 1200]
    assert variant_widths(900, (480, 800, 1200)) == [480, 800, 900]
    assert variant_widths(320, (480, 800, 1200)) == [320]
    assert variant_widths(480, (1200, 480)) == [480]


def test_link_previews_use_a_large_variant_or_the_original(sample_out: Path) -> None:
    base = "https://example.org/"
    large = portrait = 0
    for page in sorted(sample_out.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        og = re.search(r'<meta property="og:image" content="([^"]+)">', html)
        if not og or 'property="og:type" content="article"' not in html:
            continue
        width = int(re.search(r'<meta property="og:image:width" content="(\d+)">', html).group(1))
        path = file_of(sample_out, og.group(1), base)
        with PILImage.open(path) as img:
            assert img.width == width
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        assert data["image"]["url"] == og.group(1) and data["image"]["width"] == width
        if "/_v/" in og.group(1):
            large += 1
            assert width >= 1200 and og.group(1).endswith(".jpg")
        else:
            portrait += 1
            assert width < 1200  # the 900-pixel portraits: the original
    assert large > 15 and portrait >= 3


def test_cards_offer_every_width_and_latest_json_a_small_variant(sample_out: Path) -> None:
    for img in tags(sample_out / "index.html").imgs:
        widths = [w for _, w in candidates(img["srcset"])]
        assert 480 in widths and len(widths) >= 2 and img.get("sizes"), img
    latest = json.loads((sample_out / "latest.json").read_text())
    assert latest["items"]
    for item in latest["items"]:
        assert "/_v/" in item["image"] and item["image_width"] == 480
        with PILImage.open(file_of(sample_out, item["image"])) as img:
            assert img.size == (item["image_width"], item["image_height"])


def test_body_figure_has_picture_caption_and_credit(sample_out: Path) -> None:
    page = sample_out / "nasional/2023/11/banjir-rendam-tiga-kecamatan-jakarta-timur/index.html"
    html = page.read_text(encoding="utf-8")
    figure = re.search(r'<figure class="body-figure">(.*?)</figure>', html, re.S).group(1)
    assert '<source type="image/webp" srcset="/media/_v/posko-pengungsian-' in figure
    assert ('<figcaption>Ilustrasi tenda pengungsian sementara bagi warga Jatinegara. '
            '<span class="credit">Ilustrasi: Kabar Nusantara</span></figcaption>') in figure
    assert 'alt="Ilustrasi lima tenda segitiga' in figure and 'loading="lazy"' in figure


# --- caching ---------------------------------------------------------------------------

def stamps(*roots: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns) for root in roots for p in root.rglob("*") if p.is_file()}


def test_variants_are_made_once_and_never_again(basic_site: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = make_module.make_photo_variants
    monkeypatch.setattr(make_module, "make_photo_variants",
                        lambda items, config: (made.append(items[0].source.name), real(items, config)))
    out, cache = tmp_path / "public", basic_site / ".sitegen/images"
    build_into(basic_site, out, jobs=1)
    assert sorted(made) == ["foto-utama.jpg", "jembatan.jpg", "perahu.png"]
    assert len(list(cache.glob("*.json"))) == 6  # each variant's record (size, digest)
    assert len(list(cache.iterdir())) == 12 and len(list(out.rglob("_v/*"))) == 6
    before = stamps(cache, out)

    second = build_into(basic_site, out, jobs=1)
    assert second.written == 0 and stamps(cache, out) == before and len(made) == 3

    # A clean build into another folder copies the cached variants; nothing is resized.
    other = tmp_path / "other"
    build_into(basic_site, other, jobs=1, clean=True)
    assert len(made) == 3 and stamps(cache) == {k: v for k, v in before.items() if str(cache) in k}
    assert {p.name for p in other.rglob("_v/*")} == {p.name for p in out.rglob("_v/*")}

    # Editing a story's text resizes nothing; replacing a photo makes that photo's variants only.
    path = basic_site / JEMBATAN
    path.write_text(path.read_text().replace("mulai dipakai", "resmi dipakai"))
    report = build_into(basic_site, out, jobs=1)
    assert len(made) == 3 and not any("/_v/" in rel for rel in changed(before, stamps(out)))
    PILImage.new("RGB", (640, 360), (10, 120, 200)).save(basic_site / "content/media/jembatan.jpg")
    report = build_into(basic_site, out, jobs=1)
    assert made[3:] == ["jembatan.jpg"] and report.removed == 2
    names = sorted(p.name for p in (out / "media/_v").iterdir())
    assert [re.sub(r"-[0-9a-f]{10}-", "-H-", n) for n in names] == ["jembatan-H-480.jpg", "jembatan-H-480.webp",
                                                                     "jembatan-H-640.jpg", "jembatan-H-640.webp"]
    assert not any(n.startswith(old.rsplit("-", 1)[0]) for n in names for old in before if "media/_v/" in old)


def cached_variants(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(cache.iterdir()) if not p.name.endswith(RECORD_SUFFIX)}


def damage(cache: Path, names: list[str], good: dict[str, bytes], quiet: bool) -> None:
    """Damage cached variants as a lost write or a bad CI cache would: cut short, one byte
    changed (same size), and the record gone or crafted; with `quiet`, also one byte
    changed with size and mtime put back as recorded, which only a digest shows."""
    truncated, flipped, unrecorded, crafted, hidden = names[:5]
    (cache / truncated).write_bytes(good[truncated][:len(good[truncated]) // 2])
    (cache / flipped).write_bytes(flip(good[flipped]))
    (cache / unrecorded).write_bytes(b"RIFF" + bytes(len(good[unrecorded]) - 4))
    record_path(cache / unrecorded).unlink()
    (cache / crafted).write_bytes(flip(good[crafted]))
    record_path(cache / crafted).write_text(json.dumps({"size": len(good[crafted]), "mtime_ns": "0",
                                                        "blake2b": "00" * 64}))
    if quiet:
        stat = (cache / hidden).stat()
        (cache / hidden).write_bytes(flip(good[hidden]))
        os.utime(cache / hidden, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def flip(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0xFF
    return bytes(changed)


def test_a_damaged_cached_variant_is_made_again_not_published(basic_site: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "public", basic_site / ".sitegen/images"
    build_into(basic_site, out, jobs=1)
    good = cached_variants(cache)  # as made from the photos, fresh
    names = sorted(good)
    assert len(names) >= 5

    def published_are_fresh(root: Path) -> None:
        published = {p.name: p for p in root.rglob("_v/*")}
        assert sorted(published) == names
        for name, path in published.items():
            assert path.read_bytes() == good[name], name
            with PILImage.open(path) as img:
                img.load()  # a whole, valid image
        assert cached_variants(cache) == good  # and the cache is whole again

    # Incremental: the stories stop showing their photos (the variants leave the output and
    # stay in the cache), the cache is damaged, and the photos come back: the variants are
    # copied from the cache into the same output folder again.
    stories = [basic_site / JEMBATAN, basic_site / BUNDLE / "index.md"]
    texts = [story.read_text() for story in stories]
    for story, text in zip(stories, texts):
        story.write_text(re.sub(r"(?m)^  src: \S+$", "  src: https://example.com/foto.jpg",
                                re.sub(r"!\[[^]]*\]\(perahu\.png[^)]*\)", "", text)))
    build_into(basic_site, out, jobs=1)
    assert not list(out.rglob("_v/*"))
    damage(cache, names, good, quiet=False)
    for story, text in zip(stories, texts):
        story.write_text(text)
    report = build_into(basic_site, out, jobs=1)
    assert not report.clean
    published_are_fresh(out)

    # --clean checks every cached variant's digest, also one whose size and mtime are as recorded.
    damage(cache, names, good, quiet=True)
    build_into(basic_site, out, jobs=1, clean=True)
    published_are_fresh(out)
    # A new output folder (a clean build without --clean) checks sizes, and digests of
    # variants whose mtime changed.
    damage(cache, names, good, quiet=False)
    build_into(basic_site, tmp_path / "other", jobs=1)
    published_are_fresh(tmp_path / "other")


def changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k])


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_incremental_equals_clean_after_photo_edits(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    steps = [
        lambda: PILImage.new("RGB", (1300, 700), (200, 30, 30)).save(basic_site / "content/media/jembatan.jpg"),
        lambda: (basic_site / JEMBATAN).write_text((basic_site / JEMBATAN).read_text()
                                                   + '\n![Sketsa jembatan](/media/jembatan.jpg "Sketsa.")\n'),
        lambda: (basic_site / f"{BUNDLE}/perahu.png").unlink() or (basic_site / f"{BUNDLE}/index.md").write_text(
            (basic_site / f"{BUNDLE}/index.md").read_text().split("![")[0]),
    ]
    for number, step in enumerate(steps):
        step()
        build_into(basic_site, out)
        clean = tmp_path / f"clean-{number}"
        build_into(basic_site, clean, clean=True)
        assert snapshot(out) == snapshot(clean), number
    assert len(list((out / "media/_v").iterdir())) == 6  # 480, 800 and 1200 of the new photo only


def test_check_writes_nothing_and_knows_the_variants(basic_site: Path, tmp_path: Path) -> None:
    report = check(BuildOptions(source=basic_site, out=tmp_path / "public", build_time=BUILD_TIME))
    assert report.links > 50 and report.warnings == []
    assert not (basic_site / ".sitegen").exists() and not (tmp_path / "public").exists()


# --- markup details --------------------------------------------------------------------

def test_figure_syntax_inline_images_and_safe_mode(basic_site: Path, tmp_path: Path) -> None:
    path = basic_site / JEMBATAN
    path.write_text(path.read_text() + "\nDi peta ![ikon jembatan](/media/jembatan.jpg) terlihat jelas.\n\n"
                    "![Tanpa keterangan](/media/jembatan.jpg)\n\n![Jauh](https://example.com/x.jpg \"Luar\")\n")
    for safe in (False, True):
        out = tmp_path / f"p{safe}"
        build_into(basic_site, out, safe=safe)
        html = (out / "kota/2023/11/jembatan-baru-dibuka/index.html").read_text()
        assert re.search(r'<p>Di peta <picture><source type="image/webp" srcset="/media/_v/jembatan-[0-9a-f]{10}-320\.webp '
                         r'320w" sizes="[^"]+"><img [^>]*alt="ikon jembatan" loading="lazy" decoding="async"></picture> '
                         r'terlihat jelas\.</p>', html), safe
        assert re.search(r'<p><picture>.*alt="Tanpa keterangan".*</picture></p>', html)  # no title: no figure
        assert '<img src="https://example.com/x.jpg" alt="Jauh" title="Luar" />' in html  # remote: as written


def test_exif_orientation_is_applied_and_metadata_stripped(basic_site: Path, tmp_path: Path) -> None:
    # Stored 60x40: left half red, right half blue; orientation 6 means "turn 90 degrees clockwise".
    photo = PILImage.new("RGB", (60, 40), (0, 0, 255))
    photo.paste((255, 0, 0), (0, 0, 30, 40))
    exif = PILImage.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Kamera Uji"  # Make
    photo.save(basic_site / "content/media/miring.jpg", exif=exif.tobytes(), quality=95)
    path = basic_site / JEMBATAN
    path.write_text(path.read_text().replace("/media/jembatan.jpg", "/media/miring.jpg"))
    out = tmp_path / "public"
    build_into(basic_site, out)
    [lead] = [img for img in tags(out / "kota/2023/11/jembatan-baru-dibuka/index.html").imgs
              if img["_figure"] == "lead-figure"]
    assert (lead["width"], lead["height"]) == ("40", "60")
    variants = sorted((out / "media/_v").glob("miring-*"))
    assert [v.suffix for v in variants] == [".jpg", ".webp"]
    for variant in variants:
        with PILImage.open(variant) as img:
            assert img.size == (40, 60)
            assert not img.getexif() and "icc_profile" not in img.info and "exif" not in img.info
            rgb = img.convert("RGB")
            top, bottom = rgb.getpixel((20, 5)), rgb.getpixel((20, 55))
            assert top[0] > 200 and top[2] < 60 and bottom[2] > 200 and bottom[0] < 60, (top, bottom)


def test_transparent_image_falls_back_to_png(basic_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build_into(basic_site, out)
    folder = out / "kota/2023/11/pasar-apung-bersolek/_v"
    [png] = folder.glob("perahu-*.png")
    [webp] = folder.glob("perahu-*.webp")
    assert not list(folder.glob("perahu-*.jpg"))
    for path in (png, webp):
        with PILImage.open(path) as img:
            assert img.mode == "RGBA" and img.getpixel((0, 0))[3] == 0  # the corner stays see-through
    html = (out / "kota/2023/11/pasar-apung-bersolek/index.html").read_text()
    assert f'<img src="/kota/2023/11/pasar-apung-bersolek/_v/{png.name}"' in html


def test_images_config(basic_site: Path, tmp_path: Path) -> None:
    toml = basic_site / "site.toml"
    toml.write_text(toml.read_text() + "\n[images]\nwidths = [100, 200]\nthumb_width = 150\njpeg_quality = 70\n")
    out = tmp_path / "public"
    build_into(basic_site, out)
    assert sorted(p.name.rsplit("-", 1)[1] for p in (out / "media/_v").iterdir()) == [
        "100.jpg", "100.webp", "200.jpg", "200.webp"]  # the photo is 320 wide: wider than every width
    assert 'width="200" height="113" alt=""' in (out / "index.html").read_text()  # the thumbnail: 200 >= 150
    toml.write_text(toml.read_text().replace("widths = [100, 200]", 'widths = [100, "besar"]')
                    .replace("jpeg_quality = 70", "jpeg_quality = 0"))
    with pytest.raises(BuildError) as info:
        build_into(basic_site, out)
    messages = sorted(d.format().splitlines()[0] for d in info.value.diagnostics)
    assert messages == ["site.toml:13: error: [images] widths item 2 must be a whole number, not a string",
                        "site.toml:15: error: [images] jpeg_quality must be between 1 and 100"]


# --- bad images --------------------------------------------------------------------------

def errors_of(site: Path, tmp_path: Path, **options: object) -> list[str]:
    with pytest.raises(BuildError) as info:
        build_into(site, tmp_path / "public", **options)
    assert not (tmp_path / "public").exists()
    return [d.format() for d in info.value.diagnostics]


def add_article(site: Path, body: str, image: str = "") -> Path:
    path = site / ARTICLES / "foto-rusak.md"
    path.write_text(f"---\ntitle: Foto Rusak\ndate: 2023-11-02\nsection: kota\n{image}---\n\n{body}")
    return path


def test_missing_body_image_is_an_error_at_its_markdown_line(basic_site: Path, tmp_path: Path) -> None:
    add_article(basic_site, "Paragraf pertama.\n\nBaris dua\n![Jembatan](/media/jembatn.jpg \"Keterangan\") di sini.\n")
    assert errors_of(basic_site, tmp_path) == [
        f"{ARTICLES}/foto-rusak.md:10: error: image file not found: content/media/jembatn.jpg\n"
        "    ![Jembatan](/media/jembatn.jpg \"Keterangan\") di sini.\n"
        "    hint: did you mean 'jembatan.jpg'?"]


def test_non_image_and_damaged_files_are_errors(basic_site: Path, tmp_path: Path) -> None:
    (basic_site / "content/media/catatan.jpg").write_text("bukan foto\n")
    add_article(basic_site, "Teks.\n\n![Catatan](/media/catatan.jpg)\n",
                image="image:\n  src: /media/catatan.jpg\n  alt: Catatan\n")
    errors = errors_of(basic_site, tmp_path)
    assert [e.splitlines()[0] for e in errors] == [
        f"{ARTICLES}/foto-rusak.md:6: error: cannot read image content/media/catatan.jpg: not an image file "
        "Pillow can read (JPEG, PNG, WebP, GIF...)",
        f"{ARTICLES}/foto-rusak.md:12: error: cannot read image content/media/catatan.jpg: not an image file "
        "Pillow can read (JPEG, PNG, WebP, GIF...)"]
    assert errors[0].splitlines()[1] == "      src: /media/catatan.jpg"

    # A JPEG cut short reads as an image but cannot be decoded: named when it is resized.
    data = (basic_site / "content/media/jembatan.jpg").read_bytes()
    (basic_site / "content/media/catatan.jpg").write_bytes(data[:len(data) // 2])
    [error] = errors_of(basic_site, tmp_path / "2")
    assert error.startswith(f"{ARTICLES}/foto-rusak.md:6: error: cannot make the resized versions of catatan.jpg: ")


def test_unreadable_image_is_an_error(basic_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photo = basic_site / "content/media/jembatan.jpg"
    if os.geteuid() == 0:  # root reads every file: refuse this one the way the kernel would
        real = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(
            PermissionError(13, "Permission denied")) if self == photo else real(self))
    else:
        photo.chmod(0)
    try:
        errors = errors_of(basic_site, tmp_path, jobs=1)
    finally:
        photo.chmod(0o644)
    assert errors[0].startswith(f"{JEMBATAN}:10: error: cannot read image content/media/jembatan.jpg: "
                                "Permission denied\n      src: /media/jembatan.jpg"), errors


def test_missing_alt_is_a_warning_and_an_error_with_strict(basic_site: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    add_article(basic_site, "Teks.\n\n![](/media/jembatan.jpg \"Keterangan\")\n",
                image="image:\n  src: /media/jembatan.jpg\n")
    report = build_into(basic_site, tmp_path / "public")
    assert [d.format() for d in report.warnings] == [
        f"{ARTICLES}/foto-rusak.md:6: warning: the lead image has no alt text\n"
        "      src: /media/jembatan.jpg\n"
        "    hint: describe the photo for readers who cannot see it: add 'alt: ...' under 'image:'",
        f"{ARTICLES}/foto-rusak.md:11: warning: image /media/jembatan.jpg in the body has no alt text\n"
        "    ![](/media/jembatan.jpg \"Keterangan\")\n"
        "    hint: describe the photo in the brackets, for readers who cannot see it: ![Warga menimba air](...)"]
    # Nothing to do the second time, but the warnings are still reported (and --strict still fails).
    assert len(build_into(basic_site, tmp_path / "public").warnings) == 2
    shutil.rmtree(tmp_path / "public")
    errors = errors_of(basic_site, tmp_path, strict=True)
    assert [e.split("\n")[0] for e in errors] == [
        f"{ARTICLES}/foto-rusak.md:6: error: the lead image has no alt text",
        f"{ARTICLES}/foto-rusak.md:11: error: image /media/jembatan.jpg in the body has no alt text"]

    # The command line prints the warnings after the summary, and --strict turns them into errors.
    out = tmp_path / "cli"
    assert main(["build", "--source", str(basic_site), "--out", str(out), "--no-search", "--future"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Built ") and captured.err.count("warning: ") == 2
    assert main(["build", "--source", str(basic_site), "--out", str(out), "--no-search", "--future",
                 "--strict"]) == 1
    assert "error: the lead image has no alt text" in capsys.readouterr().err


def test_another_pillow_renames_the_variants_on_every_page_that_shows_them(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import PIL

    from tests.test_incremental import snapshot

    site = copy_site("basic", tmp_path)
    out = tmp_path / "public"
    build_into(site, out)
    old_variants = {p.name for p in out.rglob("_v/*")}
    monkeypatch.setattr(PIL, "__version__", "99.0.0")
    images_module.variant_settings.cache_clear()
    images_module._variants.cache_clear()
    try:
        build_into(site, out)
        assert old_variants and not old_variants & {p.name for p in out.rglob("_v/*")}
        clean = tmp_path / "clean"
        build_into(site, clean, clean=True)
        assert snapshot(out) == snapshot(clean)  # no page still points at the old names
    finally:
        images_module.variant_settings.cache_clear()
        images_module._variants.cache_clear()
