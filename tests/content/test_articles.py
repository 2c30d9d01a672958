"""A "Như Điều 3" recipient: the bodies the article charges, read from the pages' text (content/articles.py),
and the exchange they make once the issuer's own units are told apart (agencies/attribution.py)."""

from __future__ import annotations

import pytest

from sigaudit.agencies.attribution import attribute_document, meta_from_text
from sigaudit.agencies.registry import EMPTY_REGISTRY
from sigaudit.content import TextLimits, bounded
from sigaudit.content.articles import article_numbers, read_article
from sigaudit.content.decree30 import parse
from sigaudit.content.pages import Page
from sigaudit.model import NO_META, Level

HEADER = """UBND HUYỆN LÂM THAO
UBND XÃ SƠN VI
Số: 19/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Sơn Vi, ngày 16 tháng 9 năm 2024
QUYẾT ĐỊNH
Về việc phân công cán bộ
ỦY BAN NHÂN DÂN XÃ SƠN VI
QUYẾT ĐỊNH:
Điều 1. Phân công công chức Văn phòng - Thống kê theo dõi công tác văn thư.
Điều 2. Quyết định có hiệu lực kể từ ngày ký.
"""
CLOSING = """Nơi nhận:
- Như Điều 3;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
"""


def _decision(article_3: str) -> str:
    return HEADER + article_3 + "\n" + CLOSING


def _exchange(first: str, last: str | None = None) -> list[tuple[str | None, Level]]:
    text = parse(Page.single(first), Page.single(last, 2) if last else None, 2 if last else 1)
    issuer = attribute_document(None, EMPTY_REGISTRY, text=text).agency
    meta = meta_from_text(NO_META, text, issuer, EMPTY_REGISTRY)
    return [(p.name, p.level) for p in meta.recipients]


@pytest.mark.parametrize(
    ("entry", "numbers"),
    [
        ("Như Điều 3", (3,)),
        ("Như điều 3", (3,)),
        ("NHƯ ĐIỀU 4", (4,)),
        ("Như Điều 2, 3", (2, 3)),
        ("Như Điều 2 và 3", (2, 3)),
        ("Như Điều 2-4", None),  # a range: kept as written
        ("Như trên", None),
        ("Như Điều 3 Quyết định số 12", None),
        ("Sở Nội vụ", None),
    ],
)
def test_which_entries_stand_for_articles(entry: str, numbers: tuple[int, ...] | None) -> None:
    assert article_numbers(entry) == numbers


def test_the_charge_is_read_over_line_breaks_with_titles_taken_off() -> None:
    lines = """Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND
tỉnh, Giám đốc các Sở: Nội vụ, Tài chính; Chủ tịch UBND các huyện, thành, thị; Trưởng
phòng Nội vụ huyện Lâm Thao, Thủ trưởng các cơ quan, đơn vị có liên quan và ông Nguyễn Văn An
CHỊU TRÁCH NHIỆM THI HÀNH Quyết định này./.""".splitlines()
    read = read_article(lines, 3)
    assert read is not None
    bodies, persons = read
    assert bodies == (
        "Văn phòng UBND tỉnh",  # "Chánh Văn phòng" → "Văn phòng", over the line break
        "Các Sở: Nội vụ, Tài chính",  # the sentence before ("… ngày ký.") is not part of the charge
        "UBND các huyện, thành, thị",  # the commas inside a group do not split it
        "Phòng Nội vụ huyện Lâm Thao",  # "Trưởng phòng" → "Phòng"
        "Các cơ quan, đơn vị có liên quan",  # a catch-all: other bodies, not named (kept)
    )
    assert persons == ("ông Nguyễn Văn An",)


def test_the_other_endings_of_the_charge_and_a_joint_office() -> None:
    lines = ["Điều 4. Văn phòng HĐND và UBND xã, công chức Tư pháp - Hộ tịch căn cứ Quyết định thi hành."]
    assert read_article(lines, 4) == (("Văn phòng HĐND và UBND xã",), ("công chức Tư pháp - Hộ tịch",))
    lines = ["Điều 3: Giám đốc Sở Tài chính, Kho bạc Nhà nước TP. Việt Trì thi hành Quyết định này."]
    assert read_article(lines, 3) == (("Sở Tài chính", "Kho bạc Nhà nước TP. Việt Trì"), ())


