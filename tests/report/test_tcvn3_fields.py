"""A document typed in TCVN3 (ABC) fonts: its converted pages are named in the JSON report's
``text_meta``, the CSV evidence and ``sigaudit verify``, and the fields read are the Unicode ones."""

from __future__ import annotations

from decree30_pdf import body, closing, header, pdf
from sigaudit.codec import text_meta_from_dict
from sigaudit.content import read_text
from sigaudit.content.tcvn3 import encode
from sigaudit.model import UNKNOWN_AGENCY, DocumentResult, ValidationOutcome, Verdict
from sigaudit.report.verify_view import render_verify
from text_reports import reported

LETTER = header(
    ["SỞ NỘI VỤ"], "Số: 12/SNV-VP", "Phú Thọ, ngày 12 tháng 3 năm 2024", parent="UBND TỈNH PHÚ THỌ"
)
LETTER += body(["Kính gửi: Uỷ ban nhân dân huyện Lâm Thao"]) + closing(
    ["- Như trên;", "- Lưu: VT."], ["GIÁM ĐỐC"]
)


def test_the_converted_page_is_named_in_every_output() -> None:
    typed = pdf([[(encode(text), x, y, size, align) for text, x, y, size, align in LETTER]])
    doc, meta, stored, row = reported("cong-van-vntime.pdf", typed)
    assert stored["tcvn3_pages"] == [1] and text_meta_from_dict(stored) == meta
    assert (stored["agency"], stored["place"], stored["recipients"]) == (
        "SỞ NỘI VỤ",
        "Phú Thọ",
        ["Uỷ ban nhân dân huyện Lâm Thao"],
    )
    assert (row["text_tcvn3_pages"], row["text_agency"]) == ("1", "UBND TỈNH PHÚ THỌ / SỞ NỘI VỤ")
    assert "TCVN3 font    page 1 converted" in render_verify(doc)
    unicode_meta = read_text(pdf([LETTER]))
    assert unicode_meta.tcvn3_pages == () and "TCVN3" not in render_verify(
        DocumentResult(
            "cong-van.pdf",
            "1" * 64,
            1,
            UNKNOWN_AGENCY,
            ValidationOutcome(Verdict.UNSIGNED, "", text=unicode_meta),
        )
    )
