"""The `netkg` command line: build, validate and query here; the rest registers itself.

    netkg build                     load, reason, validate, write dist/, print a summary
    netkg validate FILE...          SHACL-validate data files (exit 0 ok, 1 violations, 2 unusable)
    netkg queries                   list the query catalogue (--all: netkg's internal ones too)
    netkg query NAME|FILE.rq        answer one question (--param, --format, --endpoint)
    netkg template | import         data entry without Turtle (netkg.entry)
    netkg compare | diagram         the comparison report and organisation drawing (netkg.report)
    netkg serve | site              linked-data pages and SPARQL, live or static (netkg.web)
    netkg publish                   upload to a SPARQL store (netkg.publish)

`netkg COMMAND --help` shows each command's options. Errors are one line on stderr and an exit
code (see netkg.errors); no tracebacks. SIGTERM stops a command as Ctrl-C does (exit 143 instead
of 130): what it was writing is removed, the old output kept.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

from netkg import __version__
from netkg.errors import NetkgError, Terminated, UsageError, os_error_text
from netkg.options import add_engine_option, add_source_options

# Modules that add their own subcommands: each has `register(subparsers)` and keeps its
# top-level imports light (heavy libraries are imported inside the command), so `netkg --help`
# stays fast.
COMMAND_MODULES: tuple[str, ...] = (
    "netkg.entry.template",
    "netkg.entry.importer",
    "netkg.report.compare",
    "netkg.report.diagram",
    "netkg.report.diff",
    "netkg.report.national",
    "netkg.report.codebook",
    "netkg.web.serve",
    "netkg.web.site",
    "netkg.publish.graphstore",
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    saved = os.environ.get("NETKG_ROOT")
    previous = _on_sigterm(_terminate)
    try:
        if args.root is not None:
            if not args.root.is_dir():
                raise UsageError(f"--root {args.root}: no such folder")
            os.environ["NETKG_ROOT"] = str(args.root.resolve())  # worker processes inherit it
        return int(args.func(args) or 0)
    except NetkgError as exc:
        print(f"netkg: {exc}", file=sys.stderr)
        return exc.exit_code
    except Terminated:
        print("netkg: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("netkg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # an output that cannot be written, where no command said so
        print(f"netkg: {os_error_text(exc)}", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            _on_sigterm(previous)
        if saved is None:
            os.environ.pop("NETKG_ROOT", None)
        else:
            os.environ["NETKG_ROOT"] = saved


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def _on_sigterm(handler: Any) -> Any:
    """Install a SIGTERM handler; the one it replaces (None off the main thread, where a
    handler cannot be installed)."""
    try:
        return signal.signal(signal.SIGTERM, handler) or signal.SIG_DFL
    except ValueError:  # not the main thread (e.g. a test calling main() from a thread)
        return None


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, every subcommand registered (docs/cli.md is checked against it)."""
    parser = argparse.ArgumentParser(
        prog="netkg",
        description="Knowledge graph of network-based municipal organisation and co-creation.",
    )
    parser.add_argument("--version", action="version", version=f"netkg {__version__}")
    parser.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="the project folder (default: NETKG_ROOT, else the nearest folder at or above the "
        "working directory with a netkg.toml or data/municipalities/; else the shipped data)",
    )
    sub = parser.add_subparsers(metavar="COMMAND")

    p = sub.add_parser("build", help="load, reason, validate and write the built graph to dist/")
    p.add_argument(
        "--out",
        type=Path,
        help="output folder (default: dist/ in the project folder, else in the working folder)",
    )
    add_engine_option(p, "builds")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.set_defaults(func=_build)

    p = sub.add_parser("validate", help="validate data files against the SHACL shapes")
    p.add_argument("files", nargs="+", type=Path, help="RDF files or folders of them")
    p.add_argument("--format", choices=("text", "turtle", "json-ld"), default="text")
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language of the messages")
    p.add_argument("--shapes", type=Path, action="append", help="use these shapes files instead")
    p.add_argument("--no-reason", action="store_true", help="validate without OWL-RL inferences")
    add_engine_option(p, "validates")
    p.set_defaults(func=_validate)

    p = sub.add_parser("queries", help="list the query catalogue")
    p.add_argument(
        "--kind", choices=("question", "quality", "internal"), help="only this kind of query"
    )
    p.add_argument("--all", action="store_true", help="also the queries netkg runs internally")
    p.add_argument("-v", "--verbose", action="store_true", help="show questions and parameters")
    p.set_defaults(func=_queries)

    p = sub.add_parser("query", help="answer a catalogue question or run an .rq file")
    p.add_argument(
        "query",
        help="catalogue name (see `netkg queries`), path to an .rq file, or - to read SPARQL "
        "from standard input",
    )
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fill a declared parameter (repeatable)",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=("table", "csv", "tsv", "json", "xlsx"),
        help="output format (default: table, or from the -o file's suffix; xlsx only with -o)",
    )
    p.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write the answer to FILE (atomically)"
    )
    p.add_argument("--force", action="store_true", help="replace an existing -o FILE")
    p.add_argument(
        "--full", action="store_true", help="table: show every value in full, never wrapped"
    )
    p.add_argument(
        "--records",
        action="store_true",
        help="table: one block per row, a line per column (the default for answers too wide "
        "for the terminal)",
    )
    p.add_argument(
        "--columns",
        metavar="A,B,…",
        help="show only these columns, in this order (every format)",
    )
    p.add_argument(
        "--full-iris",
        action="store_true",
        help="write IRIs in full (table, csv, xlsx); by default they are prefixed names such as "
        "mun:gentofte, in every format people read (tsv and json always have them in full)",
    )
    p.add_argument(
        "--lang",
        choices=("en", "da"),
        help="language of the labels: the query's lang parameter, and --labels (default en)",
    )
    p.add_argument(
        "--labels",
        action="store_true",
        help="add a <column>Label column after each column of IRIs (in --param lang, or en)",
    )
    p.add_argument("--endpoint", help="run against this remote SPARQL endpoint instead")
    p.add_argument("--timeout", type=float, default=60.0, help="endpoint timeout in seconds")
    add_source_options(p)
    p.add_argument(
        "--no-formula-guard",
        action="store_true",
        help="write csv/tsv cells starting with = + - @ as they are (no leading ' added)",
    )
    p.add_argument(
        "--as-of",
        metavar="YYYY[-MM[-DD]]",
        help="answer as of this day (the query's asOf parameter; a year or month: its first day)",
    )
    p.set_defaults(func=_query)

    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    return parser


