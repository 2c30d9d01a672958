"""The issuer's own bodies among its recipients (names.is_own_body): itself under position titles or
without its place, a commune's office, a department's office and units; and what stays another body."""

from __future__ import annotations

from datetime import date

import pytest

from sigaudit.agencies.attribution import attribute_document, meta_from_text
from sigaudit.agencies.names import is_own_body, without_titles
from sigaudit.agencies.registry import EMPTY_REGISTRY
from sigaudit.model import NO_META, Level, TextMeta, TextStatus

PROVINCE = ("UBND tỉnh Phú Thọ", "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ")
COMMUNE = ("UBND xã Sơn Vi", "UBND XÃ SƠN VI")
DEPARTMENT = ("Sở Nội vụ tỉnh Phú Thọ", "SỞ NỘI VỤ")


@pytest.mark.parametrize(
    ("recipient", "issuer"),
    [
        ("Chủ tịch, các PCT UBND tỉnh", PROVINCE),  # its own leadership
        ("UBND tỉnh", PROVINCE),  # without its place
        ("Ủy ban nhân dân tỉnh Phú Thọ", PROVINCE),
        ("Chủ tịch UBND xã Sơn Vi", COMMUNE),
        ("Văn phòng UBND xã", COMMUNE),  # a commune's office is its staff
        ("Văn phòng HĐND và UBND xã", COMMUNE),
        ("VP UBND xã Sơn Vi", COMMUNE),
        ("Văn phòng Sở", DEPARTMENT),
        ("Các phòng, đơn vị thuộc Sở", DEPARTMENT),
        ("Phòng Tổ chức thuộc Sở Nội vụ", DEPARTMENT),
        ("Thanh tra Sở", DEPARTMENT),
        ("Giám đốc Sở Nội vụ", DEPARTMENT),
    ],
)
def test_the_issuer_and_its_own_units(recipient: str, issuer: tuple[str, ...]) -> None:
    assert is_own_body(recipient, issuer)


@pytest.mark.parametrize(
    ("recipient", "issuer"),
    [
        ("UBND xã Gia Cẩm", COMMUNE),  # another place
        ("Văn phòng UBND xã Gia Cẩm", COMMUNE),
        ("HĐND xã", COMMUNE),  # another body of the same place
        ("UBND huyện Lâm Thao", COMMUNE),
        ("UBND tỉnh Hòa Bình", PROVINCE),
        ("Văn phòng UBND tỉnh", PROVINCE),  # a province's office is an agency of its own
        ("TT HĐND tỉnh", PROVINCE),
        ("UBND các xã, thị trấn", COMMUNE),  # a group: other communes
        ("Sở Tài chính", DEPARTMENT),
        ("Văn phòng Sở Tài chính", DEPARTMENT),
        ("Sở Nội vụ tỉnh Hòa Bình", DEPARTMENT),
        ("Văn phòng UBND tỉnh", DEPARTMENT),
        ("Sở Nội vụ tỉnh Phú Thọ", ("SỞ NỘI VỤ",)),  # the issuer's place unknown: not told
        ("Chủ tịch", COMMUNE),  # a title alone names no body
    ],
)
def test_other_bodies_stay_other(recipient: str, issuer: tuple[str, ...]) -> None:
    assert not is_own_body(recipient, issuer)


def test_a_commune_office_is_an_agency_from_the_two_tier_reform() -> None:
    """Before 2025-07-01 a commune's office is its staff; from then, the new commune's Văn phòng HĐND và
    UBND is one of its specialised agencies (Decree 150/2025/NĐ-CP): another body."""
    for office in ("Văn phòng UBND xã", "Văn phòng HĐND và UBND xã Sơn Vi"):
        assert is_own_body(office, COMMUNE, date(2025, 6, 30))
        assert not is_own_body(office, COMMUNE, date(2025, 7, 1))
    assert is_own_body("Chủ tịch UBND xã Sơn Vi", COMMUNE, date(2025, 7, 1))  # itself stays itself
    assert is_own_body("Văn phòng Sở", DEPARTMENT, date(2025, 7, 1))


def test_titles_are_taken_off_the_name() -> None:
    assert without_titles("chu tich cac pct uy ban nhan dan tinh") == "uy ban nhan dan tinh"
    assert without_titles("chanh van phong so") == "van phong so"
    assert without_titles("truong phong noi vu") == "phong noi vu"
    assert without_titles("thi tran hoi dong nhan dan tinh") == "hoi dong nhan dan tinh"  # "TT HĐND"
    assert without_titles("uy ban nhan dan thi tran lam thao") == "uy ban nhan dan thi tran lam thao"


def test_a_letter_to_its_own_leadership_and_groups_counts_the_groups_only() -> None:
    day = date(2024, 8, 5)
    text = TextMeta(
        TextStatus.READ, agency="ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", date=day, has_recipient_list=True,
        recipients=("Các sở, ban, ngành tỉnh", "Chủ tịch, các PCT UBND tỉnh", "UBND tỉnh"),
    )  # fmt: skip
    issuer = attribute_document(None, EMPTY_REGISTRY, text=text).agency
    meta = meta_from_text(NO_META, text, issuer, EMPTY_REGISTRY)
    assert [(p.name, p.level) for p in meta.recipients] == [("Các sở, ban, ngành tỉnh", Level.PROVINCE)]
    only_own = TextMeta(
        TextStatus.READ, agency="SỞ NỘI VỤ", parent="UBND TỈNH PHÚ THỌ", date=day, has_recipient_list=True,
        recipients=("Văn phòng Sở", "Thanh tra Sở"),
    )  # fmt: skip
    issuer = attribute_document(None, EMPTY_REGISTRY, text=only_own).agency
    meta = meta_from_text(NO_META, only_own, issuer, EMPTY_REGISTRY)
    assert [(p.name, p.level) for p in meta.recipients] == [(issuer.name, Level.PROVINCE)]  # internal


def test_a_recipient_named_by_its_head_resolves_to_the_body() -> None:
    day = date(2024, 8, 19)
    text = TextMeta(
        TextStatus.READ, agency="VĂN PHÒNG", parent="UBND TỈNH PHÚ THỌ", date=day, has_recipient_list=True,
        recipients=("Chủ tịch UBND tỉnh", "Giám đốc Sở Tài chính", "Chủ tịch UBND các huyện", "TT Tỉnh ủy"),
    )  # fmt: skip
    issuer = attribute_document(None, EMPTY_REGISTRY, text=text).agency
    assert issuer.name == "VĂN PHÒNG UBND TỈNH PHÚ THỌ"  # the province's office: UBND tỉnh is another body
    meta = meta_from_text(NO_META, text, issuer, EMPTY_REGISTRY)
    assert [(p.name, p.level) for p in meta.recipients] == [
        ("Chủ tịch UBND tỉnh", Level.PROVINCE),
        ("Giám đốc Sở Tài chính", Level.PROVINCE),
        ("Chủ tịch UBND các huyện", Level.DISTRICT),  # a group, named by its heads
        ("TT Tỉnh ủy", Level.UNKNOWN),  # a Party body: no level in its name
    ]
