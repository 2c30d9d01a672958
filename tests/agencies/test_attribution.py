"""Attribution order: metadata, then the agency certificate, then the document's header; conflicts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from decree30_pdf import closing, header, pdf
from sigaudit.agencies.attribution import attribute_document, meta_from_text
from sigaudit.agencies.names import level_from_name, level_of_group
from sigaudit.agencies.registry import EMPTY_REGISTRY, load_registry, party_level
from sigaudit.aggregate.exchange import party_key
from sigaudit.content import read_text
from sigaudit.model import NO_META, Level, Party, TextMeta, TextStatus
from sigaudit.sources.manifest import ManifestEntry

DAY = date(2024, 3, 12)
HEADER = TextMeta(TextStatus.READ, agency="UBND XÃ SƠN VI", parent="UBND HUYỆN LÂM THAO", date=DAY)


def _registry(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "agencies.csv"
    path.write_text(
        "code,name,level,parent_code,valid_from,valid_to\n"
        "000.00.12.H44,Sở Nội vụ tỉnh Phú Thọ,province,,,\n"
        "000.03.31.H44,UBND xã Sơn Vi,commune,,,\n",
        encoding="utf-8",
    )
    return load_registry(path)


def test_the_header_alone_gives_the_level_by_the_name_rules() -> None:
    from sigaudit.agencies.registry import EMPTY_REGISTRY

    found = attribute_document(None, EMPTY_REGISTRY, text=HEADER)
    assert (found.agency.level, found.agency.source, found.conflict) == (Level.COMMUNE, "text", None)
    assert "document header 'UBND XÃ SƠN VI'" in found.agency.basis


def test_the_registry_by_name_comes_before_the_rules_and_gives_the_code(tmp_path: Path) -> None:
    found = attribute_document(None, _registry(tmp_path), text=HEADER)
    assert (found.agency.code, found.agency.level, found.agency.source) == (
        "000.03.31.H44",
        Level.COMMUNE,
        "text+registry",
    )


def test_a_department_under_its_parent_body_is_found_in_the_registry_with_the_parents_place(
    tmp_path: Path,
) -> None:
    """ "SỞ NỘI VỤ" under "UBND TỈNH PHÚ THỌ" is the registry's "Sở Nội vụ tỉnh Phú Thọ": the registry
    is asked for every reading of the header before the name rules (which give the level, not the code)."""
    header = TextMeta(TextStatus.READ, agency="SỞ NỘI VỤ", parent="UBND TỈNH PHÚ THỌ", date=DAY)
    found = attribute_document(None, _registry(tmp_path), text=header).agency
    assert (found.code, found.level, found.source) == ("000.00.12.H44", Level.PROVINCE, "text+registry")
    assert "document header 'SỞ NỘI VỤ TỈNH PHÚ THỌ' is Sở Nội vụ tỉnh Phú Thọ" in found.basis
    from sigaudit.agencies.registry import EMPTY_REGISTRY

    by_rule = attribute_document(None, EMPTY_REGISTRY, text=header).agency
    assert (by_rule.code, by_rule.level, by_rule.source) == (None, Level.PROVINCE, "text")


def test_the_certificate_comes_before_the_text_and_its_uid_before_its_name(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    names = (("Sở Nội vụ tỉnh Phú Thọ", "UBND tỉnh Phú Thọ"),)
    found = attribute_document(None, registry, names, ("MST:000.00.12.H44",), HEADER)
    assert (found.agency.code, found.agency.level, found.agency.source) == (
        "000.00.12.H44",
        Level.PROVINCE,
        "certificate+registry",
    )
    # the header says a commune: the stronger source is kept, both are shown, and the run warns
    assert found.conflict is not None and "text+registry says commune" in found.conflict
    assert "text+registry says commune (UBND xã Sơn Vi)" in found.agency.basis


def test_the_certificates_o_is_the_parent_body_and_is_not_read_when_there_is_a_cn() -> None:
    from sigaudit.agencies.registry import EMPTY_REGISTRY

    found = attribute_document(None, EMPTY_REGISTRY, (("Trường Tiểu học Sơn Vi", "UBND xã Sơn Vi"),))
    assert found.agency.level == Level.UNKNOWN
    assert "no metadata" in found.agency.basis and "the text was not read" in found.agency.basis


def test_stated_metadata_wins(tmp_path: Path) -> None:
    entry = ManifestEntry(path="a.pdf", agency_code=None, agency_name="UBND xã Sơn Vi", level=Level.DISTRICT)
    found = attribute_document(entry, _registry(tmp_path), text=HEADER)
    assert (found.agency.level, found.agency.source) == (Level.DISTRICT, "manifest")
    assert found.conflict is not None and "says commune" in found.conflict


def test_recipients_read_from_the_document_make_the_exchange(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    issuer = attribute_document(None, registry, text=HEADER).agency
    sent = TextMeta(
        TextStatus.READ, agency="UBND XÃ SƠN VI", recipients=("Sở Nội vụ tỉnh Phú Thọ", "UBND xã Sơn Vi"),
        number="7", notation="UBND", date=DAY, has_recipient_list=True,
    )  # fmt: skip
    meta = meta_from_text(NO_META, sent, issuer, registry)
    assert [(p.code, p.level) for p in meta.recipients] == [
        ("000.00.12.H44", Level.PROVINCE)
    ]  # issuer dropped
    assert (meta.source, meta.number_notation, meta.date) == ("text", "7/UBND", DAY)
    file_copy_only = TextMeta(
        TextStatus.READ, agency="UBND XÃ SƠN VI", file_copy="Lưu: VT", has_recipient_list=True
    )
    own = meta_from_text(NO_META, file_copy_only, issuer, registry)
    assert [p.code for p in own.recipients] == [issuer.code]  # its only recipient is itself: internal


@pytest.mark.parametrize(
    ("group", "level"),
    [
        ("UBND các huyện, thành, thị", Level.DISTRICT),
        ("Ủy ban nhân dân các huyện, thành phố, thị xã", Level.DISTRICT),
        ("UBND các xã, thị trấn", Level.COMMUNE),
        ("UBND các xã, phường, thị trấn", Level.COMMUNE),
        ("Các sở, ban, ngành", Level.PROVINCE),
        ("Các Bộ, cơ quan ngang Bộ", Level.CENTRAL),
    ],
)
def test_a_recipient_group_has_the_level_of_the_agencies_it_names(group: str, level: Level) -> None:
    found = level_of_group(group, DAY)
    assert found is not None and found.level == level and "group" in found.basis
    assert level_from_name(group, DAY) is None  # a group is no issuing agency: the name rules ignore it


def test_names_of_single_agencies_are_no_groups() -> None:
    for name in (
        "UBND huyện Lâm Thao",
        "Sở Nội vụ tỉnh Phú Thọ",
        "Phòng Nội vụ huyện Lâm Thao",
        "Như Điều 3",
    ):
        assert level_of_group(name, DAY) is None, name
    later = level_of_group("UBND các huyện, thành, thị", date(2025, 7, 1))  # no district level by then
    assert later is not None and later.level == Level.UNKNOWN


def test_a_letter_sent_to_groups_is_inter_agency_toward_their_levels(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    issuer = attribute_document(None, registry, text=HEADER).agency
    sent = TextMeta(
        TextStatus.READ, agency="UBND XÃ SƠN VI", date=DAY, has_recipient_list=True,
        recipients=("UBND các xã, thị trấn", "Các sở, ban, ngành", "Thường trực Đảng ủy"),
    )  # fmt: skip
    meta = meta_from_text(NO_META, sent, issuer, registry)
    assert [(p.name, p.level) for p in meta.recipients] == [
        ("UBND các xã, thị trấn", Level.COMMUNE),  # the issuer's own level: still other agencies
        ("Các sở, ban, ngành", Level.PROVINCE),
        ("Thường trực Đảng ủy", Level.UNKNOWN),  # another body, level not in the name
    ]
    # the same group named by an export's metadata (a manifest's recipients) resolves alike
    assert party_level(Party(None, "UBND các huyện, thành, thị"), DAY, registry).level == Level.DISTRICT


def test_an_internal_note_from_an_unplaced_agency_names_no_other_body() -> None:
    """A note whose header names a body no rule places ("PHÒNG HÀNH CHÍNH") and whose ``Nơi nhận`` holds
    only the file copy is internal: its one recipient is its issuer. Before, the recipient took the
    header's name while the issuer (level unknown) had none, so the two differed and an unsigned
    internal note counted as sent to another agency."""
    note = read_text(
        pdf([header(["PHÒNG HÀNH CHÍNH"], "Số: 9/PHC", "Sơn Vi, ngày 3 tháng 4 năm 2024")
             + closing(["- Lưu: VT."], ["TRƯỞNG PHÒNG"])])
    )  # fmt: skip
    assert (note.agency, note.recipients, note.file_copy) == ("PHÒNG HÀNH CHÍNH", (), "Lưu: VT")
    issuer = attribute_document(None, EMPTY_REGISTRY, text=note).agency
    assert issuer.level == Level.UNKNOWN
    meta = meta_from_text(NO_META, note, issuer, EMPTY_REGISTRY)
    sender = party_key(issuer.code, issuer.name)
    others = {party_key(p.code, p.name) for p in meta.recipients} - {sender, None}
    assert not others, f"an internal note names {others} as another body"


def test_a_recipient_named_by_a_header_the_certificate_overrules_is_another_body() -> None:
    """The certificate (UBND huyện Lâm Thao, district) outranks the header (UBND XÃ SƠN VI, commune):
    the district is the sender, so a ``Nơi nhận`` naming UBND xã Sơn Vi names another agency. It was
    dropped as the sender itself, and the letter counted as internal: a header naming the recipient
    took a letter between agencies out of the KPI."""
    letter = TextMeta(
        TextStatus.READ, agency="UBND XÃ SƠN VI", date=DAY, has_recipient_list=True,
        recipients=("UBND xã Sơn Vi",), file_copy="Lưu: VT",
    )  # fmt: skip
    found = attribute_document(
        None, EMPTY_REGISTRY, certificates=(("UBND huyện Lâm Thao", None),), text=letter
    )
    assert (found.agency.level, found.agency.source) == (Level.DISTRICT, "certificate")
    assert found.conflict is not None and "text says commune" in found.conflict
    meta = meta_from_text(NO_META, letter, found.agency, EMPTY_REGISTRY)
    assert [(p.name, p.level) for p in meta.recipients] == [("UBND xã Sơn Vi", Level.COMMUNE)]
    # the same header when it agrees with the certificate still names the sender itself
    same = attribute_document(None, EMPTY_REGISTRY, certificates=(("UBND xã Sơn Vi", None),), text=letter)
    own = meta_from_text(NO_META, letter, same.agency, EMPTY_REGISTRY)
    assert [p.name for p in own.recipients] == ["UBND xã Sơn Vi"] and own.recipients[
        0
    ].code == same.agency.code
