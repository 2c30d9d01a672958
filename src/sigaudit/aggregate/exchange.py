"""Which documents count toward the inter-agency KPI, and why the others do not.

The plan's measure is the share of documents *sent and received between state agencies* that are
digitally signed. A document counts when an agency sends it to at least one other agency; it is
reported apart, with the reason, when it is

- ``out_of_period`` / ``undated``: outside ``--since``/``--until``, or without any date while a period
  is asked for;
- ``recalled``: recalled by its sender (edXML business type 1, or a status 13 answering it);
- ``replaced``: an earlier version of a document a later package replaces or updates (business type 2/3);
- ``internal``: its only recipient is its sender;
- ``no_exchange_data``: the export names no recipient and no direction, so nothing shows it was
  exchanged (e.g. a bare folder with a manifest of issuing agencies only);
- ``duplicate_copy``: another copy of the same document is already counted — the same bytes, or a
  received copy of a document (same sender, year and number/notation, or edXML DocumentId) whose
  sender's copy is counted; the sender's copy is preferred.

A received document (from a register of incoming documents) whose register does not name the
recipient counts: the incoming register is the recipient's own, and the sender is another agency.
"""

from __future__ import annotations

import enum
import functools
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..model import BusinessType, Counted, Direction, Level, Party, Verdict
from ..rows import Rows
from ..text import fold


class Exclusion(enum.StrEnum):
    OUT_OF_PERIOD = "out_of_period"
    UNDATED = "undated"
    RECALLED = "recalled"
    REPLACED = "replaced"
    INTERNAL = "internal"
    NO_EXCHANGE_DATA = "no_exchange_data"
    DUPLICATE_COPY = "duplicate_copy"


EXCLUSION_TEXT = {
    Exclusion.OUT_OF_PERIOD: "dated outside the period asked for (--since/--until)",
    Exclusion.UNDATED: "no document date and no signing time, while a period was asked for",
    Exclusion.RECALLED: "recalled by its sender (edXML business type 1 or status 13)",
    Exclusion.REPLACED: "an earlier version of a document that a later package replaces or updates",
    Exclusion.INTERNAL: "the sender is its only recipient",
    Exclusion.NO_EXCHANGE_DATA: "the export names no recipient and no direction: not shown to be exchanged",
    Exclusion.DUPLICATE_COPY: "a copy of a document already counted (same bytes, or a received copy with the "
    "same sender, year and number); the sender's copy is counted",
}


