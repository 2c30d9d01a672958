"""A run's bookkeeping while it lasts, on disk: its documents as they finish, and the manifest rows and
status messages the walk finds (which may come before or after the documents they describe).

Held in memory, these grow with the archive (a province's year is hundreds of thousands of
documents); here they live in a private temporary SQLite database — a small page cache in memory,
the rest in a file deleted when the spool is closed. Values are pickled: the spool is written and
read by this process only, within one run.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import StatusEvent, ValidationOutcome
from ..sources.manifest import ManifestEntry

_SCHEMA = """
CREATE TABLE documents (
    seq INTEGER PRIMARY KEY,  -- walk order
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    facts TEXT NOT NULL,  -- the outcome's facts in the result store's form (codec.facts_to_json)
    outcome BLOB  -- kept when the walker decided the verdict, or when the run has no result store
);
CREATE TABLE entries (path TEXT PRIMARY KEY, entry BLOB NOT NULL);
CREATE TABLE statuses (document_id TEXT NOT NULL, status BLOB NOT NULL);
CREATE INDEX statuses_document ON statuses (document_id);
"""


@dataclass(frozen=True, slots=True)
class Spooled:
    """A finished document, with the manifest row that describes it (None: no row names it)."""

    seq: int
    path: str
    size: int
    sha256: str
    facts: str  # codec.facts_to_json
    outcome: ValidationOutcome | None
    entry: ManifestEntry | None


class RunSpool:
    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)  # each statement its own transaction
        self._db.execute("PRAGMA journal_mode=OFF")  # nothing to recover: the file dies with the run
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(_SCHEMA)
        self._count = 0

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self._count

    def add_document(
        self,
        seq: int,
        path: str,
        size: int,
        sha256: str,
        facts: str,
        outcome: ValidationOutcome | None,
    ) -> None:
        """Record a finished document (in any order: ``seq`` is its place in the walk)."""
        self._db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
            (seq, path, size, sha256, facts, None if outcome is None else _dump(outcome)),
        )
        self._count += 1

    def add_entries(self, entries: Iterable[ManifestEntry]) -> None:
        """Manifest or register rows; a later row for the same path replaces an earlier one."""
        self._db.executemany(
            "INSERT OR REPLACE INTO entries VALUES (?, ?)", ((e.path, _dump(e)) for e in entries)
        )

    def add_status(self, document_id: str, status: StatusEvent) -> None:
        self._db.execute("INSERT INTO statuses VALUES (?, ?)", (document_id, _dump(status)))

    def statuses(self, document_id: str) -> list[StatusEvent]:
        """The status messages answering an edXML DocumentId, in the order they were found."""
        rows = self._db.execute(
            "SELECT status FROM statuses WHERE document_id = ? ORDER BY rowid", (document_id,)
        )
        return [_load(blob) for (blob,) in rows]

    def documents(self) -> Iterator[Spooled]:
        """Every finished document in walk order, with its manifest row."""
        rows = self._db.execute(
            "SELECT d.seq, d.path, d.size, d.sha256, d.facts, d.outcome, e.entry FROM documents d "
            "LEFT JOIN entries e ON e.path = d.path ORDER BY d.seq"
        )
        for seq, path, size, sha256, facts, outcome, entry in rows:
            yield Spooled(
                seq,
                path,
                size,
                sha256,
                facts,
                None if outcome is None else _load(outcome),
                None if entry is None else _load(entry),
            )

    def unmatched_entries(self) -> list[str]:
        """Paths that manifest rows name but the walk did not find, sorted."""
        rows = self._db.execute(
            "SELECT path FROM entries WHERE path NOT IN (SELECT path FROM documents) ORDER BY path"
        )
        return [path for (path,) in rows]


def _dump(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _load(blob: bytes) -> Any:
    return pickle.loads(blob)
