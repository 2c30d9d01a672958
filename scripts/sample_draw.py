"""The sample generator's letters (CÔNG VĂN) drawn as PDF: the Decree 30 layout of a letter
(``letter_content``), its rendering with DejaVu Serif embedded by pyHanko (``render_letter``,
``render_pages``), with optional empty form fields and encryption.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields
from sample_common import (
    FONT,
    Agency,
)

# --------------------------------------------------------------------------------------
# Letters (CÔNG VĂN) as PDF
# --------------------------------------------------------------------------------------

SUBJECTS = [
    "V/v triển khai ký số văn bản điện tử năm 2024",
    "V/v báo cáo kết quả cải cách hành chính quý I",
    "V/v rà soát, đơn giản hóa thủ tục hành chính",
    "V/v tăng cường sử dụng chữ ký số chuyên dùng",
    "V/v chuẩn bị hội nghị sơ kết 6 tháng đầu năm",
    "V/v cập nhật mã định danh điện tử các cơ quan",
    "V/v chủ động phòng, chống thiên tai mùa mưa bão",
    "V/v thực hiện chế độ báo cáo thống kê định kỳ",
]


@dataclass
class Letter:
    agency: Agency
    number: int
    notation: str
    date: dt.date
    subject: str
    copy: bool = False  # electronic copy (sao y): agency signature only


class _Em1000GlyphAccumulator(GlyphAccumulator):
    """GlyphAccumulator that works in 1000-unit glyph space.

    pyHanko 0.38 writes /W widths and TJ adjustments in the font's own units, which is only
    right for fonts with unitsPerEm = 1000 (DejaVu has 2048: text comes out twice as wide).
    Scaling HarfBuzz and the widths to 1000 units fixes both.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._font_upm = self.units_per_em
        self.hb_font.scale = (1000, 1000)
        self.units_per_em = 1000

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id not in self._glyphs:
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, round(width * 1000 / self._font_upm))
        return self._glyphs[glyph_id]


def font_engine(writer: Any, size: int = 11) -> _Em1000GlyphAccumulator:
    obj_stream = writer.prepare_object_stream() if writer.stream_xrefs else None
    with FONT.open("rb") as fh:
        return _Em1000GlyphAccumulator(writer, io.BytesIO(fh.read()), size, obj_stream=obj_stream)