@dataclass(frozen=True)
class Period:
    """``--since``/``--until`` bounds (inclusive); None means open."""

    since: date | None = None
    until: date | None = None

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.until is not None

    def contains(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


ALL_TIME = Period()


@dataclass(frozen=True, slots=True)
class Exchange:
    """What the KPI makes of one document."""

    inter_agency: bool  # sent by an agency to at least one other agency
    excluded: Exclusion | None  # why it is not in the KPI denominator (None: it counts)
    day: date | None  # the date periods use: document date, else the latest signing time's date
    identity: str | None  # (sender, year, number/notation) or DocumentId, for matching copies

    @property
    def counts(self) -> bool:
        return self.excluded is None

    def as_dict(self) -> dict[str, object]:
        return {
            "inter_agency": self.inter_agency,
            "excluded_reason": self.excluded.value if self.excluded else None,
            "document_date": self.day.isoformat() if self.day else None,
        }


def document_day(doc: Counted) -> date | None:
    if doc.meta.date is not None:
        return doc.meta.date
    latest = doc.latest_time
    return latest.date() if latest is not None else None


def party_key(code: str | None, name: str | None) -> str | None:
    """How two mentions of an agency are compared: by code, else by accent-insensitive name."""
    if code:
        return "code:" + code.strip().upper()
    if name:
        return "name:" + fold(name)
    return None


def sender_key(doc: Counted) -> str | None:
    return party_key(doc.agency.code, doc.agency.name)


def identity(doc: Counted, day: date | None) -> str | None:
    """(sender, year, number/notation) per Decree 30 Art. 15, else the edXML DocumentId."""
    sender, numbering = sender_key(doc), doc.meta.number_notation
    if sender and numbering and day:
        return f"{sender}|{day.year}|{fold(numbering).replace(' ', '')}"
    if doc.meta.document_id:
        return "docid:" + doc.meta.document_id.strip()
    return None


def _inter_agency(doc: Counted) -> tuple[bool, Exclusion | None]:
    sender = sender_key(doc)
    recipients = {party_key(p.code, p.name) for p in doc.meta.recipients} - {None}
    if recipients:
        if sender is not None and recipients == {sender}:
            return False, Exclusion.INTERNAL
        return True, None
    if doc.meta.direction == Direction.RECEIVED:
        return True, None  # in the recipient's incoming register: it came from another agency
    return False, Exclusion.NO_EXCHANGE_DATA  # unknown direction, or sent without saying to whom


def _recalled(doc: Counted) -> bool:
    return doc.meta.business == BusinessType.RECALL or any(s.code == "13" for s in doc.meta.statuses)


_DIRECTION_PREFERENCE = {Direction.SENT: 0, Direction.UNKNOWN: 1, Direction.RECEIVED: 2}
_DIRECTIONS = {n: d for d, n in _DIRECTION_PREFERENCE.items()}
_NEWER = (BusinessType.REPLACE, BusinessType.UPDATE)

_SCHEMA = """
CREATE TABLE docs (
    seq INTEGER PRIMARY KEY,  -- the document's place in the run
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    direction INTEGER NOT NULL,  -- 0 sent, 1 unknown, 2 received: the order copies are preferred in
    newer INTEGER NOT NULL,  -- a replacement or update (edXML business type 2/3)
    recalled INTEGER NOT NULL,
    signed INTEGER NOT NULL,
    identity TEXT,
    day TEXT,
    inter INTEGER NOT NULL,
    first_reason TEXT,  -- internal, or no exchange data: what the exchange itself says
    period_reason TEXT,  -- undated or outside the period: overrides everything else
    reason TEXT,  -- the final exclusion (NULL: the document counts)
    parties TEXT NOT NULL,  -- JSON: recipients [code, name, level] and statuses [code, organ, source]
    recipients_read INTEGER NOT NULL,  -- the recipients come from the document's Nơi nhận, not the export
    -- what the counts per level, agency, month, period and flow need (kpi.summarize)
    agency TEXT NOT NULL,  -- JSON: [code, name, level] of the issuing agency
    verdict TEXT NOT NULL,
    complete INTEGER NOT NULL,  -- legally complete
    month TEXT,  -- yyyy-mm of the latest signature
    to_levels TEXT NOT NULL  -- the recipients' levels, comma-separated
);
CREATE TABLE seen_bytes (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE seen_ids (identity TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE duplicates (seq INTEGER PRIMARY KEY);
"""


@dataclass(frozen=True, slots=True)
class Tallied:
    """One document as the counts see it (a row of :class:`Exchanges`)."""

    code: str | None  # the issuing agency
    name: str | None
    level: Level
    counts: tuple[bool, bool, Verdict]  # signed, legally complete, verdict
    month: str | None  # yyyy-mm of the latest signature
    day: date | None  # the document's date (else its latest signature's)
    excluded: Exclusion | None
    to_levels: tuple[Level, ...]  # the recipients' levels


@dataclass(frozen=True, slots=True)
class Copy:
    """One document as reconciliation and the processing measure see it (a row of :class:`Exchanges`)."""

    path: str
    sha256: str
    direction: Direction
    newer: bool  # a replacement or update of an earlier document
    signed: bool
    excluded: Exclusion | None
    recipients: tuple[Party, ...]
    statuses: tuple[tuple[str, str | None, str], ...]  # (code, organ, source)
    recipients_read: bool = False  # recipients read from its own Nơi nhận list, not stated by the export


class Exchanges(Rows[Exchange]):
    """What the KPI makes of each document of a run, in the run's order, with what reconciliation and
    the processing measure need of each document.

    The rows live in a private temporary SQLite database (SQLite keeps a small page cache in memory
    and the rest in a file that is deleted when the database is closed), so classifying an archive of
    any size takes the same memory: the copies already counted are looked up there, not held in sets.
    """

    def __init__(self, documents: Iterable[Counted] = (), period: Period = ALL_TIME) -> None:
        """Classify ``documents``, going through them once (see :func:`classify`)."""
        self._db = sqlite3.connect("")
        self._db.execute("PRAGMA journal_mode=OFF")  # nothing to recover: the file dies with the run
        self._db.executescript(_SCHEMA)
        with self._db:
            insert = "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)"
            self._db.executemany(insert, _rows(documents, period))
        self._count: int = self._db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        with self._db:
            self._exclude()
            self._mark_copies()

    def _exclude(self) -> None:
        """Recalled (the document, or another copy of it), else replaced by a later version, unless
        the period already leaves it out; otherwise the exchange's own reason (internal, no data)."""
        self._db.execute("CREATE INDEX docs_identity ON docs (identity)")
        self._db.execute(
            "UPDATE docs SET reason = COALESCE(period_reason, CASE "
            "WHEN recalled OR identity IN (SELECT identity FROM docs WHERE recalled) THEN 'recalled' "
            "WHEN NOT newer AND identity IN (SELECT identity FROM docs WHERE newer) THEN 'replaced' "
            "ELSE first_reason END)"
        )

    def _mark_copies(self) -> None:
        """One counted copy per document, the sender's copy first. The same bytes are always the same
        document; a received copy is also a copy of the counted document with its identity (even when
        its bytes differ — reconciliation reports that). Two sender-side files with one identity but
        different bytes are different documents given the same number: both count. What was counted
        so far is looked up in two tables, in the order copies are preferred."""
        db = self._db
        received = _DIRECTION_PREFERENCE[Direction.RECEIVED]
        for seq, sha256, ident, direction in db.execute(
            "SELECT seq, sha256, identity, direction FROM docs WHERE reason IS NULL ORDER BY direction, seq"
        ):
            if db.execute("SELECT 1 FROM seen_bytes WHERE sha256 = ?", (sha256,)).fetchone() or (
                direction == received
                and ident is not None
                and db.execute("SELECT 1 FROM seen_ids WHERE identity = ?", (ident,)).fetchone()
            ):
                db.execute("INSERT INTO duplicates VALUES (?)", (seq,))
                continue
            db.execute("INSERT INTO seen_bytes VALUES (?)", (sha256,))
            if ident is not None:
                db.execute("INSERT OR IGNORE INTO seen_ids VALUES (?)", (ident,))
        db.execute(
            "UPDATE docs SET reason = ? WHERE seq IN (SELECT seq FROM duplicates)",
            (Exclusion.DUPLICATE_COPY.value,),
        )
        for table in ("seen_bytes", "seen_ids", "duplicates"):
            db.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Exchanges:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Exchange]:
        for row in self._db.execute("SELECT inter, reason, day, identity FROM docs ORDER BY seq"):
            yield _exchange(row)

    def _read(self, position: int) -> Exchange:
        query = "SELECT inter, reason, day, identity FROM docs WHERE seq = ?"
        return _exchange(self._db.execute(query, (position,)).fetchone())

    def copies_by(
        self, group: Literal["identity", "unit"], where: str = ""
    ) -> Iterator[tuple[str, Iterator[Copy]]]:
        """Documents grouped by ``group`` — ``identity`` (documents without one left out), or ``unit``
        (identity, else the content hash) — groups in the order their first document was found,
        documents in run order; ``where`` narrows the documents."""
        key = "identity" if group == "identity" else "COALESCE(identity, 'sha:' || sha256)"
        narrow = f"AND ({where})" if where else ""
        cursor = self._db.execute(
            f"WITH d AS (SELECT *, {key} AS key FROM docs WHERE {key} IS NOT NULL {narrow}), "
            "k AS (SELECT key, MIN(seq) AS first FROM d GROUP BY key) "
            "SELECT d.key, d.path, d.sha256, d.direction, d.newer, d.signed, d.reason, d.parties, "
            "d.recipients_read "
            "FROM d JOIN k USING (key) ORDER BY k.first, d.seq"
        )
        for ident, rows in itertools.groupby(cursor, key=lambda row: str(row[0])):
            yield ident, (_copy(row) for row in rows)

    def tallies(self) -> Iterator[Tallied]:
        """Each document as the counts see it, in run order."""
        rows = self._db.execute(
            "SELECT agency, signed, complete, verdict, month, day, reason, to_levels FROM docs ORDER BY seq"
        )
        for agency, signed, complete, verdict, month, day, reason, to_levels in rows:
            code, name, level = _agency(agency)
            yield Tallied(
                code,
                name,
                level,
                (bool(signed), bool(complete), Verdict(verdict)),
                month,
                date.fromisoformat(day) if day else None,
                Exclusion(reason) if reason else None,
                tuple(Level(lv) for lv in to_levels.split(",")) if to_levels else (),
            )

    def received_recipients(self) -> Iterator[Party]:
        """The recipients named by received copies: agencies whose incoming documents are in the archive."""
        received = _DIRECTION_PREFERENCE[Direction.RECEIVED]
        for (parties,) in self._db.execute("SELECT parties FROM docs WHERE direction = ?", (received,)):
            yield from _parties(json.loads(parties)[0])


