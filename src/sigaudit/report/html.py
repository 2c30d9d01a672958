"""HTML dashboard: one self-contained page for people, in Vietnamese or English.

A pure formatter like the others: this module turns the report context into plain view values
(labels, numbers already formatted, chart geometry) and ``templates/dashboard.html.j2`` lays them out.
Charts are inline SVG computed here; the only script is a few lines that filter the table of failing
documents. The page loads nothing: its Content-Security-Policy forbids every fetch and allows only its
own inline style and script, by their SHA-256 hashes. Text taken from documents and certificates
(names, reasons, paths, subjects) is untrusted: autoescape keeps it inert, ``finalize`` shows control and
bidi characters as escapes (:mod:`.escape`), the policy would block an injected script anyway.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from .. import __version__
from ..aggregate.exchange import Period
from ..aggregate.kpi import LEVEL_ORDER, LevelCounts, Summary
from ..aggregate.reconcile import Findings
from ..aggregate.targets import Targets
from ..model import AuditRun, Level, ShownCheck, SignatureResult, Verdict
from .context import ReportContext, policy_of
from .escape import html_text
from .i18n import NOTES, Labels, labels_for, pct
from .notes import coverage_notes
from .terminal_text import gate_lines, warning_text
from .trend import CHART_WIDTH, share_text, tick, trend_chart

TEMPLATE = "dashboard.html.j2"

# Chart geometry, in SVG user units (the SVGs scale to the page width).
BAR_LABEL_WIDTH = 150
BAR_TEXT_WIDTH = 140
BAR_ROW_HEIGHT = 62
BAR_HEIGHT = 18
MINI_BAR_WIDTH = 100
# Findings listed one per row; the rest are only counted (the JSON report has them all).
RECONCILIATION_ROWS = 500


@dataclass(frozen=True)
class Card:
    """A headline figure at the top of the page."""

    label: str
    value: str
    detail: str
    tone: str  # CSS modifier: "neutral", "good", "bad"


@dataclass(frozen=True)
class LevelRow:
    """One row of the per-level table (a level, or the total with ``level`` empty)."""

    level: str  # Level value, for data attributes; "" for the total row
    label: str
    counts: LevelCounts
    pct_signed: str
    pct_valid: str
    pct_complete: str
    target: str
    target_met: bool | None  # None: the level has no target


@dataclass(frozen=True)
class LevelBar:
    """Geometry of one level's pair of bars."""

    level: str
    label: str
    y: float
    signed_width: float
    valid_width: float
    signed_text: str
    valid_text: str
    target_x: float | None
    target_text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    x0: int  # where the bars start
    plot_width: int
    bar_height: int
    rows: tuple[LevelBar, ...]
    ticks: tuple[tuple[float, str], ...]  # x, label


@dataclass(frozen=True)
class Measure:
    """A measure of the plan with its numerator and denominator terms."""

    key: str
    label: str
    numerator: str  # a key of serialize.DEFINITIONS
    denominator: str
    target: str


@dataclass(frozen=True)
class AgencyRow:
    rank: int
    code: str
    name: str
    identified: bool
    level_label: str
    documents: int
    valid: int
    complete: int
    pct_valid: str
    pct_complete: str
    valid_width: float
    complete_width: float


@dataclass(frozen=True)
class FailingRow:
    verdict: str
    verdict_label: str
    reason: str
    signers: tuple[str, ...]
    agency: str
    agency_code: str
    level_label: str
    path: str
    sha256: str
    after: tuple[str, ...] = ()  # per signature: what followed it, the deciding permission, visual check


@dataclass(frozen=True)
class CertRow:
    subject: str
    sha256: str
    source: str


@dataclass(frozen=True)
class ManifestView:
    facts: tuple[tuple[str, str], ...]  # label, value
    inputs: tuple[str, ...]
    trust_roots: tuple[CertRow, ...]
    other_certs: tuple[CertRow, ...]


@dataclass(frozen=True)
class ExclusionRow:
    """One reason documents were left out of the KPI."""

    code: str  # Exclusion value, as in the JSON report
    count: int
    meaning: str


@dataclass(frozen=True)
class KpiScope:
    """What the KPI counts: documents found, in the KPI, left out (and why)."""

    found: int
    counted: int
    left_out: int
    span: str  # "" unless --since/--until bound the period
    exclusions: tuple[ExclusionRow, ...]


@dataclass(frozen=True)
class FlowCell:
    """KPI documents from one issuing level to one recipient level (``documents`` 0: no flow)."""

    to_level: str
    documents: int
    valid: int
    signed: int