def _build(args: argparse.Namespace) -> int:
    from netkg.pipeline.flow.build import build
    from netkg.pipeline.flow.progress import Progress
    from netkg.pipeline.flow.write import write
    from netkg.pipeline.inputs.layout import FAILED_DIR, dist_dir

    out = args.out if args.out is not None else dist_dir()
    steps = ["load", "reason", *([] if args.no_validate else ["validate"]), "write"]
    with Progress("netkg build", steps) as progress:
        result = build(
            engine=args.engine, validate=not args.no_validate, out_dir=out, progress=progress
        )
        write(result, out)
    print(result.summary())
    if result.report is not None and not result.report.conforms:
        report = out / FAILED_DIR / "validation-report.txt"
        print(f"\nThe data does not conform; see {report} (the previous build stays current).")
        print(result.report.text())
        return 1
    return 0 if result.ok else 1


def _validate(args: argparse.Namespace) -> int:
    from netkg.pipeline.flow.context import validate_files
    from netkg.pipeline.flow.parts import parts
    from netkg.pipeline.inputs.load import expand_paths

    shapes = parts(args.engine).validator.shapes(args.shapes) if args.shapes else None
    files = expand_paths(args.files)
    if not files:
        raise UsageError("no RDF files found in the given folders")
    report = validate_files(files, reason=not args.no_reason, shapes=shapes, engine=args.engine)
    sys.stdout.write(report.serialize(args.format, args.lang))
    return 0 if report.conforms else 1


