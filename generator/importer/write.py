"""Write imported stories as Markdown files with front matter; never overwrite unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from generator.importer.convert import Story


class ExistingFiles(Exception):
    """Files the import would overwrite; nothing was written."""

    def __init__(self, paths: Sequence[str]):
        super().__init__(", ".join(paths))
        self.paths = list(paths)


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line text as literal blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def front_matter(front: dict[str, Any]) -> str:
    """The YAML between the `---` lines (keys starting with '_' are the importer's own)."""
    data = {k: v for k, v in front.items() if not k.startswith("_")}
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=False)


def story_text(story: Story) -> str:
    """The whole file: front matter, then the Markdown body."""
    return f"---\n{front_matter(story.front)}---\n\n{story.body.strip()}\n"


def check_free(site: Path, stories: Iterable[Story], force: bool) -> None:
    """Raise ExistingFiles naming every file that exists already (unless `force`)."""
    if force:
        return
    taken = [s.rel for s in stories if (site / s.rel).exists()]
    if taken:
        raise ExistingFiles(taken)


def write_stories(site: Path, stories: Iterable[Story]) -> int:
    """Write each file through a temporary file and a rename; returns how many were written."""
    count = 0
    for story in stories:
        path = site / story.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".md")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(story_text(story))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        count += 1
    return count
