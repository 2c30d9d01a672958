"""Excel workbook: the audit as typed sheets an auditor can sort, filter and hand over.

Sheets: the KPI per level (with targets and met/not met), the flow matrix, agencies ranked, one row per
document, one row per signature, the reconciliation findings and the run manifest. Headers are in the
report's language, frozen, with filters and widths set.

Typed cells: counts are numbers, shares are numbers shown as percentages, dates and times are Excel
dates (signing times in Vietnam time, UTC+07:00, as Excel cells hold no offset). Every text cell is
written as a *string* cell: openpyxl would store text starting with ``=`` as a formula, so a document
named ``=HYPERLINK(…)`` would become a live link — the type is set to string after the value, and the
text goes through :func:`.escape.xlsx_text`. Written with openpyxl's write-only workbook, which streams
rows to temporary files, so a large run is not held in memory twice.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..aggregate.kpi import LEVEL_ORDER, LevelCounts
from ..model import DocumentResult, SignatureResult
from .context import ReportContext
from .deliverable_text import deliverable_text
from .escape import xlsx_text
from .i18n import EXCLUSIONS, FINDINGS, LEVELS, MANIFEST_KEYS, VERDICTS, VIETNAM

PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm:ss"
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """One column: its label's key in :func:`.deliverable_text.deliverable_text`, its width in characters, and
    the kind of its cells: ``text``, ``int``, ``pct`` (a 0..1 share), ``date`` or ``datetime``."""

    label: str
    width: float
    kind: str = "text"


class _Sheet:
    """A write-only sheet with a bold, frozen header row and a filter over every row written."""

    def __init__(self, book: Workbook, title: str, columns: Sequence[Column], text: Mapping[str, str]):
        self.ws: WriteOnlyWorksheet = book.create_sheet(title)
        self.columns = columns
        self.rows = 0
        for n, column in enumerate(columns, start=1):  # widths and panes precede the first row
            self.ws.column_dimensions[get_column_letter(n)].width = column.width
        self.ws.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.ws, value=text[column.label])
            cell.font = _BOLD
            cell.alignment = _WRAP
            header.append(cell)
        self.ws.append(header)

    def add(self, values: Sequence[object]) -> None:
        self.ws.append([_cell(self.ws, v, c.kind) for v, c in zip(values, self.columns, strict=True)])
        self.rows += 1

    def close(self) -> None:
        last = get_column_letter(len(self.columns))
        # types-openpyxl lacks the write-only sheet's auto_filter (it has one, written at close)
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"  # type: ignore[attr-defined]


def _cell(ws: WriteOnlyWorksheet, value: object, kind: str) -> Cell | None:
    """A typed cell; ``None`` and empty text leave the cell empty."""
    if value is None or value == "":
        return None
    if kind == "int" and isinstance(value, int):
        return WriteOnlyCell(ws, value=value)
    if kind == "pct" and isinstance(value, float):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = PERCENT
        return cell
    if kind == "datetime" and isinstance(value, datetime):
        local = value.astimezone(VIETNAM) if value.tzinfo else value.replace(tzinfo=UTC).astimezone(VIETNAM)
        cell = WriteOnlyCell(ws, value=local.replace(tzinfo=None))
        cell.number_format = DATETIME
        return cell
    if kind == "date" and isinstance(value, date):
        cell = WriteOnlyCell(ws, value=datetime.combine(value, time()))
        cell.number_format = DATE
        return cell
    cell = WriteOnlyCell(ws, value=xlsx_text(str(value)))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


KPI_COLUMNS = (
    Column("col_level", 22),
    Column("col_documents", 12, "int"),
    Column("col_signed", 12, "int"),
    Column("col_valid", 12, "int"),
    Column("col_invalid", 12, "int"),
    Column("col_indeterminate", 14, "int"),
    Column("col_unsigned", 12, "int"),
    Column("col_unreadable", 14, "int"),
    Column("col_complete", 14, "int"),
    Column("col_pct_signed", 12, "pct"),
    Column("col_pct_valid", 12, "pct"),
    Column("col_pct_complete", 14, "pct"),
    Column("col_target", 12, "pct"),
    Column("col_target_met", 14),
)
FLOW_COLUMNS = (
    Column("col_from_level", 22),
    Column("col_to_level", 22),
    Column("col_documents", 12, "int"),
    Column("col_signed", 12, "int"),
    Column("col_valid", 12, "int"),
    Column("col_pct_signed", 12, "pct"),
    Column("col_pct_valid", 12, "pct"),
)
AGENCY_COLUMNS = (
    Column("col_rank", 8, "int"),
    Column("col_code", 22),
    Column("col_agency", 40),
    Column("col_level", 18),
    Column("col_documents", 12, "int"),
    Column("col_signed", 12, "int"),
    Column("col_valid", 12, "int"),
    Column("col_complete", 14, "int"),
    Column("col_pct_signed", 12, "pct"),
    Column("col_pct_valid", 12, "pct"),
    Column("col_pct_complete", 14, "pct"),
)
DOCUMENT_COLUMNS = (
    Column("col_path", 60),
    Column("col_sha256", 66),
    Column("col_verdict", 16),
    Column("col_reason", 60),
    Column("col_code", 22),
    Column("col_agency", 40),
    Column("col_level", 18),
    Column("col_document_date", 14, "date"),
    Column("col_number", 20),
    Column("col_direction", 10),
    Column("col_inter_agency", 12),
    Column("col_exclusion", 40),
    Column("col_decree30", 20),
    Column("col_signatures", 12, "int"),
    Column("col_findings", 30),
)
SIGNATURE_COLUMNS = (
    Column("col_path", 60),
    Column("col_sha256", 66),
    Column("col_field", 20),
    Column("col_signers", 36),
    Column("col_signer_o", 36),
    Column("col_signer_uid", 24),
    Column("col_role", 12),
    Column("col_issuer", 40),
    Column("col_serial", 36),
    Column("col_cert_sha256", 66),
    Column("col_claimed_time", 20, "datetime"),
    Column("col_timestamp_time", 20, "datetime"),
    Column("col_time_basis", 18),
    Column("col_digest", 12),
    Column("col_signature_algorithm", 18),
    Column("col_intact", 10),
    Column("col_trusted", 10),
    Column("col_revocation", 14),
    Column("col_revocation_source", 16),
    Column("col_coverage", 16),
    Column("col_changes", 14),
    Column("col_indication", 16),
    Column("col_sub_indication", 30),
    Column("col_reason", 60),
)
RECONCILIATION_COLUMNS = (
    Column("col_finding", 26),
    Column("col_meaning", 50),
    Column("col_identity", 40),
    Column("col_paths", 60),
    Column("col_detail", 60),
)
MANIFEST_COLUMNS = (Column("col_key", 36), Column("col_value", 100))


def render_xlsx(ctx: ReportContext) -> bytes:
    """The workbook's bytes (an .xlsx file): pure, no file is written."""
    text = deliverable_text(ctx.lang)
    book = Workbook(write_only=True)
    sheets = [
        _kpi(book, ctx, text),
        _flows(book, ctx, text),
        _agencies(book, ctx, text),
        *_documents(book, ctx, text),
        _reconciliation(book, ctx, text),
        _manifest(book, ctx, text),
    ]
    for sheet in sheets:
        sheet.close()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _counts(c: LevelCounts) -> list[object]:
    return [c.documents, c.signed, c.valid, c.invalid, c.indeterminate, c.unsigned, c.unreadable]


