"""Temporary files and folders that carry their owner's process id, so a later run finds debris.

A build stages dist/ in `.build.<pid>.<random>.tmp`, `netkg serve` copies the store into
`netkg-serve-<pid>.<random>` in the system's temporary folder. A process that is killed outright
(SIGKILL, the machine stopping) cannot remove what it made; the next run removes every such
entry whose process is gone. The process id is part of the name, so it is recorded the moment
the entry exists. A process id the system has since given to another process is told apart
by its start time: the owner started before it last changed its entry.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from pathlib import Path

# `<pid>.<8 hex digits>` at the end of a name, or before its `.tmp`
_OWNED = re.compile(r"(?:^|[.-])(?P<pid>[1-9][0-9]*)\.[0-9a-f]{8}(?:\.tmp)?$")


def owned_name(prefix: str, suffix: str = "") -> str:
    """A fresh name `<prefix><pid>.<8 hex digits><suffix>` for this process."""
    return f"{prefix}{os.getpid()}.{secrets.token_hex(4)}{suffix}"


def make_owned_dir(parent: Path, prefix: str, suffix: str = "") -> Path:
    """A new folder in `parent` named for this process (see owned_name)."""
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        path = parent / owned_name(prefix, suffix)
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path


def owner(name: str) -> int | None:
    """The process id an owned name carries (see owned_name), or None if it carries none."""
    found = _OWNED.search(name)
    return int(found["pid"]) if found else None


def alive(pid: int, since: float | None = None) -> bool:
    """Whether process `pid` runs (and, given `since`, started no later than then: a process
    that started after its entry last changed is a stranger who got the id again)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        pass
    if since is not None:
        started = _start_time(pid)
        if started is not None and started > since + 1.0:  # /proc's boot time is in seconds
            return False
    return True


def is_debris(path: Path, pid: int | None) -> bool:
    """Whether an entry named for process `pid` was left by a process that is gone."""
    if pid is None:
        return False
    try:
        changed = path.lstat().st_mtime
    except FileNotFoundError:
        return False
    return not alive(pid, changed)


def remove(path: Path) -> None:
    """Remove a file, link or folder, whatever it is, as far as it can be removed (gone
    already, or on a read-only disk, is not an error: this is cleaning up)."""
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def remove_debris(parent: Path, prefix: str) -> list[Path]:
    """Remove the entries of `parent` whose names start with `prefix` and carry the id of a
    process that is gone (see owned_name); the removed paths."""
    removed: list[Path] = []
    try:
        entries = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for path in entries:
        if is_debris(path, owner(path.name)):
            remove(path)
            removed.append(path)
    return removed


def _start_time(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), where /proc tells."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
    try:
        ticks = int(fields[19])  # field 22 of the whole line: starttime, in clock ticks
    except (IndexError, ValueError):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")
