"""Headless Chromium (Debian's, never `playwright install`) for the browser tests.

`CHROMIUM_LANE` is the marks of a module that drives it: the `external` lane, and a skip where
Chromium is missing. The Playwright browser and the `netkg serve` it talks to are session
fixtures in conftest (`chromium`, `netkg_server`), started once for both browser modules; each
test gets a fresh recording `page` from conftest too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # screenshots for a person
CHROMIUM_LANE = [
    pytest.mark.external,
    pytest.mark.xdist_group("chromium"),  # one worker: one browser and one server
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/install-system-deps.sh)"
    ),
]
