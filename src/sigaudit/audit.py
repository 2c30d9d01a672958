"""The orchestrator: sources -> (result store | validation workers) -> attribution -> one AuditRun.

The library does all the work and reports progress through a callback; only the CLI draws anything.
Documents stream from the walker to warm worker processes; results are ordered as the archive was
walked, so the output is identical whatever the number of workers. With a result store, documents
already validated under the same verdict fingerprint are not validated again, and every new result is
written as it arrives.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import signal
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .agencies.attribution import attribute_document, meta_from_text
from .agencies.registry import Registry, party_level
from .codec import facts_from_json, facts_of, facts_to_json, share_signers
from .content import TEXT_REVISION, TextLimits
from .errors import ConfigError, ScanInterrupted, Stopped
from .model import (
    NO_META,
    AuditRun,
    Direction,
    DocumentFacts,
    DocumentMeta,
    DocumentResult,
    Skipped,
    StatusEvent,
    ValidationOutcome,
    Verdict,
)
from .run.pool import FileRead, FileToRead, Limits, OnRead, WorkerPool
from .runwarnings import WarningKind, WarningLog
from .sources.walk import (
    Candidate,
    FileStamp,
    KnownFiles,
    ManifestFound,
    Notice,
    StatusFound,
    WalkEvent,
    WalkLimits,
    read_document,
    shown_name,
    walk,
)
from .store.results import ResultStore, RunRow
from .store.spool import RunSpool, Spooled
from .validation import ENGINE_REVISION
from .validation.policy import FIXED_RULES, ValidationPolicy, default_policy
from .validation.trust import TrustConfig

if TYPE_CHECKING:
    from .run.dask import DaskExecutor


@dataclass(frozen=True)
class Progress:
    """A progress report: documents finished so far, of which ``reused`` had their result in the store
    and ``copies`` were copies of a document validated earlier in this run; the last path; and the
    number of documents in the archive once the walk has seen them all (None until then)."""

    done: int
    reused: int
    path: str
    copies: int = 0
    total: int | None = None


ProgressCallback = Callable[[Progress], None]

_PROGRESS_WORDS = {
    "en": ("documents", "reused from the store", "copies", "left"),
    "vi": ("văn bản", "lấy lại từ kho", "bản trùng", "còn"),
}


def progress_text(p: Progress, elapsed_s: float, lang: str = "en") -> str:
    """The progress line's counts for a person: done (of the total once known), rate, time left,
    and how many were reused from the store or were copies within the run."""
    documents, reused, copies, left = _PROGRESS_WORDS.get(lang, _PROGRESS_WORDS["en"])
    text = f"{p.done:,}" + (f"/{p.total:,}" if p.total is not None else "") + f" {documents}"
    if elapsed_s > 0 and p.done:
        rate = p.done / elapsed_s
        text += f", {rate:.1f}/s"
        if p.total is not None and p.total > p.done:
            remaining = round((p.total - p.done) / rate)
            text += f", {left} {remaining // 60}:{remaining % 60:02d}"
    extras = [f"{p.reused:,} {reused}"] * bool(p.reused) + [f"{p.copies:,} {copies}"] * bool(p.copies)
    return text + (f" ({'; '.join(extras)})" if extras else "")


@dataclass(frozen=True)
class AuditOptions:
    """What to scan and how."""

    paths: tuple[Path, ...]
    trust: TrustConfig
    registry: Registry
    jobs: int = 1
    limits: WalkLimits = field(default_factory=WalkLimits)
    worker_limits: Limits = field(default_factory=Limits)
    registry_path: str | None = None
    rescan: bool = False  # validate everything again even when the store has a result
    rehash: bool = False  # read and hash every file even when unchanged since the previous run
    executor: str = "local"  # "local" (warm worker processes) or "dask"
    scheduler: str | None = None  # Dask scheduler address, for executor "dask"
    shared_paths: bool = False  # Dask workers read plain files from the same path instead of bytes
    policy: ValidationPolicy = field(default_factory=default_policy)
    text: TextLimits | None = field(default_factory=TextLimits)  # None: --no-text, the pages are not read


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def verdict_fingerprint(trust: TrustConfig, policy: ValidationPolicy | None = None, text: bool = True) -> str:
    """A digest of everything that can change a verdict for the same bytes (except time, see store),
    and whether (and how) the text was read, which the stored facts hold too."""
    policy = policy if policy is not None else default_policy()
    parts = {
        "trust": trust.fingerprint(),
        "policy": {"name": policy.name, "sha256": policy.sha256, "fixed_rules": FIXED_RULES},
        "sigaudit": __version__,
        "engine_revision": ENGINE_REVISION,
        "text": TEXT_REVISION if text else None,
        "pyhanko": _package_version("pyhanko"),
        "pyhanko-certvalidator": _package_version("pyhanko-certvalidator"),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass(slots=True)
class _Item:
    """One document's bookkeeping until it is finished and spooled: never its bytes, which go to a
    worker and are dropped."""

    index: int
    path: str
    size: int
    sha256: str
    facts: str | None = None  # the outcome's facts, in the result store's form (codec.facts_to_json)
    outcome: ValidationOutcome | None = None  # kept without a store, or when the walker decided it
    validated: bool = True  # False when the walker already decided (no bytes, not a PDF)
    file: tuple[str, FileStamp] | None = None  # a plain file and its stat when read, until remembered


def run_audit(
    options: AuditOptions,
    progress: ProgressCallback | None = None,
    store: ResultStore | None = None,
) -> AuditRun:
    """Scan ``options.paths`` and return every document's result, in walk order.

    With a store, the returned run's documents and facts are read back from it when a report goes
    through them (keep the store open while the run is used), and the run's memory stays the same
    whatever the archive's size: documents in flight are the only ones held, finished ones wait in a
    spool on disk until the run is recorded. Without a store, the documents are held in memory.
    """
    started = datetime.now(UTC)
    fingerprint = verdict_fingerprint(options.trust, options.policy, options.text is not None)
    manifest = _run_manifest(options, started, fingerprint, store)
    run_id = store.begin_run(fingerprint, manifest) if store else None
    skipped: list[Skipped] = []
    warnings = WarningLog()  # bounded: a register with a million bad rows gives a count, not a million lines
    for text in options.trust.warnings:  # e.g. damaged revocation evidence files
        warnings.add(WarningKind.TRUST, text)
    in_flight: dict[int, _Item] = {}  # documents handed to the workers, by their place in the walk
    twins: dict[str, list[_Item]] = {}  # by digest of a document in flight: its copies found meanwhile
    counters = {"found": 0, "done": 0, "reused": 0, "copies": 0, "validated": 0, "walked": 0}
    remember: list[tuple[str, FileStamp, str]] = []  # plain files read, with their stat and digest
    spool = RunSpool()  # finished documents, manifest rows and statuses, on disk until the run ends

    def finished(item: _Item, reused: bool = False, copy: bool = False) -> None:
        assert item.facts is not None
        counters["done"] += 1
        counters["reused"] += reused
        counters["copies"] += copy
        keep = item.outcome if (store is None or not item.validated) else None
        spool.add_document(item.index, item.path, item.size, item.sha256, item.facts, keep)
        if store and item.file is not None and item.validated:
            # Its result is in the store now: the next run need not read it again while it is unchanged.
            remember.append((*item.file, item.sha256))
            if len(remember) >= 500:
                store.remember_files(remember)
                remember.clear()
        if progress:
            total = counters["found"] if counters["walked"] else None
            progress(Progress(counters["done"], counters["reused"], item.path, counters["copies"], total))

    def new_item(path: str, size: int, sha: str, facts: str | None = None) -> _Item:
        counters["found"] += 1
        return _Item(counters["found"] - 1, path, size, sha, facts)

    def to_validate() -> Iterator[tuple[object, Candidate, str]]:
        """Walk the archive; settle what needs no validation here, hand the rest to the workers."""
        known = _known(store) if store and not (options.rescan or options.rehash) else None
        events = walk(list(options.paths), options.limits, known, defer_pdfs=executor.reads_files)
        for event, sha in with_digests(events):
            if isinstance(event, ManifestFound):
                for path, earlier in spool.add_entries(event.entries, event.path):
                    warnings.add(
                        WarningKind.MANIFEST_CONFLICT,
                        f"{path}: described differently by {earlier} and by {event.path}; "
                        f"the row in {event.path} is used",
                    )
                for problem in event.problems:
                    warnings.add(WarningKind.MANIFEST_ROW, f"{event.path}: {problem}")
                if event.more_problems:
                    more = f"{event.path}: … and {event.more_problems:,} more problems in this CSV"
                    warnings.add(WarningKind.MANIFEST_ROW, more, event.more_problems)
                continue
            if isinstance(event, Notice):
                warnings.add(WarningKind.NAME, f"{event.path}: {event.text}")
                continue
            if isinstance(event, StatusFound):
                spool.add_status(event.document_id, event.status)
                continue
            if isinstance(event, Skipped):
                skipped.append(event)
                continue
            unique = spool.claim_path(event.path)
            if unique != event.path:
                warnings.add(
                    WarningKind.DUPLICATE_PATH,
                    f"{event.path}: another document of this scan has the same path (a duplicate ZIP "
                    f"member name, or a folder named like a ZIP's members); this one is reported as {unique}",
                )
                event = dataclasses.replace(event, path=unique)
            if event.known_sha256 is not None and store is not None:
                cached = store.get_facts(sha, fingerprint)
                if cached is not None:  # unchanged since it was read and validated: nothing to read
                    assert event.stamp is not None
                    finished(new_item(event.path, event.stamp[2], sha, cached.facts), reused=True)
                    continue
                if executor.reads_files:  # its result is not stored after all: the worker reads it
                    event = dataclasses.replace(event, known_sha256=None, to_read=True)
                else:
                    event, sha = _read_now(event, options.limits)
            if event.to_read:
                # Its digest comes from the worker that reads it (on_read), before it is validated.
                assert event.file is not None and event.stamp is not None
                item = new_item(event.path, event.stamp[2], "")
                item.file = (_file_key(str(event.file)), event.stamp)
                in_flight[item.index] = item
                yield item.index, event, ""
                continue
            item = new_item(event.path, len(event.data) if event.data is not None else 0, sha)
            if event.file is not None and event.stamp is not None and event.data is not None:
                item.file = (_file_key(str(event.file)), event.stamp)
            if event.data is None or event.error is not None:
                unjudged(item, ValidationOutcome(Verdict.UNREADABLE, event.error or "unreadable"))
                continue
            if settled(item, sha):
                continue
            in_flight[item.index] = item
            yield item.index, event, sha
        counters["walked"] = 1  # every document is found: the total is known from here on

    def unjudged(item: _Item, outcome: ValidationOutcome) -> None:
        """A document finished without validation (unreadable, or not judged), with why."""
        item.outcome = outcome
        item.facts = facts_to_json(facts_of(outcome))
        item.validated = False
        finished(item)

    def settled(item: _Item, sha: str) -> bool:
        """Finish a document whose result is known (stored, or its copy's in the workers' hands);
        False when it is to be validated, as the first of its bytes."""
        cached = store.get_facts(sha, fingerprint) if store and not options.rescan else None
        if cached is not None:
            item.facts = cached.facts
            copy = cached.recorded_since(started)  # validated earlier in this run
            finished(item, reused=not copy, copy=copy)
            return True
        if store and not options.rescan and sha in twins:
            # A copy of a document in the workers' hands: it takes that result when it comes, so the
            # counts do not depend on timing (as if the first copy had been stored already).
            twins[sha].append(item)
            return True
        twins[sha] = []
        return False

    def on_read(key: object, read: FileRead) -> bool:
        """A worker read a file the walk left to it: settle it here if its result is known."""
        assert isinstance(key, int)
        item = in_flight[key]
        first_read = item.sha256  # set when its worker died after an earlier read: read again now
        item.sha256, item.size = read.sha256, read.size
        if read.error is not None:  # its outcome comes next, as if the walker had decided it
            item.validated = False
            # Copies that waited for the result of what it was first read as get no result from it.
            for twin in twins.pop(first_read, ()) if first_read else ():
                unjudged(twin, ValidationOutcome(Verdict.UNREADABLE, _copy_changed(item.path)))
            return False
        assert item.file is not None and read.stamp is not None
        item.file = (item.file[0], read.stamp)  # the stat of the bytes judged, for the next run
        if settled(item, read.sha256):
            del in_flight[key]
            return False
        return True

    with spool, _executor(options) as executor:
        try:
            for key, outcome in executor.map_unordered(to_validate(), on_read):
                assert isinstance(key, int)
                item = in_flight.pop(key)
                if not item.validated or not item.sha256:
                    # Not read by its worker (or the worker died first): no bytes, nothing stored.
                    unjudged(item, outcome)
                    continue
                item.facts = facts_to_json(facts_of(outcome))
                if store:
                    store.put(item.sha256, fingerprint, outcome, item.facts)
                else:
                    item.outcome = share_signers(outcome)
                counters["validated"] += 1
                finished(item)
                for twin in twins.pop(item.sha256, ()):
                    twin.facts = item.facts
                    finished(twin, copy=True)
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: what is stored stays, the run is not recorded
            signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
            if store is None or store.temporary:
                raise ScanInterrupted(signum, 0, None) from None
            saved = counters["validated"]
            with contextlib.suppress(sqlite3.Error):
                store.remember_files(remember)
                saved = store.count_recorded_since(fingerprint, started)
            raise ScanInterrupted(signum, saved, str(store.path)) from None

        for path in spool.unmatched_entries():
            warnings.add(WarningKind.UNMATCHED, f"manifest lists {path}, which is not in the scanned archive")
        manifest["ended"] = datetime.now(UTC).isoformat()
        manifest["counts"] = {
            "documents": len(spool),
            "validated": counters["validated"],
            "reused_from_store": counters["reused"],
            "copies_in_run": counters["copies"],
            "skipped": len(skipped),
        }
        rows = (_run_row(done, spool, options.registry, warnings) for done in spool.documents())
        if store and run_id is not None:
            if not store.temporary:
                manifest["store_run_id"] = run_id
            store.end_run(run_id, rows, manifest, skipped, _lines_when_read(warnings))
            store.remember_files(remember)
            documents: Sequence[DocumentResult] = store.documents(run_id, fingerprint)
            facts: Sequence[DocumentFacts] = store.facts(run_id, fingerprint)
        else:
            kept = list(rows)
            documents = tuple(_result(row.facts, row.outcome) for row in kept)
            facts = tuple(row.facts for row in kept)
    return AuditRun(
        documents=documents,
        skipped=tuple(skipped),
        warnings=warnings.lines(),
        manifest=manifest,
        facts=facts,
    )


def _run_row(done: Spooled, spool: RunSpool, registry: Registry, warnings: WarningLog) -> RunRow:
    """A finished document as the run records it: attributed, with its metadata and statuses.

    Attribution takes the metadata, then the agency certificate, then the document's header
    (agencies/attribution.py); the ``Nơi nhận`` list read from the document stands for the exchange
    metadata when the export gives neither recipients nor a direction."""
    entry = done.entry
    facts = facts_from_json(done.facts)
    meta = NO_META
    if entry is not None:
        meta = _recipient_levels(entry.meta, registry)
        if meta.document_id:
            meta = _with_statuses(meta, spool.statuses(meta.document_id))
    latest = facts.latest_time.date() if facts.latest_time is not None else None
    found = attribute_document(
        entry, registry, facts.agency_certificates, facts.agency_uids, facts.text, latest
    )
    if found.conflict:
        warnings.add(WarningKind.ATTRIBUTION, f"{done.path}: {found.conflict}")
    text = facts.text
    if (
        text is not None
        and text.has_recipient_list
        and not meta.recipients
        and meta.direction == Direction.UNKNOWN
    ):
        meta = meta_from_text(meta, text, found.agency, registry)
    document = DocumentFacts(
        path=done.path,
        sha256=done.sha256,
        size=done.size,
        agency=found.agency,
        facts=facts,
        meta=meta,
    )
    return RunRow(document, done.outcome, done.facts)


def _lines_when_read(log: WarningLog) -> Iterator[str]:
    """The log's lines as they are when first read: after the rows, whose attribution adds some."""
    yield from log.lines()