def letter_content(lt: Letter) -> list[tuple[str, float, float, int, str]]:
    """(text, x, y, size, align) lines of a one-page official letter."""
    a = lt.agency
    lines: list[tuple[str, float, float, int, str]] = []
    left_c, right_c = 150.0, 400.0
    y = 790.0
    if a.header_parent:
        lines.append((a.header_parent, left_c, y, 11, "c"))
        lines.append((a.name.upper().replace("UBND ", "UBND "), left_c, y - 14, 11, "c"))
    else:
        lines.append((a.name.upper(), left_c, y - 7, 11, "c"))
    lines.append(("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right_c, y, 11, "c"))
    lines.append(("Độc lập - Tự do - Hạnh phúc", right_c, y - 14, 11, "c"))
    y -= 44
    lines.append((f"Số: {lt.number}/{lt.notation}", left_c, y, 11, "c"))
    d = lt.date
    lines.append((f"{a.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}", right_c, y, 11, "c"))
    lines.append((lt.subject, left_c, y - 16, 10, "c"))
    y -= 60
    if lt.copy:
        lines.append(("BẢN SAO ĐIỆN TỬ (SAO Y)", 297.5, y, 13, "c"))
        y -= 24
    lines.append(("CÔNG VĂN", 297.5, y, 14, "c"))
    y -= 28
    lines.append(("Kính gửi: Các sở, ban, ngành; UBND các huyện, thành, thị.", 110, y, 11, "l"))
    y -= 26
    body = [
        "Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác",
        f"văn thư, {a.name} đề nghị các cơ quan, đơn vị quan tâm triển khai",
        "các nội dung nêu trên, bảo đảm 100% văn bản điện tử được ký số theo quy định.",
        f"Đề nghị báo cáo kết quả trước ngày {min(d.day + 10, 28):02d}/{d.month:02d}/{d.year}.",
    ]
    for line in body:
        lines.append((line, 72, y, 11, "l"))
        y -= 16
    y -= 20
    lines.append(("Nơi nhận:", 72, y, 10, "l"))
    title_lines = a.person_title.split("\n")
    ty = y
    for t in title_lines:
        lines.append((t, 420, ty, 11, "c"))
        ty -= 14
    lines.append(("- Như trên;", 72, y - 14, 9, "l"))
    lines.append(("- Lưu: VT.", 72, y - 26, 9, "l"))
    lines.append((a.person, 420, ty - 60, 11, "c"))
    return lines


def render_letter(
    lt: Letter,
    *,
    empty_fields: tuple[str, ...] = (),
    encrypt_pw: str | None = None,
    xref_stream: bool = False,
    poppler_dr_font: bool = False,
) -> bytes:
    w = PdfFileWriter(stream_xrefs=xref_stream)
    engine = font_engine(w)
    ops = []
    for text, x, y, size, align in letter_content(lt):
        engine.font_size = size
        shaped = engine.shape(text)
        width = shaped.x_advance * size
        x0 = x - width / 2 if align == "c" else x
        if text.startswith("Số: "):
            ops.append(b"%SO-KY-HIEU")  # marks the number line (used to tamper in place)
        ops.append(b"BT /F1 %d Tf 1 0 0 1 %.2f %.2f Tm %s ET" % (size, x0, y, shaped.graphics_ops))
    contents = w.add_object(generic.StreamObject(stream_data=b"\n".join(ops) + b"\n"))
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): engine.as_resource()})}
    )
    w.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842), resources=resources))
    w.set_info(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Title"): generic.TextStringObject(
                    f"{lt.number}/{lt.notation} {lt.subject}"
                ),
                generic.pdf_name("/Author"): generic.TextStringObject(lt.agency.name),
            }
        )
    )
    if poppler_dr_font:
        # pdfsig (poppler 22.12) looks for a /DR font named "popplerfont…" with /BaseFont
        # "Helvetica " and otherwise embeds the *whole* system font matching Helvetica
        # (NotoSans here, ~890 KB uncompressed). Pre-seeding a non-embedded one keeps the
        # signed files small; the signatures are unaffected.
        # NB the AcroForm must be an indirect object: with a direct one, pdfsig 22.12 rewrites
        # the catalog without adding its new field to /Fields (an orphaned signature widget).
        w.root[generic.pdf_name("/AcroForm")] = w.add_object(
            generic.DictionaryObject(
                {
                    generic.pdf_name("/Fields"): generic.ArrayObject(),
                    generic.pdf_name("/DR"): generic.DictionaryObject(
                        {
                            generic.pdf_name("/Font"): generic.DictionaryObject(
                                {
                                    generic.pdf_name("/popplerfont"): w.add_object(
                                        generic.DictionaryObject(
                                            {
                                                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                                                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                                                generic.pdf_name("/BaseFont"): generic.pdf_name(
                                                    "/Helvetica "
                                                ),
                                                generic.pdf_name("/Encoding"): generic.pdf_name(
                                                    "/WinAnsiEncoding"
                                                ),
                                            }
                                        )
                                    ),
                                }
                            ),
                        }
                    ),
                }
            )
        )
    for i, name in enumerate(empty_fields):
        fields.append_signature_field(
            w, fields.SigFieldSpec(name, box=(330 + 60 * i, 150 - 40 * i, 510 + 60 * i, 230 - 40 * i))
        )
    if encrypt_pw:
        w.encrypt("sigaudit-demo-owner", encrypt_pw)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


Line = tuple[str, float, float, int, str]  # text, x, y, size, align ("l" left, "c" centred on x)


def render_pages(pages: list[list[Line]], *, title: str = "") -> bytes:
    """A PDF whose pages carry the given lines in DejaVu Serif (Vietnamese text, as a text layer); an
    empty list gives a page without any text (as a scan without OCR would be)."""
    w = PdfFileWriter()
    engine = font_engine(w) if any(pages) else None  # a font with no glyph used cannot be embedded
    for lines in pages:
        ops = []
        for text, x, y, size, align in lines:
            assert engine is not None
            engine.font_size = size
            shaped = engine.shape(text)
            x0 = x - shaped.x_advance * size / 2 if align == "c" else x
            ops.append(b"BT /F1 %d Tf 1 0 0 1 %.2f %.2f Tm %s ET" % (size, x0, y, shaped.graphics_ops))
        if not lines:  # a grey rectangle where a scanned image would be: drawing, but no text
            ops.append(b"0.8 g 72 72 451 698 re f")
        contents = w.add_object(generic.StreamObject(stream_data=b"\n".join(ops) + b"\n"))
        resources = generic.DictionaryObject(
            {
                generic.pdf_name("/Font"): generic.DictionaryObject(
                    {generic.pdf_name("/F1"): engine.as_resource()}
                )
            }
            if engine is not None
            else {}
        )
        w.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842), resources=resources))
    if title:
        w.set_info(generic.DictionaryObject({generic.pdf_name("/Title"): generic.TextStringObject(title)}))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()
