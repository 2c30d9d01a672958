"""Letters made the way offices make them, scanned as a bare folder: does sigaudit count what a reader counts?

tests/content/office_letters/ holds Decree 30 letters written as Word documents (python-docx) and
converted to PDF by LibreOffice (``scripts/make_office_letters.py``): borderless header and signing
tables, Liberation Serif subsets, justified text, Word list numbering and bullets, an underlined motto,
a three-page letter. Some are signed with the demo agency keys, some tampered after signing, some
unsigned, some internal. ``expected.json`` says, per file, what a person reading the letter concludes
(issuing agency, level, inter-agency or internal, verdict, and the number, date and recipients), written
by reading the letters, not from sigaudit's output. Neither the generator nor the parser wrote them:
these are the parser's outside measure. The tests read the checked-in files only (CI has no LibreOffice).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scan_json import scan_json
from sigaudit.agencies.attribution import from_text
from sigaudit.agencies.registry import load_registry
from sigaudit.content import read_text
from sigaudit.model import TextStatus

FOLDER = Path(__file__).parent / "office_letters"
LEVELS = ("province", "district", "commune")
SIGNED = ("valid", "invalid", "indeterminate")


def _expected() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))
    return data


def test_the_folder_holds_office_letters_of_every_case() -> None:
    expected = _expected()
    pdfs = sorted(p.name for p in FOLDER.glob("*.pdf"))
    assert pdfs == sorted(expected)
    assert sum(p.stat().st_size for p in FOLDER.iterdir()) < 1_000_000
    producer = "LibreOffice".encode("utf-16-be").hex().upper().encode()  # /Producer<FEFF004C0069…>
    for name in pdfs:  # made by LibreOffice, not by the sample's generator
        assert producer in (FOLDER / name).read_bytes(), name
    for level in LEVELS:  # each level has each case a reader tells apart, so a misread moves a count
        cases = {(e["expected_verdict"], e["exchange"]) for e in expected.values() if e["level"] == level}
        assert {("valid", "inter_agency"), ("unsigned", "inter_agency"), ("invalid", "inter_agency")} <= cases
        assert any(exchange == "internal" for _, exchange in cases)


def test_each_letter_reads_as_a_reader_reads_it(demo_pki: Path) -> None:
    """Number, notation, date, recipients and the issuing agency (the header, through the registry)."""
    registry = load_registry(demo_pki.parent / "agencies.csv")
    for name, e in _expected().items():
        text = read_text((FOLDER / name).read_bytes())
        assert text.status == TextStatus.READ, name
        assert (text.number, text.notation) == (e["number"], e["notation"]), name
        assert text.date == date.fromisoformat(e["date"]), name
        assert list(text.recipients) == e["recipients"], name
        assert text.has_recipient_list and text.file_copy and text.file_copy.startswith("Lưu"), name
        agency = from_text(text, text.date, registry)
        assert agency is not None, name
        assert (agency.name, agency.code, agency.level.value) == (
            e["agency"],
            e["agency_code"],
            e["level"],
        ), name


def test_a_few_letters_field_by_field() -> None:
    tinh = read_text((FOLDER / "tinh-cv-56-ky.pdf").read_bytes())
    # the header's two lines in a table cell; "Kính gửi:" then a tab; "Như trên" stands for them
    assert (tinh.parent, tinh.agency) == (None, "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ")
    assert (tinh.place, tinh.kind) == ("Phú Thọ", "Công văn")
    assert tinh.subject == "V/v triển khai ký số văn bản điện tử trong cơ quan hành chính nhà nước"
    assert tinh.signing == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    three = read_text((FOLDER / "viet-tri-cv-402-ky-3-trang.pdf").read_bytes())
    assert (three.page_count, three.pages) == (3, (1, 3))  # Nơi nhận on the last page
    assert three.upward == ("UBND tỉnh Phú Thọ",)
    decision = read_text((FOLDER / "snv-qd-215-khong-ky.pdf").read_bytes())
    assert (decision.parent, decision.agency, decision.kind) == (
        "UBND TỈNH PHÚ THỌ",
        "SỞ NỘI VỤ",
        "Quyết định",
    )
    assert decision.upward == ("UBND tỉnh",)  # "(để b/c)"
    wrapped = read_text((FOLDER / "tt-lam-thao-cv-35-sua.pdf").read_bytes())
    assert wrapped.agency == "UBND THỊ TRẤN LÂM THAO"  # "UBND THỊ TRẤN LÂM / THAO" in its cell
    bulleted = read_text((FOLDER / "viet-tri-tb-noi-bo.pdf").read_bytes())  # Word's Symbol bullet
    assert (bulleted.recipients, bulleted.file_copy) == ((), "Lưu: VT, VP")


@pytest.mark.slow
@pytest.mark.parametrize("with_registry", [False, True], ids=["name-rules", "registry"])
def test_the_kpi_per_level_is_what_a_reader_counts(
    with_registry: bool, demo_pki: Path, tmp_path: Path
) -> None:
    registry = ("--agencies", str(demo_pki.parent / "agencies.csv")) if with_registry else ()
    _, report = scan_json(FOLDER, demo_pki, tmp_path / "r.json", *registry)
    expected = _expected()
    docs = {Path(d["path"]).name: d for d in report["documents"]}
    assert set(docs) == set(expected)
    want = {level: Counter({"documents": 0, "signed": 0, "valid": 0}) for level in LEVELS}
    for name, e in expected.items():
        doc = docs[name]
        assert (doc["verdict"], doc["agency"]["level"]) == (e["expected_verdict"], e["level"]), name
        assert doc["metadata"]["source"] == "text", name
        assert doc["excluded_reason"] == (None if e["exchange"] == "inter_agency" else "internal"), name
        if with_registry:
            assert doc["agency"]["code"] == e["agency_code"], name
        if e["exchange"] == "inter_agency":
            want[e["level"]]["documents"] += 1
            want[e["level"]]["signed"] += e["expected_verdict"] in SIGNED
            want[e["level"]]["valid"] += e["expected_verdict"] == "valid"
    by_level = report["summary"]["by_level"]
    got = {level: {k: by_level[level][k] for k in ("documents", "signed", "valid")} for level in LEVELS}
    assert got == {level: dict(want[level]) for level in LEVELS}
    assert by_level["unknown"]["documents"] == by_level["central"]["documents"] == 0


def test_as_article_3_reads_the_bodies_the_article_charges() -> None:
    """ "Như Điều 3" stays in the recipients as written; what Article 3 charges is read beside it."""
    commune = read_text((FOLDER / "son-vi-qd-noi-bo-ky.pdf").read_bytes())
    assert commune.recipients == ("Như Điều 3",)
    [read] = commune.articles
    assert (read.entry, read.articles, read.bodies) == ("Như Điều 3", (3,), ("Văn phòng UBND xã",))
    assert read.left_out == ("công chức có tên tại Điều 1",)
    department = read_text((FOLDER / "snv-qd-215-khong-ky.pdf").read_bytes())
    [read] = department.articles  # "Chánh Văn phòng Sở, Thủ trưởng các phòng, đơn vị thuộc Sở, Văn / phòng…"
    assert read.bodies == ("Văn phòng Sở", "Các phòng, đơn vị thuộc Sở", "Văn phòng UBND tỉnh")


@pytest.mark.slow
def test_a_decision_charging_only_its_own_units_is_internal(demo_pki: Path, tmp_path: Path) -> None:
    name = "son-vi-qd-noi-bo-ky.pdf"
    assert _expected()[name]["exchange"] == "internal"
    _, report = scan_json(FOLDER, demo_pki, tmp_path / "r.json")
    [doc] = [d for d in report["documents"] if Path(d["path"]).name == name]
    assert doc["excluded_reason"] == "internal"
    assert doc["text_meta"]["articles"] == [
        {
            "entry": "Như Điều 3",
            "articles": [3],
            "bodies": ["Văn phòng UBND xã"],
            "left_out": ["công chức có tên tại Điều 1"],
        }
    ]
    # the department's decision charges its own office and units, and Văn phòng UBND tỉnh: another agency
    [department] = [d for d in report["documents"] if Path(d["path"]).name == "snv-qd-215-khong-ky.pdf"]
    assert [r["name"] for r in department["recipients"]] == ["Văn phòng UBND tỉnh", "UBND tỉnh"]
