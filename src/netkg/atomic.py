"""Writing output files so that a reader never sees half of one.

Every file is written to a temporary file in the target folder, flushed to disk, and renamed
over the target only when all files of the batch were written; a failure leaves the old files
as they were.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write one file atomically."""
    return write_all({Path(path): content})[0]


def write_all(files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write a batch of files: all are staged first, then all renamed into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            tmp = Path(tmp_name)
            staged.append((tmp, target))
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; outputs are ordinary files
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    return [target for _, target in staged]


def refuse_overwrite(targets: Iterable[Path], force: bool = False) -> None:
    """Raise UsageError (exit 2) naming the first target that already exists, unless force.

    A file or a non-empty folder counts; an empty folder does not. Checked before any work, so
    nothing a user wrote is replaced without --force.
    """
    from netkg.errors import UsageError

    if force:
        return
    for target in targets:
        path = Path(target)
        if path.is_dir() and not any(path.iterdir()):
            continue
        if path.exists():
            kind = "folder" if path.is_dir() else "file"
            raise UsageError(f"{path} exists ({kind}); use --force to replace it")
