"""The audit report as a PDF document in the Vietnamese administrative layout, with its evidence inside.

Layout of a report (báo cáo) under Decree 30/2020 Appendix I (docs/domain.md): top left the parent
body, the issuing body in bold capitals and ``Số: …``; top right the national title, the motto and
``{place}, ngày … tháng … năm …``; the kind (``BÁO CÁO``) and the subject centred; the body (the
per-level table, the flows between levels, the main findings, the attached evidence with its
SHA-256); bottom left ``Nơi nhận:``, bottom right the signing block. A4, margins 20/15/20/30 mm
(top/right/bottom/left), page numbers from page 2 at the top centre, as the Appendix sets them.

Built with fpdf2 (pure Python, no system libraries) in Liberation Serif, the OFL typeface shipped in
``report/fonts/`` (metric-compatible with the Times New Roman the Decree prescribes; every Vietnamese
letter). The JSON report and the CSV evidence are embedded files that are also the document's
associated files (catalog ``/AF``, relationship ``Data``, as PDF/A-3 attaches the data behind a
report), so a signed report carries the evidence its figures come from.

Pure: data in, bytes out. Text that can come from documents (gate messages quoting paths) goes
through :func:`.escape.pdf_text`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from .. import __version__
from ..aggregate.kpi import LevelCounts
from ..model import Verdict
from .context import ReportContext
from .deliverable import Attachment, PdfHeader
from .deliverable_text import deliverable_text
from .escape import pdf_text
from .i18n import FINDINGS, LEVELS, VERDICTS, VIETNAM, pct
from .terminal_text import gate_lines

FONTS = Path(__file__).parent / "fonts"
FAMILY = "LiberationSerif"
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
LEFT, TOP, RIGHT, BOTTOM = 30.0, 20.0, 15.0, 20.0  # mm, Decree 30 Appendix I
HEADER_LEFT = 70.0  # mm: the issuing body's column; the national title takes the rest


class _Report(FPDF):
    """A4 in millimetres with the shipped fonts; page numbers at the top centre from page 2."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(FONTS / "LiberationSerif-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "LiberationSerif-Bold.ttf"))
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, margin=BOTTOM)

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FAMILY, "", 13)
            self.set_y(10)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(TOP)

    @property
    def width(self) -> float:
        return float(self.w - LEFT - RIGHT)


def render_pdf(
    ctx: ReportContext,
    header: PdfHeader,
    attachments: Sequence[Attachment] = (),
    issued: datetime | None = None,
) -> bytes:
    """The PDF report's bytes: ``header`` fills the Decree 30 fields, ``attachments`` are embedded as
    associated files and listed with their SHA-256; ``issued`` (default: now) dates it."""
    text = deliverable_text(ctx.lang)
    when = (issued or datetime.now(VIETNAM)).astimezone(VIETNAM)
    pdf = _Report()
    pdf.set_lang("vi-VN" if ctx.lang == "vi" else "en")
    pdf.set_title(f"{text['pdf_kind'].capitalize()} {header.number}".strip())
    pdf.set_subject(text["pdf_subject"])
    pdf.set_author(header.agency or "sigaudit")
    pdf.set_creator(f"sigaudit {__version__}")
    pdf.set_creation_date(when)
    pdf.add_page()
    _heading(pdf, header, text, when, ctx.lang)
    _title(pdf, text)
    _body(pdf, ctx, text, attachments)
    _closing(pdf, header, text)
    for item in attachments:
        pdf.embed_file(
            bytes=item.data,
            basename=item.name,
            mime_type=item.mime_type,
            associated_file_relationship="Data",
            desc=text[item.label],
            modification_date=when,
            creation_date=when,
            compress=True,
        )
    return bytes(pdf.output())


