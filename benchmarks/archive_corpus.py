"""A synthetic news archive for the benchmarks: the same stories for sitegen and for Hugo.

    .venv/bin/python benchmarks/archive_corpus.py OUT --articles N [--images M] [--seed S] [--hugo]

Writes OUT/site.toml and OUT/content/ (articles in content/articles/YYYY/MM/, lead photos
in content/media/) in sitegen's layout; with --hugo also OUT-hugo/, a Hugo site with the
same stories at the same addresses (benchmarks/hugo-site/ plus content/posts/). The
archive looks like a newsroom's: N stories spread over eight years and ten sections,
bylines from a pool of reporters and editors, tags whose popularity falls off like Zipf's
law (a few desk-wide tags on a large share of a section's stories, a long tail of rare
ones, some stories untagged), Indonesian-like text with affixed word forms (me-, di-,
ber-, -kan, -an, -nya) so that stemming has work to do, "Baca juga" links to earlier
stories, and, with --images M, M lead photos (flat-colour JPEGs drawn with Pillow)
shared by the stories. The same --seed gives byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

HUGO_SITE = Path(__file__).resolve().parent / "hugo-site"
SECTIONS = ("nasional", "internasional", "ekonomi", "olahraga", "teknologi",
            "hukum", "metro", "gaya-hidup", "sains", "budaya")
# Words every desk uses; stories draw most of their text from these.
COMMON = ("yang dan di ke dari pada untuk dengan dalam ini itu juga akan sudah masih telah "
          "bisa harus lebih oleh karena setelah sebelum saat para warga pemerintah kota "
          "daerah tahun hari pekan bulan kata ujar menurut hingga sekitar banyak baru").split()
# Root words of each desk: what makes two stories of one desk alike.
DESK_ROOTS = {
    "nasional": "pilih suara partai calon dewan undang rakyat menteri lantik sidang desa bantu".split(),
    "internasional": "runding damai perang batas duta negara sepakat sanksi kawasan kirim tamu".split(),
    "ekonomi": "harga jual beli pasar modal pajak ekspor impor untung rugi dagang tani".split(),
    "olahraga": "main tanding gol juara latih menang kalah laga liga atlet lari tim".split(),
    "teknologi": "data jaring aplikasi ponsel kirim sandi retas layan digital pakai unduh cip".split(),
    "hukum": "tangkap adil saksi vonis tuntut jaksa hakim periksa sidik dakwa bela polisi".split(),
    "metro": "banjir macet jalan hujan bangun angkut sampah air listrik rumah pindah kumpul".split(),
    "gaya-hidup": "makan masak sehat gerak tidur jalan wisata pakai gaya rias belanja libur".split(),
    "sains": "teliti ukur amat temu hitung uji bintang sel gen iklim gempa laut".split(),
    "budaya": "tari lagu tulis baca pentas lukis film tenun cerita adat rayakan pamer".split(),
}
PREFIXES = ("", "", "me", "di", "ber", "ter", "pe", "ke")
SUFFIXES = ("", "", "", "kan", "an", "nya", "i")
SYLLABLES = "ba be bi bo bu da di du ga gi ka ki ku la li lu ma mi mu na ni nu pa pi ra ri ru sa si su ta ti tu wa ya".split()
GIVEN = ("Agus Ayu Bambang Citra Dewi Dimas Eka Fajar Gita Hendra Indah Joko Kartika Lestari "
         "Made Nur Putu Rina Sari Teguh Wahyu Yanti Yusuf Zainal").split()
FAMILY = ("Aritonang Hidayat Kusuma Lubis Nasution Pattinama Prasetyo Purnomo Rahmawati Santoso "
          "Saragih Setiawan Siregar Sutrisno Wibowo Wulandari").split()
PLACES = ("Jakarta Surabaya Medan Makassar Bandung Semarang Denpasar Kupang Jayapura Padang "
          "Palembang Pontianak Ambon Manado Mataram").split()
START = datetime(2017, 1, 1)
SPAN_MINUTES = 8 * 365 * 24 * 60
UNTAGGED_SHARE = 0.06


@dataclass(frozen=True)
class Story:
    """One generated story, in neither generator's format yet."""

    index: int
    title: str
    slug: str
    date: datetime
    section: str
    reporters: tuple[str, ...]
    editor: str
    tags: tuple[str, ...]
    summary: str
    dateline: str
    body: str
    image: int | None  # index of the shared lead photo

    @property
    def url(self) -> str:
        """The story's address, the same in both sites."""
        return f"/{self.section}/{self.date:%Y}/{self.date:%m}/{self.slug}/"


