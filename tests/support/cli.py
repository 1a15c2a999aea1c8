"""Run `netkg` as a user does: in this process (fast) or, where a test needs one, in a real one.

`netkg_cli(*args)` calls `netkg.cli.main(args)` here, with its own working folder, environment,
standard input, output and error, and returns what `subprocess.run` would: a
`CompletedProcess` with the exit code and the text (or bytes) written. Everything it changes —
the working folder, the environment, `sys.stdin/stdout/stderr`, `sys.argv` — is put back, and
netkg's per-process caches are emptied when the project folder differs from the previous
call's, as a fresh process would start without them. It saves an interpreter start and
netkg's imports per call (about 1.5 s each on a loaded machine).

`netkg_process(*args)` starts `python -m netkg` for the few tests that need a real process: an
installed wheel, a kill, a server, a crash guard, fresh hash salts, a pseudo-terminal, or the
process's own memory figures. Its environment is this one without `NETKG_ROOT` and `COLUMNS`
(so a developer's shell does not leak in) plus the given overrides, and it imports the same
netkg as the tests do.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import netkg
from netkg.cli import main
from netkg.pipeline.inputs.layout import project_root

SOURCE = Path(netkg.__file__).resolve().parents[1]  # the folder `import netkg` found netkg in
Args = str | bytes | os.PathLike[str]
_last_project: list[Path | None] = []


def netkg_cli(
    *args: Args,
    cwd: Path | str | None = None,
    env: Mapping[str, str | None] | None = None,
    input: str | bytes | None = None,
    text: bool = True,
) -> subprocess.CompletedProcess:
    """`netkg ARGS` run in this process: exit code, stdout and stderr as a process gives them.

    `env` adds to (a value of None: removes from) the current environment for the call;
    `input` is standard input. Bytes arguments reach netkg as the operating system hands a
    process undecodable bytes (`os.fsdecode`)."""
    argv = [os.fsdecode(a) if isinstance(a, bytes) else os.fspath(a) for a in args]
    stdout, stderr = _Captured(), _Captured()
    raw = input.encode("utf-8") if isinstance(input, str) else (input or b"")
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    with _environment(env), _working_folder(cwd):
        _forget_caches_of_another_project()
        saved = sys.stdin, sys.stdout, sys.stderr, sys.argv
        sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
        sys.argv = ["netkg", *argv]
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse: --help, --version, a usage error
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            sys.stdin, sys.stdout, sys.stderr, sys.argv = saved
    out, err = stdout.value(), stderr.value()
    if text:
        return subprocess.CompletedProcess(argv, code, _text(out), _text(err))
    return subprocess.CompletedProcess(argv, code, out, err)


def netkg_process(
    *args: Args,
    cwd: Path | str | None = None,
    env: Mapping[str, str | None] | None = None,
    input: str | bytes | None = None,
    text: bool = True,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """`python -m netkg ARGS` in a process of its own (see the module docstring)."""
    return subprocess.run(
        [sys.executable, "-m", "netkg", *args],
        cwd=cwd,
        env=process_environment(env),
        input=input,
        capture_output=True,
        text=text,
        timeout=timeout,
        check=False,
    )


def process_environment(env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The environment for a netkg child process: this one without NETKG_ROOT and COLUMNS, with
    this process's netkg first on PYTHONPATH, and the given changes (None removes)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NETKG_ROOT", "COLUMNS")}
    paths = [str(SOURCE), *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    environment["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return environment


class _Captured(io.TextIOWrapper):
    """A text stream over bytes, like a pipe: not a terminal, with `.buffer` for binary output."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", newline="")

    def value(self) -> bytes:
        self.flush()
        buffer = self.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue()


def _text(data: bytes) -> str:
    """Bytes read as `subprocess.run(..., text=True)` reads them (universal newlines)."""
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


@contextlib.contextmanager
def _environment(changes: Mapping[str, str | None] | None) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for key, value in (changes or {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _working_folder(folder: Path | str | None) -> Iterator[None]:
    saved = os.getcwd()
    try:
        if folder is not None:
            os.chdir(folder)
        yield
    finally:
        os.chdir(saved)


def _forget_caches_of_another_project() -> None:
    """Empty netkg's per-process caches (the reasoned context, the ontology's terms, parsed
    queries) when the project folder is not the previous call's: a process of its own would
    not have them, and they are keyed by what they read, not by the project."""
    here = project_root()
    if _last_project and _last_project[0] == here:
        return
    _last_project[:] = [here]
    for name, module in list(sys.modules.items()):
        if name == "netkg" or name.startswith("netkg."):
            for value in list(vars(module).values()):
                if isinstance(value, functools._lru_cache_wrapper):
                    value.cache_clear()
