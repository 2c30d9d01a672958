"""A bare folder of Decree 30 letters scanned without any metadata file (issue 18, "Done means").

sample_docs/thu-muc-khong-metadata/ has no manifest row, register or edXML package: who sent each letter,
at which level and to whom comes from the letters themselves (header, ``Nơi nhận``, agency certificate).
The per-level KPI the scan prints is compared with what demo/expected.json declares for that folder, as a
person reading the letters would count: every letter sent to another agency, signed, validly signed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from scan_json import scan_json

BARE = "thu-muc-khong-metadata"
LEVELS = ("province", "district", "commune")
SIGNED = ("valid", "invalid", "indeterminate")


def _entries(expected: dict[str, Any]) -> dict[str, Any]:
    return {p.removeprefix(f"{BARE}/"): e for p, e in expected.items() if p.startswith(f"{BARE}/")}


def test_the_folder_is_bare_and_declares_every_case(sample_docs: Path, expected: dict[str, Any]) -> None:
    folder = sample_docs / BARE
    assert sorted(p.name for p in folder.iterdir()) == sorted(_entries(expected))  # flat: PDFs only
    assert all(p.suffix == ".pdf" for p in folder.iterdir())
    assert BARE not in (sample_docs / "manifest.csv").read_text(encoding="utf-8")
    entries = _entries(expected).values()
    assert {e["level"] for e in entries} == set(LEVELS)
    assert {e["expected_verdict"] for e in entries} == {"valid", "unsigned", "invalid"}
    assert {e["exchange"] for e in entries} == {"inter_agency", "internal"}
    # every level has each kind a reader tells apart, so a wrong level moves a count
    for level in LEVELS:
        kinds = {(e["expected_verdict"], e["exchange"]) for e in entries if e["level"] == level}
        assert {("valid", "inter_agency"), ("unsigned", "inter_agency"), ("invalid", "inter_agency")} <= kinds


@pytest.mark.slow
@pytest.mark.parametrize("with_registry", [False, True], ids=["name-rules", "registry"])
def test_the_kpi_per_level_is_what_a_reader_of_the_letters_counts(
    with_registry: bool, sample_docs: Path, demo_pki: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    registry = ("--agencies", str(demo_pki.parent / "agencies.csv")) if with_registry else ()
    output, report = scan_json(sample_docs / BARE, demo_pki, tmp_path / "r.json", *registry)
    entries = _entries(expected)
    want = {level: Counter() for level in LEVELS}
    for e in entries.values():
        if e["exchange"] == "inter_agency":
            counts = want[e["level"]]
            counts["documents"] += 1
            counts["signed"] += e["expected_verdict"] in SIGNED
            counts["valid"] += e["expected_verdict"] == "valid"
    by_level = report["summary"]["by_level"]
    got = {level: {k: by_level[level][k] for k in ("documents", "signed", "valid")} for level in LEVELS}
    assert got == {level: dict(want[level]) for level in LEVELS}
    assert by_level["unknown"]["documents"] == by_level["central"]["documents"] == 0
    # each letter: its verdict and level, from the letter alone; internal ones left out with the reason
    docs = {Path(d["path"]).name: d for d in report["documents"]}
    assert set(docs) == set(entries)
    for name, e in entries.items():
        doc = docs[name]
        assert (doc["verdict"], doc["agency"]["level"]) == (e["expected_verdict"], e["level"]), name
        assert doc["metadata"]["source"] == "text", name
        assert doc["excluded_reason"] == (None if e["exchange"] == "inter_agency" else "internal"), name
        if with_registry:  # the registry gives the code: from the certificate, or the header's name
            assert doc["agency"]["code"] == e["agency_code"], name
    # groups of recipients count as the agencies of the level they name (docs: groups of recipients)
    plan = docs["ke-hoach-88-ubnd.pdf"]["recipients"]
    assert [(r["name"], r["level"]) for r in plan] == [
        ("Các sở, ban, ngành", "province"),
        ("UBND các huyện, thành, thị", "district"),
    ]
    # the terminal says where the levels came from
    if with_registry:
        assert "Levels come from names" not in output
    else:
        assert "Levels come from names" in output and "0 of 15 documents" in " ".join(output.split())


@pytest.mark.slow
def test_a_header_naming_another_agency_than_the_certificate_keeps_the_certificate_and_warns(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    name = "son-vi-62-ubnd-ky-nham.pdf"
    output, report = scan_json(sample_docs / BARE / name, demo_pki, tmp_path / "r.json")
    [doc] = report["documents"]
    assert doc["text_meta"]["agency"] == "UBND XÃ SƠN VI"  # the header: a commune
    agency = doc["agency"]
    assert (agency["level"], agency["name"]) == ("district", "UBND huyện Lâm Thao")  # the certificate
    assert agency["level"] == expected[f"{BARE}/{name}"]["level"]
    assert "text says commune (UBND XÃ SƠN VI)" in agency["basis"]  # both shown
    flat = " ".join(output.split())
    assert f"warning: {name}: level district from certificate (UBND huyện Lâm Thao) kept" in flat
