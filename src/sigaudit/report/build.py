"""Build what every formatter reads from a run: its documents classified, the KPI summarised, the gates
judged and copies reconciled.

One function, used by ``sigaudit scan`` and ``sigaudit report`` (through :mod:`sigaudit.commands`) and by
the tests alike, so a report built in a test is the one the command line writes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..aggregate.exchange import classify
from ..aggregate.gates import Gates, failed_gates
from ..aggregate.kpi import summarize
from ..aggregate.reconcile import reconcile
from ..aggregate.targets import PLAN_TARGETS, Targets
from ..model import AuditRun
from .context import ReportContext, View


@contextlib.contextmanager
def report_context(
    run: AuditRun,
    view: View | None = None,
    gates: Gates | None = None,
    targets: Targets = PLAN_TARGETS,
    lang: str = "en",
    csv_raw: bool = False,
) -> Iterator[ReportContext]:
    """The context of ``run``'s reports: the KPI over ``view`` (documents dated in its period, broken
    down by its period kind; default: every document, no breakdown), ``gates`` judged on it (default:
    none), copies reconciled.

    A context manager: the classification and the findings live in temporary databases that stay open
    while the reports are written (an archive's worth of rows is not held in memory) and go after.
    """
    view, gates = view or View(), gates or Gates()
    with classify(run.counted, view.period) as exchanges, reconcile(exchanges) as findings:
        summary = summarize(exchanges, view.period_kind)
        yield ReportContext(
            run,
            summary,
            tuple(failed_gates(gates, summary)),
            targets,
            lang,
            exchanges=exchanges,
            reconciliation=findings,
            period=view.period,
            csv_raw=csv_raw,
        )
