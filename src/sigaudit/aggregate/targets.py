"""Per-level targets from the province's reform plan, compared with the measured shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model import Level

# Provincial reform plans (e.g. Phú Thọ 6112/KH-UBND): 100% of documents exchanged between state
# agencies, province to district to commune, digitally signed.
PLAN_SIGNED_TARGET = 1.0


# The same plans' second measure: share of received documents processed through the system.
PLAN_PROCESSED_TARGETS = {Level.PROVINCE: 0.8, Level.DISTRICT: 0.6, Level.COMMUNE: 0.3}


def _plan_default() -> dict[Level, float]:
    return {lv: PLAN_SIGNED_TARGET for lv in Level if lv != Level.UNKNOWN}


def _plan_processed() -> dict[Level, float]:
    return dict(PLAN_PROCESSED_TARGETS)


@dataclass(frozen=True)
class Targets:
    """Target shares (0..1) per level for the signed share and for the share of received documents
    processed through the system; a level without a target is not judged."""

    signed: Mapping[Level, float] = field(default_factory=_plan_default)
    processed: Mapping[Level, float] = field(default_factory=_plan_processed)

    def signed_target(self, level: Level) -> float | None:
        return self.signed.get(level)

    def processed_target(self, level: Level) -> float | None:
        return self.processed.get(level)


PLAN_TARGETS = Targets()
