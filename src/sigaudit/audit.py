"""The orchestrator: sources -> validation -> attribution -> one AuditRun.

The library does all the work and reports progress through a callback; only the CLI draws anything.
Validation runs in worker processes when ``jobs > 1``; results are ordered as the archive was walked,
so the output is identical whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import __version__
from .agencies.registry import Registry, attribute
from .model import AuditRun, DocumentResult, Skipped, ValidationOutcome, Verdict
from .sources.manifest import ManifestEntry
from .sources.walk import Candidate, ManifestFound, WalkLimits, walk
from .validation.engine import validate_pdf
from .validation.trust import TrustConfig


@dataclass(frozen=True)
class Progress:
    """A progress report: documents validated so far, and the path just finished."""

    done: int
    path: str


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class AuditOptions:
    """What to scan and how."""

    paths: tuple[Path, ...]
    trust: TrustConfig
    registry: Registry
    jobs: int = 1
    limits: WalkLimits = field(default_factory=WalkLimits)
    registry_path: str | None = None


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# --- worker side -----------------------------------------------------------------------------------
_WORKER_TRUST: TrustConfig | None = None


def _init_worker(trust: TrustConfig) -> None:
    global _WORKER_TRUST
    _WORKER_TRUST = trust


def _validate_in_worker(data: bytes) -> ValidationOutcome:
    assert _WORKER_TRUST is not None
    return validate_pdf(data, _WORKER_TRUST)


def _safe_validate(data: bytes, trust: TrustConfig) -> ValidationOutcome:
    try:
        return validate_pdf(data, trust)
    except Exception as exc:  # the engine should not raise; if it does, the file still gets a verdict
        return ValidationOutcome(
            Verdict.UNREADABLE, f"validation failed unexpectedly: {type(exc).__name__}: {exc}"
        )


# --- orchestration ---------------------------------------------------------------------------------
def run_audit(options: AuditOptions, progress: ProgressCallback | None = None) -> AuditRun:
    """Scan ``options.paths`` and return every document's result, in walk order."""
    started = datetime.now(UTC)
    manifest_rows: dict[str, ManifestEntry] = {}
    skipped: list[Skipped] = []
    warnings: list[str] = []
    outcomes: dict[int, ValidationOutcome] = {}
    order: list[tuple[int, Candidate, str]] = []

    def events() -> Iterator[tuple[int, Candidate, str]]:
        index = 0
        for event in walk(list(options.paths), options.limits):
            if isinstance(event, ManifestFound):
                for entry in event.entries:
                    manifest_rows[entry.path] = entry
                warnings.extend(f"{event.path}: {p}" for p in event.problems)
            elif isinstance(event, Skipped):
                skipped.append(event)
            else:
                data = event.data or b""
                sha = hashlib.sha256(data).hexdigest() if event.data is not None else ""
                item = (index, event, sha)
                order.append(item)
                index += 1
                yield item

    done = 0

    def finished(index: int, outcome: ValidationOutcome, path: str) -> None:
        nonlocal done
        outcomes[index] = outcome
        done += 1
        if progress:
            progress(Progress(done, path))

    if options.jobs <= 1:
        for index, cand, _sha in events():
            finished(index, _outcome_in_process(cand, options.trust), cand.path)
    else:
        _run_pool(options, events(), finished)

    documents = []
    for index, cand, sha in order:
        entry = manifest_rows.pop(cand.path, None)
        documents.append(
            DocumentResult(
                path=cand.path,
                sha256=sha,
                size=len(cand.data) if cand.data is not None else 0,
                agency=attribute(entry, options.registry),
                outcome=outcomes[index],
            )
        )
    for path in sorted(manifest_rows):
        warnings.append(f"manifest lists {path}, which is not in the scanned archive")
    ended = datetime.now(UTC)
    return AuditRun(
        documents=tuple(documents),
        skipped=tuple(skipped),
        warnings=tuple(warnings),
        manifest=_run_manifest(options, started, ended),
    )


def _outcome_in_process(cand: Candidate, trust: TrustConfig) -> ValidationOutcome:
    if cand.data is None or cand.error is not None:
        return ValidationOutcome(Verdict.UNREADABLE, cand.error or "unreadable")
    return _safe_validate(cand.data, trust)


def _run_pool(
    options: AuditOptions,
    items: Iterator[tuple[int, Candidate, str]],
    finished: Callable[[int, ValidationOutcome, str], None],
) -> None:
    """Stream documents to warm worker processes, keeping a bounded number in flight."""
    max_in_flight = options.jobs * 4
    pool = ProcessPoolExecutor(options.jobs, initializer=_init_worker, initargs=(options.trust,))
    pending: dict[Future[ValidationOutcome], tuple[int, Candidate]] = {}

    def drain(block_until: int) -> None:
        nonlocal pool
        while len(pending) > block_until:
            done_set, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            broken = False
            for fut in done_set:
                index, cand = pending.pop(fut)
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    broken = True
                    outcome = ValidationOutcome(
                        Verdict.UNREADABLE, "the validating worker process died on this file"
                    )
                except Exception as exc:
                    outcome = ValidationOutcome(Verdict.UNREADABLE, f"validation failed: {exc}")
                finished(index, outcome, cand.path)
            if broken:
                # Every document still in flight shared the dead pool: validate them again alone.
                for fut, (index, cand) in list(pending.items()):
                    pending.pop(fut)
                    finished(index, _isolated(cand, options.trust), cand.path)
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(options.jobs, initializer=_init_worker, initargs=(options.trust,))

    try:
        for index, cand, _sha in items:
            if cand.data is None or cand.error is not None:
                finished(index, _outcome_in_process(cand, options.trust), cand.path)
                continue
            pending[pool.submit(_validate_in_worker, cand.data)] = (index, cand)
            drain(max_in_flight)
        drain(0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _isolated(cand: Candidate, trust: TrustConfig) -> ValidationOutcome:
    """Validate one document in its own single-use process, so a crash only costs that document."""
    with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(trust,)) as single:
        try:
            return single.submit(_validate_in_worker, cand.data or b"").result()
        except BrokenProcessPool:
            return ValidationOutcome(Verdict.UNREADABLE, "the validating worker process died on this file")


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _run_manifest(options: AuditOptions, started: datetime, ended: datetime) -> dict[str, object]:
    """What an auditor needs to reproduce a figure: versions, trust, inputs, times."""
    return {
        "tool": "sigaudit",
        "tool_version": __version__,
        "pyhanko_version": _package_version("pyhanko"),
        "pyhanko_certvalidator_version": _package_version("pyhanko-certvalidator"),
        "inputs": [str(p) for p in options.paths],
        "agency_registry": options.registry_path,
        "trust_roots": [
            {"subject": a.subject, "sha256": a.sha256, "source": a.source} for a in options.trust.roots
        ],
        "other_certificates": [
            {"subject": a.subject, "sha256": a.sha256, "source": a.source} for a in options.trust.other_certs
        ],
        "revocation": "offline: only evidence embedded in the documents (CMS, DSS); missing evidence "
        "does not fail a signature (soft-fail)",
        "validation_time": "time of the run (no timestamp-based time yet)",
        "started": started.isoformat(),
        "ended": ended.isoformat(),
        "jobs": options.jobs,
    }
