"""Content digests from git's own index, so that a fresh clone's files need not be read.

A file's digest is the start of its git blob id: SHA-1 of `blob <size>\\0` and its bytes.
For a file that git tracks and reports unchanged since checkout, git's index already
holds that id, so a fresh clone in CI (every file a new mtime, nothing known yet) learns
every story's digest from one `git ls-files` instead of reading 100,000 files. Any file git
does not vouch for is read and hashed the same way, so the digest is one thing whichever
way it was found.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

# A normal (not skip-worktree, not assume-unchanged) regular file at stage 0:
# "H <mode> <40 hex> 0\t<path>" with -v and -s.
_ENTRY = re.compile(rb"H (?:100644|100755) ([0-9a-f]{40}) 0\t(.+)", re.DOTALL)
_TIMEOUT = 60  # seconds; git answers in a fraction of that even at 100,000 files


def blob_digest(path: Path) -> int:
    """The first 64 bits of `path`'s git blob id; -1 when it cannot be read (parsing then says why)."""
    try:
        size = path.stat().st_size
        digest = hashlib.sha1(b"blob %d\0" % size)
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):  # photos can be large: never whole in memory
                digest.update(chunk)
    except OSError:
        return -1
    return int.from_bytes(digest.digest()[:8], "big")


def git_digests(site: Path, folder: str = "content") -> dict[str, tuple[int, int]]:
    """Size and digest of each file under `site/folder` that git tracks and reports unchanged.

    Paths are relative to `site`. Without git, outside a work tree, or on any error the
    answer is empty, and every file is read instead.
    """
    git = shutil.which("git")
    if git is None or not (site / folder).is_dir():
        return {}
    # Nothing from the environment or the repository may run a program or redirect git:
    # no fsmonitor hook, no other work tree or index.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    command = [git, "-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"]
    try:
        listed = subprocess.run([*command, "ls-files", "-s", "-v", "-z", "--", folder], cwd=site, env=env,
                                capture_output=True, timeout=_TIMEOUT, check=True).stdout
        # Tracked files whose contents differ from the index (git's racy-entry check included).
        changed = subprocess.run([*command, "diff-files", "--relative", "--name-only", "-z", "--", folder],
                                 cwd=site, env=env, capture_output=True, timeout=_TIMEOUT, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    stale = {name.decode("utf-8", "surrogateescape") for name in changed.split(b"\0") if name}
    entries = []
    for entry in listed.split(b"\0"):
        match = _ENTRY.fullmatch(entry)
        if match is not None and (rel := match.group(2).decode("utf-8", "surrogateescape")) not in stale:
            entries.append((rel, match.group(1)))
    sizes = _blob_sizes(command, site, env, [blob for _, blob in entries])
    if sizes is None:
        return {}
    return {rel: (size, int(blob[:16], 16)) for (rel, blob), size in zip(entries, sizes) if size >= 0}


def _blob_sizes(command: list[str], site: Path, env: dict[str, str], blobs: list[bytes]) -> list[int] | None:
    """Each blob's size in bytes (-1 when git lacks it), in order; None on any error.

    The caller trusts a blob id only for a file of exactly that size: a file that git's
    filters (line endings, LFS, ident) change on checkout has other bytes than its blob,
    and so another size, and is read instead.
    """
    if not blobs:
        return []
    try:
        out = subprocess.run([*command, "cat-file", "--batch-check=%(objectsize)"], cwd=site, env=env,
                             input=b"\n".join(blobs) + b"\n", capture_output=True, timeout=_TIMEOUT,
                             check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.split(b"\n")[:len(blobs)]
    if len(lines) != len(blobs):
        return None
    return [int(line) if line.isdigit() else -1 for line in lines]
