"""What changed between two runs: documents added or removed, verdicts that changed, targets crossed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Counted, Level, Verdict
from .kpi import LEVEL_ORDER, Summary
from .targets import Targets


@dataclass(frozen=True)
class VerdictChange:
    path: str
    old: Verdict
    new: Verdict
    content_changed: bool  # the bytes differ (SHA-256), not only the verdict
    reason: str  # the new verdict's reason


@dataclass(frozen=True)
class TargetCrossing:
    level: Level
    old_share: float | None
    new_share: float | None
    target: float
    now_met: bool  # True: the level now meets its target; False: it fell below


@dataclass(frozen=True)
class RunDiff:
    added: tuple[Counted, ...]
    removed: tuple[Counted, ...]
    changed: tuple[VerdictChange, ...]
    crossed: tuple[TargetCrossing, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.crossed)


def compare(
    old_docs: Iterable[Counted],
    new_docs: Iterable[Counted],
    old_summary: Summary,
    new_summary: Summary,
    targets: Targets,
) -> RunDiff:
    """Compare two runs by document path; a level "crosses" when its signed share passes its target."""
    old = {d.path: d for d in old_docs}
    new = {d.path: d for d in new_docs}
    added = tuple(new[p] for p in new if p not in old)
    removed = tuple(old[p] for p in old if p not in new)
    changed = tuple(
        VerdictChange(p, old[p].verdict, new[p].verdict, old[p].sha256 != new[p].sha256, new[p].reason)
        for p in new
        if p in old and old[p].verdict != new[p].verdict
    )
    crossed = []
    for level in LEVEL_ORDER:
        target = targets.signed_target(level)
        if target is None:
            continue
        before = old_summary.by_level[level].share_signed
        after = new_summary.by_level[level].share_signed
        met_before = before is not None and before >= target
        met_after = after is not None and after >= target
        if met_before != met_after and (before is not None or after is not None):
            crossed.append(TargetCrossing(level, before, after, target, met_after))
    return RunDiff(added, removed, changed, tuple(crossed))