def _kpi(book: Workbook, ctx: ReportContext, text: Mapping[str, str]) -> _Sheet:
    sheet = _Sheet(book, text["sheet_kpi"], KPI_COLUMNS, text)
    levels = LEVELS[ctx.lang]
    summary = ctx.summary
    for level in summary.levels_with_documents():
        c = summary.by_level[level]
        target = ctx.targets.signed_target(level)
        met = "" if target is None or c.share_signed is None else _met(c.share_signed >= target, text)
        shares = [c.share_signed, c.share_valid, c.share_complete]
        sheet.add([levels[level], *_counts(c), c.legally_complete, *shares, target, met])
    c = summary.total
    shares = [c.share_signed, c.share_valid, c.share_complete]
    sheet.add([text["total"], *_counts(c), c.legally_complete, *shares, None, None])
    return sheet


def _met(met: bool, text: Mapping[str, str]) -> str:
    return text["target_met"] if met else text["target_not_met"]


def _flows(book: Workbook, ctx: ReportContext, text: Mapping[str, str]) -> _Sheet:
    sheet = _Sheet(book, text["sheet_flows"], FLOW_COLUMNS, text)
    levels = LEVELS[ctx.lang]
    for (sender, recipient), c in ctx.summary.flow.items():
        sheet.add(
            [levels[sender], levels[recipient], c.documents, c.signed, c.valid, c.share_signed, c.share_valid]
        )
    return sheet


