"""The one writer of dist/: the reports, and — if the build is sound — the dumps and the store.

Whichever engine built it, dist/ gets the same files: the validation report, build-report.json,
the canonical dumps (netkg.trig, netkg.nq, inferred.ttl; byte-identical for the same graph) and
dist/store, the on-disk Oxigraph store every command reads. A sound build is staged whole and
switched in as one (rdf.persist: dist/builds/<generation>, dist/current, and dist/<name> links
through it), so a reader sees the files of one build, old or new, whenever it looks. An unsound
build changes nothing a reader reads: its reports go to dist/failed/ (replaced whole), and the
previous build stays current. A write that fails (a full disk, a read-only folder) is an
OutputError naming the folder and the cause, with the previous build kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from netkg import __version__
from netkg.atomic import write_all
from netkg.errors import OutputError
from netkg.faults import fault
from netkg.owned import make_owned_dir, remove
from netkg.pipeline.flow.build import DIST_DUMPS, BuildResult
from netkg.pipeline.flow.progress import Progress
from netkg.pipeline.inputs.layout import FAILED_DIR, STORE_DIR, display_path
from netkg.rdf.persist import STAGING, Staging, publish, remove_build_debris, replace_folder

REPORTS = ("validation-report.txt", "validation-report.ttl", "build-report.json")
# what a build's folder may hold, each linked as dist/<name> while that build is current
BUILT_NAMES = (*REPORTS, *(d.name for d in DIST_DUMPS), STORE_DIR)


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
    if staging is not None and (staging.out_dir != out_dir or not result.ok):
        staging.discard()  # staged for another folder, or for a build that is not sound
        staging = None
    staged: Path | None = None
    try:
        remove_build_debris(out_dir, BUILT_NAMES)
        if result.ok:
            if staging is None:
                store = result.store.to_oxigraph()
                staging = Staging(store, out_dir, list(DIST_DUMPS), STORE_DIR, background=False)
            staged = staging.result(sound=True)
        else:
            staged = make_owned_dir(out_dir, STAGING, ".tmp")
        files: dict[Path, str | bytes] = {}
        if result.report is not None:
            files[staged / REPORTS[0]] = result.report.text()
            files[staged / REPORTS[1]] = result.report.serialize("turtle")
        files[staged / REPORTS[2]] = json.dumps(report_json(result), indent=2) + "\n"
        write_all(files)
        fault("reports-written", staged)
        if result.ok:
            publish(staged, out_dir, BUILT_NAMES)
            staged = None
            remove(out_dir / FAILED_DIR)  # the failure it reported is over
            return [out_dir / name for name in BUILT_NAMES if (out_dir / name).exists()]
        folder = replace_folder(staged, out_dir / FAILED_DIR)
        staged = None
        return [folder / path.name for path in files]
    except BaseException as exc:
        if staged is not None:
            remove(staged)
        elif staging is not None:  # stopped while the store or the dumps were being staged
            staging.discard()
        if isinstance(exc, OSError):
            kept = "the previous build is kept" if result.ok else "nothing was changed"
            raise OutputError(out_dir, exc, kept) from None
        raise


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
