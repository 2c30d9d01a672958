"""The result store: an SQLite file holding every document's validation outcome and every run.

- ``results`` is keyed by the document's SHA-256 *and* a fingerprint of everything that can change a
  verdict (trust anchors and helper certificates, validation policy, tool and pyHanko versions). A
  result is reused only under the same fingerprint, and not after the earliest expiry of the document's
  signer certificates (``recheck_after``), since validation happens at run time.
- ``runs`` and ``run_documents`` record what each scan saw (paths, hashes, agencies), so reports can be
  rebuilt and runs compared later without validating again.

Results are committed as they arrive, so a run that is killed loses nothing already validated; the
database runs in WAL mode with a busy timeout so concurrent runs on one store stay consistent.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from ..codec import (
    FACTS_ITEMS,
    agency_from_dict,
    agency_to_dict,
    facts_from_json,
    facts_of,
    facts_to_json,
    meta_from_dict,
    meta_to_dict,
    outcome_from_dict,
    outcome_to_dict,
)
from ..errors import ConfigError, OutputError, StoreError, output_error
from ..model import AuditRun, DocumentFacts, DocumentResult, Skipped, ValidationOutcome
from ..rows import Rows
from ..sources.walk import FileStamp

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    outcome TEXT NOT NULL,
    recheck_after TEXT,
    validated_at TEXT NOT NULL,
    facts TEXT,  -- what aggregation needs of the outcome (codec.facts_to_json); NULL in older stores,
                 -- fewer than codec.FACTS_ITEMS items in stores older than the latest item
    PRIMARY KEY (sha256, fingerprint)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    ended TEXT,
    fingerprint TEXT NOT NULL,
    manifest TEXT NOT NULL,
    skipped TEXT,
    warnings TEXT,
    host TEXT,  -- where the run's process runs, and its id: a run that never ended and whose
    pid INTEGER  -- process is gone left rows that can be purged
);
CREATE TABLE IF NOT EXISTS run_documents (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    agency TEXT NOT NULL,  -- JSON: the agency, and under "meta" the document's exchange metadata
    outcome TEXT,  -- only for documents whose verdict did not come from validation (no bytes, not a PDF)
    facts TEXT,  -- the outcome's facts for aggregation, so a run's figures need no outcome decoded
    PRIMARY KEY (run_id, seq)
);
-- Plain files seen by earlier runs, with the stat they had when read and the digest of their bytes:
-- a file whose device, inode, size, modification and change times are unchanged is not read again.
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    dev INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
"""


# A row's stored facts, NULL when they lack an item of the current form (codec.FACTS_ITEMS): the
# readers then decode the outcome, as for rows stored before facts were kept at all.
_CURRENT_FACTS = f"CASE WHEN json_array_length(facts) >= {FACTS_ITEMS} THEN facts END"


def default_store_path() -> Path:
    """``$XDG_CACHE_HOME/sigaudit/results.sqlite`` (``~/.cache/...`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sigaudit" / "results.sqlite"


@dataclass(frozen=True, slots=True)
class CachedFacts:
    """A stored result's facts (:func:`~sigaudit.codec.facts_to_json`) and when it was recorded."""

    facts: str
    validated_at: str  # ISO 8601, UTC

    def recorded_since(self, moment: datetime) -> bool:
        """Whether the result was recorded at ``moment`` or later: a result a run finds that the run
        itself recorded is a copy within the run, not one reused from the store."""
        return datetime.fromisoformat(self.validated_at) >= moment


@dataclass(frozen=True)
class RunInfo:
    """One recorded scan."""

    id: int
    started: str
    ended: str | None
    fingerprint: str
    manifest: dict[str, Any]
    documents: int


def _alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (it may belong to someone else)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, as another user's
        return True
    return True


def _recheck_after(outcome: ValidationOutcome, now: datetime) -> str | None:
    """The next signer-certificate expiry after ``now``: validation at run time may then differ."""
    expiries = [s.signer.not_after for s in outcome.signatures if s.signer is not None]
    upcoming = [e for e in expiries if e > now]
    return min(upcoming).astimezone(UTC).isoformat() if upcoming else None