def _heading(pdf: _Report, header: PdfHeader, text: Mapping[str, str], when: datetime, lang: str) -> None:
    """Issuing body and number on the left; national title, motto and place/date on the right."""
    top = pdf.get_y()
    pdf.set_xy(LEFT, top)
    if header.parent:
        pdf.set_font(FAMILY, "", 12)
        pdf.multi_cell(
            HEADER_LEFT, 5.5, pdf_text(header.parent.upper()), align="C", new_x="LEFT", new_y="NEXT"
        )
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(HEADER_LEFT, 5.5, pdf_text((header.agency or "sigaudit").upper()), align="C", new_x="LEFT")
    y = pdf.get_y() + 1
    pdf.line(LEFT + HEADER_LEFT / 2 - 12, y, LEFT + HEADER_LEFT / 2 + 12, y)
    pdf.set_xy(LEFT, y + 2)
    pdf.set_font(FAMILY, "", 13)
    number = text["pdf_number"].replace("{number}", pdf_text(header.number) or "……")
    pdf.multi_cell(HEADER_LEFT, 6, number, align="C", new_x="LEFT", new_y="NEXT")
    left_bottom = pdf.get_y()

    right = LEFT + HEADER_LEFT
    right_w = pdf.width - HEADER_LEFT
    pdf.set_xy(right, top)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(right_w, 5.5, text["pdf_national_title"], align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(right_w, 6, text["pdf_motto"], align="C", new_x="LEFT", new_y="NEXT")
    motto = pdf.get_string_width(text["pdf_motto"])
    y = pdf.get_y() + 0.5
    pdf.line(right + (right_w - motto) / 2, y, right + (right_w + motto) / 2, y)
    pdf.set_xy(right, y + 2)
    pdf.set_font(FAMILY, "", 13)
    pdf.multi_cell(
        right_w, 6, _date_line(text, header.place, when, lang), align="C", new_x="LEFT", new_y="NEXT"
    )
    pdf.set_xy(LEFT, max(left_bottom, pdf.get_y()) + 8)


def _date_line(text: Mapping[str, str], place: str, when: datetime, lang: str) -> str:
    """``Phú Thọ, ngày 07 tháng 03 năm 2024``: day and month below 10 with a leading 0 (Decree 30:
    for 1 and 2 only; a leading 0 throughout is what e-office systems print and reads the same)."""
    fields = {
        "{place}": pdf_text(place) or "……",
        "{day}": f"{when.day:02d}" if lang == "vi" else str(when.day),
        "{month}": f"{when.month:02d}",
        "{month_name}": MONTHS_EN[when.month - 1],
        "{year}": str(when.year),
    }
    line = text["pdf_date"]
    for key, value in fields.items():
        line = line.replace(key, value)
    return line


def _title(pdf: _Report, text: Mapping[str, str]) -> None:
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, text["pdf_kind"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 7, text["pdf_subject"], align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 1
    pdf.line(LEFT + pdf.width / 2 - 20, y, LEFT + pdf.width / 2 + 20, y)
    pdf.set_y(y + 6)


def _paragraph(pdf: _Report, line: str, bold: bool = False, size: float = 13) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.multi_cell(0, 6.5, line, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _body(
    pdf: _Report, ctx: ReportContext, text: Mapping[str, str], attachments: Sequence[Attachment]
) -> None:
    summary, manifest = ctx.summary, ctx.run.manifest
    fields = {
        "{version}": __version__,
        "{found}": str(summary.found),
        "{counted}": str(summary.total.documents),
        "{started}": _when(manifest.get("started")),
        "{ended}": _when(manifest.get("ended")),
    }
    intro = text["pdf_intro" if summary.kpi else "pdf_intro_all"]
    for key, value in fields.items():
        intro = intro.replace(key, value)
    _paragraph(pdf, intro)
    _paragraph(pdf, text["pdf_section_levels"], bold=True)
    _levels_table(pdf, ctx, text)
    if summary.flow:
        _paragraph(pdf, text["pdf_section_flows"], bold=True)
        _flow_table(pdf, ctx, text)
    _paragraph(pdf, text["pdf_section_findings"], bold=True)
    for finding in _findings(ctx, text):
        _paragraph(pdf, f"- {finding}")
    if attachments:
        _paragraph(pdf, text["pdf_section_evidence"], bold=True)
        _paragraph(pdf, text["pdf_evidence_intro"])
        for item in attachments:
            _paragraph(pdf, f"- {item.name} ({text[item.label]}, {len(item.data):,} bytes)")
            pdf.set_font(FAMILY, "", 10)
            pdf.multi_cell(0, 5, f"SHA-256 {item.sha256}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)


def _when(value: object) -> str:
    """An ISO time of the manifest as ``2024-03-12 09:30`` in Vietnam time (as written when unparsable)."""
    if not isinstance(value, str) or not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return pdf_text(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM)
    return moment.strftime("%Y-%m-%d %H:%M")


_HEADINGS = FontFace(family=FAMILY, emphasis="BOLD", size_pt=11)


def _table(pdf: _Report, widths: Sequence[float], rows: Sequence[Sequence[str]]) -> None:
    pdf.set_font(FAMILY, "", 11)
    with pdf.table(
        col_widths=tuple(widths),
        width=pdf.width,
        align="LEFT",  # from the left margin (centred, it would centre on the page)
        text_align=("LEFT", *("RIGHT",) * (len(widths) - 1)),
        line_height=5.5,
        headings_style=_HEADINGS,
        padding=1,
    ) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(3)


def _levels_table(pdf: _Report, ctx: ReportContext, text: Mapping[str, str]) -> None:
    summary, levels = ctx.summary, LEVELS[ctx.lang]
    rows: list[list[str]] = [
        [
            text[k]
            for k in (
                "col_level",
                "col_documents",
                "col_signed",
                "col_valid",
                "col_pct_signed",
                "col_pct_valid",
                "col_target",
                "col_target_met",
            )
        ]
    ]

    def line(label: str, c: LevelCounts, target: float | None) -> list[str]:
        met = "" if target is None or c.share_signed is None else _met(c.share_signed >= target, text)
        counts = [str(c.documents), str(c.signed), str(c.valid), pct(c.share_signed), pct(c.share_valid)]
        return [label, *counts, pct(target) if target is not None else "", met]

    for level in summary.levels_with_documents():
        rows.append(line(levels[level], summary.by_level[level], ctx.targets.signed_target(level)))
    rows.append(line(text["total"], summary.total, None))
    _table(pdf, (34, 20, 18, 18, 19, 19, 18, 19), rows)


def _met(met: bool, text: Mapping[str, str]) -> str:
    return text["target_met"] if met else text["target_not_met"]


def _flow_table(pdf: _Report, ctx: ReportContext, text: Mapping[str, str]) -> None:
    flow, levels = ctx.summary.flow, LEVELS[ctx.lang]
    senders, recipients = ctx.summary.flow_senders, ctx.summary.flow_recipients
    rows = [[text["flow_corner"], *(levels[r] for r in recipients)]]
    for sender in senders:
        cells = [levels[sender]]
        for recipient in recipients:
            c = flow.get((sender, recipient))
            cells.append(
                ""
                if c is None
                else text["pdf_flow_cell"]
                .replace("{valid}", str(c.valid))
                .replace("{documents}", str(c.documents))
            )
        rows.append(cells)
    first = 40.0
    _table(pdf, (first, *((pdf.width - first) / len(recipients),) * len(recipients)), rows)


def _findings(ctx: ReportContext, text: Mapping[str, str]) -> list[str]:
    """The main findings in sentences: documents not valid by verdict, levels below target, documents
    left out of the KPI, reconciliation findings and failed gates."""
    summary, verdicts = ctx.summary, VERDICTS[ctx.lang]
    total = summary.total
    out: list[str] = []
    not_valid = total.documents - total.valid
    if not_valid:
        counts = {
            Verdict.INVALID: total.invalid,
            Verdict.INDETERMINATE: total.indeterminate,
            Verdict.UNSIGNED: total.unsigned,
            Verdict.UNREADABLE: total.unreadable,
        }
        detail = "; ".join(f"{verdicts[v].lower()} {n}" for v, n in counts.items() if n)
        out.append(text["pdf_not_valid"].replace("{n}", str(not_valid)).replace("{detail}", detail))
    else:
        out.append(text["pdf_all_valid"])
    below = [
        LEVELS[ctx.lang][lv]
        for lv in summary.levels_with_documents()
        if (t := ctx.targets.signed_target(lv)) is not None
        and (s := summary.by_level[lv].share_signed) is not None
        and s < t
    ]
    out.append(
        text["pdf_below_target"].replace("{levels}", ", ".join(below))
        if below
        else text["pdf_all_targets_met"]
    )
    excluded = sum(summary.exclusions.values())
    if excluded:
        out.append(text["pdf_excluded"].replace("{n}", str(excluded)))
    if summary.kpi:
        meanings = FINDINGS[ctx.lang]
        found = ctx.reconciliation.counts()
        detail = "; ".join(f"{meanings[f]}: {n}" for f, n in found.items() if n) or text["pdf_none"]
        out.append(text["pdf_reconciliation"].replace("{detail}", detail))
    for failure in gate_lines(ctx, ctx.lang):
        out.append(text["pdf_gate_failed"].replace("{failure}", pdf_text(failure)))
    return out


def _closing(pdf: _Report, header: PdfHeader, text: Mapping[str, str]) -> None:
    """``Nơi nhận:`` and its lines at the bottom left, the signing block at the bottom right."""
    recipients = [f"- {pdf_text(r).strip().removeprefix('- ')};" for r in header.recipients]
    recipients.append(text["pdf_file_copy"])
    signer = [pdf_text(line).upper() for line in header.signer_title.splitlines() if line.strip()]
    needed = 8 + 5 * len(recipients) + 6 * len(signer) + 30
    if pdf.get_y() + needed > pdf.h - BOTTOM:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    left_w = pdf.width * 0.45
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(left_w, 6, text["pdf_recipients"], new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 11)
    for line in recipients:
        pdf.multi_cell(left_w, 5, line, new_x="LEFT", new_y="NEXT")
    right = LEFT + left_w
    pdf.set_xy(right, top)
    pdf.set_font(FAMILY, "B", 13)
    for line in signer:
        pdf.multi_cell(pdf.width - left_w, 6, line, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(right, pdf.get_y() + 24)  # room for the signature's appearance
    if header.signer_name:
        pdf.multi_cell(
            pdf.width - left_w, 6, pdf_text(header.signer_name), align="C", new_x="LEFT", new_y="NEXT"
        )