@dataclass(frozen=True)
class FlowRow:
    level: str
    label: str
    cells: tuple[FlowCell, ...]


@dataclass(frozen=True)
class FlowMatrix:
    columns: tuple[tuple[str, str], ...]  # recipient Level value, label
    rows: tuple[FlowRow, ...]


@dataclass(frozen=True)
class PeriodRow:
    key: str  # 2024-03, 2024-Q1 or 2024
    counts: LevelCounts
    pct_signed: str
    pct_valid: str


@dataclass(frozen=True)
class ProcessingRow:
    """The plan's second measure for one recipient level."""

    level: str
    label: str
    receptions: int
    with_trail: int
    done: int
    pct_done: str
    target: str
    target_met: bool | None  # None: no target, or nothing to judge (no status trail)


@dataclass(frozen=True)
class FindingCount:
    code: str  # Finding value
    count: int
    meaning: str


@dataclass(frozen=True)
class FindingRow:
    code: str
    meaning: str
    paths: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class ReconciliationView:
    counts: tuple[FindingCount, ...]
    rows: tuple[FindingRow, ...]  # at most RECONCILIATION_ROWS
    more: str  # "… N more (see the JSON report)", or "" when every finding is listed


@dataclass(frozen=True)
class KpiView:
    """The inter-agency KPI's sections; absent when the run's exchanges were not classified."""

    scope: KpiScope
    flow: FlowMatrix
    periods_intro: str  # "" without --period
    periods: tuple[PeriodRow, ...]
    processing: tuple[ProcessingRow, ...]
    reconciliation: ReconciliationView


# --- builders --------------------------------------------------------------------------------------
def _cards(summary: Summary, run: AuditRun, t: Labels) -> tuple[Card, ...]:
    """The headline figures. Documents found and those not valid count every document, as the list of
    documents that are not valid does; the shares are the KPI's (every document's when there is none)."""
    total = summary.total
    found = summary.all_total or total
    not_valid = found.documents - found.valid
    in_kpi = (Card(t.text["card_kpi"], str(total.documents), "", "neutral"),) if summary.kpi else ()
    return (
        Card(t.text["card_documents"], str(found.documents), "", "neutral"),
        *in_kpi,
        Card(
            t.text["share_signed"],
            pct(total.share_signed, t.lang),
            f"{total.signed}/{total.documents}",
            "neutral",
        ),
        Card(
            t.text["share_valid"], pct(total.share_valid, t.lang), f"{total.valid}/{total.documents}", "good"
        ),
        Card(
            t.text["share_complete"],
            pct(total.share_complete, t.lang),
            f"{total.legally_complete}/{total.documents}",
            "good",
        ),
        Card(t.text["card_not_valid"], str(not_valid), "", "bad" if not_valid else "good"),
        Card(t.text["card_skipped"], str(len(run.skipped)), "", "neutral"),
    )


def _level_row(level: str, label: str, c: LevelCounts, target: float | None, t: Labels) -> LevelRow:
    return LevelRow(
        level=level,
        label=label,
        counts=c,
        pct_signed=pct(c.share_signed, t.lang),
        pct_valid=pct(c.share_valid, t.lang),
        pct_complete=pct(c.share_complete, t.lang),
        target=pct(target, t.lang) if target is not None else t.text["no_target"],
        target_met=None if target is None or c.share_signed is None else c.share_signed >= target,
    )


def _level_rows(summary: Summary, targets: Targets, t: Labels) -> tuple[LevelRow, ...]:
    """One row per level with documents (README order), then the total (which has no target)."""
    rows = [
        _level_row(lv.value, t.levels[lv], summary.by_level[lv], targets.signed_target(lv), t)
        for lv in summary.levels_with_documents()
    ]
    total = _level_row("", t.text["total"], summary.total, None, t)
    return (*rows, replace(total, target=""))


def _all_rows(summary: Summary, t: Labels) -> tuple[LevelRow, ...]:
    """Every document found, per level and the total, without targets (the KPI's table has them);
    empty when the level table already counts every document (no KPI)."""
    if not summary.kpi or summary.all_total is None:
        return ()
    rows = [
        _level_row(lv.value, t.levels[lv], summary.all_by_level[lv], None, t)
        for lv in LEVEL_ORDER
        if summary.all_by_level[lv].documents
    ]
    return (*rows, replace(_level_row("", t.text["total"], summary.all_total, None, t), target=""))


def _bar_chart(summary: Summary, targets: Targets, t: Labels) -> BarChart:
    x0 = BAR_LABEL_WIDTH
    plot = CHART_WIDTH - BAR_LABEL_WIDTH - BAR_TEXT_WIDTH
    top = 8
    rows = []
    for i, level in enumerate(summary.levels_with_documents()):
        c = summary.by_level[level]
        target = targets.signed_target(level)
        rows.append(
            LevelBar(
                level=level.value,
                label=t.levels[level],
                y=top + i * BAR_ROW_HEIGHT,
                signed_width=round(plot * (c.share_signed or 0.0), 2),
                valid_width=round(plot * (c.share_valid or 0.0), 2),
                signed_text=share_text(c.signed, c.documents, t.lang),
                valid_text=share_text(c.valid, c.documents, t.lang),
                target_x=None if target is None else round(x0 + plot * min(max(target, 0.0), 1.0), 2),
                target_text=(
                    f"{t.text['target']} {pct(target, t.lang)}" if target is not None else t.text["no_target"]
                ),
            )
        )
    ticks = tuple((x0 + plot * f, tick(f)) for f in (0, 0.5, 1))
    return BarChart(
        width=CHART_WIDTH,
        height=top + len(rows) * BAR_ROW_HEIGHT + 22,
        x0=x0,
        plot_width=plot,
        bar_height=BAR_HEIGHT,
        rows=tuple(rows),
        ticks=ticks,
    )


def _targets_text(targets: Targets, t: Labels) -> str:
    """The signed-share targets grouped by value: "100%: Trung ương, Cấp tỉnh, …"."""
    by_value: dict[float, list[str]] = {}
    for level in Level:
        target = targets.signed_target(level)
        if target is not None:
            by_value.setdefault(target, []).append(t.levels[level])
    if not by_value:
        return t.text["no_target"]
    return "; ".join(f"{pct(v, t.lang)}: {', '.join(names)}" for v, names in by_value.items())


def _measures(targets: Targets, t: Labels) -> tuple[Measure, ...]:
    none = t.text["not_stated"]
    return (
        Measure("share_signed", t.text["share_signed"], "signed", "documents", _targets_text(targets, t)),
        Measure("share_valid", t.text["share_valid"], "valid", "documents", none),
        Measure("share_complete", t.text["share_complete"], "legally_complete", "documents", none),
    )


def _agency_rows(summary: Summary, t: Labels) -> tuple[AgencyRow, ...]:
    rows = []
    for rank, a in enumerate(summary.by_agency, start=1):
        c = a.counts
        identified = bool(a.code or a.name)
        rows.append(
            AgencyRow(
                rank=rank,
                code=a.code or t.text["not_stated"],
                name=a.name or a.code or t.text["no_agency"],
                identified=identified,
                level_label=t.levels[a.level],
                documents=c.documents,
                valid=c.valid,
                complete=c.legally_complete,
                pct_valid=pct(c.share_valid, t.lang),
                pct_complete=pct(c.share_complete, t.lang),
                valid_width=round(MINI_BAR_WIDTH * (c.share_valid or 0.0), 2),
                complete_width=round(MINI_BAR_WIDTH * (c.share_complete or 0.0), 2),
            )
        )
    return tuple(rows)


# --- the inter-agency KPI --------------------------------------------------------------------------
def _span(period: Period, t: Labels) -> str:
    """ "Only documents dated … to …" when --since/--until bound the KPI, else ""."""
    if not period.bounded:
        return ""
    since = period.since.isoformat() if period.since else "…"
    until = period.until.isoformat() if period.until else "…"
    return t.text["kpi_span"].replace("{since}", since).replace("{until}", until)


def _kpi_scope(summary: Summary, period: Period, t: Labels) -> KpiScope:
    rows = tuple(
        ExclusionRow(reason.value, count, t.exclusions[reason])
        for reason, count in summary.exclusions.items()
    )
    return KpiScope(
        found=summary.found,
        counted=summary.total.documents,
        left_out=sum(r.count for r in rows),
        span=_span(period, t),
        exclusions=rows,
    )


def _flow_matrix(summary: Summary, t: Labels) -> FlowMatrix:
    """Issuing levels (rows) × recipient levels (columns) that appear in at least one flow."""
    senders, recipients = summary.flow_senders, summary.flow_recipients
    empty = LevelCounts(0, 0, 0, 0, 0, 0, 0, 0)
    rows = []
    for sender in senders:
        cells = []
        for recipient in recipients:
            c = summary.flow.get((sender, recipient), empty)
            cells.append(FlowCell(recipient.value, c.documents, c.valid, c.signed))
        rows.append(FlowRow(sender.value, t.levels[sender], tuple(cells)))
    return FlowMatrix(tuple((lv.value, t.levels[lv]) for lv in recipients), tuple(rows))