class ResultStore:
    """Access to one store file. Not shared between processes: each opens its own."""

    def __init__(self, path: Path, temporary: bool = False) -> None:
        self.path = path
        self.temporary = temporary  # a run's scratch store (--no-store), deleted with the run
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=60, isolation_level=None)
            self._setup()
        except OSError as exc:
            raise output_error(f"the result store {path}", exc) from exc
        except sqlite3.Error as exc:
            message = f"cannot open the result store {path}: {exc}"
            # SQLITE_IOERR (10), SQLITE_FULL (13): the machine failed, not the options.
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (10, 13):
                raise OutputError(message) from exc
            raise ConfigError(message) from exc

    def _setup(self) -> None:
        # Switching a new file to WAL can report "database is locked" at once, without waiting, while
        # another run creates the same store: retry for as long as the busy timeout would have waited.
        deadline = time.monotonic() + 60
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(SCHEMA)
                self._add_column("results", "facts TEXT")  # stores made before the column existed
                self._add_column("run_documents", "facts TEXT")
                self._add_column("runs", "host TEXT")  # who runs it, to tell a dead run from a live one
                self._add_column("runs", "pid INTEGER")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _add_column(self, table: str, column: str) -> None:
        names = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
        if column.split()[0] not in names:
            self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- results -----------------------------------------------------------------------------------
    def get(self, sha256: str, fingerprint: str, now: datetime | None = None) -> ValidationOutcome | None:
        """The stored outcome for these bytes under this fingerprint, unless it must be rechecked."""
        row = self._db.execute(
            "SELECT outcome, recheck_after FROM results WHERE sha256 = ? AND fingerprint = ?",
            (sha256, fingerprint),
        ).fetchone()
        if row is None or _due(row[1], now):
            return None
        return outcome_from_dict(json.loads(row[0]))

    def count_recorded_since(self, fingerprint: str, moment: datetime) -> int:
        """How many results under ``fingerprint`` were recorded at ``moment`` or later: what a run that
        started then has stored, counted from the store itself (a run stopped between a result's commit
        and its own tally still says the right number)."""
        # put() writes datetime.isoformat() in UTC: such strings sort as their moments do (a whole second
        # "…:05+00:00" before "…:05.000001+00:00"), to the microsecond; SQLite's julianday() keeps
        # about a millisecond, too little for a row written just before the run began.
        row = self._db.execute(
            "SELECT COUNT(*) FROM results WHERE fingerprint = ? AND validated_at >= ?",
            (fingerprint, moment.astimezone(UTC).isoformat()),
        ).fetchone()
        return int(row[0])

    def get_facts(self, sha256: str, fingerprint: str, now: datetime | None = None) -> CachedFacts | None:
        """What aggregation needs of the stored outcome (same reuse rule as :meth:`get`), in its stored
        form (:func:`~sigaudit.codec.facts_to_json`), without decoding the outcome itself, and when the
        result was recorded."""
        row = self._db.execute(
            f"SELECT {_CURRENT_FACTS}, recheck_after, validated_at FROM results "
            "WHERE sha256 = ? AND fingerprint = ?",
            (sha256, fingerprint),
        ).fetchone()
        if row is None or _due(row[1], now):
            return None
        if row[0] is None:  # written before facts (or their latest item) were stored
            outcome = self.get(sha256, fingerprint, now)
            return CachedFacts(facts_to_json(facts_of(outcome)), row[2]) if outcome is not None else None
        return CachedFacts(str(row[0]), row[2])

    def put(
        self, sha256: str, fingerprint: str, outcome: ValidationOutcome, facts: str | None = None
    ) -> None:
        """Record one outcome now (autocommit), so a killed run keeps it; ``facts`` is its facts'
        stored form when the caller has it already."""
        now = datetime.now(UTC)
        self._db.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)",
            (
                sha256,
                fingerprint,
                json.dumps(outcome_to_dict(outcome), ensure_ascii=False),
                _recheck_after(outcome, now),
                now.isoformat(),
                facts if facts is not None else facts_to_json(facts_of(outcome)),
            ),
        )

    # --- files ----------------------------------------------------------------------------------------
    def known_file(self, path: str, stamp: FileStamp) -> str | None:
        """The digest recorded for ``path`` if its stat is exactly the one recorded with it."""
        row = self._db.execute(
            "SELECT sha256 FROM files WHERE path = ? AND dev = ? AND ino = ? AND size = ? AND mtime_ns = ? "
            "AND ctime_ns = ?",
            (path, *stamp),
        ).fetchone()
        return str(row[0]) if row else None

    def remember_files(self, files: Iterable[tuple[str, FileStamp, str]]) -> None:
        """Record (absolute path, stat when read, SHA-256) for the plain files a run read."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((path, *stamp, sha) for path, stamp, sha in files),
            )

    def count_results(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    # --- runs --------------------------------------------------------------------------------------
    def begin_run(self, fingerprint: str, manifest: dict[str, Any]) -> int:
        """Open a run, owned by this process on this host; first purge what dead runs left."""
        self.purge_abandoned_runs()
        cursor = self._db.execute(
            "INSERT INTO runs (started, fingerprint, manifest, host, pid) VALUES (?, ?, ?, ?, ?)",
            (
                str(manifest.get("started", "")),
                fingerprint,
                json.dumps(manifest, ensure_ascii=False),
                socket.gethostname(),
                os.getpid(),
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def purge_abandoned_runs(self) -> list[int]:
        """Delete the document rows of runs that never ended and whose process, on this host, is gone
        (killed while recording them); return those runs' ids. Such rows are never read (only ended
        runs are), but they take room. The run itself stays listed as started and not ended. Runs of
        other hosts, and runs whose process id is alive (perhaps reused), are left alone; a live run
        purged by mistake (two hosts under one name) notices it in :meth:`end_run` and fails."""
        candidates = self._db.execute(
            "SELECT id, pid FROM runs WHERE ended IS NULL AND host = ? AND pid IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM run_documents d WHERE d.run_id = runs.id)",
            (socket.gethostname(),),
        ).fetchall()
        gone = [run_id for run_id, pid in candidates if pid != os.getpid() and not _alive(pid)]
        for run_id in gone:
            with self._transaction():
                self._db.execute("DELETE FROM run_documents WHERE run_id = ?", (run_id,))
        return gone

    def end_run(
        self,
        run_id: int,
        documents: Iterable[RunRow],
        manifest: dict[str, Any],
        skipped: Iterable[Skipped] = (),
        warnings: Iterable[str] = (),
    ) -> None:
        """Record the documents a run saw, in order, then its final manifest, which makes it a run.

        Each document comes with the outcome only when its verdict came from the walker (no bytes, not
        a PDF): that outcome is kept with the run rather than in ``results``.
        """
        rows = (
            (
                run_id,
                seq,
                row.facts.path,
                row.facts.sha256,
                row.facts.size,
                json.dumps(
                    {**agency_to_dict(row.facts.agency), "meta": meta_to_dict(row.facts.meta)},
                    ensure_ascii=False,
                ),
                None if row.outcome is None else json.dumps(outcome_to_dict(row.outcome), ensure_ascii=False),
                row.facts_json or facts_to_json(row.facts.facts),
            )
            for seq, row in enumerate(documents)
        )
        # In batches, so that another run writing to the store meanwhile never waits long; the rows
        # count only once the run is marked ended, below.
        written = 0
        while batch := list(itertools.islice(rows, 1000)):
            with self._transaction():
                self._db.executemany("INSERT INTO run_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
            written += len(batch)
        with self._transaction():
            kept = self._run_size(run_id)
            if kept != written:  # e.g. purged by a run that took this one for dead (same host name)
                raise StoreError(
                    f"the result store {self.path} lost rows of run {run_id} while it was being recorded "
                    f"({kept} of {written} left); nothing is reported from it: run the scan again"
                )
            self._db.execute(
                "UPDATE runs SET ended = ?, manifest = ?, skipped = ?, warnings = ? WHERE id = ?",
                (
                    str(manifest.get("ended", "")),
                    json.dumps(manifest, ensure_ascii=False),
                    json.dumps([[s.path, s.reason] for s in skipped], ensure_ascii=False),
                    json.dumps(list(warnings), ensure_ascii=False),
                    run_id,
                ),
            )

    def _transaction(self) -> Any:
        store = self

        class _Tx:
            def __enter__(self) -> None:
                store._db.execute("BEGIN IMMEDIATE")

            def __exit__(self, exc_type: object, *_: object) -> None:
                store._db.execute("ROLLBACK" if exc_type else "COMMIT")

        return _Tx()

    def find_run(self, run_id: int | None) -> RunInfo:
        """A completed run by id, or the latest one."""
        runs = self.runs()
        if not runs:
            raise ConfigError(f"the store {self.path} holds no completed run")
        if run_id is None:
            return runs[-1]
        for run in runs:
            if run.id == run_id:
                return run
        raise ConfigError(f"the store {self.path} has no completed run {run_id}")

    def load_run(self, run: RunInfo) -> AuditRun:
        """A recorded run as an AuditRun, without validating anything: its facts are loaded, its
        documents are read from the store each time they are gone through (the store must stay open)."""
        row = self._db.execute("SELECT skipped, warnings FROM runs WHERE id = ?", (run.id,)).fetchone()
        skipped = tuple(Skipped(p, r) for p, r in json.loads(row[0] or "[]"))
        return AuditRun(
            documents=self.documents(run.id, run.fingerprint),
            skipped=skipped,
            warnings=tuple(json.loads(row[1] or "[]")),
            manifest=run.manifest,
            facts=self.facts(run.id, run.fingerprint),
        )

    def documents(self, run_id: int, fingerprint: str) -> StoredDocuments:
        """A run's documents, read from the store when gone through (see :class:`StoredDocuments`)."""
        return StoredDocuments(self, run_id, fingerprint, self._run_size(run_id))

    def facts(self, run_id: int, fingerprint: str) -> StoredFacts:
        """A run's documents as aggregation sees them, read from the store when gone through."""
        return StoredFacts(self, run_id, fingerprint, self._run_size(run_id))

    def _run_size(self, run_id: int) -> int:
        count = self._db.execute("SELECT COUNT(*) FROM run_documents WHERE run_id = ?", (run_id,)).fetchone()
        return int(count[0])

    def _facts(self, run_id: int, fingerprint: str, where: str = "", *args: int) -> Iterator[DocumentFacts]:
        """A run's rows as facts; the outcomes are decoded only for rows recorded before their facts
        (or the facts' latest item) were stored."""
        facts = _CURRENT_FACTS.replace("facts", "d.facts")
        cursor = self._db.execute(
            f"SELECT d.path, d.sha256, d.size, d.agency, {facts}, "
            f"CASE WHEN {facts} IS NULL THEN COALESCE(d.outcome, r.outcome) END FROM run_documents d "
            f"LEFT JOIN results r ON {facts} IS NULL AND r.sha256 = d.sha256 AND r.fingerprint = ? "
            f"WHERE d.run_id = ? {where} ORDER BY d.seq",
            (fingerprint, run_id, *args),
        )
        for path, sha256, size, agency, facts, outcome in cursor:
            if facts is None and outcome is None:
                raise ConfigError(f"run {run_id}: the stored result for {path} is missing from the store")
            attribution = json.loads(agency)
            yield DocumentFacts(
                path=path,
                sha256=sha256,
                size=size,
                agency=agency_from_dict(attribution),
                facts=facts_from_json(facts) if facts else facts_of(outcome_from_dict(json.loads(outcome))),
                meta=meta_from_dict(attribution.get("meta")),
            )

    def runs(self) -> list[RunInfo]:
        """Completed runs, oldest first."""
        rows = self._db.execute(
            "SELECT r.id, r.started, r.ended, r.fingerprint, r.manifest, COUNT(d.seq) FROM runs r "
            "LEFT JOIN run_documents d ON d.run_id = r.id WHERE r.ended IS NOT NULL "
            "GROUP BY r.id ORDER BY r.id"
        ).fetchall()
        return [RunInfo(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

    def run_documents(self, run: RunInfo) -> Iterator[DocumentResult]:
        """The documents of a recorded run with their stored outcomes, streamed in scan order."""
        return self._documents(run.id, run.fingerprint)

    def _documents(
        self, run_id: int, fingerprint: str, where: str = "", *args: int
    ) -> Iterator[DocumentResult]:
        return (_result(row) for row in self._rows(run_id, fingerprint, where, *args))

    def _rows(self, run_id: int, fingerprint: str, where: str = "", *args: int) -> Iterator[_Row]:
        """A run's rows in scan order, each with its stored outcome (from the run or from ``results``)."""
        cursor = self._db.execute(
            "SELECT d.seq, d.path, d.sha256, d.size, d.agency, d.facts, COALESCE(d.outcome, r.outcome) "
            "FROM run_documents d LEFT JOIN results r ON r.sha256 = d.sha256 AND r.fingerprint = ? "
            f"WHERE d.run_id = ? {where} ORDER BY d.seq",
            (fingerprint, run_id, *args),
        )
        for row in cursor:
            if row[6] is None:
                raise ConfigError(f"run {run_id}: the stored result for {row[1]} is missing from the store")
            yield row


_Row = tuple[int, str, str, int, str, str | None, str]  # seq, path, sha256, size, agency, facts, outcome


def _result(row: _Row) -> DocumentResult:
    _, path, sha256, size, agency, _, outcome = row
    attribution = json.loads(agency)  # the agency, and since schema 2 the document's metadata
    return DocumentResult(
        path=path,
        sha256=sha256,
        size=size,
        agency=agency_from_dict(attribution),
        outcome=outcome_from_dict(json.loads(outcome)),
        meta=meta_from_dict(attribution.get("meta")),
    )


_T = TypeVar("_T")


class _StoredRun(Rows[_T]):
    """A run's rows in scan order, read from the store each time they are gone through.

    A report goes through every document once; holding them all instead would make a run's memory
    grow with the archive (3 KB or more per document). Only the store's connection is kept.
    """

    def __init__(self, store: ResultStore, run_id: int, fingerprint: str, count: int) -> None:
        self._store, self._run_id, self._fingerprint, self._count = store, run_id, fingerprint, count

    def _select(self, where: str = "", *args: int) -> Iterator[_T]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[_T]:
        return self._select()

    def _read(self, position: int) -> _T:
        return next(self._select("AND d.seq = ?", position))


class StoredDocuments(_StoredRun[DocumentResult]):
    """A run's documents (:class:`DocumentResult`), read from the store when gone through."""

    def _select(self, where: str = "", *args: int) -> Iterator[DocumentResult]:
        return self._store._documents(self._run_id, self._fingerprint, where, *args)

    def stored_rows(self) -> Iterator[StoredRow]:
        """The documents as the store keeps them, in scan order, without decoding them: for a report
        that can use the stored text as it is (:func:`sigaudit.report.documents.stored_document_lines`)."""
        for row in self._store._rows(self._run_id, self._fingerprint):
            yield StoredRow(*row)


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One document of a run in the store's own form: its texts as stored, not decoded."""

    seq: int  # its place in the run's scan order, from 0
    path: str
    sha256: str
    size: int
    agency: str  # JSON: the attribution (codec.agency_to_dict) with the metadata under "meta"
    facts: str | None  # JSON: codec.facts_to_json of the outcome; None in rows recorded before facts were
    outcome: str  # JSON: codec.outcome_to_dict of the validation outcome

    def document(self) -> DocumentResult:
        """The row decoded into the values it was recorded from."""
        return _result((self.seq, self.path, self.sha256, self.size, self.agency, self.facts, self.outcome))


class StoredFacts(_StoredRun[DocumentFacts]):
    """A run's documents as aggregation sees them (:class:`DocumentFacts`), read from the store when
    gone through."""

    def _select(self, where: str = "", *args: int) -> Iterator[DocumentFacts]:
        return self._store._facts(self._run_id, self._fingerprint, where, *args)


def _due(recheck_after: str | None, now: datetime | None) -> bool:
    """Whether a stored result must be validated again: a signer certificate has expired since."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return recheck_after is not None and moment >= datetime.fromisoformat(recheck_after)


@dataclass(frozen=True, slots=True)
class RunRow:
    """One document of a run as recorded: its facts, and its outcome when the walker decided it."""

    facts: DocumentFacts
    outcome: ValidationOutcome | None = None
    facts_json: str | None = None  # the outcome's facts in their stored form, when already encoded
