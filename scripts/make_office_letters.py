"""Decree 30 letters made the way offices make them: Word documents converted to PDF by LibreOffice.

The bare-folder sample (``sample_bare.py``) is drawn line by line with fpdf2 by the same team that wrote
the parser. Real letters come out of Word or LibreOffice: the header and the signing block are borderless
two-column tables, the text is a TrueType subset of a Times-like font, the body is justified, recipient
lists may be list numbering rather than a typed "-", the motto is underlined. This script builds such
letters with python-docx, converts them with ``soffice --headless --convert-to pdf`` and signs some with
the checked-in demo PKI (``demo/pki/``, the keys ``sample_bare.py`` signs with), so that the tests can
measure from outside whether sigaudit reads what a person reads.

The .docx files ask for "Times New Roman", as real letters do; Debian has no such font, and LibreOffice
renders it with its metric-compatible substitute Liberation Serif (fonts-liberation2), which covers
Vietnamese. The PDFs therefore embed LiberationSerif subsets.

Needs (not project dependencies): Debian's ``libreoffice-writer-nogui`` and ``fonts-liberation2``, and
``python-docx`` in the venv. Run from the repository root::

    .venv/bin/python scripts/make_office_letters.py [--out tests/content/office_letters]

It rewrites the PDFs only; ``expected.json`` beside them is written by hand, by reading the letters.
LibreOffice stamps each PDF with its creation time, so a re-run gives other bytes, the same letters.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_sample_docs as msd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "content" / "office_letters"
FONT = "Times New Roman"  # rendered by LibreOffice as Liberation Serif
ICT = dt.timezone(dt.timedelta(hours=7), "ICT")

BODY = (
    "Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư và "
    "Kế hoạch số 6112/KH-UBND của Ủy ban nhân dân tỉnh về cải cách hành chính, {agency} đề nghị các cơ "
    "quan, đơn vị triển khai thực hiện nghiêm túc các nội dung sau đây, bảo đảm văn bản điện tử gửi, nhận "
    "giữa các cơ quan hành chính nhà nước được ký số theo quy định."
)
MORE = (
    "Các cơ quan, đơn vị rà soát danh mục văn bản đi, văn bản đến trên hệ thống quản lý văn bản và điều "
    "hành; kiểm tra chữ ký số của cơ quan, tổ chức và của người có thẩm quyền trên từng văn bản điện tử; "
    "tổng hợp các trường hợp văn bản chưa được ký số hoặc chữ ký số không hợp lệ, nêu rõ nguyên nhân và "
    "biện pháp khắc phục; báo cáo kết quả thực hiện theo định kỳ hằng quý."
)


@dataclass(frozen=True)
class Letter:
    file: str
    agency: str  # key of make_sample_docs.AGENCIES whose header the letter carries
    sign: str  # "agency" (agency certificate), "none", "tampered" (signed, then a signed byte changed)
    header: tuple[str, ...]  # the left cell above "Số:": parent body (plain) then the agency (bold)
    parent_lines: int  # how many of ``header``'s lines are the parent body
    number: str  # "Số: …" as typed
    place_date: str  # the right cell's italic line
    recipients: tuple[str, ...]  # the Nơi nhận entries, without their bullet
    signing: tuple[str, ...]  # the signing block's upper-case lines
    person: str
    subject: str = ""  # "V/v …" under the number (official letter)
    kind: str = ""  # a centred heading (QUYẾT ĐỊNH), with ``title`` under it
    title: str = ""
    addressees: tuple[str, ...] = ()  # Kính gửi
    # "typed" ("- " typed), "list" (Word list numbering with a "-" label), "symbol" (Word's "List Bullet")
    bullets: str = "typed"
    head_rows: int = 1  # the header table in one row, or two (agency | motto, then number | date)
    en_dash: bool = False  # the motto typed with en dashes ("Độc lập – Tự do – Hạnh phúc")
    page_numbers: bool = False  # a page number at the top of pages 2 and after
    paragraphs: int = 2  # body paragraphs (each BODY or MORE); 2 or 3 pages take ~12 or ~20
    articles: tuple[str, ...] = ()  # "Điều 1. …" of a decision
    authority: str = ""  # a decision's "GIÁM ĐỐC SỞ NỘI VỤ" line above its grounds

    @property
    def day(self) -> dt.date:
        found = re.search(r"ngày (\d+) tháng (\d+) năm (\d{4})", self.place_date)
        assert found is not None, self.place_date
        return dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))


def plan() -> list[Letter]:
    """The letters: each level has one signed, one unsigned, one tampered and one internal letter."""
    tinh = ("ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ")
    return [
        # --- province ---------------------------------------------------------------------------
        Letter("tinh-cv-56-ky.pdf", "ubnd-tinh", "agency", tinh, 0, "Số: 1256/UBND-KGVX",
               "Phú Thọ, ngày 05 tháng 8 năm 2024",
               ("Như trên;", "Chủ tịch, các PCT UBND tỉnh;", "Lưu: VT, KGVX."),
               ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Trần Thị Bình",
               subject="V/v triển khai ký số văn bản điện tử\ntrong cơ quan hành chính nhà nước",
               addressees=("Các sở, ban, ngành tỉnh;", "UBND các huyện, thành, thị."), head_rows=2,
               en_dash=True),
        Letter("snv-qd-215-khong-ky.pdf", "so-noi-vu", "none", ("UBND TỈNH PHÚ THỌ", "SỞ NỘI VỤ"), 1,
               "Số: 215/QĐ-SNV", "Phú Thọ, ngày 12 tháng 9 năm 2024",
               ("Như Điều 3;", "UBND tỉnh (để b/c);", "Lưu: VT, TCBC."), ("GIÁM ĐỐC",), "Lê Minh Cường",
               kind="QUYẾT ĐỊNH",
               title="Về việc thành lập Tổ kiểm tra chữ ký số\ntrên văn bản điện tử năm 2024",
               articles=("Điều 1. Thành lập Tổ kiểm tra chữ ký số trên văn bản điện tử của các cơ quan, "
                         "đơn vị.",
                         "Điều 2. Tổ kiểm tra có nhiệm vụ kiểm tra, tổng hợp và báo cáo kết quả.",
                         "Điều 3. Chánh Văn phòng Sở, Thủ trưởng các phòng, đơn vị thuộc Sở, Văn phòng UBND "
                         "tỉnh và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."),
               authority="GIÁM ĐỐC SỞ NỘI VỤ TỈNH PHÚ THỌ"),
        Letter("vp-ubnd-cv-87-sua.pdf", "vp-ubnd", "tampered", ("UBND TỈNH PHÚ THỌ", "VĂN PHÒNG"), 1,
               "Số: 87/VP-TH", "Phú Thọ, ngày 19 tháng 8 năm 2024",
               ("Các sở, ban, ngành tỉnh;", "Chủ tịch UBND tỉnh (để b/c);", "Lưu: VT, TH."),
               ("KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"), "Nguyễn Văn An",
               subject="V/v chuẩn bị hội nghị sơ kết\ncông tác chuyển đổi số"),
        Letter("snv-tb-noi-bo-ky.pdf", "so-noi-vu", "agency", ("UBND TỈNH PHÚ THỌ", "SỞ NỘI VỤ"), 1,
               "Số: 44/TB-SNV", "Phú Thọ, ngày 26 tháng 8 năm 2024", ("Lưu: VT, NC.",),
               ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "Lê Minh Cường",
               kind="THÔNG BÁO", title="Lịch công tác của Ban Giám đốc Sở tháng 9 năm 2024"),
        # --- district ---------------------------------------------------------------------------
        Letter("viet-tri-cv-402-ky-3-trang.pdf", "viet-tri", "agency",
               ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ VIỆT TRÌ"), 0, "Số: 402/UBND-VP",
               "Việt Trì, ngày 09 tháng 8 năm 2024",
               ("UBND các phường, xã;", "UBND tỉnh Phú Thọ (để b/c);",
                "Sở Thông tin và Truyền thông tỉnh Phú Thọ (để phối hợp);", "Sở Nội vụ tỉnh Phú Thọ;",
                "Lưu: VT, VP."),
               ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), "Phạm Thu Hà",
               subject="V/v tăng cường kiểm tra chữ ký số\ntrên văn bản điện tử", paragraphs=14,
               page_numbers=True, head_rows=2),
        Letter("lam-thao-cv-233-khong-ky.pdf", "lam-thao", "none", ("UBND HUYỆN LÂM THAO",), 0,
               "Số: 233/UBND-NV", "Lâm Thao, ngày 14 tháng 8 năm 2024",
               ("Như trên;", "Sở Nội vụ tỉnh Phú Thọ;", "Lưu: VT, NV."),
               ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Hoàng Đức Dũng",
               subject="V/v cập nhật mã định danh điện tử", addressees=("UBND các xã, thị trấn.",),
               bullets="list"),
        Letter("lam-thao-cv-240-sua.pdf", "lam-thao", "tampered", ("UBND HUYỆN LÂM THAO",), 0,
               "Số: 240/UBND-VP", "Lâm Thao, ngày 20 tháng 8 năm 2024",
               ("UBND xã Sơn Vi;", "UBND thị trấn Lâm Thao;", "Lưu: VT."),
               ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Hoàng Đức Dũng",
               subject="V/v sử dụng chữ ký số chuyên dùng"),
        Letter("viet-tri-tb-noi-bo.pdf", "viet-tri", "none", ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ VIỆT TRÌ"), 0,
               "Số: 118/TB-UBND", "Việt Trì, ngày 30 tháng 8 năm 2024", ("Lưu: VT, VP.",),
               ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), "Phạm Thu Hà",
               kind="THÔNG BÁO", title="Phân công trực lãnh đạo dịp nghỉ lễ Quốc khánh", bullets="symbol"),
        # --- commune ----------------------------------------------------------------------------
        Letter("son-vi-bc-27-ky.pdf", "son-vi", "agency", ("UBND HUYỆN LÂM THAO", "UBND XÃ SƠN VI"), 1,
               "Số: 27/BC-UBND", "Sơn Vi, ngày 02 tháng 9 năm 2024",
               ("UBND huyện Lâm Thao (để b/c);", "Phòng Nội vụ huyện;", "Lưu: VT."),
               ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), "Bùi Thị Mai",
               kind="BÁO CÁO", title="Kết quả thực hiện ký số văn bản điện tử\n8 tháng đầu năm 2024",
               bullets="symbol"),
        Letter("gia-cam-cv-61-khong-ky.pdf", "gia-cam", "none",
               ("UBND THÀNH PHỐ VIỆT TRÌ", "ỦY BAN NHÂN DÂN", "PHƯỜNG GIA CẨM"), 1,
               "Số: 61/UBND-VP", "Gia Cẩm, ngày 06 tháng 9 năm 2024",
               ("UBND thành phố Việt Trì (để b/c);", "Lưu: VT."), ("CHỦ TỊCH",), "Vũ Thị Lan",
               subject="V/v báo cáo tình hình ký số văn bản"),
        Letter("tt-lam-thao-cv-35-sua.pdf", "tt-lam-thao", "tampered",
               ("UBND HUYỆN LÂM THAO", "UBND THỊ TRẤN LÂM THAO"), 1, "Số: 35/UBND",
               "Lâm Thao, ngày 10 tháng 9 năm 2024",
               ("UBND huyện Lâm Thao;", "Lưu: VT."), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "Đỗ Văn Hùng",
               subject="V/v thực hiện chế độ báo cáo thống kê"),
        Letter("son-vi-qd-noi-bo-ky.pdf", "son-vi", "agency", ("UBND HUYỆN LÂM THAO", "UBND XÃ SƠN VI"), 1,
               "Số: 19/QĐ-UBND", "Sơn Vi, ngày 16 tháng 9 năm 2024", ("Như Điều 3;", "Lưu: VT."),
               ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), "Bùi Thị Mai",
               kind="QUYẾT ĐỊNH", title="Về việc phân công cán bộ theo dõi văn thư, lưu trữ",
               articles=("Điều 1. Phân công công chức Văn phòng - Thống kê theo dõi công tác văn thư.",
                         "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
                         "Điều 3. Văn phòng UBND xã và công chức có tên tại Điều 1 chịu trách nhiệm thi "
                         "hành Quyết định này."),
               authority="ỦY BAN NHÂN DÂN XÃ SƠN VI"),
    ]  # fmt: skip


# --- python-docx ------------------------------------------------------------------------------------


def _widths(table: Any, *widths: Any) -> None:
    """Fixed column widths, as Word writes them (the grid and every cell), so no cell is auto-fitted."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _para(cell_or_doc: Any, text: str = "", *, size: float = 13, bold: bool = False, italic: bool = False,
          underline: bool = False, align: Any = WD_ALIGN_PARAGRAPH.CENTER, after: float = 0,
          style: str | None = None, first_cell: bool = False) -> Any:  # fmt: skip
    if first_cell:
        p = cell_or_doc.paragraphs[0]
        if style:
            p.style = style
    else:
        p = cell_or_doc.add_paragraph(style=style)
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = p.add_run(line)
        run.font.size, run.font.bold, run.font.italic, run.font.underline = Pt(size), bold, italic, underline
        run.font.name = FONT
        if i < len(lines) - 1:
            run.add_break()
    return p


