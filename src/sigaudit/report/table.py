"""Terminal table: per level, documents, signed, valid and the two shares, with definitions, the
trusted roots and how many signed documents chain to none of them; in English or Vietnamese
(:mod:`.terminal_text`), as wide as the terminal (compact under 100 columns).

Warnings, gate failures and the policy name may quote document-derived text (paths, names): they are
printed as :func:`.escape.rich_text`, never as rich markup and never with raw control characters.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table

from ..aggregate.kpi import LEVEL_ORDER, LevelCounts, Summary
from ..aggregate.targets import Targets
from ..model import AuditRun, Level
from .context import ReportContext, policy_of
from .escape import rich_text
from .i18n import EXCLUSIONS, FINDINGS, LEVELS, NOTES, pct
from .notes import coverage_notes
from .terminal_text import PERIOD_KINDS_VI, TABLE_TEXT, gate_lines, warning_text

LEVEL_LABELS = {
    "central": "central (trung ương)",
    "province": "province (tỉnh)",
    "district": "district (huyện)",
    "commune": "commune (xã)",
    "unknown": "unknown (chưa xác định)",
}
COMPACT_BELOW = 100  # terminal columns under which the table drops its per-verdict columns
_NOT_VALID = ("invalid", "indeterminate", "unsigned", "unreadable")


@dataclass(frozen=True)
class _Words:
    """The table's words in one language, and whether the layout is the compact one."""

    lang: str
    compact: bool = False

    def __getitem__(self, key: str) -> str:
        return TABLE_TEXT[self.lang][key]

    def level(self, name: str) -> str:
        if name == "total":
            return self["total"]
        if self.lang == "vi":
            return LEVELS["vi"][Level(name)]
        return name if self.compact else LEVEL_LABELS.get(name, name)


def build_table(
    summary: Summary,
    targets: Targets | None = None,
    words: _Words = _Words("en"),  # frozen
) -> Table:
    """The KPI per level (every document when the summary is not a KPI), with the targets if given."""
    title = words["title_kpi"] if summary.kpi else words["title_levels"]
    return _level_table(title, summary.by_level, summary.total, targets, words)


def build_all_table(summary: Summary, words: _Words = _Words("en")) -> Table:  # frozen
    """Every document found, in the KPI or not, per level and verdict: shown beside the KPI so that
    no document's verdict goes unshown when the KPI leaves it out (or is empty)."""
    total = summary.all_total or summary.total
    by_level = summary.all_by_level or summary.by_level
    return _level_table(NOTES[words.lang]["all_title"], by_level, total, None, words)


def _level_table(
    title: str,
    by_level: Mapping[Level, LevelCounts],
    total: LevelCounts,
    targets: Targets | None,
    words: _Words,
) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD if words.compact else box.HEAVY_HEAD)
    counts = [] if words.compact else list(_NOT_VALID)
    columns = [
        "level", "documents_short" if words.compact else "documents", "signed", "valid", *counts,
        "pct_signed", "pct_valid",
    ]  # fmt: skip
    if targets is not None:
        columns += ["target" if words.compact else "target_signed", "met"]
    for name in columns:
        table.add_column(words[name], justify="left" if name == "level" else "right", no_wrap=name == "level")
    rows: list[tuple[Level | None, LevelCounts]] = [
        (lv, by_level[lv]) for lv in LEVEL_ORDER if lv in by_level and by_level[lv].documents
    ]
    for n, (level, c) in enumerate([*rows, (None, total)]):
        judged: list[str] = []
        if targets is not None:
            target = targets.signed_target(level) if level else None
            share = c.share_signed
            met = (
                "—" if target is None or share is None else (words["yes"] if share >= target else words["no"])
            )
            judged = [pct(target), met]
        table.add_row(
            words.level(level.value if level else "total"),
            str(c.documents),
            str(c.signed),
            str(c.valid),
            *(str(getattr(c, name)) for name in counts),
            pct(c.share_signed),
            pct(c.share_valid),
            *judged,
            end_section=n == len(rows) - 1,
        )
    return table


def build_flow(summary: Summary, words: _Words = _Words("en")) -> Table:  # frozen
    """Sender level × recipient level: valid and signed among the KPI documents of each flow."""
    senders, recipients = summary.flow_senders, summary.flow_recipients
    table = Table(title=words["flow_title"], title_justify="left")
    table.add_column(words["flow_corner"], no_wrap=True)
    for lv in recipients:
        table.add_column(words.level(lv.value), justify="right")
    for sender in senders:
        cells = []
        for recipient in recipients:
            c = summary.flow.get((sender, recipient))
            cells.append("" if c is None else words["flow_cell"].format(
                valid=c.valid, documents=c.documents, signed=c.signed))  # fmt: skip
        table.add_row(words.level(sender.value), *cells)
    return table


def build_processing(ctx: ReportContext, words: _Words = _Words("en")) -> Table:  # frozen
    """The plan's second measure: receptions whose status trail reaches 06 (done), per recipient level."""
    table = Table(title=words["processing_title"], title_justify="left")
    for name in ("level", "receptions", "with_trail", "done", "pct_done", "target", "met"):
        table.add_column(words[name], justify="left" if name == "level" else "right")
    for level, c in ctx.summary.processing.items():
        target = ctx.targets.processed_target(level)
        share = c.share_done
        met = "—" if target is None or share is None else (words["yes"] if share >= target else words["no"])
        table.add_row(
            words.level(level.value), str(c.receptions), str(c.with_trail), str(c.done), pct(share),
            pct(target), met,
        )  # fmt: skip
    return table


