"""The plan's second measure: received documents whose processing went through the system.

Reform plans also set, per level, the share of received documents handled through the
document-management system (e.g. province 80 %, district 60 %, commune 30 %). sigaudit measures it
where the archive allows: from the status messages (văn bản trạng thái, edXML) answering a document
and from the status column of a register of received documents. A received document is *processed
through the system* when its recipient's status trail reaches 06 (done).

Units are (document, recipient) pairs: a document sent to three communes is three receptions, each
attributed to the recipient's level. Copies of one document are merged by identity (see
:mod:`.exchange`). Only receptions with at least one status are measured; the others are counted as
"without a status trail" so the report says how much of the picture is missing. Documents left out of
the KPI as recalled, replaced, internal or outside the period are left out here too. Recipients read
from a document's own ``Nơi nhận`` list (a bare folder, no exchange metadata) are not receptions: the
sender's list says whom it was meant for, not that anyone received or processed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..model import Direction, Level
from .exchange import Exchanges, Exclusion, party_key

DONE = "06"
_SKIPPED = {
    Exclusion.RECALLED,
    Exclusion.REPLACED,
    Exclusion.INTERNAL,
    Exclusion.OUT_OF_PERIOD,
    Exclusion.UNDATED,
}


@dataclass(frozen=True)
class ProcessingCounts:
    receptions: int  # (document, recipient) pairs seen
    with_trail: int  # of which at least one status is known
    done: int  # of which the trail reaches 06 (done)

    @property
    def share_done(self) -> float | None:
        return self.done / self.with_trail if self.with_trail else None

    def as_dict(self) -> dict[str, int]:
        return {"receptions": self.receptions, "with_status_trail": self.with_trail, "done": self.done}


def measure(exchanges: Exchanges) -> Mapping[Level, ProcessingCounts]:
    """Receptions, receptions with a status trail, and those done, per recipient level."""
    tallies: dict[Level, list[int]] = {}
    skipped = ", ".join(f"'{e.value}'" for e in _SKIPPED)
    for _, copies in exchanges.copies_by("unit", f"reason IS NULL OR reason NOT IN ({skipped})"):
        trails: dict[str, list[tuple[str, str | None]]] = {}  # recipient -> its trail (code, organ)
        levels: dict[str, Level] = {}
        reported: list[tuple[str, str | None]] = []  # statuses of the document that name an organ
        for doc in copies:
            # A recipient read from the sender's own Nơi nhận list is whom it meant to send to, not a
            # reception the archive shows: only the export's metadata makes receptions.
            for recipient in () if doc.recipients_read else doc.recipients:
                who = party_key(recipient.code, recipient.name)
                if who is None:
                    continue
                trail = trails.setdefault(who, [])
                if recipient.level != Level.UNKNOWN or who not in levels:
                    levels[who] = recipient.level
                if doc.direction == Direction.RECEIVED:
                    # A register of received documents: its status column is the recipient's own trail.
                    trail.extend((code, organ) for code, organ, _ in doc.statuses if organ is None)
            reported.extend((code, organ) for code, organ, _ in doc.statuses if organ is not None)
        for who, trail in trails.items():
            for code, organ in reported:
                if who in (party_key(organ, None), party_key(None, organ)):
                    trail.append((code, organ))
            t = tallies.setdefault(levels[who], [0, 0, 0])
            t[0] += 1
            t[1] += bool(trail)
            t[2] += any(code == DONE for code, _ in trail)
    return {lv: ProcessingCounts(*tallies[lv]) for lv in Level if lv in tallies}
