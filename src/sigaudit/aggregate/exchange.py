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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..model import BusinessType, Counted, Direction
from ..sources.manifest import fold


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
_NEWER = (BusinessType.REPLACE, BusinessType.UPDATE)


def classify(documents: Sequence[Counted], period: Period = ALL_TIME) -> list[Exchange]:
    """One :class:`Exchange` per document, in the same order."""
    days = [document_day(d) for d in documents]
    ids = [identity(d, day) for d, day in zip(documents, days, strict=True)]
    recalled = [_recalled(d) for d in documents]
    recalled_ids = {i for r, i in zip(recalled, ids, strict=True) if r and i}
    newer_ids = {i for d, i in zip(documents, ids, strict=True) if i and d.meta.business in _NEWER}
    first_reason: list[Exclusion | None] = []
    flags: list[bool] = []
    for doc, day, ident, was_recalled in zip(documents, days, ids, recalled, strict=True):
        inter, reason = _inter_agency(doc)
        flags.append(inter)
        if period.bounded and day is None:
            reason = Exclusion.UNDATED
        elif day is not None and not period.contains(day):
            reason = Exclusion.OUT_OF_PERIOD
        elif was_recalled or ident in recalled_ids:
            reason = Exclusion.RECALLED
        elif ident in newer_ids and doc.meta.business not in _NEWER:
            reason = Exclusion.REPLACED
        first_reason.append(reason)
    # One counted copy per document, the sender's copy first. The same bytes are always the same
    # document; a received copy is also a copy of the counted document with its identity (even when
    # its bytes differ — reconciliation reports that). Two sender-side files with one identity but
    # different bytes are different documents given the same number: both count.
    order = sorted(
        range(len(documents)), key=lambda n: (_DIRECTION_PREFERENCE[documents[n].meta.direction], n)
    )
    seen_bytes: set[str] = set()
    seen_ids: set[str] = set()
    for n in order:
        if first_reason[n] is not None:
            continue
        doc, ident = documents[n], ids[n]
        received = doc.meta.direction == Direction.RECEIVED
        if doc.sha256 in seen_bytes or (received and ident is not None and ident in seen_ids):
            first_reason[n] = Exclusion.DUPLICATE_COPY
            continue
        seen_bytes.add(doc.sha256)
        if ident is not None:
            seen_ids.add(ident)
    return [
        Exchange(inter_agency=flags[n], excluded=first_reason[n], day=days[n], identity=ids[n])
        for n in range(len(documents))
    ]