class Inventor:
    """Draws words, names and tags from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.coined = [self.coin() for _ in range(400)]
        self.reporters = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(60)]
        self.reporters = sorted(set(self.reporters))
        self.editors = sorted({f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(14)})
        self.tags = self.tag_pool(600)
        # Zipf-like popularity: the tag of rank r is drawn with weight 1 / r^1.1.
        self.tag_weights = [1 / (rank + 1) ** 1.1 for rank in range(len(self.tags))]
        self.desk_tags = {section: (section.replace("-", " "), self.rng.choice(self.tags[:40]))
                          for section in SECTIONS}

    def coin(self) -> str:
        """A made-up word of two to four syllables."""
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    def affixed(self, root: str) -> str:
        """The root with an Indonesian-like prefix and suffix (membantu, dibantukan, bantuannya)."""
        prefix, suffix = self.rng.choice(PREFIXES), self.rng.choice(SUFFIXES)
        if prefix == "me" and root[0] in "bp":
            prefix = "mem"
        elif prefix == "me" and root[0] in "dtcj":
            prefix = "men"
        elif prefix == "me" and root[0] in "aiueogk":
            prefix = "meng"
        return prefix + root + suffix

    def tag_pool(self, size: int) -> list[str]:
        """Tags: desk roots, places and coined words, alone or in pairs."""
        roots = [root for roots in DESK_ROOTS.values() for root in roots]
        pool: list[str] = []
        while len(pool) < size:
            kind = self.rng.random()
            if kind < 0.3:
                tag = self.rng.choice(roots)
            elif kind < 0.45:
                tag = self.rng.choice(PLACES).lower()
            elif kind < 0.7:
                tag = self.rng.choice(self.coined)
            else:
                tag = f"{self.rng.choice(roots)} {self.rng.choice(self.coined + [p.lower() for p in PLACES])}"
            if tag not in pool:
                pool.append(tag)
        return pool

    def word(self, section: str) -> str:
        """One word of running text for a story of the section."""
        kind = self.rng.random()
        if kind < 0.45:
            return self.rng.choice(COMMON)
        if kind < 0.75:
            return self.affixed(self.rng.choice(DESK_ROOTS[section]))
        if kind < 0.82:
            return self.rng.choice(PLACES)
        return self.rng.choice(self.coined)

    def sentence(self, section: str, low: int, high: int) -> str:
        """A capitalised sentence of low to high words, with a full stop."""
        words = [self.word(section) for _ in range(self.rng.randint(low, high))]
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def story_tags(self, section: str) -> tuple[str, ...]:
        """Zero to five tags: maybe the desk's own, then Zipf-drawn ones."""
        if self.rng.random() < UNTAGGED_SHARE:
            return ()
        tags: list[str] = []
        for desk_tag, share in zip(self.desk_tags[section], (0.45, 0.25), strict=True):
            if self.rng.random() < share:
                tags.append(desk_tag)
        for tag in self.rng.choices(self.tags, self.tag_weights, k=self.rng.randint(1, 4)):
            if tag not in tags:
                tags.append(tag)
        return tuple(tags)


def slug_of(title: str, index: int) -> str:
    """URL slug: the first words of the headline and the story's number, so it is unique."""
    words = "".join(c if c.isalnum() else " " for c in title.lower()).split()
    return "-".join(words[:7] + [str(index)])