def _agencies(book: Workbook, ctx: ReportContext, text: Mapping[str, str]) -> _Sheet:
    sheet = _Sheet(book, text["sheet_agencies"], AGENCY_COLUMNS, text)
    levels = LEVELS[ctx.lang]
    for rank, agency in enumerate(ctx.summary.by_agency, start=1):
        c = agency.counts
        who = [rank, agency.code, agency.name or text["no_agency"], levels[agency.level]]
        shares = [c.share_signed, c.share_valid, c.share_complete]
        sheet.add([*who, c.documents, c.signed, c.valid, c.legally_complete, *shares])
    return sheet


def _documents(book: Workbook, ctx: ReportContext, text: Mapping[str, str]) -> Iterator[_Sheet]:
    """The documents and signatures sheets, filled in one pass over the run's documents."""
    documents = _Sheet(book, text["sheet_documents"], DOCUMENT_COLUMNS, text)
    signatures = _Sheet(book, text["sheet_signatures"], SIGNATURE_COLUMNS, text)
    verdicts, levels, exclusions = VERDICTS[ctx.lang], LEVELS[ctx.lang], EXCLUSIONS[ctx.lang]
    for n, doc in enumerate(ctx.run.documents):
        exchange = ctx.exchanges[n] if ctx.exchanges else None
        inter = "" if exchange is None else text["yes" if exchange.inter_agency else "no"]
        excluded = exchange.excluded if exchange else None
        documents.add(
            [
                doc.path,
                doc.sha256,
                verdicts[doc.verdict],
                doc.reason,
                doc.agency.code,
                doc.agency.name,
                levels[doc.agency.level],
                exchange.day if exchange else None,
                doc.meta.number_notation,
                doc.meta.direction.value,
                inter,
                exclusions[excluded] if excluded else None,
                doc.decree30.value,
                len(doc.outcome.signatures),
                "; ".join(ctx.reconciliation.naming(doc.path)),
            ]
        )
        for sig in doc.outcome.signatures:
            signatures.add(_signature_row(doc, sig))
    yield documents
    yield signatures


def _signature_row(doc: DocumentResult, sig: SignatureResult) -> list[object]:
    signer = sig.signer
    return [
        doc.path,
        doc.sha256,
        sig.field,
        signer.common_name if signer else None,
        signer.organization if signer else None,
        "; ".join(signer.uid) if signer else None,
        sig.role.value,
        signer.issuer if signer else None,
        signer.serial if signer else None,
        signer.sha256 if signer else None,
        sig.claimed_signing_time,
        sig.timestamp_time,
        sig.time_basis.value,
        sig.digest_algorithm,
        sig.signature_algorithm,
        str(sig.intact).lower(),
        str(sig.trusted).lower(),
        sig.revocation.value,
        sig.revocation_source.value,
        sig.coverage.value,
        sig.changes.value,
        sig.indication.value,
        sig.sub_indication.value if sig.sub_indication else None,
        sig.reason,
    ]


def _reconciliation(book: Workbook, ctx: ReportContext, text: Mapping[str, str]) -> _Sheet:
    sheet = _Sheet(book, text["sheet_reconciliation"], RECONCILIATION_COLUMNS, text)
    meanings = FINDINGS[ctx.lang]
    for r in ctx.reconciliation:
        sheet.add([r.finding.value, meanings[r.finding], r.identity, "\n".join(r.paths), r.detail])
    return sheet


def _manifest(book: Workbook, ctx: ReportContext, text: Mapping[str, str]) -> _Sheet:
    sheet = _Sheet(book, text["sheet_manifest"], MANIFEST_COLUMNS, text)
    labels = MANIFEST_KEYS[ctx.lang]
    for key, value in ctx.run.manifest.items():
        for name, leaf in _flatten(value, labels.get(key, key)):
            sheet.add([name, leaf])
    for level in LEVEL_ORDER:  # the targets the KPI sheet judged against, for the record
        target = ctx.targets.signed_target(level)
        if target is not None:
            sheet.add([f"{text['col_target']}: {LEVELS[ctx.lang][level]}", f"{target:.0%}"])
    return sheet


def _flatten(value: Any, name: str) -> Iterable[tuple[str, str]]:
    """Nested manifest values as (dotted name, text) rows; lists of scalars on one row."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _flatten(inner, f"{name}.{key}")
    elif isinstance(value, list | tuple) and any(isinstance(v, Mapping | list | tuple) for v in value):
        for n, inner in enumerate(value):
            yield from _flatten(inner, f"{name}[{n}]")
    elif isinstance(value, list | tuple):
        yield name, "; ".join(str(v) for v in value)
    else:
        yield name, "" if value is None else str(value)
