"""ETSI TS 119 102-2 reports: one XML per signed document, indications equal to the JSON report's."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from click.testing import CliRunner

from sigaudit.cli import main

VR = "{http://uri.etsi.org/19102/v1.2.1#}"


@pytest.mark.slow
def test_each_signed_document_gets_a_report_with_the_json_indications(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    out = tmp_path / "etsi"
    result = CliRunner().invoke(
        main,
        [
            "scan", str(sample_docs), "--trust-roots", str(demo_pki / "demo-root.pem"),
            "--other-certs", str(demo_pki / "demo-intermediate.pem"), "--no-store", "-q",
            "--json", str(tmp_path / "r.json"), "--etsi-report", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    documents = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["documents"]
    with (out / "index.csv").open(encoding="utf-8") as f:
        index = {row["path"]: row for row in csv.DictReader(f)}
    assert set(index) == {d["path"] for d in documents}
    checked = set()
    for doc in documents:
        row = index[doc["path"]]
        assert (row["sha256"], row["verdict"]) == (doc["sha256"], doc["verdict"])
        if not doc["signatures"]:
            assert row["etsi_report"] == ""
            continue
        assert row["etsi_report"] == f"{doc['sha256']}.xml"
        root = SafeET.parse(out / row["etsi_report"]).getroot()
        assert root.tag == f"{VR}ValidationReport"
        reports = root.findall(f"{VR}SignatureValidationReport")
        assert len(reports) == len(doc["signatures"])
        for report, sig in zip(reports, doc["signatures"], strict=True):
            assert report.findtext(f"{VR}SignatureIdentifier/{VR}DAIdentifier") == sig["field"]
            main_indication = report.findtext(f"{VR}SignatureValidationStatus/{VR}MainIndication")
            assert main_indication == "urn:etsi:019102:mainindication:" + sig["indication"].lower().replace(
                "_", "-"
            )
            sub = report.findtext(f"{VR}SignatureValidationStatus/{VR}SubIndication")
            assert sub == (
                f"urn:etsi:019102:subindication:{sig['sub_indication']}" if sig["sub_indication"] else None
            )
            if sig["signer"]:
                ref = report.find(f"{VR}SignerInformation/{VR}SignerCertificate").get("VOReference")
                obj = root.find(f"{VR}SignatureValidationObjects/{VR}ValidationObject[@id='{ref}']")
                assert obj is not None and ref == "C-" + sig["signer"]["sha256"].upper()
        checked.add(doc["verdict"])
    # Passed, failed and indeterminate signatures all went through the check above.
    assert {"valid", "invalid", "indeterminate"} <= checked
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".xml") == sorted(
        {i["etsi_report"] for i in index.values() if i["etsi_report"]}
    )


@pytest.mark.slow
def test_an_unwritable_report_folder_is_a_clear_error(sample_docs: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(
        main, ["scan", str(sample_docs / "tinh"), "--no-store", "-q", "--etsi-report", str(blocker / "sub")]
    )
    assert result.exit_code == 2 and "cannot write ETSI reports" in result.output
    assert "Traceback" not in result.output