def _result(facts: DocumentFacts, outcome: ValidationOutcome | None) -> DocumentResult:
    assert outcome is not None
    return DocumentResult(facts.path, facts.sha256, facts.size, facts.agency, outcome, facts.meta)


def _recipient_levels(meta: DocumentMeta, registry: Registry) -> DocumentMeta:
    """Each recipient's level at the document's date (for the flow matrix)."""
    if not meta.recipients:
        return meta
    recipients = tuple(
        dataclasses.replace(p, level=party_level(p, meta.date, registry).level) for p in meta.recipients
    )
    return dataclasses.replace(meta, recipients=recipients)


def _with_statuses(meta: DocumentMeta, found: list[StatusEvent]) -> DocumentMeta:
    """Attach the status messages that answer the document (matched by its edXML DocumentId)."""
    if not found:
        return meta
    return dataclasses.replace(meta, statuses=(*meta.statuses, *found))


def _file_key(path: str) -> str:
    """A plain file's absolute path as the store's stat cache keys it: escaped when not UTF-8 (SQLite
    takes UTF-8 only). Two paths escaping alike would share a key, but the cached digest is used only
    while device, inode, size and times match: for the same file."""
    return shown_name(path)[0]


def _known(store: ResultStore) -> KnownFiles:
    def known(path: str, stamp: FileStamp) -> str | None:
        return store.known_file(_file_key(path), stamp)

    return known


