"""What a "Như Điều 3" recipient stands for, as read from the article, in every output: the JSON report's
``text_meta.articles``, the CSV evidence's ``text_articles`` and ``sigaudit verify``; facts stored before
articles were read decode without them."""

from __future__ import annotations

from decree30_pdf import body, closing, header, pdf
from sigaudit.codec import text_meta_from_dict, text_meta_to_dict
from sigaudit.content import read_text
from sigaudit.report.verify_view import render_verify
from text_reports import reported

# a real PDF: Article 3 on the page, over two lines, with a title and a person
DECISION = pdf(
    [
        header(
            ["UBND XÃ SƠN VI"],
            "Số: 19/QĐ-UBND",
            "Sơn Vi, ngày 16 tháng 9 năm 2024",
            parent="UBND HUYỆN LÂM THAO",
        )
        + body(
            [
                "QUYẾT ĐỊNH",
                "Điều 1. Phân công công chức Văn phòng - Thống kê theo dõi công tác văn thư.",
                "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
                "Điều 3. Chánh Văn phòng HĐND và UBND xã, Chủ tịch UBND xã Gia Cẩm và công",
                "chức có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
            ]
        )
        + closing(["- Như Điều 3;", "- Lưu: VT."], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])
    ]
)


def test_what_the_article_charges_is_named_in_every_output() -> None:
    doc, meta, stored, row = reported("quyet-dinh.pdf", DECISION)
    assert stored["recipients"] == ["Như Điều 3"]
    assert stored["articles"] == [
        {
            "entry": "Như Điều 3",
            "articles": [3],
            "bodies": ["Văn phòng HĐND và UBND xã", "UBND xã Gia Cẩm"],
            "left_out": ["công chức có tên tại Điều 1"],
        }
    ]
    assert text_meta_from_dict(stored) == meta
    assert row["text_articles"] == "Như Điều 3: Văn phòng HĐND và UBND xã | UBND xã Gia Cẩm"
    assert (
        "as article    Như Điều 3: Văn phòng HĐND và UBND xã; UBND xã Gia Cẩm; "
        "persons left out: công chức có tên tại Điều 1"
    ) in render_verify(doc)
    assert "theo điều" in render_verify(doc, lang="vi")


def test_facts_stored_before_articles_were_read_decode_without_them() -> None:
    meta = read_text(DECISION)
    stored = text_meta_to_dict(meta)
    assert stored is not None
    del stored["articles"]
    old = text_meta_from_dict(stored)
    assert old is not None and old.articles == () and old.recipients == ("Như Điều 3",)
