"""A run's bookkeeping while it lasts, on disk: its documents as they finish, and the manifest rows and
status messages the walk finds (which may come before or after the documents they describe).

Held in memory, these grow with the archive (a province's year is hundreds of thousands of
documents); here they live in a private temporary SQLite database — a small page cache in memory,
the rest in a file deleted when the spool is closed. Values are pickled: the spool is written and
read by this process only, within one run.
"""

from __future__ import annotations

import itertools
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
CREATE TABLE entries (path TEXT PRIMARY KEY, entry BLOB NOT NULL, source TEXT NOT NULL);
CREATE TABLE paths (path TEXT PRIMARY KEY);  -- every document path given out, to keep them unique
CREATE TABLE statuses (document_id TEXT NOT NULL, status BLOB NOT NULL);
CREATE INDEX statuses_document ON statuses (document_id);
"""
# Finished documents written to the spool at a time, and manifest rows looked up at a time (one SQLite
# statement per document was most of the parent's time in the store, issue 22).
WRITE_BATCH = 256
LOOKUP_BATCH = 500


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
        self._pending: list[tuple[int, str, int, str, str, bytes | None]] = []  # documents not yet written

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
        """Record a finished document (in any order: ``seq`` is its place in the walk). Documents are
        written WRITE_BATCH at a time (the spool is private to the run and dies with it: nothing to
        keep if the run is killed), and before anything reads them back."""
        self._pending.append((seq, path, size, sha256, facts, None if outcome is None else _dump(outcome)))
        self._count += 1
        if len(self._pending) >= WRITE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)", self._pending)
            self._db.execute("COMMIT")
            self._pending.clear()

    def add_entries(self, entries: Iterable[ManifestEntry], source: str) -> list[tuple[str, str]]:
        """Manifest or register rows read from ``source``; a later row for the same path replaces an
        earlier one (the manifest nearer the file is read later). Returns (path, earlier source) for
        each row that describes an already described document differently: the caller warns.

        One look-up per LOOKUP_BATCH rows and one insert of the new ones, rather than two statements
        per row (a register lists a year of documents)."""
        conflicts: list[tuple[str, str]] = []
        rows = iter(entries)
        while chunk := list(itertools.islice(rows, LOOKUP_BATCH)):
            paths = list(dict.fromkeys(entry.path for entry in chunk))
            marks = ", ".join("?" * len(paths))
            query = f"SELECT path, entry, source FROM entries WHERE path IN ({marks})"
            stored = {path: (blob, earlier) for path, blob, earlier in self._db.execute(query, paths)}
            final = dict(stored)  # each path's row as the rows one by one would leave it
            for entry in chunk:
                blob = _dump(entry)
                before = final.get(entry.path)
                if before is None:
                    final[entry.path] = (blob, source)
                elif before[0] != blob and _load(before[0]) != entry:
                    final[entry.path] = (blob, source)
                    conflicts.append((entry.path, before[1]))
            new = [(path, *row) for path, row in final.items() if path not in stored]
            changed = [(*row, path) for path, row in final.items() if path in stored and row != stored[path]]
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO entries VALUES (?, ?, ?)", new)
            self._db.executemany("UPDATE entries SET entry = ?, source = ? WHERE path = ?", changed)
            self._db.execute("COMMIT")
        return conflicts

    def claim_path(self, path: str) -> str:
        """``path`` if no document of the run has it yet, else the first free ``path#2``, ``path#3`` …
        (duplicate ZIP member names, a folder named ``x.zip!`` beside ``x.zip``): the path given out."""
        claimed, n = path, 1
        while True:
            try:
                self._db.execute("INSERT INTO paths VALUES (?)", (claimed,))
                return claimed
            except sqlite3.IntegrityError:
                n += 1
                claimed = f"{path}#{n}"

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
        self._flush()
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

    def unmatched_entries(self) -> Iterator[str]:
        """Paths that manifest rows name but the walk did not find, sorted (read as they are used: a
        register may name a million missing files)."""
        self._flush()
        rows = self._db.execute(
            "SELECT path FROM entries WHERE path NOT IN (SELECT path FROM documents) ORDER BY path"
        )
        for (path,) in rows:
            yield path


def _dump(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _load(blob: bytes) -> Any:
    return pickle.loads(blob)