@functools.lru_cache(maxsize=4096)
def _agency_text(code: str | None, name: str | None, level: Level) -> str:
    return json.dumps([code, name, level.value], ensure_ascii=False)


@functools.lru_cache(maxsize=4096)
def _agency(text: str) -> tuple[str | None, str | None, Level]:
    """An issuing agency from its row (few agencies issue many documents: decoded once each)."""
    code, name, level = json.loads(text)
    return code, name, Level(level)


def _exchange(row: tuple[int, str | None, str | None, str | None]) -> Exchange:
    inter, reason, day, ident = row
    return Exchange(
        inter_agency=bool(inter),
        excluded=Exclusion(reason) if reason else None,
        day=date.fromisoformat(day) if day else None,
        identity=ident,
    )


def _parties(rows: list[list[str | None]]) -> tuple[Party, ...]:
    return tuple(Party(code, name, Level(level or Level.UNKNOWN)) for code, name, level in rows)


def _copy(row: tuple[str, str, str, int, int, int, str | None, str, int]) -> Copy:
    _, path, sha256, direction, newer, signed, reason, parties, read = row
    recipients, statuses = json.loads(parties)
    return Copy(
        path,
        sha256,
        _DIRECTIONS[direction],
        bool(newer),
        bool(signed),
        Exclusion(reason) if reason else None,
        _parties(recipients),
        tuple((code, organ, source) for code, organ, source in statuses),
        bool(read),
    )


