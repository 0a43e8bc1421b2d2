"""Delete a replaced output folder without making the build wait for it.

A clean build swaps its new folder in and leaves the previous output to delete: 17,000
files at 10,000 articles, which took 12 to 15 s of the build. The folder is renamed
`.NAME.trash-PID` beside the output and a detached process deletes it while the command
returns. That process first renames the folder to carry its own PID, so the next build
leaves a deletion in progress alone; a trash folder whose process is gone (killed,
machine restarted) is handed to a new deleter by the next build (`switch.remove_stale`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

KIND = "trash"

# Run as `python -c` so that it needs nothing but the standard library: claim the folder
# under this process's PID (another deleter may have claimed it first: then nothing to
# do), then delete it at a low priority.
_DELETER = """
import os, shutil, sys
folder = sys.argv[1]
mine = folder.rsplit("-", 1)[0] + "-" + str(os.getpid())
try:
    os.rename(folder, mine)
except OSError:
    sys.exit(0)
try:
    os.nice(10)
except OSError:
    pass
shutil.rmtree(mine, ignore_errors=True)
"""


def trash_path(out: Path) -> Path:
    """Where this process puts a replaced output folder before it is deleted."""
    return out.parent / f".{out.name}.{KIND}-{os.getpid()}"


# Deleters started by this process, kept so that finished ones are reaped (sitegen serve
# runs many builds) rather than left as zombies.
_STARTED: list[subprocess.Popen[bytes]] = []


def delete_later(folder: Path) -> None:
    """Delete `folder` (named `.NAME.trash-PID`) in a detached process; the caller goes on at once."""
    _STARTED[:] = [process for process in _STARTED if process.poll() is None]
    try:
        _STARTED.append(subprocess.Popen(
            [sys.executable, "-c", _DELETER, str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, close_fds=True,
            start_new_session=True))  # not stopped by the terminal's Ctrl-C with the build
    except OSError:  # no process to be had: delete it here, as before
        shutil.rmtree(folder, ignore_errors=True)


def wait_for_deleters(timeout: float) -> bool:
    """Wait for this process's deleters to finish (tests, benchmarks); True if all did."""
    for process in _STARTED:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
    _STARTED.clear()
    return True
