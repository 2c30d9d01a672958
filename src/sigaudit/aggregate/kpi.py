"""Counts and shares per administrative level.

Definitions (also printed by the reports):
- ``documents``: every document found for the level, whatever its verdict (unreadable included);
- ``signed``: documents that carry at least one filled signature field, whatever its verdict;
- ``share_signed`` = signed / documents; ``share_valid`` = valid / documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..model import DocumentResult, Level, Verdict

LEVEL_ORDER = (Level.CENTRAL, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.UNKNOWN)


@dataclass
class _Tally:
    documents: int = 0
    signed: int = 0
    verdicts: dict[Verdict, int] = field(default_factory=lambda: dict.fromkeys(Verdict, 0))


@dataclass(frozen=True)
class LevelCounts:
    """Document counts for one level (or the total)."""

    documents: int
    signed: int
    valid: int
    invalid: int
    indeterminate: int
    unsigned: int
    unreadable: int

    @property
    def share_signed(self) -> float | None:
        return self.signed / self.documents if self.documents else None

    @property
    def share_valid(self) -> float | None:
        return self.valid / self.documents if self.documents else None

    def as_dict(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "signed": self.signed,
            "valid": self.valid,
            "invalid": self.invalid,
            "indeterminate": self.indeterminate,
            "unsigned": self.unsigned,
            "unreadable": self.unreadable,
        }


def _freeze(t: _Tally) -> LevelCounts:
    v = t.verdicts
    return LevelCounts(
        documents=t.documents,
        signed=t.signed,
        valid=v[Verdict.VALID],
        invalid=v[Verdict.INVALID],
        indeterminate=v[Verdict.INDETERMINATE],
        unsigned=v[Verdict.UNSIGNED],
        unreadable=v[Verdict.UNREADABLE],
    )


@dataclass(frozen=True)
class Summary:
    """Counts per level, in the fixed order central, province, district, commune, unknown."""

    by_level: Mapping[Level, LevelCounts]
    total: LevelCounts

    def levels_with_documents(self) -> list[Level]:
        return [lv for lv in LEVEL_ORDER if self.by_level[lv].documents]


def summarize(documents: Iterable[DocumentResult]) -> Summary:
    """Count documents per level; streams, so it works on any iterable of results."""
    tallies = {lv: _Tally() for lv in LEVEL_ORDER}
    total = _Tally()
    for doc in documents:
        for t in (tallies[doc.agency.level], total):
            t.documents += 1
            t.signed += 1 if doc.signed else 0
            t.verdicts[doc.verdict] += 1
    return Summary({lv: _freeze(t) for lv, t in tallies.items()}, _freeze(total))
