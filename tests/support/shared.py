"""Work done once per test run and shared by every pytest-xdist worker: a folder made under a
file lock in the run's common temporary folder.

Each xdist worker is a process with its own session fixtures; a folder the first worker makes
(the shipped build, say) is reused by the others instead of being made once per worker.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder common to the whole run (all workers' folders are under it)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, made by `make(folder)` the first time any worker asks for it.

    `make` writes into an empty folder; only a complete result is renamed into place, so a
    failure in one worker is a failure (again) in the next rather than a half-made folder."""
    root = run_folder(factory)
    done = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.is_dir():
            partial = root / f"{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            make(partial)
            partial.rename(done)
    return done
