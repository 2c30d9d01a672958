"""Gates for scheduled runs: conditions under which the audit exits with code 1."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Verdict
from .kpi import Summary


@dataclass(frozen=True)
class Gates:
    """``fail_on``: verdicts that fail the run if any document has one.
    ``fail_under``: minimum valid share (percent) of the inter-agency KPI that every level with KPI
    documents must reach; a run whose documents include none of the KPI fails it too. A run with no
    document at all fails every gate that is set: a gate never passes on nothing."""

    fail_on: frozenset[Verdict] = frozenset()
    fail_under: float | None = None


def evaluate(gates: Gates, summary: Summary) -> list[str]:
    """Return one message per failed gate (empty: all gates passed)."""
    failures: list[str] = []
    every = summary.all_total.as_dict() if summary.all_total else {}
    found = summary.found
    fail_on = sorted(gates.fail_on, key=list(Verdict).index)
    if found == 0 and (fail_on or gates.fail_under is not None):
        # An empty or unmounted share must not pass a nightly job's gate: nothing was checked.
        gate = " ".join(
            [*(f"--fail-on {v.value}" for v in fail_on)]
            + ([f"--fail-under {gates.fail_under:g}"] if gates.fail_under is not None else [])
        )
        return [f"{gate}: nothing found: no document to judge (an empty or unmounted folder?)"]
    for verdict in fail_on:
        if count := every.get(verdict.value, 0):
            failures.append(f"--fail-on {verdict.value}: {count} document(s) are {verdict.value}")
    if gates.fail_under is not None:
        if summary.kpi and summary.total.documents == 0 and found and gates.fail_under > 0:
            failures.append(
                f"--fail-under {gates.fail_under:g}: nothing to measure: none of the {found} document(s) "
                "is shown to be exchanged between agencies (see the excluded counts)"
            )
        for level in summary.levels_with_documents():
            share = summary.by_level[level].share_valid or 0.0
            if share * 100 < gates.fail_under:
                failures.append(
                    f"--fail-under {gates.fail_under:g}: level {level.value} has {share * 100:.1f}% valid"
                )
    return failures
