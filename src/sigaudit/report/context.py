"""What every formatter receives: the run, its summary, the gates' verdict, targets and language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..aggregate.exchange import ALL_TIME, Exchange, Period
from ..aggregate.gates import GateFailure
from ..aggregate.kpi import Summary
from ..aggregate.reconcile import Findings
from ..aggregate.targets import PLAN_TARGETS, Targets
from ..model import AuditRun


@dataclass(frozen=True)
class ReportContext:
    """Input of a formatter. Formatters are pure: data in, text out, no file I/O."""

    run: AuditRun
    summary: Summary
    failed_gates: tuple[GateFailure, ...] = ()  # as values, worded in each report's language
    targets: Targets = field(default_factory=lambda: PLAN_TARGETS)
    lang: str = "en"  # "vi" or "en", for reports meant for people
    exchanges: Sequence[Exchange] | None = None  # per document, same order as run.documents
    reconciliation: Findings = field(default_factory=Findings)
    period: Period = ALL_TIME
    csv_raw: bool = False  # CSV cells exactly as found, without the spreadsheet-formula guard
    width: int = 150  # columns of the terminal the table is printed on

    @property
    def gate_failures(self) -> tuple[str, ...]:
        """The failed gates in English, as the JSON report and the exit message give them."""
        return tuple(failure.text for failure in self.failed_gates)


def policy_of(manifest: Mapping[str, object]) -> tuple[str, str] | None:
    """The validation policy's name and SHA-256 from a run's manifest, when it names one."""
    policy = manifest.get("policy")
    if not isinstance(policy, Mapping) or not policy.get("name"):
        return None
    return str(policy["name"]), str(policy.get("sha256") or "")


@dataclass(frozen=True)
class View:
    """Which documents the KPI covers (``--since``/``--until``) and how it is broken down (``--period``)."""

    period: Period = ALL_TIME
    period_kind: str | None = None