def test_an_article_not_on_the_lines_or_charging_no_one_is_not_read() -> None:
    assert read_article(["Điều 1. Phân công công chức.", "Điều 2. Có hiệu lực."], 3) is None
    assert read_article(["Điều 3. Quyết định có hiệu lực kể từ ngày ký."], 3) is None
    # "tại Điều 3" inside a sentence is no article heading
    assert read_article(["Các cá nhân có tên tại Điều 3. chịu trách nhiệm thi hành"], 3) is None


def test_a_decision_charging_its_own_office_and_staff_is_internal() -> None:
    text = _decision(
        "Điều 3. Văn phòng UBND xã và công chức có tên tại Điều 1 chịu trách nhiệm\nthi hành Quyết định này."
    )
    meta = parse(Page.single(text))
    assert meta.recipients == ("Như Điều 3",)  # the list as written
    [read] = meta.articles
    assert (read.entry, read.articles, read.bodies, read.left_out) == (
        "Như Điều 3",
        (3,),
        ("Văn phòng UBND xã",),
        ("công chức có tên tại Điều 1",),
    )
    issuer = attribute_document(None, EMPTY_REGISTRY, text=meta).agency
    assert _exchange(text) == [(issuer.name, Level.COMMUNE)]  # its only recipient is itself: internal


def test_persons_only_make_it_internal_and_other_agencies_keep_their_levels() -> None:
    persons = _decision("Điều 3. Các ông, bà có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")
    assert parse(Page.single(persons)).articles[0].bodies == ()
    assert _exchange(persons) == [("UBND XÃ SƠN VI", Level.COMMUNE)]
    others = _decision(
        "Điều 3. Chánh Văn phòng HĐND và UBND xã, Chủ tịch UBND xã Gia Cẩm, Trưởng phòng Nội vụ huyện\n"
        "Lâm Thao và Giám đốc Sở Nội vụ chịu trách nhiệm thi hành Quyết định này."
    )
    assert _exchange(others) == [
        ("UBND xã Gia Cẩm", Level.COMMUNE),  # another commune: another body
        ("Phòng Nội vụ huyện Lâm Thao", Level.DISTRICT),
        ("Sở Nội vụ", Level.PROVINCE),
    ]


def test_the_article_on_the_last_page_and_an_article_not_read() -> None:
    first = HEADER.replace("Điều 2. Quyết định có hiệu lực kể từ ngày ký.\n", "")
    last = "Điều 2. Có hiệu lực kể từ ngày ký.\nĐiều 3. Giám đốc Sở Tài chính chịu trách\nnhiệm thi hành.\n"
    assert _exchange(first, last + CLOSING) == [("Sở Tài chính", Level.PROVINCE)]
    # Article 3 on a middle page, not read: "Như Điều 3" stays a recipient as written, of unknown level
    meta = parse(Page.single(first), Page.single(CLOSING, 3), 3)
    assert (meta.recipients, meta.articles) == (("Như Điều 3",), ())
    assert _exchange(first, "Điều 2. Có hiệu lực.\n" + CLOSING) == [("Như Điều 3", Level.UNKNOWN)]


def test_as_articles_2_and_3_needs_both() -> None:
    both = HEADER.replace(
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.", "Điều 2. Giám đốc Sở Y tế thi hành Quyết định này."
    )
    closing = CLOSING.replace("Như Điều 3", "Như Điều 2, 3")
    text = both + "Điều 3. Chủ tịch UBND huyện Lâm Thao chịu trách nhiệm thi hành.\n" + closing
    assert _exchange(text) == [("Sở Y tế", Level.PROVINCE), ("UBND huyện Lâm Thao", Level.DISTRICT)]
    assert parse(Page.single(both + closing)).articles == ()  # Article 3 missing: not read


def test_what_an_article_charges_is_bounded_as_recipients_are() -> None:
    """A body of 1,200 characters in Article 3 stood for a recipient whole (the field limit cut every
    other field): it is cut to the field limit, and ``detail`` says so."""
    long = "Sở " + "Kế hoạch và Đầu tư " * 60
    text = _decision(f"Điều 3. {long} chịu trách nhiệm thi hành Quyết định này.")
    meta = bounded(parse(Page.single(text)), TextLimits())
    [read] = meta.articles
    [body] = read.bodies
    assert len(body) == TextLimits().max_field and body.endswith("…") and body.startswith("Sở Kế hoạch")
    assert "articles" in meta.detail
