"""Errors a user can act on, each with the exit code the CLI returns for it.

Exit codes follow pySHACL's contract where they overlap: 0 success, 1 validation found
violations, 2 the input could not be used (bad syntax, missing file, unknown query or
parameter) or an output could not be written (disk full, read-only folder; the old output is
kept). A remote endpoint that fails is 3, so scripts can tell "my data" from "the server".
A command stopped by SIGINT exits 130, by SIGTERM 143, having removed what it had half written.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path


class NetkgError(Exception):
    """Base class: a message meant for the user, and an exit code."""

    exit_code = 2


class InputError(NetkgError):
    """A file that cannot be read or parsed, located as precisely as the parser allows."""

    def __init__(
        self, path: Path | str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class UsageError(NetkgError):
    """A request that names something that does not exist, or a value of the wrong form."""


class QueryError(NetkgError):
    """A query that does not parse or cannot be evaluated."""


class OutputError(NetkgError):
    """An output that cannot be written: the disk is full, the folder is read-only, …"""

    def __init__(self, path: Path | str, exc: OSError, kept: str = "") -> None:
        self.path = str(path)
        self.cause = os_error_text(exc)
        super().__init__(f"cannot write {self.path}: {self.cause}" + (f"; {kept}" if kept else ""))


def os_error_text(exc: OSError) -> str:
    """An OSError in one line: its reason, and the file it names if any (a store's error is a
    message that already names its file)."""
    if exc.strerror:
        return f"{exc.strerror} ({exc.filename})" if exc.filename else exc.strerror
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as Ctrl-C does, cleaning up on the way out."""


class EndpointError(NetkgError):
    """A remote SPARQL endpoint that is unreachable, refuses, times out or answers nonsense."""

    exit_code = 3


def note(message: str) -> None:
    """`netkg: message` on stderr, wrapped to the width of a terminal (a pipe gets one line)."""
    text = f"netkg: {message}"
    if getattr(sys.stderr, "isatty", lambda: False)():
        width = shutil.get_terminal_size((80, 24)).columns
        text = "\n".join(textwrap.wrap(text, width=max(width, 20), break_on_hyphens=False))
    print(text, file=sys.stderr)
