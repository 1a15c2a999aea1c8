"""The documentation cannot go stale (issue 21).

Every `$ netkg …` example in README.md and docs/*.md runs against the shipped data, in process
(`netkg.cli.main`), and must print what the page shows: timings are ignored, a line `…` stands
for any number of lines, and a comment on the command line says how it runs (`# exit 1`, `# on
a 100-column terminal`). Each page runs in its own copy of a project folder whose `dist/` was
built once per session, so an example that writes files writes them there. docs/cli.md must
name every option of the command line (the argparse parser) and no option that does not exist.

When the data changes (a municipality added), the figures shown change with it: run
`NETKG_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/test_docs.py`, which writes what netkg
printed into the pages (and still fails, once), then read the diff and the prose around it.
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import re
import shlex
import shutil
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from netkg.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CLI_PAGE = ROOT / "docs" / "cli.md"
# What an example may read from the repository besides the shipped data (copied into the project)
READS = ("tests/shapes", "data/entry/0157-gentofte")

# Examples shown but not run here: each with why, and where what it shows is tested.
NOT_RUN = {
    "netkg serve": "runs until Ctrl-C (tests/test_serve.py starts it)",
    "netkg publish --endpoint http://127.0.0.1:7878/query --no-auth": (
        "needs an Oxigraph server (tests/test_publish.py starts one)"
    ),
    "netkg query networks --endpoint https://example.org/sparql": (
        "a remote endpoint (tests/test_remote.py runs one on 127.0.0.1)"
    ),
    "netkg query my-question.rq": "a file of the reader's own",
    "netkg site public/": (
        "writes thousands of pages, a minute's work (tests/test_site.py writes one)"
    ),
}
TIMING = re.compile(r" +\d+\.\d+ s\b")
TERMINAL = re.compile(r"on an? (\d+)-column terminal")
EXIT = re.compile(r"\bexit (\d+)\b")
# Set to 1, the test writes the output printed into the pages it finds stale (then read the diff)
UPDATE = "NETKG_UPDATE_DOCS"


@dataclass
class Example:
    page: Path
    line: int
    command: str
    output: list[str] = field(default_factory=list)
    start: int = 0  # the index of the page's line where the output shown starts

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def parts(self) -> tuple[list[str], str, str]:
        """(netkg's argv, the shell pipeline after it, the comment)."""
        lexer = shlex.shlex(self.command, posix=True, punctuation_chars="|")
        lexer.whitespace_split = True
        lexer.commenters = ""
        words = list(lexer)
        comment = ""
        if "#" in words:
            at = words.index("#")
            words, comment = words[:at], self.command.split(" # ", 1)[-1]
        if "|" in words:
            at = words.index("|")
            return words[:at], shlex.join(words[at + 1 :]).replace("'|'", "|"), comment
        return words, "", comment


def examples(page: Path) -> list[Example]:
    """The `$ netkg …` lines of the page's fenced blocks, each with the lines shown after it."""
    found: list[Example] = []
    current: Example | None = None
    inside = False
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            inside, current = not inside, None
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            current = Example(page, number, line[2:].strip(), start=number)
            found.append(current)
        elif current is not None and current.command.endswith("\\") and not current.output:
            current.command = current.command[:-1].rstrip() + " " + line.strip()
            current.start = number
        elif current is not None:
            current.output.append(line.rstrip())
    return [e for e in found if e.command.split()[0] == "netkg"]


ALL = {page: examples(page) for page in PAGES}


class _Terminal(io.TextIOWrapper):
    """Standard output as a terminal would be (isatty), or as a pipe."""

    def __init__(self, tty: bool) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", newline="\n", write_through=True)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def text(self) -> str:
        self.flush()
        buffer = self.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue().decode("utf-8")


def run(example: Example, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """(exit code, what it printed after the pipeline, its stderr)."""
    argv, pipeline, comment = example.parts()
    width = TERMINAL.search(comment)
    out, err = _Terminal(tty=width is not None), _Terminal(tty=False)
    with monkeypatch.context() as patch:
        if width:
            patch.setenv("COLUMNS", width.group(1))
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv[1:])
    printed = out.text()
    if pipeline:
        printed = subprocess.run(
            pipeline, shell=True, input=printed, capture_output=True, text=True, check=True
        ).stdout
    return code, printed, err.text()


def expected_exit(example: Example) -> int:
    said = EXIT.search(example.parts()[2])
    return int(said.group(1)) if said else 0


def matches(shown: list[str], printed: str) -> bool:
    """Whether the printed text is what the page shows: timings aside, `…` any lines."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line.strip() == "…" else re.escape(TIMING.sub(" <t> s", line)) + r"\n"
        for line in shown
    )
    lines = [TIMING.sub(" <t> s", line.rstrip()) for line in printed.splitlines()]
    return re.fullmatch(pattern, "".join(line + "\n" for line in lines)) is not None


@dataclass
class Built:
    project: Path
    printed: str  # what its `netkg build` printed: the output of every `$ netkg build` example


@pytest.fixture(scope="session")
def docs_project(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A project folder over the shipped data, built once, with what the examples read."""
    project = tmp_path_factory.mktemp("docs") / "project"
    project.mkdir()
    (project / "netkg.toml").write_text("", encoding="utf-8")
    for part in READS:
        shutil.copytree(ROOT / part, project / part)
    printed = io.StringIO()
    with redirect_stdout(printed), pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.delenv("NETKG_ROOT", raising=False)
        assert main(["build"]) == 0
    return Built(project, printed.getvalue())


def test_output_is_compared_line_for_line_but_for_timings_and_elisions():
    shown = ["netkg 0.1.0 build", "  load        0.26 s  33,486 triples", "…", "  total  6.76 s"]
    assert matches(
        shown, "netkg 0.1.0 build\n  load        10.02 s  33,486 triples\n  total  1.00 s\n"
    )
    assert matches(
        shown, "netkg 0.1.0 build\n  load  0.2 s  33,486 triples\na\nb\n  total  1.0 s\n"
    )
    assert not matches(shown, "netkg 0.1.0 build\n  load  0.2 s  33,487 triples\n  total  1.0 s\n")
    assert not matches(["(3 rows)"], "(3 rows)\n(4 rows)\n")


def test_an_example_s_command_pipeline_and_comment_are_read_apart():
    example = Example(ROOT, 1, "netkg query x -p a=b -f csv | cut -d, -f2-   # exit 1: why")
    assert example.parts() == (
        ["netkg", "query", "x", "-p", "a=b", "-f", "csv"],
        "cut -d, -f2-",
        "exit 1: why",
    )
    assert expected_exit(example) == 1


def test_the_pages_have_examples():
    counted = {p.name: len(e) for p, e in ALL.items() if e}
    assert {"README.md", "cli.md", "data-entry.md", "as-of.md", "evidence.md"} <= set(counted)
    assert sum(counted.values()) >= 30, counted


def test_every_example_not_run_is_still_shown():
    shown = {e.command.split(" #")[0].strip() for page in ALL.values() for e in page}
    assert set(NOT_RUN) <= shown, set(NOT_RUN) - shown


@pytest.mark.parametrize("page", [p for p in PAGES if ALL[p]], ids=lambda p: p.name)
def test_every_example_prints_what_the_page_shows(
    page: Path, docs_project: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = tmp_path / "project"
    shutil.copytree(docs_project.project, project, symlinks=True)
    monkeypatch.chdir(project)
    monkeypatch.delenv("NETKG_ROOT", raising=False)
    wrong = []
    stale: list[tuple[Example, str]] = []
    for example in ALL[page]:
        if example.command.split(" #")[0].strip() in NOT_RUN:
            continue
        if example.parts()[0] == ["netkg", "build"]:  # built once for the session, not again
            code, printed, errors = 0, docs_project.printed, ""
        else:
            code, printed, errors = run(example, monkeypatch)
        if code != expected_exit(example):
            wrong.append(f"{example.where}: $ {example.command}\n  exit {code}\n{errors}")
        elif example.output and not matches(example.output, printed):
            diff = difflib.unified_diff(  # timings aside, as they are compared
                [TIMING.sub(" <t> s", line) for line in example.output],
                [TIMING.sub(" <t> s", line.rstrip()) for line in printed.splitlines()],
                "page",
                "printed",
                lineterm="",
            )
            wrong.append(f"{example.where}: $ {example.command}\n" + "\n".join(diff))
            stale.append((example, printed))
    if stale and os.environ.get(UPDATE):
        update(page, stale)
    assert not wrong, "\n\n".join(wrong) + (
        f"\n\n{UPDATE}=1 copies the output printed into the page" if stale else ""
    )


def update(page: Path, stale: list[tuple[Example, str]]) -> None:
    """Write what the examples printed into the page, in place of the output shown (an example
    whose output shown elides lines with `…` is left for a person to copy)."""
    lines = page.read_text(encoding="utf-8").split("\n")
    for example, printed in sorted(stale, key=lambda s: -s[0].start):
        if any(line.strip() == "…" for line in example.output):
            continue
        end = example.start + len(example.output)
        lines[example.start : end] = printed.rstrip("\n").split("\n")
    page.write_text("\n".join(lines), encoding="utf-8")


# --- docs/cli.md names every option, and only options that exist ------------------------------

SECTION = re.compile(r"^## `?(netkg(?: [a-z]+)*)`?\s*$", re.M)
OPTION = re.compile(r"`(--?[a-zA-Z][\w-]*)")


def parser_options() -> dict[str, set[str]]:
    """Each command (`netkg`, `netkg query`, `netkg export national`) and its option strings."""
    found: dict[str, set[str]] = {}

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        found[name] = {
            s
            for action in parser._actions
            for s in action.option_strings
            if s not in ("-h", "--help")
        }
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, child in action.choices.items():
                    walk(child, f"{name} {sub}")

    walk(build_parser(), "netkg")
    return found


def page_options() -> dict[str, set[str]]:
    """Each `## netkg …` section of docs/cli.md and the options it lists: the backticked
    options a list item starts with, before its `:` (- `--store DIR`, `-o FILE`: …)."""
    text = CLI_PAGE.read_text(encoding="utf-8")
    heads = list(SECTION.finditer(text))
    found: dict[str, set[str]] = {}
    for head, following in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : following.start() if following else len(text)]
        items = [line.split("`:", 1)[0] for line in body.splitlines() if line.startswith("- `")]
        found[head.group(1)] = {o for item in items for o in OPTION.findall(item)}
    return found


def test_the_cli_page_has_a_section_per_command():
    assert set(page_options()) == set(parser_options())


def test_every_option_is_on_the_cli_page():
    page = page_options()
    missing = {c: sorted(o - page.get(c, set())) for c, o in parser_options().items()}
    assert not {c: o for c, o in missing.items() if o}


def test_every_option_on_the_cli_page_exists():
    real = parser_options()
    unknown = {c: sorted(o - real.get(c, set())) for c, o in page_options().items()}
    assert not {c: o for c, o in unknown.items() if o}


def test_the_option_check_would_catch_a_missing_option():
    page = page_options()
    page["netkg query"].discard("--as-of")
    assert "--as-of" in parser_options()["netkg query"] - page["netkg query"]


# --- links between the pages lead somewhere ----------------------------------------------------

LINKED = [*PAGES, ROOT / "ARCHITECTURE.md", ROOT / "CONTRIBUTING.md"]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings (lower case, punctuation dropped, spaces as -),
    and its explicit `<a id="…">` anchors."""
    text = page.read_text(encoding="utf-8")
    heads = re.findall(r"^#+ (.+)$", text, re.M)
    named = set(re.findall(r'<a id="([^"]+)"', text))
    return named | {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in heads}


def test_every_relative_link_leads_to_a_file_and_heading():
    broken = []
    for page in LINKED:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken
