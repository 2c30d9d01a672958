"""The Decree 30 field parser on varied layouts: text as other extractors give it, and real PDFs."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

from decree30_pdf import bare_folder, body, closing, header, pdf
from sigaudit.content import read_text
from sigaudit.content.decree30 import (
    addressees,
    number_notation,
    parse,
    place_date,
    recipient_list,
    signing_block,
)
from sigaudit.content.decree30 import (
    header as read_header,
)
from sigaudit.content.pages import Page

DECISION = """ỦY BAN NHÂN DÂN
TỈNH PHÚ THỌ
________
Số: 512/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Phú Thọ, ngày 05 tháng 3
năm 2024
QUYẾT ĐỊNH
Về việc phê duyệt kế hoạch chuyển đổi số
năm 2024 của tỉnh Phú Thọ
ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ
Căn cứ Luật Tổ chức chính quyền địa phương;
Nơi nhận:
- Như Điều 3;
- Bộ Thông tin và Truyền thông (b/c);
- TT Tỉnh ủy, TT HĐND tỉnh
(để b/c);
- Lưu: VT, KGVX.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
"""


def test_a_decision_over_one_column_with_names_and_dates_across_lines() -> None:
    meta = parse(Page.single(DECISION))
    assert (meta.parent, meta.agency) == (None, "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ")
    assert (meta.number, meta.notation) == ("512", "QĐ-UBND")
    assert (meta.place, meta.date) == ("Phú Thọ", date(2024, 3, 5))
    assert meta.kind == "Quyết định"
    assert meta.subject == "Về việc phê duyệt kế hoạch chuyển đổi số năm 2024 của tỉnh Phú Thọ"
    assert meta.recipients == ("Như Điều 3", "Bộ Thông tin và Truyền thông", "TT Tỉnh ủy, TT HĐND tỉnh")
    assert meta.upward == ("Bộ Thông tin và Truyền thông", "TT Tỉnh ủy, TT HĐND tỉnh")
    assert meta.file_copy == "Lưu: VT, KGVX" and meta.has_recipient_list
    assert meta.signing == "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"


def test_parent_body_line_above_the_agency() -> None:
    assert read_header(["UBND TỈNH PHÚ THỌ", "SỞ TÀI NGUYÊN VÀ", "MÔI TRƯỜNG", "Số: 7/STNMT"]) == (
        "UBND TỈNH PHÚ THỌ",
        "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    )
    assert read_header(["UBND HUYỆN LÂM THAO", "UBND XÃ SƠN VI", "-----"]) == (
        "UBND HUYỆN LÂM THAO",
        "UBND XÃ SƠN VI",
    )
    assert read_header(["BỘ NỘI VỤ", "Số: 1250/BNV-CCVC"]) == (None, "BỘ NỘI VỤ")


def test_the_number_with_and_without_spaces() -> None:
    assert number_notation(["Số: 12/UBND-VP"]) == ("12", "UBND-VP")
    assert number_notation(["Số:12/UBND-VP"]) == ("12", "UBND-VP")
    assert number_notation(["SỐ : 12 / UBND - VP"]) == ("12", "UBND-VP")
    assert number_notation(["Số:    /QĐ-UBND"]) == (None, "QĐ-UBND")  # left blank, filled when issued
    assert number_notation(["Số: 12/UBND-VP Phú Thọ, ngày 12 tháng 3 năm 2024"]) == ("12", "UBND-VP")
    assert number_notation(["Sè: 45/UBND"]) == ("45", "UBND")  # TCVN3-era "Số"
    # "Nghị định số 30/2020/NĐ-CP" in the body is not the document's number
    assert number_notation(["Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05/3/2020"]) is None


def test_the_place_and_date_line_in_any_normal_form() -> None:
    nfd = unicodedata.normalize("NFD", "Phú Thọ, ngày 12 tháng 3 năm 2024")
    assert place_date([nfd]) == ("Phú Thọ", date(2024, 3, 12))
    assert place_date(["Việt Trì, ngày   tháng   năm 2025"]) == ("Việt Trì", None)  # date left blank
    assert place_date(["Số: 301/UBND-VP Việt Trì, ngày 14 tháng 02 năm 2024"]) == (
        "Việt Trì",
        date(2024, 2, 14),
    )
    assert place_date(["Hà Nội, ngày 31 tháng 02 năm 2024"]) == ("Hà Nội", None)  # no such day
    assert place_date(["văn bản không có ngày"]) is None


def test_recipients_over_several_lines_and_as_above() -> None:
    lines = [
        "Nơi nhận:",
        "- Như trên;",
        "- Sở Tài chính, Sở Kế hoạch và",
        "Đầu tư;",
        "- UBND tỉnh (b/c);",
        "- Lưu: VT, TH.",
    ]
    above = ("UBND các huyện, thành, thị",)
    recipients, upward, copy, found = recipient_list(lines, above)
    assert recipients == ("UBND các huyện, thành, thị", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "UBND tỉnh")
    assert upward == ("UBND tỉnh",) and copy == "Lưu: VT, TH" and found


def test_word_list_bullets_and_notes_on_what_an_entry_is_for() -> None:
    # Word's "List Bullet" draws Symbol's bullet, which PDFium reads as U+F0B7; a letter converted by
    # LibreOffice gives each entry on its own line after it. A purpose note is not part of the name.
    lines = [
        "Nơi nhận:",
        "\uf0b7 Sở Tài chính (để phối hợp);",
        "\uf0b7 UBND tỉnh (để b/c);",
        "\uf0b7 Lưu: VT.",
    ]
    assert recipient_list(lines) == (("Sở Tài chính", "UBND tỉnh"), ("UBND tỉnh",), "Lưu: VT", True)
    assert recipient_list(["Nơi nhận:", "• Lưu: VT, NC."]) == ((), (), "Lưu: VT, NC", True)
    assert recipient_list(["Nơi nhận:", "- UBND huyện X (t/h);", "- Lưu: VT."])[0] == ("UBND huyện X",)
    kinh_gui = ["Kính gửi: \uf0b7 Các sở, ban, ngành tỉnh;", "\uf0b7 UBND các huyện, thành, thị."]
    assert addressees(kinh_gui) == ("Các sở, ban, ngành tỉnh", "UBND các huyện, thành, thị")


def test_a_comma_splits_names_only_where_another_agency_begins() -> None:
    lines = [
        "Nơi nhận:",
        "- Sở Nội vụ, UBND các huyện, thành, thị;",
        "- Các sở, ban, ngành;",
        "- Công an tỉnh, Bộ Tư pháp (b/c);",
        "- Văn phòng UBND tỉnh, Phòng Nội vụ, Kho bạc Nhà nước tỉnh;",
        "- Lưu: VT.",
    ]
    recipients, upward, _, _ = recipient_list(lines)
    assert recipients == (
        "Sở Nội vụ", "UBND các huyện, thành, thị", "Các sở, ban, ngành", "Công an tỉnh", "Bộ Tư pháp",
        "Văn phòng UBND tỉnh", "Phòng Nội vụ", "Kho bạc Nhà nước tỉnh",
    )  # fmt: skip
    assert upward == ("Công an tỉnh", "Bộ Tư pháp")
    assert addressees(["Kính gửi: Sở Tài chính, Sở Xây dựng"]) == ("Sở Tài chính", "Sở Xây dựng")


def test_a_list_with_only_the_file_copy() -> None:
    assert recipient_list(["NƠI NHẬN:", "- Lưu VT."]) == ((), (), "Lưu VT", True)
    assert recipient_list(["Kính gửi: Sở Nội vụ"]) == ((), (), None, False)


def test_signing_blocks() -> None:
    assert signing_block(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]) == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    # an office letter's signing cell: on behalf of the committee, signed for the chair by a vice-chair
    three = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thị Bình"]
    assert signing_block(three) == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert signing_block(["TL. GIÁM ĐỐC", "Chánh Văn phòng"]) == "TL. GIÁM ĐỐC"
    assert signing_block(["- Lưu: VT. Q. GIÁM ĐỐC"]) == "Q. GIÁM ĐỐC"


def test_an_official_letter_in_a_real_pdf_with_kinh_gui_and_as_above() -> None:
    first = header(
        ["UBND XÃ SƠN VI"], "Số: 19/UBND", "Sơn Vi, ngày 12 tháng 4 năm 2024", parent="UBND HUYỆN LÂM THAO"
    )
    first += [("V/v báo cáo kết quả cải cách hành chính", 150, 716, 10, "c")]
    first += body(["Kính gửi:", "- Phòng Nội vụ huyện Lâm Thao;", "- Văn phòng HĐND và UBND huyện."], 660)
    last = closing(["- Như trên;", "- Lưu: VT."], ["CHỦ TỊCH"], 200)
    meta = read_text(pdf([first, body(["Nội dung"]) + last]))
    assert (meta.parent, meta.agency, meta.number, meta.notation) == (
        "UBND HUYỆN LÂM THAO",
        "UBND XÃ SƠN VI",
        "19",
        "UBND",
    )
    assert (meta.place, meta.date, meta.kind) == ("Sơn Vi", date(2024, 4, 12), "Công văn")
    assert meta.subject == "V/v báo cáo kết quả cải cách hành chính"
    assert meta.recipients == ("Phòng Nội vụ huyện Lâm Thao", "Văn phòng HĐND và UBND huyện")
    assert meta.signing == "CHỦ TỊCH" and meta.file_copy == "Lưu: VT"


def test_every_letter_of_the_bare_sample_folder_reads_as_it_was_laid_out(sample_docs: Path) -> None:
    """sample_docs/thu-muc-khong-metadata/: two-line agency names, a parent body above the agency, "Số:"
    with and without its space, dates over one line or two, recipients over several lines, "(b/c)",
    "Kính gửi" with "Như trên", a second page; read from the real (signed, tampered) files."""
    bare = bare_folder()
    for doc in bare.plan():
        meta = read_text((sample_docs / bare.FOLDER / doc.file).read_bytes())
        number = doc.number
        if doc.sign == "tampered":  # a digit of the number was flipped after signing: the text shows it
            number = str((int(number[0]) + 1) % 10) + number[1:]
        assert (meta.parent, meta.agency) == (doc.parent or None, " ".join(doc.header)), doc.file
        assert (meta.number, meta.notation, meta.place, meta.date) == (
            number,
            doc.notation,
            doc.place,
            doc.day,
        )
        assert meta.kind == (doc.kind.capitalize() if doc.kind else "Công văn"), doc.file
        assert meta.has_recipient_list and meta.file_copy == doc.recipients[-1][2:].rstrip("."), doc.file
        assert bool(meta.recipients) == (doc.exchange == "inter_agency"), doc.file
        assert meta.page_count == (2 if doc.two_pages else 1)
    read = {doc.file: read_text((sample_docs / bare.FOLDER / doc.file).read_bytes()) for doc in bare.plan()}
    # a recipient running over two lines is one recipient
    assert read["son-vi-bao-cao-khong-ky.pdf"].recipients == (
        "Phòng Nội vụ huyện Lâm Thao",
        "Văn phòng HĐND và UBND huyện Lâm Thao",
    )
    # "Như trên" stands for the Kính gửi addressees, one line or a list; "(b/c)" marks reporting upward
    assert read["viet-tri-du-thao-gui-so.pdf"].recipients == ("Sở Nội vụ tỉnh Phú Thọ",)
    assert read["lam-thao-146-ubnd-vp.pdf"].recipients == (
        "UBND các xã, thị trấn",
        "Phòng Nông nghiệp và PTNT huyện",
        "Thường trực Huyện ủy",
    )
    assert read["lam-thao-146-ubnd-vp.pdf"].upward == ("Thường trực Huyện ủy",)
    assert read["301_UBND-VP.pdf"].upward == ("UBND tỉnh Phú Thọ",)
    assert read["ke-hoach-88-ubnd.pdf"].date == date(2024, 6, 3)  # "ngày 03 tháng 06" / "năm 2024"
