"""Gates for scheduled runs: conditions under which the audit exits with code 1."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Level, Verdict
from .kpi import Summary


@dataclass(frozen=True)
class Gates:
    """``fail_on``: verdicts that fail the run if any document has one.
    ``fail_under``: minimum valid share (percent) of the inter-agency KPI that every level with KPI
    documents must reach; a run whose documents include none of the KPI fails it too. A run with no
    document at all fails every gate that is set: a gate never passes on nothing."""

    fail_on: frozenset[Verdict] = frozenset()
    fail_under: float | None = None


@dataclass(frozen=True)
class GateFailure:
    """One failed gate as values, for a report to word in its language; :attr:`text` is the English
    message (what :func:`evaluate` returns and the JSON report prints).

    ``what`` is ``nothing_found`` (no document at all), ``verdict`` (``count`` documents have
    ``verdict``), ``nothing_measured`` (none of the ``count`` documents found is in the KPI) or
    ``level`` (``level``'s valid share, ``percent``, is under the gate)."""

    gate: str  # the option(s) as given: "--fail-on invalid", "--fail-under 95"
    what: str
    count: int = 0
    verdict: Verdict | None = None
    level: Level | None = None
    percent: float = 0.0

    @property
    def text(self) -> str:
        if self.what == "nothing_found":
            return f"{self.gate}: nothing found: no document to judge (an empty or unmounted folder?)"
        if self.what == "verdict" and self.verdict is not None:
            return f"{self.gate}: {self.count} document(s) are {self.verdict.value}"
        if self.what == "nothing_measured":
            return (
                f"{self.gate}: nothing to measure: none of the {self.count} document(s) is shown to be "
                "exchanged between agencies (see the excluded counts)"
            )
        level = self.level.value if self.level is not None else "?"
        return f"{self.gate}: level {level} has {self.percent:.1f}% valid"


def evaluate(gates: Gates, summary: Summary) -> list[str]:
    """Return one message per failed gate (empty: all gates passed)."""
    return [failure.text for failure in failed_gates(gates, summary)]


def failed_gates(gates: Gates, summary: Summary) -> list[GateFailure]:
    """The failed gates as values (empty: all gates passed), in the order :func:`evaluate` words them."""
    failures: list[GateFailure] = []
    every = summary.all_total.as_dict() if summary.all_total else {}
    found = summary.found
    fail_on = sorted(gates.fail_on, key=list(Verdict).index)
    under = f"--fail-under {gates.fail_under:g}" if gates.fail_under is not None else ""
    if found == 0 and (fail_on or gates.fail_under is not None):
        # An empty or unmounted share must not pass a nightly job's gate: nothing was checked.
        gate = " ".join([*(f"--fail-on {v.value}" for v in fail_on)] + ([under] if under else []))
        return [GateFailure(gate, "nothing_found")]
    for verdict in fail_on:
        if count := every.get(verdict.value, 0):
            failures.append(GateFailure(f"--fail-on {verdict.value}", "verdict", count, verdict))
    if gates.fail_under is not None:
        if summary.kpi and summary.total.documents == 0 and found and gates.fail_under > 0:
            failures.append(GateFailure(under, "nothing_measured", found))
        for level in summary.levels_with_documents():
            share = summary.by_level[level].share_valid or 0.0
            if share * 100 < gates.fail_under:
                failures.append(GateFailure(under, "level", level=level, percent=share * 100))
    return failures
