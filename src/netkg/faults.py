"""Named points where the tests make a process fail, to check what a crash leaves behind.

`NETKG_FAULT=POINT:ACTION` (unset in normal use, when each point costs one dictionary look-up)
makes the process fail when it reaches POINT:

- `kill`: SIGKILL, as a power cut or the kernel's out-of-memory killer would;
- `enospc`: an OSError "No space left on device" for the path being written;
- `wait`: say `netkg: fault point POINT reached` on stderr and sleep (up to a minute), so a
  test can send a real signal at a known moment rather than after a guessed delay.

The points of the dist/ writer are listed in `WRITER_POINTS`, in the order a build passes them.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import time
from pathlib import Path

VARIABLE = "NETKG_FAULT"
# the dist/ writer's points, in order (see netkg.rdf.persist and netkg.pipeline.flow.write)
WRITER_POINTS = (
    "store-loaded",  # the asserted quads are in the staged store
    "dumps-written",  # the staged dumps are complete
    "reports-written",  # the staged reports are complete
    "renamed",  # the staged build is dist/builds/<generation>, not yet current
    "linked",  # the links dist/<name> -> current/<name> are there
    "switched",  # dist/current points to the new build
    "pruned",  # older builds removed
)
WAIT_SECONDS = 60.0


def fault(point: str, path: Path | str | None = None) -> None:
    """Fail here if NETKG_FAULT names this point (see the module docstring)."""
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    where, _, action = spec.partition(":")
    if where != point:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path or point))
    elif action == "wait":
        print(f"netkg: fault point {point} reached", file=sys.stderr, flush=True)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.02)