def _period_rows(summary: Summary, t: Labels) -> tuple[str, tuple[PeriodRow, ...]]:
    """The --period breakdown's introduction and rows; ("", ()) without --period."""
    if not summary.period_kind:
        return "", ()
    kind = t.text.get(f"period_{summary.period_kind}", summary.period_kind)
    rows = tuple(
        PeriodRow(key, c, pct(c.share_signed, t.lang), pct(c.share_valid, t.lang))
        for key, c in summary.by_period.items()
    )
    return t.text["periods_intro"].replace("{kind}", kind), rows


def _processing_rows(summary: Summary, targets: Targets, t: Labels) -> tuple[ProcessingRow, ...]:
    rows = []
    for level in LEVEL_ORDER:
        c = summary.processing.get(level)
        if c is None:
            continue
        target = targets.processed_target(level)
        share = c.share_done
        rows.append(
            ProcessingRow(
                level=level.value,
                label=t.levels[level],
                receptions=c.receptions,
                with_trail=c.with_trail,
                done=c.done,
                pct_done=pct(share, t.lang),
                target=pct(target, t.lang) if target is not None else t.text["no_target"],
                target_met=None if target is None or share is None else share >= target,
            )
        )
    return tuple(rows)


def _reconciliation_view(findings: Findings, t: Labels) -> ReconciliationView:
    """Counts per finding (every kind, zeros included), then the first RECONCILIATION_ROWS findings."""
    counts = tuple(FindingCount(f.value, n, t.findings[f]) for f, n in findings.counts().items())
    rows = tuple(
        FindingRow(r.finding.value, t.findings[r.finding], r.paths, r.detail)
        for r in findings[:RECONCILIATION_ROWS]
    )
    hidden = len(findings) - len(rows)
    more = t.text["reconciliation_more"].replace("{n}", str(hidden)) if hidden > 0 else ""
    return ReconciliationView(counts, rows, more)


def _kpi_view(ctx: ReportContext, t: Labels) -> KpiView | None:
    """The KPI sections, or None when the summary was made without exchanges (``summary.kpi`` false)."""
    summary = ctx.summary
    if not summary.kpi:
        return None
    periods_intro, periods = _period_rows(summary, t)
    return KpiView(
        scope=_kpi_scope(summary, ctx.period, t),
        flow=_flow_matrix(summary, t),
        periods_intro=periods_intro,
        periods=periods,
        processing=_processing_rows(summary, ctx.targets, t),
        reconciliation=_reconciliation_view(ctx.reconciliation, t),
    )


FAILING_ROWS_SHOWN = 2000  # a page a browser opens at once; the CSV evidence lists every document


def _failing_rows(run: AuditRun, t: Labels) -> tuple[tuple[FailingRow, ...], int]:
    """The first documents whose verdict is not valid, in the order the archive was walked, and how
    many there are. Only those are read (from the result store when the run has one)."""
    failing, shown = 0, list[int]()
    for n, counted in enumerate(run.counted):
        if counted.verdict != Verdict.VALID:
            failing += 1
            if len(shown) < FAILING_ROWS_SHOWN:
                shown.append(n)
    rows = []
    for n in shown:
        doc = run.documents[n]
        signers = tuple(
            s.signer.common_name or s.signer.subject if s.signer else t.text["not_stated"]
            for s in doc.outcome.signatures
        )
        rows.append(
            FailingRow(
                verdict=doc.verdict.value,
                verdict_label=t.verdicts[doc.verdict],
                reason=doc.outcome.reason,
                signers=signers,
                agency=doc.agency.name or doc.agency.code or t.text["no_agency"],
                agency_code=doc.agency.code or "",
                level_label=t.levels[doc.agency.level],
                path=doc.path,
                sha256=doc.sha256,
                after=tuple(_after_words(s) for s in doc.outcome.signatures if s.permission is not None),
            )
        )
    return tuple(rows), failing


def _after_words(sig: SignatureResult) -> str:
    """One signature's later changes as codes (the CSV's values): field, categories, permission, visual."""
    categories = ", ".join(c.value for c in sig.change_categories) or "none"
    words = f"{sig.field}: {categories} · {sig.permission.value if sig.permission else ''}"
    return words + (f" · shown: {sig.shown.value}" if sig.shown != ShownCheck.NOT_RUN else "")


