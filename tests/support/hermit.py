"""Run the HermiT OWL 2 DL reasoner (the jar shipped inside the owlready2 package) on a graph.

HermiT is a standard DL reasoner; it checks that an ontology is consistent and lists the classes
that can have no member (equivalent to owl:Nothing). xsd:gYear and friends are outside the
OWL 2 datatype map, so HermiT is told to ignore unsupported datatypes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph


@dataclass
class HermitResult:
    consistent: bool
    unsatisfiable: list[str]
    output: str


def java_available() -> bool:
    return shutil.which("java") is not None


def hermit(graph: Graph) -> HermitResult:
    import owlready2

    jars = Path(owlready2.__file__).parent / "hermit"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ontology.owl"
        graph.serialize(path, format="xml")
        done = subprocess.run(
            [
                "java",
                "-Xmx1g",
                "-cp",
                f"{jars}:{jars / 'HermiT.jar'}",
                "org.semanticweb.HermiT.cli.CommandLine",
                "-k",
                "-U",
                "--ignoreUnsupportedDatatypes",
                path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    out = done.stdout + done.stderr
    if done.returncode != 0 and "inconsistent" not in out.lower():
        raise RuntimeError(f"HermiT failed: {out[-2000:]}")
    consistent = "owl#Thing is satisfiable" in out
    unsatisfiable = []
    lines = out.splitlines()
    if "Classes equivalent to 'owl:Nothing':" in lines:
        start = lines.index("Classes equivalent to 'owl:Nothing':") + 1
        unsatisfiable = [line.strip() for line in lines[start:] if line.startswith("\t")]
    return HermitResult(consistent, [c for c in unsatisfiable if c != "owl:Nothing"], out)
