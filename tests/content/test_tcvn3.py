"""Text typed in TCVN3 (ABC) fonts: the table, which runs are converted, and Decree 30 letters whose
text layer holds TCVN3 characters (drawn in DejaVu at the Latin-1 code points, which is what PDFium
gives for a ``.VnTime`` document) read as their Unicode twins."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import unicodedata
from datetime import date

import pypdfium2 as pdfium
import pytest

from decree30_pdf import Line, body, closing, header, pdf
from sigaudit.content import read_text
from sigaudit.content.decree30 import parse
from sigaudit.content.pages import Page, read_pages
from sigaudit.content.tcvn3 import TCVN3, convert_runs, decode, encode, is_syllable
from sigaudit.model import TextMeta

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, grave, acute, hook, tilde, dot
LETTERS = [
    unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in TONES
] + ["đ"]  # fmt: skip


def test_every_vietnamese_letter_of_both_cases_goes_through_tcvn3_and_back() -> None:
    assert len(LETTERS) == 73 and len(TCVN3) == 74  # 67 marked lower-case letters + 7 capitals
    for letter in LETTERS:
        assert decode(encode(letter)) == letter
        assert decode("n" + encode(letter) + "h") == "n" + letter + "h"
        # a capital with a tone has no code: the capital font draws the lower-case one as a capital
        assert decode("N" + encode(letter.upper()) + "H") == "N" + letter.upper() + "H"
    for capital in "ĂÂÊÔƠƯĐ":  # the seven capitals VN3 codes, shown as capitals in any font
        assert decode(encode(capital)) == capital and len(encode(capital)) == 1
    # a capital with a tone opening a lower-case word was typed in the capital font for one letter:
    # the text layer does not say so, and it reads in lower case (.VnTime writers spell "Uỷ ban")
    assert decode(encode("Ủy ban")) == "ủy ban" and decode(encode("Uỷ ban")) == "Uỷ ban"


def test_the_spellings_a_vntime_document_gives() -> None:
    assert decode("Phó Thä, ngµy 12 th¸ng 3 n¨m 2024") == "Phú Thọ, ngày 12 tháng 3 năm 2024"
    assert decode("N¬i nhËn:") == "Nơi nhận:" and decode("Uû ban nh©n d©n") == "Uỷ ban nhân dân"
    assert decode("Sè: 12/UBND-VP") == "Số: 12/UBND-VP"
    assert decode("- L\xadu: VT, TH.") == "- Lưu: VT, TH."  # ư is 0xAD, Latin-1's soft hyphen
    # .VnTimeH: typed with the lower-case codes and capital ASCII letters, shown in capitals
    assert decode("ñY BAN NH¢N D¢N TØNH PHó THä") == "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ"
    assert decode("UBND X· S¥N VI") == "UBND XÃ SƠN VI" and decode("QUYÕT §ÞNH") == "QUYẾT ĐỊNH"


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv")
def test_the_table_agrees_with_glibc_tcvn5712() -> None:
    """glibc's TCVN5712-1 (VN1, a superset of VN3) decodes every VN3 code to the same letter."""
    codes = bytes(ord(c) for c in TCVN3)
    done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=codes, capture_output=True)
    if done.returncode != 0:
        pytest.skip("iconv without TCVN5712-1")
    assert list(done.stdout.decode()) == list(TCVN3.values())


def test_syllable_shapes() -> None:
    for word in ("ngày", "Nghiêng", "quyết", "giữa", "Trưởng", "gì", "khuya", "nhận"):
        assert is_syllable(word), word
    for word in ("ngµy", "Néi", "François", "Müller", "hóà", "strong"):
        assert not is_syllable(word), word


def test_unicode_text_and_foreign_names_are_never_altered() -> None:
    runs = [
        "Hà Nội, ngày 12 tháng 3 năm 2024",
        "Số: 12/UBND-VP",
        "Tôi là Lê Minh",  # Vietnamese written only with letters Latin-1 has: read either way
        "M. François Lefèvre, Zoë Müller, René Noël",
        "café crème brûlée, naïve, Straße, Peña",
        "© 2024 «Bộ Nội vụ» · § 3",
    ]
    assert convert_runs(runs) == (runs, 0)
    assert convert_runs(runs[2:5]) == (runs[2:5], 0)  # no Vietnamese at all beside them


def test_a_page_mixing_a_unicode_header_and_a_tcvn3_body_converts_the_body_only() -> None:
    runs = ["UBND TỈNH PHÚ THỌ", "Số: 12/UBND-VP", "Kính gửi: Sở Nội vụ", "Bé Néi vô", "ngµy 12 th¸ng 3"]
    read, converted = convert_runs(runs)
    assert read == [*runs[:3], "Bộ Nội vụ", "ngày 12 tháng 3"] and converted == 2
    # a run that reads either way ("Bé Néi vô" has one word for each) follows its page
    assert convert_runs(["Sè: 45/UBND", "N¬i nhËn:"]) == (["Số: 45/UBND", "Nơi nhận:"], 2)
    assert convert_runs(["Sè: 45/UBND", "Hà Nội", "Thủ tướng"]) == (["Sè: 45/UBND", "Hà Nội", "Thủ tướng"], 0)


DECISION = """UBND TỈNH PHÚ THỌ
SỞ NỘI VỤ
Số: 512/QĐ-SNV
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Phú Thọ, ngày 05 tháng 3 năm 2024
QUYẾT ĐỊNH
Về việc cử công chức đi học tập trung
Căn cứ Luật Cán bộ, công chức;
Nơi nhận:
- Như Điều 3;
- UBND tỉnh (b/c);
- Lưu: VT, TCCB.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
"""


def test_a_decision_typed_in_tcvn3_as_plain_text_reads_as_the_unicode_one() -> None:
    typed = encode(DECISION)
    assert "ngµy 05 th¸ng 3 n¨m 2024" in typed and "QUYÕT §ÞNH" in typed
    converted = parse(Page.single(typed))
    assert converted.tcvn3_pages == (1,) and parse(Page.single(DECISION)).tcvn3_pages == ()
    assert dataclasses.replace(converted, tcvn3_pages=()) == parse(Page.single(DECISION))
    assert (converted.agency, converted.kind, converted.signing) == (
        "SỞ NỘI VỤ",
        "Quyết định",
        "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
    )


def _letter(recipients: list[str], extra: list[str] | None = None) -> list[list[Line]]:
    first = header(
        ["ỦY BAN NHÂN DÂN", "XÃ SƠN VI"],
        "Số: 19/UBND",
        "Sơn Vi, ngày 12 tháng 4 năm 2024",
        parent="UBND HUYỆN LÂM THAO",
    )
    first += [("V/v báo cáo kết quả cải cách hành chính", 150, 690, 10, "c")]
    first += body(["Kính gửi: Phòng Nội vụ huyện Lâm Thao", *(extra or [])], 640)
    last = closing(recipients, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], 200)
    return [first, body(["Đề nghị Phòng Nội vụ tổng hợp."]) + last]


RECIPIENTS = ["- Như trên;", "- Thường trực Huyện ủy (b/c);", "- Lưu: VT."]


def _typed(lines: list[Line]) -> list[Line]:
    return [(encode(text), x, y, size, align) for text, x, y, size, align in lines]


def _without_mark(meta: TextMeta) -> TextMeta:
    return dataclasses.replace(meta, tcvn3_pages=())