def classify(documents: Iterable[Counted], period: Period = ALL_TIME) -> Exchanges:
    """One :class:`Exchange` per document, in the same order (see the module text for the rules).

    The documents are gone through once; everything else is worked out in the rows of the result.
    """
    return Exchanges(documents, period)


def _rows(documents: Iterable[Counted], period: Period) -> Iterator[tuple[object, ...]]:
    """A row of the ``docs`` table per document: what classifying and reconciling need of it."""
    for seq, doc in enumerate(documents):
        day = document_day(doc)
        ident = identity(doc, day)
        inter, first_reason = _inter_agency(doc)
        period_reason = None
        if period.bounded and day is None:
            period_reason = Exclusion.UNDATED.value
        elif day is not None and not period.contains(day):
            period_reason = Exclusion.OUT_OF_PERIOD.value
        meta = doc.meta
        parties = [
            [[p.code, p.name, p.level.value] for p in meta.recipients],
            [[s.code, s.organ, s.source] for s in meta.statuses],
        ]
        yield (
            seq,
            doc.path,
            doc.sha256,
            _DIRECTION_PREFERENCE[meta.direction],
            meta.business in _NEWER,
            _recalled(doc),
            doc.signed,
            ident,
            day.isoformat() if day else None,
            inter,
            first_reason.value if first_reason else None,
            period_reason,
            json.dumps(parties, ensure_ascii=False),
            meta.recipients_read,
            _agency_text(doc.agency.code, doc.agency.name, doc.agency.level),
            doc.verdict.value,
            doc.legally_complete,
            f"{latest.year}-{latest.month:02d}" if (latest := doc.latest_time) is not None else None,
            ",".join(p.level.value for p in meta.recipients),
        )
