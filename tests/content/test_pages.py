"""Reading the first and last pages' text layer with PDFium, on real PDFs drawn with a Vietnamese font."""

from __future__ import annotations

import pytest

from decree30_pdf import body, closing, header, pdf
from sigaudit.content import TextLimits, read_text
from sigaudit.content.pages import read_pages
from sigaudit.model import TextStatus

FIRST = header(
    ["SỞ NỘI VỤ"], "Số: 12/SNV-VP", "Phú Thọ, ngày 12 tháng 3 năm 2024", parent="UBND TỈNH PHÚ THỌ"
)
LAST = closing(["- UBND tỉnh (b/c);", "- Lưu: VT, VP."], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"])


def test_columns_printed_side_by_side_are_read_apart() -> None:
    """The agency and the motto share a baseline: read as one line they would make one wrong name."""
    read = read_pages(pdf([FIRST + LAST]))
    assert read.status == TextStatus.READ
    page = read.pages[0]
    assert page.left[:3] == ("UBND TỈNH PHÚ THỌ", "SỞ NỘI VỤ", "Số: 12/SNV-VP")
    assert page.right[:3] == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phú Thọ, ngày 12 tháng 3 năm 2024",
    )


def test_only_the_first_and_last_pages_are_read() -> None:
    middle = body(["TRANG GIỮA: Sở Tài chính không được đọc"])
    meta = read_text(pdf([FIRST + body(["Nội dung trang 1"]), middle, middle, LAST]))
    assert meta.status == TextStatus.READ
    assert (meta.page_count, meta.pages) == (4, (1, 4))
    assert meta.agency == "SỞ NỘI VỤ" and meta.file_copy == "Lưu: VT, VP"
    assert meta.recipients == ("UBND tỉnh",) and meta.upward == ("UBND tỉnh",)


def test_a_scan_without_text_layer_is_reported_as_such() -> None:
    meta = read_text(pdf([[], []]))
    assert meta.status == TextStatus.NO_TEXT_LAYER
    assert "no text layer" in meta.detail and meta.agency is None


def test_a_last_page_without_text_is_named() -> None:
    meta = read_text(pdf([FIRST, []]))
    assert meta.status == TextStatus.READ and meta.empty_pages == (2,)
    assert meta.detail == "page 2 has no text layer" and meta.number == "12"


def test_what_is_not_a_pdf_gets_a_reason_not_an_exception() -> None:
    for data in (b"", b"<html>error</html>", pdf([FIRST])[:400]):
        meta = read_text(data)
        assert meta.status == TextStatus.NOT_READ and meta.detail.startswith("PDFium cannot")


def test_the_characters_per_page_are_bounded() -> None:
    read = read_pages(pdf([FIRST]), TextLimits(max_chars=20))
    assert sum(len(line) for line in read.pages[0].lines) <= 20


def test_the_time_budget_stops_before_the_last_page() -> None:
    meta = read_text(pdf([FIRST, LAST]), TextLimits(time_s=-1))
    assert meta.status == TextStatus.NOT_READ and "stopped after" in meta.detail


def test_each_field_and_the_recipients_are_bounded() -> None:
    """A ``Nơi nhận`` in 4-pt type whose first entry runs over 10 lines (~800 characters) and whose 25
    further lines name 12 bodies each: a Decree 30 name is a line or two, a list some dozens of bodies.
    Unbounded, each field went whole into every warning and ``verify`` line, and 301 recipients into
    the exchange."""
    words = "tài chính kế hoạch đầu tư phát triển nông thôn mới tỉnh Phú Thọ"
    long = [("- Sở " + words, 72.0, 300.0, 4, "l")]
    long += [("và " + words, 72.0, 300.0 - 5 * i, 4, "l") for i in range(1, 11)]
    many = [
        ("- " + " ".join(f"Sở {i}{x};" for x in "abcdefghijkl"), 72.0, 245.0 - 5 * i, 4, "l")
        for i in range(25)
    ]
    meta = read_text(pdf([[*FIRST, ("Nơi nhận:", 72.0, 306.0, 6, "l"), *long, *many]]))
    limits = TextLimits()
    assert meta.status == TextStatus.READ and meta.agency == "SỞ NỘI VỤ" and meta.number == "12"
    assert len(meta.recipients) == limits.max_recipients and meta.recipients[1:3] == ("Sở 0a", "Sở 0b")
    assert meta.recipients[0].startswith("Sở tài chính") and meta.recipients[0].endswith("…")
    assert len(meta.recipients[0]) == limits.max_field
    assert meta.detail == "cut to 500 characters a field and 200 names: recipients (301 names)"


@pytest.mark.parametrize(
    "hidden",
    [
        [("Nơi nhận:", 72.0, 900.0, 10, "l"), ("- Lưu: VT.", 72.0, 887.0, 9, "l")],  # above the page
        [("Nơi nhận:", -400.0, 500.0, 10, "l"), ("- Lưu: VT.", -400.0, 487.0, 9, "l")],  # left of it
        [("Nơi nhận:", 72.0, 700.0, 1, "l"), ("- Lưu: VT.", 72.0, 698.0, 1, "l")],  # 1 pt: a dot on paper
    ],
)
def test_text_a_reader_cannot_see_is_not_read(hidden: list[tuple[str, float, float, int, str]]) -> None:
    """A letter visibly sent to Sở Tài chính, with a second ``Nơi nhận`` holding only the file copy drawn
    outside the page or too small to read: read first, it made the letter internal, out of the KPI."""
    visible = FIRST + closing(["- Sở Tài chính;", "- Lưu: VT."], ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"])
    meta = read_text(pdf([hidden + visible]))
    assert meta.recipients == ("Sở Tài chính",) and meta.agency == "SỞ NỘI VỤ"


def _turned(data: bytes, degrees: int) -> bytes:
    """``data`` with its first page's /Rotate set, as a viewer's "rotate and save" leaves it."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(degrees)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("degrees", [90, 270])
def test_a_page_turned_by_its_rotate_is_read_in_its_own_columns(degrees: int) -> None:
    """The columns split the page where its words are: by the displayed width of a turned page, the
    signing block's "CHỦ TỊCH" fell into the left column and ran into the file copy."""
    letter = FIRST + closing(["- Sở Tài chính;", "- Lưu: VT."], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])
    upright = read_text(pdf([letter]))
    turned = read_text(_turned(pdf([letter]), degrees))
    assert upright.file_copy == "Lưu: VT" and upright.signing == "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"
    assert (turned.agency, turned.recipients, turned.file_copy, turned.signing) == (
        upright.agency, upright.recipients, upright.file_copy, upright.signing
    )  # fmt: skip