def _plain(value: object, t: Labels) -> str:
    """A manifest value as one line of text."""
    if value is None:
        return t.text["not_stated"]
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return t.text["yes"] if value else t.text["no"]
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, t) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain(v, t)}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _when(value: object, t: Labels) -> str:
    """An ISO time from the manifest, shown to the second (with its zone) when it parses."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S %Z").strip()
        except ValueError:
            return value
    return _plain(value, t)


def _cert_rows(value: object) -> tuple[CertRow, ...]:
    if not isinstance(value, list | tuple):
        return ()
    rows = []
    for item in value:
        if isinstance(item, Mapping):
            rows.append(
                CertRow(
                    str(item.get("subject", "")), str(item.get("sha256", "")), str(item.get("source", ""))
                )
            )
    return tuple(rows)


def _manifest_view(manifest: Mapping[str, object], t: Labels) -> ManifestView:
    """Every manifest entry: certificates and inputs as lists, anything else as one line."""
    facts = []
    for key, value in manifest.items():
        if key in ("trust_roots", "other_certificates", "inputs"):
            continue
        label = t.manifest_keys.get(key, key)
        facts.append((label, _when(value, t) if key in ("started", "ended") else _plain(value, t)))
    inputs = manifest.get("inputs", ())
    return ManifestView(
        facts=tuple(facts),
        inputs=tuple(_plain(i, t) for i in inputs)
        if isinstance(inputs, list | tuple)
        else (_plain(inputs, t),),
        trust_roots=_cert_rows(manifest.get("trust_roots")),
        other_certs=_cert_rows(manifest.get("other_certificates")),
    )


def _verdict_columns(t: Labels) -> tuple[tuple[str, str], ...]:
    """(verdict value, label) for the per-level table's verdict columns."""
    return tuple((v.value, t.verdicts[v]) for v in Verdict)


def _terms(t: Labels) -> Sequence[tuple[str, str, str]]:
    """(JSON key, label, definition) of every defined term."""
    return tuple((key, t.terms.get(key, key), text) for key, text in t.definitions.items())


# --- rendering -------------------------------------------------------------------------------------
def _csp_hash(source: object) -> str:
    """The CSP source expression allowing exactly this inline script or style (CSP Level 2, 'sha256-…')."""
    digest = hashlib.sha256(str(source).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _finalize(value: object) -> object:
    """Plain strings the template prints, with visible controls (a ``Markup`` is the template's own)."""
    return html_text(value) if type(value) is str else value


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("sigaudit.report", "templates"),
        autoescape=True,  # every value is escaped unless the template marks it safe (it never does)
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["csp_hash"] = _csp_hash
    return env


def render_html(ctx: ReportContext) -> str:
    """The dashboard as one self-contained HTML document, in ``ctx.lang`` ("vi" or "en")."""
    t = labels_for(ctx.lang)
    run, summary = ctx.run, ctx.summary
    template = _environment().get_template(TEMPLATE)
    failing, failing_total = _failing_rows(run, t)
    return template.render(
        t=t,
        lang=t.lang,
        started=_when(run.manifest.get("started"), t),
        ended=_when(run.manifest.get("ended"), t),
        cards=_cards(summary, run, t),
        gate_failures=gate_lines(ctx, t.lang),
        level_rows=_level_rows(summary, ctx.targets, t),
        all_rows=_all_rows(summary, t),
        all_title=NOTES[t.lang]["all_title"],
        notes=coverage_notes(ctx, t.lang),
        bar_chart=_bar_chart(summary, ctx.targets, t),
        verdict_columns=_verdict_columns(t),
        measures=_measures(ctx.targets, t),
        terms=_terms(t),
        agencies=_agency_rows(summary, t),
        trend=trend_chart(summary.by_month, t),
        kpi=_kpi_view(ctx, t),
        failing=failing,
        failing_total=failing_total,
        failing_more=t.text["failing_more"]
        .replace("{shown}", str(len(failing)))
        .replace("{total}", str(failing_total)),
        search_count=t.text["search_count"],
        manifest=_manifest_view(run.manifest, t),
        warnings=tuple(warning_text(w, t.lang) for w in run.warnings),
        skipped=tuple(run.skipped),
        footer=t.text["footer"].replace("{version}", __version__),
        policy=policy_of(run.manifest),
    )