def _dash_numbering(doc: Any) -> str:
    """A Word bullet list whose label is "-" (as Vietnamese letters write their Nơi nhận), as the style
    name to give list paragraphs: the label is list numbering, never typed."""
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    lvl = OxmlElement("w:lvl")
    lvl.set(qn("w:ilvl"), "0")
    for tag, value in (("w:start", "1"), ("w:numFmt", "bullet"), ("w:lvlText", "-"), ("w:lvlJc", "left")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        lvl.append(element)
    ppr = OxmlElement("w:pPr")
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), "284")
    ind.set(qn("w:hanging"), "142")
    ppr.append(ind)
    lvl.append(ppr)
    abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return "90"


def _listed(p: Any, num_id: str) -> None:
    numpr = p._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = 0
    numpr.get_or_add_numId().val = int(num_id)


def _item(container: Any, item: str, letter: Letter, num_id: str, size: float) -> Any:
    """One list entry, its bullet as the letter writes them (see ``Letter.bullets``)."""
    if letter.bullets == "symbol":  # Word's own bullet list style (a Symbol-font bullet)
        p = _para(container, item, size=size, align=WD_ALIGN_PARAGRAPH.LEFT, style="List Bullet")
    else:
        p = _para(container, item if letter.bullets == "list" else f"- {item}", size=size,
                  align=WD_ALIGN_PARAGRAPH.LEFT)  # fmt: skip
        if letter.bullets == "list":
            _listed(p, num_id)
    return p