def make_stories(articles: int, images: int, seed: int) -> list[Story]:
    """The archive's stories, oldest first, identical for one seed."""
    rng = random.Random(seed)
    inventor = Inventor(rng)
    minutes = sorted(rng.randrange(SPAN_MINUTES) for _ in range(articles))
    stories: list[Story] = []
    for index, minute in enumerate(minutes):
        section = rng.choice(SECTIONS)
        title = inventor.sentence(section, 6, 12).rstrip(".")
        paragraphs = [" ".join(inventor.sentence(section, 8, 20) for _ in range(rng.randint(2, 5)))
                      for _ in range(rng.randint(4, 10))]
        paragraphs.insert(len(paragraphs) // 2, "## " + inventor.sentence(section, 3, 7).rstrip("."))
        if rng.random() < 0.3:
            paragraphs.insert(2, "\n".join("- " + inventor.sentence(section, 4, 10) for _ in range(3)))
        if rng.random() < 0.3:
            paragraphs.insert(1, "> " + inventor.sentence(section, 8, 16))
        earlier = [story for story in stories[-200:] if story.section == section]
        if earlier:
            other = rng.choice(earlier)
            paragraphs.append(f"Baca juga: [{other.title}]({other.url})")
        stories.append(Story(
            index=index, title=title, slug=slug_of(title, index),
            date=START + timedelta(minutes=minute), section=section,
            reporters=tuple(rng.sample(inventor.reporters, 2 if rng.random() < 0.15 else 1)),
            editor=rng.choice(inventor.editors), tags=inventor.story_tags(section),
            summary=inventor.sentence(section, 12, 24), dateline=rng.choice(PLACES),
            body="\n\n".join(paragraphs) + "\n",
            image=rng.randrange(images) if images and rng.random() < 0.8 else None))
    return stories


def quoted(text: str) -> str:
    """A YAML double-quoted string (the generated text holds no quote or backslash)."""
    return f'"{text}"'


def front_matter(story: Story, hugo: bool) -> str:
    """The story's front matter, in sitegen's keys or Hugo's."""
    tags = ", ".join(quoted(tag) for tag in story.tags)
    reporters = ", ".join(quoted(name) for name in story.reporters)
    lines = ["---", f"title: {quoted(story.title)}", f"date: {story.date:%Y-%m-%dT%H:%M:00}+07:00"]
    if hugo:
        lines += [f"url: {story.url}", f"categories: [{story.section}]", f"reporters: [{reporters}]"]
    else:
        lines += [f"section: {story.section}", f"reporter: [{reporters}]"]  # the file name is the slug
    lines += [f"editor: {quoted(story.editor)}", f"dateline: {story.dateline}", f"tags: [{tags}]",
              f"summary: {quoted(story.summary)}"]
    if story.image is not None:
        lines += ["image:", f"  src: /media/foto-{story.image:04d}.jpg",
                  f"  alt: {quoted('Foto ilustrasi ' + story.title.lower())}",
                  f"  caption: {quoted(story.summary)}",
                  f"  credit: {quoted(story.reporters[0].upper() + '/ARSIP')}"]
    return "\n".join(lines + ["---", "", ""])


def site_toml() -> str:
    """sitegen's configuration for the archive."""
    sections = "\n".join(f'{key} = "{key.replace("-", " ").title()}"' for key in SECTIONS)
    return ('title = "Arsip Uji"\nbase_url = "https://example.org/"\nlanguage = "id"\n'
            'timezone = "Asia/Jakarta"\npermalink = "/{section}/{year}/{month}/{slug}/"\n\n'
            f"[sections]\n{sections}\n")


def write_photos(media: Path, images: int, seed: int, width: int) -> None:
    """M flat-colour photos with a few shapes: cheap to draw, real JPEGs to resize."""
    from PIL import Image, ImageDraw

    media.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    height = round(width * 2 / 3)
    for index in range(images):
        colour = tuple(rng.randrange(256) for _ in range(3))
        photo = Image.new("RGB", (width, height), colour)
        draw = ImageDraw.Draw(photo)
        for _ in range(6):
            x, y = rng.randrange(width), rng.randrange(height)
            radius = rng.randint(width // 20, width // 5)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius),
                         fill=tuple(rng.randrange(256) for _ in range(3)))
        photo.save(media / f"foto-{index:04d}.jpg", quality=80)


def write_site(out: Path, stories: list[Story], hugo: bool) -> None:
    """The stories as Markdown files in one generator's folders."""
    for story in stories:
        if hugo:
            path = out / "content" / "posts" / f"{story.date:%Y}" / f"{story.slug}.md"
        else:
            path = out / "content" / "articles" / f"{story.date:%Y}" / f"{story.date:%m}" / f"{story.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter(story, hugo) + story.body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write the archive (and its Hugo twin with --hugo)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (must not exist or be empty)")
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--images", type=int, default=0, help="distinct lead photos (0: none)")
    parser.add_argument("--image-width", type=int, default=1600, help="photo width in pixels (height 2/3 of it)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hugo", action="store_true", help="also write OUT-hugo/, the same stories for Hugo")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.images < 0:
        parser.error("--articles must be 1 or more and --images 0 or more")
    targets = [args.out] + ([hugo_folder(args.out)] if args.hugo else [])
    for target in targets:
        if target.exists() and any(target.iterdir()):
            parser.error(f"{target} exists and is not empty")
    stories = make_stories(args.articles, args.images, args.seed)
    write_site(args.out, stories, hugo=False)
    (args.out / "site.toml").write_text(site_toml(), encoding="utf-8")
    if args.images:
        write_photos(args.out / "content" / "media", args.images, args.seed, args.image_width)
    if args.hugo:
        hugo = hugo_folder(args.out)
        shutil.copytree(HUGO_SITE, hugo, dirs_exist_ok=True)
        write_site(hugo, stories, hugo=True)
        if args.images:
            shutil.copytree(args.out / "content" / "media", hugo / "static" / "media")
    print(f"{len(stories)} stories in {', '.join(str(t) for t in targets)}")
    return 0


def hugo_folder(out: Path) -> Path:
    """Where --hugo writes the Hugo twin of OUT."""
    return out.with_name(out.name + "-hugo")


if __name__ == "__main__":
    sys.exit(main())