def _read_now(event: Candidate, limits: WalkLimits) -> tuple[Candidate, str]:
    """Read a file the walk skipped as unchanged, because its result is not in the store after all."""
    assert event.file is not None
    try:
        data, stamp = read_document(event.file, limits)
    except OSError as exc:
        return Candidate(event.path, None, f"cannot read file: {exc.strerror or exc}"), ""
    return Candidate(event.path, data, file=event.file, stamp=stamp), _sha256(data)


def _copy_changed(path: str) -> str:
    """Why a copy of a document is not judged: the document it was to share a result with changed."""
    return (
        f"not judged: {path}, a copy of this document whose result it was to share, changed during "
        "the scan; scan again"
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _done(value: str) -> Future[str]:
    future: Future[str] = Future()
    future.set_result(value)
    return future


def with_digests(
    events: Iterator[WalkEvent], window: int = 8, window_bytes: int = 64 * 1024 * 1024
) -> Iterator[tuple[WalkEvent, str]]:
    """Each walk event with the SHA-256 of its bytes ("" when it has none), in walk order.

    A thread hashes while the walk reads the next files (hashlib releases the GIL on large inputs;
    one thread beside the walk measured faster than two on two cores):
    a re-scan served by the store is bound by hashing, and every document is still hashed in full.
    At most ``window`` documents or ``window_bytes`` bytes wait to be hashed.
    """
    pending: deque[tuple[WalkEvent, Future[str] | None, int]] = deque()
    waiting = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as hashers:

        def oldest() -> tuple[WalkEvent, str]:
            nonlocal waiting
            event, digest, size = pending.popleft()
            waiting -= size
            return event, digest.result() if digest is not None else ""

        for event in events:
            data = event.data if isinstance(event, Candidate) else None
            if isinstance(event, Candidate) and event.known_sha256 is not None:
                pending.append((event, _done(event.known_sha256), 0))
            elif data is None:
                pending.append((event, None, 0))
            else:
                pending.append((event, hashers.submit(_sha256, data), len(data)))
                waiting += len(data)
            while len(pending) > window or waiting > window_bytes:
                yield oldest()
        while pending:
            yield oldest()


class _LocalExecutor:
    """The default: a pool of warm worker processes on this machine. Its workers read and hash the
    PDFs on disk themselves (``reads_files``): the parent only walks, sniffs and records."""

    reads_files = True

    def __init__(self, options: AuditOptions) -> None:
        self._pool = WorkerPool(
            options.jobs, options.trust, options.worker_limits, options.policy, options.text
        )
        self._max_bytes = options.limits.max_file_bytes

    def __enter__(self) -> _LocalExecutor:
        self._pool.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.__exit__(*exc)

    def map_unordered(
        self, items: Iterable[tuple[object, Candidate, str]], on_read: OnRead | None = None
    ) -> Iterator[tuple[object, ValidationOutcome]]:
        return self._pool.map_unordered((self._job(item) for item in items), on_read)

    def _job(self, item: tuple[object, Candidate, str]) -> tuple[object, bytes | FileToRead]:
        key, cand, _ = item
        if cand.to_read:
            assert cand.file is not None and cand.stamp is not None
            return key, FileToRead(str(cand.file), cand.stamp, self._max_bytes)
        return key, cand.data or b""


def _executor(options: AuditOptions) -> _LocalExecutor | DaskExecutor:
    if options.executor == "dask":
        if not options.scheduler:
            raise ConfigError("--executor dask needs --scheduler ADDRESS")
        from .run.dask import DaskExecutor

        return DaskExecutor(
            options.scheduler,
            options.trust,
            options.worker_limits,
            options.shared_paths,
            options.policy,
            options.text,
            options.limits.max_file_bytes,
        )
    return _LocalExecutor(options)


def _run_manifest(
    options: AuditOptions, started: datetime, fingerprint: str, store: ResultStore | None
) -> dict[str, object]:
    """What an auditor needs to reproduce a figure: versions, trust, policy, inputs, times."""
    return {
        "tool": "sigaudit",
        "tool_version": __version__,
        "pyhanko_version": _package_version("pyhanko"),
        "pyhanko_certvalidator_version": _package_version("pyhanko-certvalidator"),
        "inputs": [shown_name(str(p))[0] for p in options.paths],
        "agency_registry": options.registry_path,
        "trust_roots": [
            {"subject": a.subject, "sha256": a.sha256, "source": a.source} for a in options.trust.roots
        ],
        "other_certificates": [
            {"subject": a.subject, "sha256": a.sha256, "source": a.source} for a in options.trust.other_certs
        ],
        "revocation_evidence": [
            {"kind": f.kind.value, "sha256": f.sha256, "source": f.source} for f in options.trust.revocation
        ],
        "online": options.trust.online,
        "online_timeout_s": options.trust.online_timeout_s if options.trust.online else None,
        "policy": options.policy.manifest(),
        "verdict_fingerprint": fingerprint,
        "text": (
            {"read": True, "pages": "first and last", "max_chars_per_page": options.text.max_chars}
            if options.text is not None
            else {"read": False}
        ),
        "store": str(store.path) if store and not store.temporary else None,
        "rescan": options.rescan,
        "started": started.isoformat(),
        "jobs": options.jobs,
        "executor": options.executor,
        "scheduler": options.scheduler,
        "limits": {
            "timeout_s": options.worker_limits.timeout_s,
            "memory_mb": options.worker_limits.memory_mb,
            "max_file_bytes": options.limits.max_file_bytes,
            "max_zip_depth": options.limits.max_zip_depth,
        },
    }
