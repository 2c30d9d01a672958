"""Agency levels: the registry entry valid at the document's date, the name rules, else unknown.

The end-to-end tests scan a real archive (edXML packages carrying signed sample PDFs and a register
with its files) against a registry that spans the 2025-07-01 two-tier reform: Lâm Thao district is
abolished (its communes merged), Vĩnh Phúc province merged into Phú Thọ.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from edxml_fixtures import VALID_PDF, Att, package, sample_pdf
from sigaudit.agencies.names import level_from_name
from sigaudit.agencies.registry import EMPTY_REGISTRY, load_registry, resolve
from sigaudit.cli import main
from sigaudit.model import Level
from sigaudit.sources import walk as walk_module

PROVINCE = ("000.00.00.H44", "UBND tỉnh Phú Thọ")
LAM_THAO = ("000.00.31.H44", "UBND huyện Lâm Thao")
LAM_THAO_COMMUNE = ("000.31.44.H44", "UBND xã Lâm Thao")
VINH_PHUC = ("000.00.00.H62", "UBND tỉnh Vĩnh Phúc")

REGISTRY = (
    "code,name,level,parent_code,valid_from,valid_to,ghi_chu\n"
    "000.00.00.H44,UBND tỉnh Phú Thọ,province,,,,hợp nhất từ 2025-07-01\n"
    "000.00.31.H44,UBND huyện Lâm Thao,district,000.00.00.H44,2000-01-01,2025-06-30,kết thúc cấp huyện\n"
    "000.31.44.H44,UBND xã Lâm Thao,commune,000.00.00.H44,2025-07-01,,sáp nhập\n"
    "000.00.00.H62,UBND tỉnh Vĩnh Phúc,province,,1997-01-01,2025-06-30,nhập vào Phú Thọ\n"
)


@pytest.mark.parametrize(
    ("name", "day", "level"),
    [
        ("Sở Tài chính tỉnh Phú Thọ", date(2024, 5, 1), Level.PROVINCE),
        ("SO TAI CHINH TINH PHU THO", date(2024, 5, 1), Level.PROVINCE),
        ("Văn phòng UBND tỉnh Phú Thọ", date(2024, 5, 1), Level.PROVINCE),
        ("Ủy ban nhân dân tỉnh Phú Thọ", date(2026, 1, 5), Level.PROVINCE),
        ("UBND TP. Hà Nội", date(2024, 5, 1), Level.PROVINCE),
        ("Uỷ ban nhân dân thành phố Hồ Chí Minh", date(2024, 5, 1), Level.PROVINCE),
        ("UBND thành phố Việt Trì", date(2024, 5, 1), Level.DISTRICT),
        ("UBND TX Phú Thọ", date(2024, 5, 1), Level.DISTRICT),
        ("UBND huyện Lâm Thao", date(2025, 6, 30), Level.DISTRICT),
        ("Phòng Nội vụ huyện Lâm Thao", date(2024, 5, 1), Level.DISTRICT),
        ("UBND xã Sơn Vi", date(2024, 5, 1), Level.COMMUNE),
        ("UBND phường Gia Cẩm", date(2026, 3, 1), Level.COMMUNE),
        ("UBND thị trấn Lâm Thao", date(2024, 5, 1), Level.COMMUNE),
        ("Bộ Nội vụ", date(2024, 5, 1), Level.CENTRAL),
    ],
)
def test_name_rules_give_the_level_domain_5_names(name: str, day: date, level: Level) -> None:
    match = level_from_name(name, day)
    assert match is not None and match.level == level, match
    assert match.basis.startswith("name rule")


def test_no_district_level_from_2025_07_01() -> None:
    match = level_from_name("UBND huyện Lâm Thao", date(2025, 7, 1))
    assert match is not None and match.level == Level.UNKNOWN
    assert "no district level exists on 2025-07-01" in match.basis


@pytest.mark.parametrize(
    "name", ["Công ty TNHH Minh Phát", "Báo Phú Thọ", "", "Sơn Vi", "Bộ chỉ huy Quân sự tỉnh"]
)
def test_names_no_rule_places_are_not_guessed(name: str) -> None:
    match = level_from_name(name, date(2024, 5, 1))
    assert match is None or match.level == Level.UNKNOWN
    agency = resolve(None, name or None, None, date(2024, 5, 1), EMPTY_REGISTRY)
    assert agency.level == Level.UNKNOWN


def test_registry_entry_valid_at_the_date_decides_and_says_which(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    reg = load_registry(path)
    before = resolve(LAM_THAO[0], None, None, date(2025, 6, 30), reg)
    assert (before.level, before.source) == (Level.DISTRICT, "registry")
    assert "valid 2000-01-01 to 2025-06-30" in before.basis
    after = resolve(LAM_THAO[0], None, None, date(2025, 7, 1), reg)
    assert (after.level, after.source) == (Level.UNKNOWN, "none")
    assert "no entry is valid on 2025-07-01" in after.basis
    # A code the registry does not hold falls back to the name rules, and says both.
    other = resolve("000.05.31.H44", "UBND xã Sơn Vi", None, date(2025, 8, 1), reg)
    assert (other.level, other.source) == (Level.COMMUNE, "name-rule")
    assert "000.05.31.H44 is not in the registry" in other.basis and "name rule" in other.basis


# --- end to end -----------------------------------------------------------------------------------


def _archive(root: Path) -> Path:
    archive = root / "xuat"
    (archive / "lien-thong").mkdir(parents=True)
    (archive / "di").mkdir()
    pdf = sample_pdf(VALID_PDF)
    packages = {
        "lt-2025-03.edxml": (LAM_THAO, "2025/03/10", "21"),  # district, before the reform
        "lt-2025-08.edxml": (LAM_THAO, "2025/08/04", "22"),  # the same code after: no valid entry
        "xa-lt-2025-08.edxml": (LAM_THAO_COMMUNE, "2025/08/05", "5"),  # the merged commune
        "vp-2025-05.edxml": (VINH_PHUC, "2025/05/20", "301"),  # Vĩnh Phúc before the merger
        "vp-2025-09.edxml": (VINH_PHUC, "2025/09/02", "302"),  # and after: no valid entry
    }
    # Distinct bytes per document (a comment after %%EOF): identical copies would count once in the KPI.
    for name, (sender, day, number) in packages.items():
        attachment = Att(f"cv-{number}.pdf", pdf + f"% {number}\n".encode())
        data = package([attachment], sender=sender, recipients=[PROVINCE], date=day, number=number)
        (archive / "lien-thong" / name).write_bytes(data)
    # A sent register naming its senders by name only: the name rules decide.
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        (archive / "di" / name).write_bytes(pdf + f"% {name}\n".encode())
    rows = [
        ["Tệp", "Cơ quan ban hành", "Số, ký hiệu", "Ngày văn bản", "Mã nơi nhận"],
        ["a.pdf", "UBND xã Sơn Vi", "7/UBND", "15/08/2025", PROVINCE[0]],
        ["b.pdf", "UBND huyện Cẩm Khê", "40/UBND", "20/03/2025", PROVINCE[0]],
        ["c.pdf", "UBND huyện Cẩm Khê", "41/UBND", "20/07/2025", PROVINCE[0]],
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (archive / "di" / "sổ văn bản đi.csv").write_text(out.getvalue(), encoding="utf-8")
    (root / "agencies.csv").write_text(REGISTRY, encoding="utf-8")
    return archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _archive(tmp_path_factory.mktemp("reform"))


def test_scan_places_each_document_at_its_agencys_level_on_its_date(archive: Path, demo_pki: Path) -> None:
    out = archive.parent / "r.json"
    result = CliRunner().invoke(
        main,
        [
            "scan", str(archive), "--trust-roots", str(demo_pki / "demo-root.pem"),
            "--other-certs", str(demo_pki / "demo-intermediate.pem"),
            "--agencies", str(archive.parent / "agencies.csv"), "--no-store", "--json", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    docs = {d["path"].split("/", 1)[1]: d["agency"] for d in report["documents"]}
    levels = {path.split("!/")[0]: (a["level"], a["source"]) for path, a in docs.items()}
    assert levels == {
        "lien-thong/lt-2025-03.edxml": ("district", "manifest+registry"),
        "lien-thong/lt-2025-08.edxml": ("unknown", "none"),
        "lien-thong/xa-lt-2025-08.edxml": ("commune", "manifest+registry"),
        "lien-thong/vp-2025-05.edxml": ("province", "manifest+registry"),
        "lien-thong/vp-2025-09.edxml": ("unknown", "none"),
        "di/a.pdf": ("commune", "name-rule"),
        "di/b.pdf": ("district", "name-rule"),
        "di/c.pdf": ("unknown", "name-rule"),
    }
    c = docs["di/c.pdf"]
    assert "no district level exists on 2025-07-20" in c["basis"]
    vp_after = next(a for p, a in docs.items() if p.startswith("lien-thong/vp-2025-09"))
    assert "no entry is valid on 2025-09-02" in vp_after["basis"]
    # The KPI counts each document at that level: 1 district before the reform (+1 by name), none after.
    by_level = {lv: row["documents"] for lv, row in report["summary"]["by_level"].items() if row["documents"]}
    assert by_level == {"district": 2, "commune": 2, "province": 1, "unknown": 3}


def test_agencies_command_lists_every_agency_with_how_its_level_was_decided(archive: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["agencies", str(archive), "--agencies", str(archive.parent / "agencies.csv"), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    assert listing["metadata_rows"] == 8 and listing["problems"] == []
    rows = {(a["code"] or a["name"], a["first_date"]): a for a in listing["agencies"]}
    lam_thao_before = rows[(LAM_THAO[0], "2025-03-10")]
    assert (lam_thao_before["level"], lam_thao_before["as_issuer"]) == ("district", 1)
    lam_thao_after = rows[(LAM_THAO[0], "2025-08-04")]
    assert lam_thao_after["level"] == "unknown" and "no entry is valid" in lam_thao_after["basis"]
    province = rows[(PROVINCE[0], "2025-03-10")]
    assert (province["level"], province["as_recipient"], province["last_date"]) == (
        "province",
        8,
        "2025-09-02",
    )
    assert rows[("UBND xã Sơn Vi", "2025-08-15")]["source"] == "name-rule"
    table = CliRunner().invoke(
        main, ["agencies", str(archive), "--agencies", str(archive.parent / "agencies.csv")]
    )
    assert table.exit_code == 0 and "UBND huyện Cẩm Khê" in table.output and "name-rule" in table.output


def test_agencies_command_reads_no_pdf(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Metadata only: registers and packages are read, the PDFs beside them are not even opened."""
    read: list[str] = []
    real = walk_module._read_file

    def spy(path: Path, limits: Any) -> Any:
        read.append(path.name)
        return real(path, limits)

    monkeypatch.setattr(walk_module, "_read_file", spy)
    result = CliRunner().invoke(main, ["agencies", str(archive), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert sorted(read) == sorted(
        ["sổ văn bản đi.csv", *(p.name for p in (archive / "lien-thong").iterdir())]
    )
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["level"] for r in rows if r["name"] == "UBND xã Sơn Vi"} == {"commune"}