def _page_numbers(section: Any) -> None:
    """A page number centred at the top of every page but the first (Decree 30 Appendix I)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    run.font.size, run.font.name = Pt(13), FONT
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def docx_of(letter: Letter, agency_name: str) -> Any:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    num_id = _dash_numbering(doc) if letter.bullets == "list" else ""
    if letter.page_numbers:
        _page_numbers(section)

    # The header: a borderless table, the agency on the left, the motto and date on the right; in two
    # rows (agency | motto, then number | date, as Word templates have it) or one.
    head = doc.add_table(rows=2 if letter.head_rows == 2 else 1, cols=2)
    _no_borders(head)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(head, Cm(6.5), Cm(10))
    left, right = head.rows[0].cells
    low_left, low_right = head.rows[-1].cells
    for i, line in enumerate(letter.header):
        is_parent = i < letter.parent_lines
        _para(left, line, size=13, bold=not is_parent, first_cell=i == 0)
    _para(left, "_______", size=8, after=4)
    _para(low_left, letter.number, size=13, after=2, first_cell=letter.head_rows == 2)
    if letter.subject:
        _para(low_left, letter.subject, size=12)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, first_cell=True)
    motto = "Độc lập – Tự do – Hạnh phúc" if letter.en_dash else "Độc lập - Tự do - Hạnh phúc"
    _para(right, motto, size=13, bold=True, underline=True, after=14)
    _para(low_right, letter.place_date, size=13, italic=True, first_cell=letter.head_rows == 2)

    _para(doc, "", size=8)
    if letter.kind:
        _para(doc, letter.kind, size=14, bold=True, after=0)
        _para(doc, letter.title, size=14, bold=True, after=6)
        if letter.kind == "QUYẾT ĐỊNH":
            _para(doc, letter.authority, size=14, bold=True, after=6)
            law = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
            _para(doc, law, size=14, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            _para(doc, "QUYẾT ĐỊNH:", size=14, bold=True, after=6)
    if len(letter.addressees) == 1:
        _para(doc, f"Kính gửi: {letter.addressees[0]}", size=14, after=6)
    elif letter.addressees and letter.bullets == "typed":
        # "Kính gửi:" and the first addressee on one line, the others under it after a tab, as typed
        p = _para(doc, f"Kính gửi:\t- {letter.addressees[0]}", size=14, align=WD_ALIGN_PARAGRAPH.LEFT)
        p.paragraph_format.left_indent = Cm(4.5)
        p.paragraph_format.first_line_indent = Cm(-2.2)
        p.paragraph_format.tab_stops.add_tab_stop(Cm(4.5))
        for item in letter.addressees[1:]:
            p = _para(doc, f"- {item}", size=14, align=WD_ALIGN_PARAGRAPH.LEFT)
            p.paragraph_format.left_indent = Cm(4.5)
    elif letter.addressees:
        _para(doc, "Kính gửi:", size=14)
        for item in letter.addressees:
            _item(doc, item, letter, num_id, 14).paragraph_format.left_indent = Cm(4)
    paragraphs = [BODY.format(agency=agency_name)] + [MORE] * (letter.paragraphs - 1)
    for text in [*letter.articles] or paragraphs:
        p = _para(doc, text, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
        p.paragraph_format.first_line_indent = Cm(1)
    if letter.articles:
        p = _para(doc, MORE, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
        p.paragraph_format.first_line_indent = Cm(1)
    _para(doc, "", size=8)

    # The end: Nơi nhận in the left cell, the signing block in the right cell.
    foot = doc.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    _widths(foot, Cm(8), Cm(8.5))
    _para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first_cell=True)
    for item in letter.recipients:
        _item(left, item, letter, num_id, 11)
    for i, line in enumerate(letter.signing):
        _para(right, line, size=14, bold=True, first_cell=i == 0)
    for _ in range(4):
        _para(right, "", size=14)
    _para(right, letter.person, size=14, bold=True)
    return doc


# --- conversion, signing, tampering -----------------------------------------------------------------


def to_pdf(docx_path: Path, workdir: Path) -> bytes:
    profile = workdir / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(workdir), str(docx_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (workdir / docx_path.with_suffix(".pdf").name).read_bytes()


def tamper(pdf: bytes) -> bytes:
    """Change one byte of the first revision, inside the agency signature's signed range: the year of
    the /CreationDate LibreOffice writes in the document information ("D:2026…" → "D:2025…"). The
    letter reads the same; only the signed hash breaks (LibreOffice compresses the page contents, so a
    visible digit cannot be changed in place without re-encoding the stream)."""
    at = pdf.index(b"/CreationDate(D:") + len(b"/CreationDate(D:") + 3
    digit = pdf[at : at + 1]
    return pdf[:at] + str((int(digit) + 9) % 10).encode() + pdf[at + 1 :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--keep-docx", action="store_true", help="write the .docx files beside the PDFs")
    args = parser.parse_args()
    if shutil.which("soffice") is None:
        print(
            "soffice not found: apt-get install libreoffice-writer-nogui fonts-liberation2", file=sys.stderr
        )
        return 2
    agency_creds, _ = msd.load_pki()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.pdf"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for letter in plan():
            a = msd.AGENCIES[letter.agency]
            docx_path = work / Path(letter.file).with_suffix(".docx").name
            docx_of(letter, a.name).save(str(docx_path))
            if args.keep_docx:
                shutil.copy(docx_path, args.out / docx_path.name)
            pdf = to_pdf(docx_path, work)
            if letter.sign in ("agency", "tampered"):
                d = letter.day
                when = dt.datetime(d.year, d.month, d.day, 10, 5, tzinfo=ICT)
                pdf = msd.sign_pyhanko(pdf, agency_creds[letter.agency], "Sig_CoQuan", when,
                                       reason=msd.REASON_AGENCY, location=a.place)  # fmt: skip
            if letter.sign == "tampered":
                pdf = tamper(pdf)
            (args.out / letter.file).write_bytes(pdf)
            print(f"{letter.file}: {len(pdf)} bytes, {letter.sign}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
