"""What every formatter receives: the run, its summary, the gates' verdict, targets and language."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..aggregate.kpi import Summary
from ..aggregate.targets import PLAN_TARGETS, Targets
from ..model import AuditRun


@dataclass(frozen=True)
class ReportContext:
    """Input of a formatter. Formatters are pure: data in, text out, no file I/O."""

    run: AuditRun
    summary: Summary
    gate_failures: tuple[str, ...] = ()
    targets: Targets = field(default_factory=lambda: PLAN_TARGETS)
    lang: str = "en"  # "vi" or "en", for reports meant for people
