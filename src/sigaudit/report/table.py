"""Terminal table: per level, documents, signed, valid and the two shares, with definitions.

Warnings, gate failures and the policy name may quote document-derived text (paths, names): they are
printed as :func:`.escape.rich_text`, never as rich markup and never with raw control characters.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from ..aggregate.exchange import EXCLUSION_TEXT
from ..aggregate.kpi import LEVEL_ORDER, LevelCounts, Summary
from ..aggregate.reconcile import FINDING_TEXT
from ..aggregate.targets import Targets
from ..model import Level
from .context import ReportContext, policy_of
from .escape import rich_text

LEVEL_LABELS = {
    "central": "central (trung ương)",
    "province": "province (tỉnh)",
    "district": "district (huyện)",
    "commune": "commune (xã)",
    "unknown": "unknown (chưa xác định)",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def build_table(summary: Summary, targets: Targets | None = None) -> Table:
    title = (
        "Inter-agency KPI: documents sent between agencies, per level of the issuing agency"
        if summary.kpi
        else "Signed documents per administrative level"
    )
    table = Table(title=title, title_justify="left")
    columns = [
        "level",
        "documents",
        "signed",
        "valid",
        "invalid",
        "indeterminate",
        "unsigned",
        "unreadable",
        "% signed",
        "% valid",
    ]
    if targets is not None:
        columns += ["target signed", "met"]
    for name in columns:
        table.add_column(name, justify="left" if name == "level" else "right", no_wrap=name == "level")
    rows: list[tuple[Level | None, LevelCounts]] = [
        (lv, summary.by_level[lv]) for lv in summary.levels_with_documents()
    ]
    for n, (level, c) in enumerate([*rows, (None, summary.total)]):
        label = level.value if level else "total"
        judged: list[str] = []
        if targets is not None:
            target = targets.signed_target(level) if level else None
            share = c.share_signed
            met = "—" if target is None or share is None else ("yes" if share >= target else "NO")
            judged = [_pct(target), met]
        table.add_row(
            LEVEL_LABELS.get(label, label),
            str(c.documents),
            str(c.signed),
            str(c.valid),
            str(c.invalid),
            str(c.indeterminate),
            str(c.unsigned),
            str(c.unreadable),
            _pct(c.share_signed),
            _pct(c.share_valid),
            *judged,
            end_section=n == len(rows) - 1,
        )
    return table


def _cell(c: LevelCounts | None) -> str:
    return "" if c is None else f"{c.valid}/{c.documents} valid, {c.signed} signed"


def build_flow(summary: Summary) -> Table:
    """Sender level × recipient level: valid and signed among the KPI documents of each flow."""
    senders = [lv for lv in LEVEL_ORDER if any(k[0] == lv for k in summary.flow)]
    recipients = [lv for lv in LEVEL_ORDER if any(k[1] == lv for k in summary.flow)]
    table = Table(title="Flows: issuing level (rows) → recipient level (columns)", title_justify="left")
    table.add_column("from \\ to", no_wrap=True)
    for lv in recipients:
        table.add_column(LEVEL_LABELS[lv.value], justify="right")
    for sender in senders:
        table.add_row(LEVEL_LABELS[sender.value], *(_cell(summary.flow.get((sender, r))) for r in recipients))
    return table


def build_processing(ctx: ReportContext) -> Table:
    """The plan's second measure: receptions whose status trail reaches 06 (done), per recipient level."""
    table = Table(
        title="Received documents processed through the system (status trail reaching 06 done), "
        "per recipient level",
        title_justify="left",
    )
    for name in ("level", "receptions", "with status trail", "done", "% done", "target", "met"):
        table.add_column(name, justify="left" if name == "level" else "right")
    for level, c in ctx.summary.processing.items():
        target = ctx.targets.processed_target(level)
        share = c.share_done
        met = "—" if target is None or share is None else ("yes" if share >= target else "NO")
        table.add_row(
            LEVEL_LABELS[level.value], str(c.receptions), str(c.with_trail), str(c.done), _pct(share),
            _pct(target), met,
        )  # fmt: skip
    return table


def build_periods(summary: Summary) -> Table:
    table = Table(title=f"KPI per {summary.period_kind} of the document date", title_justify="left")
    for name in ("period", "documents", "signed", "valid", "% signed", "% valid"):
        table.add_column(name, justify="left" if name == "period" else "right")
    for key, c in summary.by_period.items():
        table.add_row(
            key, str(c.documents), str(c.signed), str(c.valid), _pct(c.share_signed), _pct(c.share_valid)
        )
    return table


def render_table(ctx: ReportContext, width: int = 150) -> str:
    """The table plus its definitions and the run's warnings, as plain text."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, soft_wrap=False)
    run, summary = ctx.run, ctx.summary
    console.print(build_table(summary, ctx.targets if summary.kpi else None))
    if summary.kpi:
        _print_kpi_definitions(console, ctx)
    else:
        console.print(
            "% signed = documents with at least one signature / documents; "
            "% valid = documents whose every signature is valid / documents.\n"
            "documents counts every document found, unreadable ones included; level = issuing agency's "
            "level from manifest.csv and the registry, 'unknown' when neither says."
        )
    if summary.kpi and summary.flow:
        console.print(build_flow(summary))
    if summary.period_kind and summary.by_period:
        console.print(build_periods(summary))
    if summary.processing:
        console.print(build_processing(ctx))
    if summary.kpi:
        _print_reconciliation(console, ctx)
    if run.skipped:
        console.print(f"{len(run.skipped)} file(s) skipped as not documents (listed in the JSON report).")
    for warning in run.warnings:
        console.print(rich_text(f"warning: {warning}"))
    for failure in ctx.gate_failures:
        console.print(rich_text(f"GATE FAILED: {failure}"))
    policy = policy_of(run.manifest)
    if policy is not None:
        console.print(rich_text(f"Validation policy: {policy[0]} (SHA-256 {policy[1]})"))
    return buffer.getvalue()


def _print_kpi_definitions(console: Console, ctx: ReportContext) -> None:
    summary = ctx.summary
    found = summary.all_total.documents if summary.all_total else summary.total.documents
    period = ctx.period
    span = ""
    if period.bounded:
        span = f" dated {period.since or '…'} to {period.until or '…'}"
    console.print(
        f"Denominator (documents): documents{span} that an agency sent to at least one other agency, each "
        "counted once (sender's copy first), attributed to the issuing agency's level; unreadable ones "
        "included.\nNumerators: % signed = documents with at least one signature / documents; % valid = "
        "documents whose every signature is valid / documents. Target: the plan's share signed per level."
    )
    console.print(f"Documents found: {found}; in the KPI: {summary.total.documents}; left out:")
    if not summary.exclusions:
        console.print("  none")
    for reason, count in summary.exclusions.items():
        console.print(f"  {count:>6}  {reason.value}: {EXCLUSION_TEXT[reason]}")


def _print_reconciliation(console: Console, ctx: ReportContext) -> None:
    counts = ctx.reconciliation.counts()
    console.print("Reconciliation of sent and received copies (details in the JSON and CSV reports):")
    for finding, count in counts.items():
        console.print(f"  {count:>6}  {finding.value}: {FINDING_TEXT[finding]}")
