"""How much of a count sits at level ``unknown``, per verdict, and whether that can bias a level's share.

Unsigned documents carry no agency certificate, so they are harder to attribute than signed ones: when
the unknowns are mostly unsigned, every attributed level looks better signed than it is. The guard
(docs/agencies-and-kpi.md, "Unknown levels and the bias guard") warns when both hold:

- the **gap**: the share of unsigned documents at ``unknown`` and the share of signed documents at
  ``unknown`` differ by at least :data:`GAP_POINTS` percentage points (attribution depends on being
  signed: the unknowns are not a random sample);
- the **move**: for some attributed level L (n documents, s signed), putting every unknown document
  (U, of which U_s signed) into L would move its signed share from s/n to (s + U_s)/(n + U) by at least
  :data:`MOVE_POINTS` points. That is the most attribution could move it: a level receiving only part of
  the unknowns, in their own mix, lands between s/n and (s + U_s)/(n + U).

Signed means carrying at least one signature (the ``signed`` count); unsigned is the ``unsigned``
verdict; unreadable documents are neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..model import Level, Verdict
from .kpi import LEVEL_ORDER, LevelCounts, Summary

GAP_POINTS = 5.0  # percentage points between the unknown share of unsigned and of signed documents
MOVE_POINTS = 5.0  # percentage points a level's signed share could move if the unknowns were attributed


@dataclass(frozen=True)
class UnknownShare:
    """The documents at level ``unknown`` among a set of documents, and the guard's verdict on them."""

    basis: str  # "kpi": the KPI documents; "all": every document found (the KPI is empty or not applied)
    per_verdict: Mapping[Verdict, tuple[int, int]]  # verdict -> (at unknown, documents with that verdict)
    signed: tuple[int, int]  # (signed documents at unknown, signed documents)
    unsigned: tuple[int, int]  # (unsigned documents at unknown, unsigned documents)
    gap_points: float | None  # unknown share among unsigned - among signed, in points (None: one is empty)
    move_points: float | None  # the largest move of an attributed level's signed share, in points
    moved_level: Level | None  # the level it belongs to
    warn: bool

    @property
    def unknown(self) -> int:
        return sum(k for k, _ in self.per_verdict.values())

    def as_dict(self) -> dict[str, object]:
        def share(pair: tuple[int, int]) -> dict[str, object]:
            return {"unknown": pair[0], "documents": pair[1], "share": pair[0] / pair[1] if pair[1] else None}

        return {
            "basis": self.basis,
            "per_verdict": {v.value: share(pair) for v, pair in self.per_verdict.items()},
            "signed": share(self.signed),
            "unsigned": share(self.unsigned),
            "gap_points": self.gap_points,
            "move_points": self.move_points,
            "moved_level": self.moved_level.value if self.moved_level else None,
            "warn": self.warn,
            "rule": f"warn when |gap_points| >= {GAP_POINTS:g} and move_points >= {MOVE_POINTS:g}",
        }


def _verdict_count(c: LevelCounts, verdict: Verdict) -> int:
    return int(getattr(c, verdict.value))


def unknown_share(by_level: Mapping[Level, LevelCounts], basis: str) -> UnknownShare:
    """The unknown share per verdict among ``by_level``'s documents and the bias guard (module text)."""
    levels = [by_level[lv] for lv in LEVEL_ORDER if lv in by_level]
    unknown = by_level.get(Level.UNKNOWN) or LevelCounts(0, 0, 0, 0, 0, 0, 0, 0)
    per_verdict = {
        v: (_verdict_count(unknown, v), sum(_verdict_count(c, v) for c in levels)) for v in Verdict
    }
    signed = (unknown.signed, sum(c.signed for c in levels))
    unsigned = per_verdict[Verdict.UNSIGNED]
    gap = None
    if signed[1] and unsigned[1]:
        gap = 100 * (unsigned[0] / unsigned[1] - signed[0] / signed[1])
    move, moved = None, None
    if unknown.documents:
        for level in LEVEL_ORDER:
            c = by_level.get(level)
            if level == Level.UNKNOWN or c is None or not c.documents:
                continue
            after = (c.signed + unknown.signed) / (c.documents + unknown.documents)
            points = abs(after - c.signed / c.documents) * 100
            if move is None or points > move:
                move, moved = points, level
    warn = gap is not None and abs(gap) >= GAP_POINTS and move is not None and move >= MOVE_POINTS
    return UnknownShare(basis, per_verdict, signed, unsigned, gap, move, moved, warn)


def unknown_share_of(summary: Summary) -> UnknownShare:
    """The guard over what the reports measure: the KPI documents when the KPI has any, else every
    document found."""
    if summary.kpi and summary.total.documents:
        return unknown_share(summary.by_level, "kpi")
    return unknown_share(summary.all_by_level or summary.by_level, "all")