def _queries(args: argparse.Namespace) -> int:
    from netkg.query.catalogue import load_catalogue

    catalogue = load_catalogue(internal=args.all or args.kind == "internal")
    shown = [q for q in catalogue.values() if args.kind in (None, q.kind)]
    width = max((len(q.name) for q in shown), default=4)
    print(f"{'NAME'.ljust(width)}  KIND      TITLE")
    for q in shown:
        print(f"{q.name.ljust(width)}  {q.kind.ljust(8)}  {q.title}")
        if args.verbose:
            print(f"{'':{width}}            {q.question}")
            for p in q.params:
                default = f" (default {p.default})" if p.default else ""
                print(
                    f"{'':{width}}            --param {p.name}=<{p.type}>{default}  {p.description}"
                )
            if q.gap:
                print(f"{'':{width}}            empty answer explained by gaps about: {q.gap}")
    return 0


def _query(args: argparse.Namespace) -> int:
    from netkg.query.catalogue import find_query
    from netkg.query.graph import open_graph

    query = find_query(sys.stdin.read() if args.query == "-" else args.query)
    params = dict(_split_param(raw) for raw in args.param)
    if args.lang:
        if not any(p.name == "lang" for p in query.params) and not args.labels:
            raise UsageError(
                f"query {query.name!r} has no labels to choose a language for (no lang "
                "parameter); use --labels to add them"
            )
        if any(p.name == "lang" for p in query.params):
            params.setdefault("lang", args.lang)
    if args.as_of:
        if not any(p.name == "asOf" for p in query.params):
            raise UsageError(
                f"query {query.name!r} does not answer as of a date (no asOf parameter)"
            )
        params["asOf"] = args.as_of
    query.bindings(params)  # check parameters before loading anything
    fmt = _output_format(args.format, args.output)
    if args.output is not None:
        from netkg.atomic import refuse_overwrite

        refuse_overwrite([args.output], args.force)
    kg = open_graph(
        args.graph,
        engine=args.engine,
        endpoint=args.endpoint,
        store=args.store,
        timeout=args.timeout,
    )
    backend = kg.backend
    from netkg.query.checks import is_shipped

    if not is_shipped(query):
        from netkg.query.checks import unknown_terms

        unknown = unknown_terms(query, backend)
        if unknown:
            print(
                f"netkg: warning: {query.path} uses terms the ontology does not define: "
                + ", ".join(unknown),
                file=sys.stderr,
            )
    answer = kg.answer(query, **params)
    if answer.table is not None:
        table = answer.table
        if args.labels:
            from netkg.query.labels import with_labels

            table = with_labels(backend, table, params.get("lang") or args.lang or "en")
        if args.columns:
            try:
                table = table.select([c.strip() for c in args.columns.split(",") if c.strip()])
            except ValueError as exc:
                raise UsageError(f"--columns: {exc}") from None
        if not table.rows:
            from netkg.query.checks import gap_notes

            for note in gap_notes(backend, query, params):
                print(f"netkg: note: no rows; {note}", file=sys.stderr)
        if args.output is not None:
            from netkg.atomic import write_atomic

            guard = not args.no_formula_guard
            content = table.encode(fmt, full=True, formula_guard=guard, full_iris=args.full_iris)
            write_atomic(args.output, content)
            print(f"wrote {args.output} ({len(table)} rows, {fmt})", file=sys.stderr)
        else:
            sys.stdout.write(
                table.serialize(
                    fmt,
                    full=args.full,
                    formula_guard=not args.no_formula_guard,
                    full_iris=args.full_iris,
                    records=args.records,
                )
            )
        return 0
    if args.output is not None:
        raise UsageError("-o FILE is for SELECT answers; redirect the output instead")
    if answer.boolean is not None:
        sys.stdout.write(("true" if answer.boolean else "false") + "\n")
    elif answer.graph is not None:
        sys.stdout.write(answer.graph.serialize(format="turtle"))
    return 0


def _output_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the one the output file's suffix names, else table."""
    if fmt is None and output is not None:
        suffix = output.suffix.lower().lstrip(".")
        fmt = {"txt": "table", "csv": "csv", "tsv": "tsv", "json": "json", "xlsx": "xlsx"}.get(
            suffix, "table"
        )
    fmt = fmt or "table"
    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx writes a binary workbook; give -o FILE.xlsx")
    return fmt


def _split_param(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--param wants NAME=VALUE, not {raw!r}")
    return name.strip(), value


if __name__ == "__main__":
    sys.exit(main())
