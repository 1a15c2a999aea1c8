"""The `netkg` command line.

    netkg build                     load, reason, validate, write dist/, print a summary
    netkg validate FILE...          SHACL-validate data files (exit 0 ok, 1 violations, 2 unusable)
    netkg queries                   list the query catalogue
    netkg query NAME|FILE.rq        answer one question (--param, --format, --endpoint)

Errors are one line on stderr and an exit code (see netkg.errors); no tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from netkg import __version__
from netkg.errors import NetkgError, UsageError

# Modules that add their own subcommands: each has `register(subparsers)` and keeps its
# top-level imports light (heavy libraries are imported inside the command), so `netkg --help`
# stays fast.
COMMAND_MODULES: tuple[str, ...] = (
    "netkg.entry.template",
    "netkg.entry.importer",
    "netkg.report.compare",
    "netkg.report.diagram",
    "netkg.web.serve",
    "netkg.web.site",
    "netkg.publish.graphstore",
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except NetkgError as exc:
        print(f"netkg: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("netkg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netkg",
        description="Knowledge graph of network-based municipal organisation and co-creation.",
    )
    parser.add_argument("--version", action="version", version=f"netkg {__version__}")
    sub = parser.add_subparsers(metavar="COMMAND")

    p = sub.add_parser("build", help="load, reason, validate and write the built graph to dist/")
    p.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
    p.add_argument(
        "--engine",
        choices=("fast", "reference", "rdflib", "oxigraph"),
        default="fast",
        help="fast: Oxigraph + compiled rules and shapes, also writes dist/store (default); "
        "reference: rdflib + owlrl + pyshacl (rdflib/oxigraph: the reference with that store)",
    )
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.set_defaults(func=_build)

    p = sub.add_parser("validate", help="validate data files against the SHACL shapes")
    p.add_argument("files", nargs="+", type=Path, help="RDF files or folders of them")
    p.add_argument("--format", choices=("text", "turtle", "json-ld"), default="text")
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language of the messages")
    p.add_argument("--shapes", type=Path, action="append", help="use these shapes files instead")
    p.add_argument("--no-reason", action="store_true", help="validate without OWL-RL inferences")
    p.set_defaults(func=_validate)

    p = sub.add_parser("queries", help="list the query catalogue")
    p.add_argument("--kind", choices=("question", "quality"), help="only this kind of query")
    p.add_argument("-v", "--verbose", action="store_true", help="show questions and parameters")
    p.set_defaults(func=_queries)

    p = sub.add_parser("query", help="answer a catalogue question or run an .rq file")
    p.add_argument("query", help="catalogue name (see `netkg queries`) or path to an .rq file")
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fill a declared parameter (repeatable)",
    )
    p.add_argument("--format", "-f", choices=("table", "csv", "tsv", "json"), default="table")
    p.add_argument("--endpoint", help="run against this remote SPARQL endpoint instead")
    p.add_argument("--timeout", type=float, default=60.0, help="endpoint timeout in seconds")
    p.add_argument("--engine", choices=("rdflib", "oxigraph"), default="rdflib")
    p.add_argument("--graph", type=Path, help="query this built TriG/N-Quads file")
    p.add_argument("--store", type=Path, help="query this built Oxigraph store (e.g. dist/store)")
    p.set_defaults(func=_query)

    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    return parser


def _build(args: argparse.Namespace) -> int:
    if args.engine == "fast":
        from netkg.pipeline.fast_build import build_fast, write_fast

        result = build_fast(validate=not args.no_validate, out_dir=args.out)
        write_fast(result, args.out)
    else:
        from netkg.pipeline.build import build, write_dist

        engine = "rdflib" if args.engine == "reference" else args.engine
        result = build(engine=engine, validate=not args.no_validate)
        write_dist(result, args.out)
    print(result.summary())
    if result.report is not None and not result.report.conforms:
        print(f"\nThe data does not conform; see {args.out / 'validation-report.txt'}.")
        print(result.report.text())
        return 1
    return 0 if result.ok else 1


def _validate(args: argparse.Namespace) -> int:
    from netkg.pipeline.build import validate_inputs
    from netkg.pipeline.load import expand_paths
    from netkg.pipeline.validate import load_shapes

    shapes = load_shapes(args.shapes) if args.shapes else None
    files = expand_paths(args.files)
    if not files:
        raise UsageError("no RDF files found in the given folders")
    report = validate_inputs(files, reason=not args.no_reason, shapes=shapes)
    sys.stdout.write(report.serialize(args.format, args.lang))
    return 0 if report.conforms else 1


def _queries(args: argparse.Namespace) -> int:
    from netkg.query.catalogue import load_catalogue

    catalogue = load_catalogue()
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
    return 0


def _query(args: argparse.Namespace) -> int:
    from netkg.pipeline.build import load_built, open_store
    from netkg.query.catalogue import find_query
    from netkg.query.run import run

    query = find_query(args.query)
    params = dict(_split_param(raw) for raw in args.param)
    query.bindings(params)  # check parameters before loading anything
    if args.endpoint:
        from netkg.engine.http import RemoteEndpoint

        engine = RemoteEndpoint(args.endpoint, timeout=args.timeout)
    elif args.store:
        from netkg.engine.store import OxigraphStore, open_built_store

        engine = OxigraphStore(open_built_store(args.store))
    elif args.graph:
        engine = load_built(args.graph, args.engine)
    else:
        engine = open_store(args.engine)
    answer = run(engine, query, params)
    if answer.table is not None:
        sys.stdout.write(answer.table.serialize(args.format))
    elif answer.boolean is not None:
        sys.stdout.write(("true" if answer.boolean else "false") + "\n")
    elif answer.graph is not None:
        sys.stdout.write(answer.graph.serialize(format="turtle"))
    return 0


def _split_param(raw: str) -> tuple[str, str]:
    name, sep, value = raw.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--param wants NAME=VALUE, not {raw!r}")
    return name.strip(), value


if __name__ == "__main__":
    sys.exit(main())