def build_periods(summary: Summary, words: _Words = _Words("en")) -> Table:  # frozen
    kind = summary.period_kind or ""
    shown_kind = PERIOD_KINDS_VI.get(kind, kind) if words.lang == "vi" else kind
    table = Table(title=words["periods_title"].format(kind=shown_kind), title_justify="left")
    for name in ("period", "documents", "signed", "valid", "pct_signed", "pct_valid"):
        table.add_column(words[name], justify="left" if name == "period" else "right")
    for key, c in summary.by_period.items():
        table.add_row(
            key, str(c.documents), str(c.signed), str(c.valid), pct(c.share_signed), pct(c.share_valid)
        )
    return table


def render_table(ctx: ReportContext, width: int | None = None) -> str:
    """The table plus its definitions and the run's warnings, as plain text, in ``ctx.lang``, at most
    ``width`` (default ``ctx.width``) columns wide; compact under :data:`COMPACT_BELOW` columns."""
    width = width or ctx.width
    words = _Words(ctx.lang if ctx.lang in TABLE_TEXT else "en", compact=width < COMPACT_BELOW)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, soft_wrap=False)
    run, summary = ctx.run, ctx.summary
    console.print(build_table(summary, ctx.targets if summary.kpi else None, words))
    if words.compact:
        counts = ", ".join(f"{words[name]} {getattr(summary.total, name)}" for name in _NOT_VALID)
        console.print(words["not_valid_note"].format(counts=counts))
    if summary.kpi:
        _print_kpi_definitions(console, ctx, words)
        console.print(build_all_table(summary, words))
        if words.compact and summary.all_total is not None:
            counts = ", ".join(f"{words[name]} {getattr(summary.all_total, name)}" for name in _NOT_VALID)
            console.print(words["not_valid_note"].format(counts=counts))
    else:
        console.print(words["definitions_levels"])
    for note in coverage_notes(ctx, words.lang):
        console.print(rich_text(f"{words['warning']}{note.text}" if note.warning else note.text))
    if summary.kpi and summary.flow:
        console.print(build_flow(summary, words))
    if summary.period_kind and summary.by_period:
        console.print(build_periods(summary, words))
    if summary.processing:
        console.print(build_processing(ctx, words))
    if summary.kpi:
        _print_reconciliation(console, ctx, words)
    if run.skipped:
        console.print(words["skipped"].format(n=len(run.skipped)))
    for warning in run.warnings:
        console.print(rich_text(f"{words['warning']}{warning_text(warning, words.lang)}"))
    for failure in gate_lines(ctx, words.lang):
        console.print(rich_text(f"{words['gate_failed']}{failure}"))
    _print_trust(console, run, words)
    policy = policy_of(run.manifest)
    if policy is not None:
        console.print(rich_text(words["policy"].format(name=policy[0], sha256=policy[1])))
    return buffer.getvalue()


def trust_counts(run: AuditRun) -> tuple[int, int, int, int]:
    """(shipped roots, roots given, signed documents, signed documents of which no signature chains to
    a configured root) — what the trust line says, from the run's manifest and its documents' facts."""
    roots = run.manifest.get("trust_roots")
    sources = (
        [str(r.get("source", "")) for r in roots if isinstance(r, dict)] if isinstance(roots, list) else []
    )
    shipped = sum(source.startswith("shipped:") for source in sources)
    signed = untrusted = 0
    for doc in run.counted:  # the stored facts when the run has them: no outcome is decoded
        signed += doc.signed
        untrusted += doc.unchained
    return shipped, len(sources) - shipped, signed, untrusted


def _print_trust(console: Console, run: AuditRun, words: _Words) -> None:
    shipped, given, signed, untrusted = trust_counts(run)
    if not signed:
        return
    console.print(words["trust"].format(shipped=shipped, given=given, untrusted=untrusted, signed=signed))
    if untrusted * 2 > signed:
        console.print(words["trust_hint"])


def _print_kpi_definitions(console: Console, ctx: ReportContext, words: _Words) -> None:
    summary = ctx.summary
    period = ctx.period
    span = ""
    if period.bounded:
        span = words["span"].format(since=period.since or "…", until=period.until or "…")
    console.print(words["definitions_kpi"].format(span=span))
    console.print(words["found"].format(found=summary.found, kpi=summary.total.documents))
    if not summary.exclusions:
        console.print(words["none"])
    for reason, count in summary.exclusions.items():
        console.print(f"  {count:>6}  {reason.value}: {EXCLUSIONS[words.lang][reason]}")


def _print_reconciliation(console: Console, ctx: ReportContext, words: _Words) -> None:
    counts = ctx.reconciliation.counts()
    console.print(words["reconciliation"])
    for finding, count in counts.items():
        console.print(f"  {count:>6}  {finding.value}: {FINDINGS[words.lang][finding]}")