def test_a_letter_typed_in_vntime_gives_the_fields_of_its_unicode_twin() -> None:
    unicode_letter = _letter(RECIPIENTS)
    typed = pdf([_typed(page) for page in unicode_letter])
    layer = pdfium.PdfDocument(typed)[0].get_textpage().get_text_range()
    assert "S¬n Vi, ngµy 12 th¸ng 4 n¨m 2024" in layer and "Sè: 19/UBND" in layer  # what PDFium gives
    meta, twin = read_text(typed), read_text(pdf(unicode_letter))
    assert meta.tcvn3_pages == (1, 2) and twin.tcvn3_pages == ()
    assert _without_mark(meta) == twin
    assert (meta.parent, meta.agency, meta.number, meta.notation) == (
        "UBND HUYỆN LÂM THAO",
        "ỦY BAN NHÂN DÂN XÃ SƠN VI",
        "19",
        "UBND",
    )
    assert (meta.place, meta.date, meta.kind) == ("Sơn Vi", date(2024, 4, 12), "Công văn")
    assert meta.recipients == ("Phòng Nội vụ huyện Lâm Thao", "Thường trực Huyện ủy")
    assert meta.upward == ("Thường trực Huyện ủy",) and meta.file_copy == "Lưu: VT"
    assert meta.signing == "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"


def test_a_unicode_letter_with_foreign_names_reads_exactly_as_drawn() -> None:
    names = ["Ông François Lefèvre (Pháp), bà Zoë Müller và René Noël", "Café Brûlée; Straße"]
    letter = _letter([*RECIPIENTS[:2], "- M. François Lefèvre;", "- Lưu: VT."], names)
    page = read_pages(pdf(letter)).pages[0]
    assert page.converted == 0 and all(name in page.lines for name in names)
    meta = read_text(pdf(letter))
    assert meta.tcvn3_pages == () and meta.place == "Sơn Vi"
    assert meta.recipients[-1] == "M. François Lefèvre"


def test_a_letter_with_a_unicode_template_header_and_a_tcvn3_body() -> None:
    """The header comes from a Unicode template; the body, Nơi nhận and signing block were typed in
    .VnTime: each part reads as written, and the fields are the Unicode letter's."""
    first, last = _letter(RECIPIENTS)
    head = [line for line in first if line[2] >= 690]
    mixed = [head + _typed([line for line in first if line[2] < 690]), _typed(last)]
    meta = read_text(pdf(mixed))
    assert meta.tcvn3_pages == (1, 2)
    assert _without_mark(meta) == read_text(pdf(_letter(RECIPIENTS)))
    page = read_pages(pdf(mixed)).pages[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.right
    assert "Kính gửi: Phòng Nội vụ huyện Lâm Thao" in page.lines


# Unicode text whose symbols are VN3 letters when they stand alone: « » ô ằ, © â, · ã, ª ê, ½ ẵ, ¶ ả.
WESTERN_SYMBOLS = [
    "« Bonjour » dit-il",
    "Le café de la gare",
    "Copyright © 2024 Công ty ABC",
    "Home · About · Contact",
    "1ª edición, 2º piso",
    "1½ kg, ¾ l, ¼ h",
    "¶ 3, § 5, 5 µg, 10 µm",
]


def test_a_symbol_standing_alone_does_not_make_unicode_text_tcvn3() -> None:
    """Each of those symbols standing alone read as a VN3 letter is a syllable ("ô", "â", "ã"), so it
    voted TCVN3: « Bonjour » became "ô Bonjour ằ", and the run beside it "Le cafộ de la gare" (the
    page's majority); "µm" read "àm". A word votes only when it holds a letter and does not open with
    the micro sign; TCVN3 words of one VN3 letter ("ë", ở) still vote, and convert with their run."""
    assert convert_runs(WESTERN_SYMBOLS) == (WESTERN_SYMBOLS, 0)
    for run in WESTERN_SYMBOLS:
        assert convert_runs([run]) == ([run], 0), run
    assert convert_runs(["t«i ë nhµ", "ë ®©y"]) == (["tôi ở nhà", "ở đây"], 2)


def test_a_page_of_western_european_text_with_symbols_reads_as_drawn() -> None:
    lines = [
        *WESTERN_SYMBOLS,
        "Les élèves étudient à l'école près de la rivière.",
        "Die Größe der Bäume ist überwältigend, Grüße aus München.",
        "¿Dónde está la estación? Sí, señor. Não há pão.",
    ]
    page = read_pages(pdf([body(lines, 760)])).pages[0]
    assert page.converted == 0 and all(line in page.lines for line in lines)
