"""Terminal table: per level, documents, signed, valid and the two shares, with definitions."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from ..aggregate.kpi import Summary
from .context import ReportContext

LEVEL_LABELS = {
    "central": "central (trung ương)",
    "province": "province (tỉnh)",
    "district": "district (huyện)",
    "commune": "commune (xã)",
    "unknown": "unknown (chưa xác định)",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def build_table(summary: Summary) -> Table:
    table = Table(title="Signed documents per administrative level", title_justify="left")
    for name in (
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
    ):
        table.add_column(name, justify="left" if name == "level" else "right", no_wrap=name == "level")
    rows = [(lv.value, summary.by_level[lv]) for lv in summary.levels_with_documents()]
    for label, c in [*rows, ("total", summary.total)]:
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
            end_section=label == rows[-1][0] if rows else False,
        )
    return table


def render_table(ctx: ReportContext, width: int = 150) -> str:
    """The table plus its definitions and the run's warnings, as plain text."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, soft_wrap=False)
    run, summary = ctx.run, ctx.summary
    console.print(build_table(summary))
    console.print(
        "% signed = documents with at least one signature / documents; "
        "% valid = documents whose every signature is valid / documents.\n"
        "documents counts every document found, unreadable ones included; level = issuing agency's "
        "level from manifest.csv and the registry, 'unknown' when neither says."
    )
    if run.skipped:
        console.print(f"{len(run.skipped)} file(s) skipped as not documents (listed in the JSON report).")
    for warning in run.warnings:
        console.print(f"warning: {warning}")
    for failure in ctx.gate_failures:
        console.print(f"GATE FAILED: {failure}")
    return buffer.getvalue()
