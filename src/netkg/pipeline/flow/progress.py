"""Progress on long work (build, import), shown on a terminal and silent in pipes and files.

A step such as OWL-RL reasoning gives no progress of its own, so the line shows the step's name
and a clock that keeps ticking (a small thread refreshes it); steps over many items (files to
load) count them. The bar is tqdm's, written to stderr, and only when stderr is a terminal, so
scripts, CI logs and `2> file` never see it.

Every step is timed here, shown or not (a step run on another thread is timed without being
shown): `timings` is what the build reports, and `elapsed()` is the wall time since the start,
which is what a total is (steps that overlap would be counted twice in a sum).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TypeVar

T = TypeVar("T")


class Progress:
    """A line like `netkg build: reason (2/4)  12s` that advances step by step."""

    def __init__(self, title: str, steps: Sequence[str], stream: IO[str] | None = None) -> None:
        self.title = title
        self.steps = list(steps)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}
        self._bar = None
        if self.enabled:
            from tqdm import tqdm

            size = shutil.get_terminal_size((80, 24))
            self._bar = tqdm(
                total=len(self.steps),
                desc=title,
                file=self.stream,
                leave=False,
                bar_format="{desc}  {elapsed}",
                # the terminal's size (or COLUMNS/LINES); one that reports none gets 80x24
                # (tqdm would otherwise hide the line on a 0-row terminal)
                ncols=size.columns,
                nrows=size.lines,
            )

    @contextlib.contextmanager
    def step(self, name: str, show: bool = True) -> Iterator[None]:
        """Time the block as step `name`; with `show`, show it as the running step, with a
        ticking clock, while the block runs (`show=False` for a step on another thread)."""
        start = time.perf_counter()
        try:
            if self._bar is None or not show:
                yield
            else:
                with self._shown(name):
                    yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    def elapsed(self) -> float:
        """Seconds since this progress began (the wall time of the whole job so far)."""
        return time.perf_counter() - self.started

    @contextlib.contextmanager
    def _shown(self, name: str) -> Iterator[None]:
        bar = self._bar
        assert bar is not None
        number = self.steps.index(name) + 1 if name in self.steps else bar.n + 1
        bar.set_description_str(f"{self.title}: {name} ({number}/{len(self.steps)})")
        stop = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(stop,), daemon=True)
        ticker.start()
        try:
            yield
        finally:
            stop.set()
            ticker.join()
            bar.update(1)

    def over(self, items: Sequence[T], name: str) -> Iterable[T]:
        """Iterate items as one step, counting them on the line (e.g. files loaded)."""
        with self.step(name):
            for i, item in enumerate(items, start=1):
                if self._bar is not None:
                    number = self.steps.index(name) + 1 if name in self.steps else 0
                    self._bar.set_description_str(
                        f"{self.title}: {name} {i}/{len(items)} ({number}/{len(self.steps)})",
                        refresh=False,
                    )
                yield item

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(0.5):
            bar = self._bar
            if bar is not None:
                bar.refresh()


def quiet() -> Progress:
    """A Progress that shows nothing (for library calls and tests)."""
    return Progress("", [], stream=io.StringIO())
