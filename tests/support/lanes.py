"""The `external` lane's marks for tests that need a program from outside Python.

`scripts/test.sh --quick` leaves out tests marked `external` (Java, Virtuoso, Chromium, an
installed wheel, the notebook kernel); where the program is missing the test is skipped, with
the command that installs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from support.triplestores import virtuoso_binary

T = TypeVar("T", bound=Callable)

VIRTUOSO = [
    pytest.mark.external,
    pytest.mark.skipif(
        virtuoso_binary() is None,
        reason="virtuoso-t not installed (Debian package virtuoso-opensource: "
        "run scripts/install-system-deps.sh)",
    ),
]


def requires_virtuoso(test: T) -> T:
    """Mark a test as needing Virtuoso (its lane and its skip); `VIRTUOSO` for a param."""
    for mark in VIRTUOSO:
        test = mark(test)
    return test
