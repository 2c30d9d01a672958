"""The unknown share per verdict and the bias guard, on constructed counts (docs/agencies-and-kpi.md,
"Unknown levels and the bias guard")."""

from __future__ import annotations

import pytest

from sigaudit.aggregate.kpi import LevelCounts
from sigaudit.aggregate.unknowns import unknown_share
from sigaudit.model import Level, Verdict


def _level(signed: int, unsigned: int) -> LevelCounts:
    """Signed documents all valid, the rest unsigned."""
    return LevelCounts(signed + unsigned, signed, signed, 0, 0, unsigned, 0, signed)


def test_unknowns_mostly_unsigned_that_could_move_a_level_warn() -> None:
    """10 % of signed but 50 % of unsigned documents are unknown; all 20 unknowns in the province would
    take its 95 % signed to 48/60 = 80 %: 15 points."""
    counts = {Level.PROVINCE: _level(38, 2), Level.DISTRICT: _level(52, 8), Level.UNKNOWN: _level(10, 10)}
    share = unknown_share(counts, "kpi")
    assert share.per_verdict[Verdict.UNSIGNED] == (10, 20) and share.per_verdict[Verdict.VALID] == (10, 100)
    assert share.signed == (10, 100) and share.unknown == 20
    assert share.gap_points == pytest.approx(40.0)
    assert share.moved_level == Level.PROVINCE and share.move_points == pytest.approx(15.0)
    assert share.warn
    assert share.as_dict()["unsigned"] == {"unknown": 10, "documents": 20, "share": 0.5}


def test_unknowns_in_the_same_mix_do_not_warn() -> None:
    """10 % of signed and 10 % of unsigned documents are unknown: no gap, whatever they could move."""
    counts = {Level.PROVINCE: _level(38, 2), Level.DISTRICT: _level(52, 16), Level.UNKNOWN: _level(10, 2)}
    share = unknown_share(counts, "kpi")
    assert share.gap_points == pytest.approx(0.0) and not share.warn


def test_a_gap_too_small_to_move_any_level_does_not_warn() -> None:
    """Four unsigned unknowns beside 1,000 province documents: a 7.4-point gap, a 0.4-point move."""
    counts = {Level.PROVINCE: _level(950, 50), Level.UNKNOWN: _level(0, 4)}
    share = unknown_share(counts, "all")
    assert share.gap_points == pytest.approx(100 * 4 / 54)
    assert share.move_points == pytest.approx(100 * (0.95 - 950 / 1004))
    assert not share.warn


def test_no_unknowns_or_no_unsigned_documents_give_no_figure() -> None:
    assert unknown_share({Level.PROVINCE: _level(5, 1)}, "kpi").move_points is None
    only_signed = unknown_share({Level.PROVINCE: _level(5, 0), Level.UNKNOWN: _level(5, 0)}, "kpi")
    assert only_signed.gap_points is None and not only_signed.warn
