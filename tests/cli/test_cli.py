"""The command line end to end on the sample archive: table, JSON, CSV and exit codes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sigaudit.cli import main

LEVELS = ("central", "province", "district", "commune", "unknown")
VERDICTS = ("valid", "invalid", "indeterminate", "unsigned", "unreadable")


def _scan(sample_docs: Path, demo_pki: Path, *extra: str) -> Result:
    args = [
        "scan",
        str(sample_docs),
        "--trust-roots",
        str(demo_pki / "demo-root.pem"),
        "--other-certs",
        str(demo_pki / "demo-intermediate.pem"),
        "--agencies",
        str(demo_pki.parent / "agencies.csv"),
        "--jobs",
        "1",
        *extra,
    ]
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def report(sample_docs: Path, demo_pki: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("out")
    result = _scan(sample_docs, demo_pki, "--json", str(out / "r.json"), "--csv", str(out / "e.csv"))
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads((out / "r.json").read_text(encoding="utf-8"))
    data["_table"] = result.output
    data["_csv"] = (out / "e.csv").read_text(encoding="utf-8-sig")
    return data


def _rel(path: str) -> str:
    return path.split("/", 1)[1]  # drop the scanned folder's name


def test_the_kpi_counts_each_inter_agency_document_once_and_says_why_others_are_left_out(
    report: dict[str, Any], expected: dict[str, Any]
) -> None:
    docs = {_rel(d["path"]): d for d in report["documents"]}
    copies = {p for p, e in expected.items() if e["note"].startswith("copy of ")}
    # The draft the manifest sends to its own Sở, and the bare folder's letters whose "Nơi nhận" holds
    # only the file copy.
    internal = {"tinh/so-noi-vu/2024/du-thao-265-SNV_2024-05-10.pdf"}
    internal |= {p for p, e in expected.items() if e.get("exchange") == "internal"}
    # Not in any register: their own "Nơi nhận" lists show them sent to other agencies (issue 18).
    unlisted = {p for p in expected if p.startswith(("khac/", "thu-muc-khong-metadata/"))}
    assert {docs[p]["metadata"]["source"] for p in unlisted} == {"text"}
    assert {p for p, d in docs.items() if d["excluded_reason"] == "duplicate_copy"} == copies
    assert {p for p, d in docs.items() if d["excluded_reason"] == "internal"} == internal
    assert not {p for p, d in docs.items() if d["excluded_reason"] == "no_exchange_data"}
    counted = set(expected) - copies - internal
    assert {p for p, d in docs.items() if d["excluded_reason"] is None} == counted
    assert all(docs[p]["inter_agency"] for p in counted)
    summary = report["summary"]
    assert summary["total"]["documents"] == len(counted)
    assert summary["total"]["valid"] == sum(expected[p]["expected_verdict"] == "valid" for p in counted)
    assert summary["excluded"]["duplicate_copy"]["documents"] == len(copies)
    # The ministry's document was received by the province: a central -> province flow.
    flows = {(f["from"], f["to"]): f["documents"] for f in summary["flow_matrix"]}
    assert flows[("central", "province")] == 1 and flows[("province", "district")] >= 10
    # Copies match the sender's bytes: no "received_differs"; the edXML copy is attributed to the sender.
    assert summary["reconciliation"]["received_differs"] == 0
    [edxml] = [d for p, d in docs.items() if ".edxml!/" in p]
    assert edxml["agency"]["code"] == "000.00.00.H44" and edxml["metadata"]["source"] == "edxml"
    assert {r["code"] for r in edxml["recipients"]} == {"000.00.30.H44", "000.00.31.H44"}


def test_per_level_numbers_match_the_declared_sample(
    report: dict[str, Any], expected: dict[str, Any]
) -> None:
    want = {lv: Counter() for lv in LEVELS}
    for exp in expected.values():
        c = want[exp["level"]]
        c["documents"] += 1
        c[exp["expected_verdict"]] += 1
        c["signed"] += exp["expected_verdict"] in ("valid", "invalid", "indeterminate")
    by_level = report["summary"]["all_by_level"]  # every document found, whatever its exchange
    assert list(by_level) == list(LEVELS)
    for lv in LEVELS:
        got = by_level[lv]
        assert {k: got[k] for k in ("documents", "signed", *VERDICTS)} == {
            k: want[lv][k] for k in ("documents", "signed", *VERDICTS)
        }, lv
        assert got["legally_complete"] <= got["valid"]
    assert report["summary"]["all_total"]["documents"] == len(expected) >= 30
    # Every document, even those no register lists, is attributed (issue 18: header and certificate).
    assert {lv for lv in LEVELS if by_level[lv]["documents"]} == {
        "central",
        "province",
        "district",
        "commune",
    }


def test_every_document_is_reported_once_with_its_hash(
    report: dict[str, Any], expected: dict[str, Any], sample_docs: Path
) -> None:
    docs = {_rel(d["path"]): d for d in report["documents"]}
    assert set(docs) == set(expected)
    for rel, doc in docs.items():
        assert doc["verdict"] == expected[rel]["expected_verdict"], (rel, doc["reason"])
        assert doc["agency"]["level"] == expected[rel]["level"], rel
        assert doc["reason"]
        if "!/" not in rel:
            assert doc["sha256"] == hashlib.sha256((sample_docs / rel).read_bytes()).hexdigest()


def test_json_signature_fields(report: dict[str, Any]) -> None:
    signed = [d for d in report["documents"] if d["signatures"]]
    sig = signed[0]["signatures"][0]
    for key in (
        "field",
        "signer",
        "role",
        "claimed_signing_time",
        "timestamp_time",
        "digest_algorithm",
        "signature_algorithm",
        "intact",
        "trusted",
        "revocation",
        "coverage",
        "changes",
        "changes_reason",
        "indication",
        "sub_indication",
        "reason",
    ):
        assert key in sig
    assert {"cn", "o", "uid", "issuer", "serial", "sha256"} <= set(sig["signer"])
    roles = {s["role"] for d in signed for s in d["signatures"]}
    assert {"personal", "agency"} <= roles
    manifest = report["manifest"]
    assert manifest["pyhanko_version"].startswith("0.38")
    assert any("DEMO RootCA" in r["subject"] for r in manifest["trust_roots"])
    assert report["skipped"], "the sample's non-document files must be listed as skipped"


def test_csv_evidence_rows(report: dict[str, Any], sample_docs: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(report["_csv"])))
    expected_rows = sum(max(1, len(d["signatures"])) for d in report["documents"])
    assert len(rows) == expected_rows
    by_path = Counter(r["path"] for r in rows)
    for doc in report["documents"]:
        assert by_path[doc["path"]] == max(1, len(doc["signatures"]))
    unsigned = [r for r in rows if r["verdict"] in ("unsigned", "unreadable")]
    assert unsigned and all(
        (r["field"] == "" and r["sha256"]) or r["verdict"] == "unreadable" for r in unsigned
    )
    plain = next(r for r in rows if "!/" not in r["path"] and r["sha256"])
    data = (sample_docs / _rel(plain["path"])).read_bytes()
    assert plain["sha256"] == hashlib.sha256(data).hexdigest()


def test_table_shows_levels_shares_and_definitions(report: dict[str, Any]) -> None:
    table = report["_table"]
    for word in ("province", "district", "commune", "total", "% signed", "% valid", "target signed"):
        assert word in table
    assert "signed = documents with at least one signature / documents" in table
    # The KPI says what it counts and what it leaves out, with the reason and the count.
    assert "Denominator (documents): documents that an agency sent to at least one other agency" in table
    assert "no_exchange_data" not in table and "4  internal" in table and "3  duplicate_copy" in table
    assert "Flows: issuing level (rows) → recipient level (columns)" in table
    assert "processed through the system" in table and "Reconciliation of sent and received" in table


def test_exit_1_when_a_gate_fails_and_0_otherwise(sample_docs: Path, demo_pki: Path) -> None:
    # What each gate decides is tested on constructed summaries (tests/aggregate/test_gates.py); here
    # the exit code and the message, end to end. Exit 0 with passing gates: the test below.
    result = _scan(sample_docs, demo_pki, "-q", "--fail-on", "invalid")
    assert result.exit_code == 1 and "GATE FAILED: --fail-on invalid:" in result.output


def test_fail_on_passes_when_no_document_has_the_verdict(
    tmp_path: Path, sample_docs: Path, demo_pki: Path, expected: dict[str, Any]
) -> None:
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    (tmp_path / "one.pdf").write_bytes((sample_docs / rel).read_bytes())
    gates = ("--fail-on", "invalid", "--fail-on", "unreadable", "--fail-under", "100")
    # Without its text read, nothing says the file was exchanged: the KPI gate has nothing to measure.
    result = _scan(tmp_path, demo_pki, *gates, "--no-text")
    assert result.exit_code == 1 and "nothing to measure" in result.output
    # Its own "Nơi nhận" list shows it sent to other agencies (issue 18): measured.
    result = _scan(tmp_path, demo_pki, *gates)
    assert result.exit_code == 0, result.output
    (tmp_path / "manifest.csv").write_text(
        "file,agency_code,agency_name,level,recipient_codes\n"
        "one.pdf,000.00.00.H44,UBND tỉnh,province,000.00.30.H44\n",
        encoding="utf-8",
    )
    result = _scan(tmp_path, demo_pki, *gates)
    assert result.exit_code == 0, result.output


def test_exit_2_on_usage_and_configuration_errors(tmp_path: Path, sample_docs: Path, demo_pki: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["scan", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(main, ["scan", str(sample_docs), "--fail-on", "bogus"]).exit_code == 2
    bad_registry = tmp_path / "agencies.csv"
    bad_registry.write_text("code,name\nX,Y\n", encoding="utf-8")
    result = runner.invoke(main, ["scan", str(sample_docs), "--agencies", str(bad_registry)])
    assert result.exit_code == 2 and "lacks column" in result.output
    result = runner.invoke(main, ["scan", str(sample_docs), "--no-shipped-roots"])
    assert result.exit_code == 2 and "no trust root" in result.output


def test_exit_3_on_internal_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sigaudit.commands as commands

    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(commands, "run_audit", explode)
    result = CliRunner().invoke(main, ["scan", str(tmp_path)])
    assert result.exit_code == 3 and "internal failure" in result.output


@pytest.mark.slow
def test_json_to_stdout_stays_parseable(sample_docs: Path, demo_pki: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["scan", str(sample_docs / "tinh"), "--trust-roots", str(demo_pki / "demo-root.pem"), "--json", "-"],
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["summary"]["all_total"]["documents"] > 0


@pytest.mark.slow
def test_results_do_not_depend_on_the_number_of_workers(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"j{jobs}.json"
        args = [
            "scan",
            str(sample_docs),
            "--trust-roots",
            str(demo_pki / "demo-root.pem"),
            "-q",
            "--jobs",
            jobs,
            "--json",
            str(target),
        ]
        assert CliRunner().invoke(main, args).exit_code == 0
        outputs.append(json.loads(target.read_text(encoding="utf-8"))["documents"])
    assert outputs[0] == outputs[1]


def test_scan_never_modifies_the_archive(sample_docs: Path, demo_pki: Path) -> None:
    def tree_hash() -> dict[str, str]:
        return {
            str(p.relative_to(sample_docs)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(sample_docs.rglob("*"))
            if p.is_file()
        }

    before = tree_hash()
    assert _scan(sample_docs, demo_pki, "-q").exit_code == 0
    assert tree_hash() == before


def test_python_dash_m_entry_point(sample_docs: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sigaudit", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "sigaudit" in proc.stdout


@pytest.mark.slow
def test_the_json_report_has_one_document_per_line_and_the_csv_one_row_per_signature(
    report: dict[str, Any], sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    assert _scan(sample_docs, demo_pki, "-q", "--no-store", "--json", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    doc_lines = [ln for ln in lines if ln.startswith('    {"path": ')]
    assert len(doc_lines) == len(report["documents"])
    paths = [json.loads(ln.rstrip(","))["path"] for ln in doc_lines]
    assert paths == [d["path"] for d in report["documents"]]
    rows = list(csv.DictReader(io.StringIO(report["_csv"])))
    want = sum(max(1, len(d["signatures"])) for d in report["documents"])
    assert len(rows) == want


@pytest.mark.slow
def test_a_report_that_cannot_be_written_is_a_usage_error_and_leaves_no_partial_file(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = _scan(sample_docs, demo_pki, "-q", "--no-store", "--json", str(blocker / "r.json"))
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


@pytest.mark.slow
def test_no_store_reports_the_same_and_leaves_no_store_behind(
    report: dict[str, Any], sample_docs: Path, demo_pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--no-store: the results wait in a scratch store for the reports, which is deleted afterwards."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    out = tmp_path / "r.json"
    result = _scan(sample_docs, demo_pki, "-q", "--no-store", "--json", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["documents"] == report["documents"] and data["summary"] == report["summary"]
    assert data["manifest"]["store"] is None and "store_run_id" not in data["manifest"]
    assert list(scratch.iterdir()) == []


def test_what_the_pages_say_is_in_the_json_and_the_csv(report: dict[str, Any]) -> None:
    """text_meta per document (issue 18): the header, number, date and Nơi nhận as read from the PDF."""
    docs = {_rel(d["path"]): d for d in report["documents"]}
    text = docs["khac/scan_0001.pdf"]["text_meta"]
    assert (text["status"], text["agency"], text["number"], text["notation"]) == (
        "read",
        "UBND XÃ SƠN VI",
        "19",
        "UBND",
    )
    assert text["date"] == "2024-04-12" and text["file_copy"] == "Lưu: VT" and text["has_recipient_list"]
    assert docs["huyen/viet-tri/2024/340-UBND-VP_2024-05-02.pdf"]["text_meta"]["status"] == "not_read"  # cut
    assert docs["xa/son-vi/2024/15-UBND_2024-04-03.pdf"]["text_meta"] is None  # not a PDF: never read
    rows = {_rel(r["path"]): r for r in csv.DictReader(io.StringIO(report["_csv"]))}
    row = rows["khac/scan_0001.pdf"]
    assert (row["text_status"], row["text_number_notation"], row["text_date"]) == (
        "read",
        "19/UBND",
        "2024-04-12",
    )
    assert row["text_agency"] == "UBND HUYỆN LÂM THAO / UBND XÃ SƠN VI"
