"""Agency registry loading and document attribution."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sigaudit.agencies.registry import EMPTY_REGISTRY, attribute, load_registry
from sigaudit.errors import ConfigError
from sigaudit.model import Level
from sigaudit.sources.manifest import ManifestEntry, parse_manifest

HEADER = "code,name,level,parent_code,valid_from,valid_to,note\n"


def _registry(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "agencies.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_registry_fills_name_and_level_from_code(tmp_path: Path) -> None:
    reg = load_registry(_registry(tmp_path, "000.00.31.H44,UBND huyện Lâm Thao,district,000.00.00.H44,,,x\n"))
    agency = attribute(ManifestEntry("a/x.pdf", "000.00.31.H44", None, None), reg)
    assert (agency.name, agency.level, agency.source) == ("UBND huyện Lâm Thao", Level.DISTRICT, "registry")


def test_manifest_statement_wins_over_registry(tmp_path: Path) -> None:
    reg = load_registry(_registry(tmp_path, "000.00.31.H44,UBND huyện Lâm Thao,district,,,,\n"))
    agency = attribute(ManifestEntry("x.pdf", "000.00.31.H44", None, Level.COMMUNE), reg)
    assert agency.level == Level.COMMUNE and agency.name == "UBND huyện Lâm Thao"
    assert agency.source == "manifest+registry"


def test_unknown_code_and_missing_row_stay_unknown(tmp_path: Path) -> None:
    reg = load_registry(_registry(tmp_path, "000.00.31.H44,UBND huyện Lâm Thao,district,,,,\n"))
    assert attribute(ManifestEntry("x.pdf", "999.99.99.H99", None, None), reg).level == Level.UNKNOWN
    assert attribute(None, reg).level == Level.UNKNOWN
    assert attribute(None, EMPTY_REGISTRY).source == "none"


def test_entry_valid_on_a_date_is_chosen(tmp_path: Path) -> None:
    reg = load_registry(
        _registry(
            tmp_path,
            "000.00.31.H44,UBND huyện Lâm Thao,district,,2000-01-01,2025-06-30,\n"
            "000.00.31.H44,UBND xã Lâm Thao,commune,,2025-07-01,,\n",
        )
    )
    before = reg.lookup("000.00.31.H44", on=date(2024, 5, 1))
    after = reg.lookup("000.00.31.H44", on=date(2025, 8, 1))
    assert before is not None and before.level == Level.DISTRICT
    assert after is not None and after.level == Level.COMMUNE


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (",no code,province,,,,\n", "empty code"),
        ("X1,Name,galaxy,,,,\n", "unknown level"),
        ("X1,Name,province,,01/02/2024,,\n", "bad date"),
    ],
)
def test_malformed_registry_is_a_configuration_error(tmp_path: Path, rows: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_registry(_registry(tmp_path, rows))


def test_registry_without_required_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("code,name\nA,B\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks column"):
        load_registry(path)


def test_manifest_rows_resolve_relative_to_their_folder_and_report_bad_levels() -> None:
    data = (
        "\ufefffile,agency_code,agency_name,level\n"
        "2024/cv-1.pdf,000.00.12.H44,,\n"
        "batch.zip!/a/b.pdf,,Sở Nội vụ,province\n"
        "x.pdf,,,planet\n"
        ",000.00.12.H44,,\n"  # a row without file (wholly empty rows are ignored)
    ).encode()
    entries, problems = parse_manifest(data, base="archive/tinh")
    paths = [e.path for e in entries]
    assert paths == ["archive/tinh/2024/cv-1.pdf", "archive/tinh/batch.zip!/a/b.pdf", "archive/tinh/x.pdf"]
    assert entries[1].level == Level.PROVINCE and entries[2].level is None
    assert any("unknown level" in p for p in problems) and any("empty 'file' cell" in p for p in problems)
