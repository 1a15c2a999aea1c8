"""Command-line options several commands share: the engine, and which built graph to read.

"Engine" means one thing: the set of parts that builds, validates and answers (fast: Oxigraph,
the compiled rules and shapes; reference: rdflib, owlrl, pyshacl; see netkg.pipeline.flow.parts).
The options are declared here, light to import, so `netkg --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from netkg.errors import UsageError

ENGINES = ("fast", "reference")
# the names the store seam had before (`--engine rdflib|oxigraph`), still understood
ALIASES = {"rdflib": "reference", "oxigraph": "fast"}


def engine_name(name: str) -> str:
    """fast or reference, for any name a command or the API accepts; UsageError otherwise."""
    found = ALIASES.get(name, name)
    if found not in ENGINES:
        raise UsageError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")
    return found


def add_engine_option(parser: argparse.ArgumentParser, what: str) -> None:
    """`--engine fast|reference` (aliases: oxigraph, rdflib)."""
    parser.add_argument(
        "--engine",
        type=_engine,
        default="fast",
        metavar="{fast,reference}",
        help=f"fast (default): {what} with Oxigraph and the compiled rules and shapes; "
        "reference: with rdflib, owlrl and pyshacl, the oracle the fast engine is tested "
        "against (the same answers)",
    )


def add_source_options(parser: argparse.ArgumentParser, graph: bool = True) -> None:
    """Which built graph a command reads: by default dist/store (fresh), or the one named."""
    add_engine_option(parser, "reads")
    parser.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="read this built Oxigraph store (default: the project's dist/store, when fresh)",
    )
    if graph:
        parser.add_argument(
            "--graph", type=Path, metavar="FILE", help="read this built TriG/N-Quads file"
        )


def _engine(name: str) -> str:
    try:
        return engine_name(name)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
