"""The one writer of dist/: the reports, and — if the build is sound — the dumps and the store.

Whichever engine built it, dist/ gets the same files: the validation report, build-report.json,
the canonical dumps (netkg.trig, netkg.nq, inferred.ttl; byte-identical for the same graph) and
dist/store, the on-disk Oxigraph store every command reads. The dumps and the store are staged
in a hidden folder and renamed into place (rdf.persist), so a reader never sees half of one; an
unsound build writes its reports and leaves the previous graph and store as they were.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from netkg import __version__
from netkg.atomic import write_all
from netkg.pipeline.flow.build import DIST_DUMPS, BuildResult
from netkg.pipeline.flow.progress import Progress
from netkg.pipeline.inputs.layout import STORE_DIR, display_path
from netkg.rdf.persist import Staging, replace_store


def write(result: BuildResult, out_dir: Path, progress: Progress | None = None) -> list[Path]:
    """Write dist/ (see the module docstring) into out_dir; the written paths."""
    progress = progress or result.progress
    with progress.step("write"):
        written = _write(result, out_dir)
    result.written = written
    result.timings["total"] = progress.elapsed()
    return written


def _write(result: BuildResult, out_dir: Path) -> list[Path]:
    staging = result.staging
    if result.ok and (staging is None or staging.out_dir != out_dir):
        dumps, store = list(DIST_DUMPS), result.store.to_oxigraph()
        staging = Staging(store, out_dir, dumps, STORE_DIR, background=False)
    written: list[Path] = []
    staged: Path | None = None
    try:
        if staging is not None:
            staged = staging.result(sound=result.ok)
            if result.ok:
                for dump in DIST_DUMPS:
                    os.replace(staged / dump.name, out_dir / dump.name)
                    written.append(out_dir / dump.name)
                written.append(replace_store(staged / STORE_DIR, out_dir / STORE_DIR))
        files: dict[Path, str | bytes] = {}
        if result.report is not None:
            files[out_dir / "validation-report.txt"] = result.report.text()
            files[out_dir / "validation-report.ttl"] = result.report.serialize("turtle")
        files[out_dir / "build-report.json"] = json.dumps(report_json(result), indent=2) + "\n"
        return write_all(files) + written
    finally:
        if staged is not None and staged.exists():
            shutil.rmtree(staged, ignore_errors=True)


def report_json(result: BuildResult) -> dict:
    """build-report.json: counts, the validation verdict, evidence coverage and timings."""
    report = result.report
    return {
        "netkg_version": __version__,
        "ok": result.ok,
        "triples": {"asserted": result.asserted, "inferred": result.inferred},
        "graphs": {str(n): size for n, size in sorted(result.sizes.items()) if size},
        "files": [display_path(s.path) for s in result.sources],
        "validation": None
        if report is None
        else {
            "conforms": report.conforms,
            "shapes_checked": report.shapes_checked,
            "violations": report.violations,
            "warnings": report.warnings,
        },
        "inconsistencies": result.inconsistencies,
        "evidence": None if result.evidence is None else result.evidence.as_json(),
        "timings_seconds": {k: round(v, 3) for k, v in result.timings.items()},
    }
