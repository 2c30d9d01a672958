"""Registers, the inter-agency KPI, periods, reconciliation and the plan's second measure, end to end.

The archive is built from real files: signed PDFs of sample_docs/, registers written as CSV with English
and with Vietnamese headings, edXML packages (new, recall, replace) and status messages, scanned by the
real CLI with the demo PKI and an agency registry.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from edxml_fixtures import TAMPERED_PDF, VALID_PDF, Att, package, sample_pdf, status_package
from sigaudit.aggregate.exchange import Exclusion, classify
from sigaudit.aggregate.kpi import summarize
from sigaudit.aggregate.reconcile import Finding, reconcile
from sigaudit.cli import main
from sigaudit.config import load_config
from sigaudit.errors import ConfigError
from sigaudit.model import (
    Agency,
    Decree30,
    Direction,
    DocumentFacts,
    DocumentMeta,
    Level,
    OutcomeFacts,
    Party,
    Verdict,
)
from sigaudit.sources.manifest import direction_from_name, is_document_csv, parse_manifest

PROVINCE_OFFICE = "000.00.01.H44"  # Văn phòng UBND tỉnh (sender of everything below)
VIET_TRI = "000.00.30.H44"  # district: keeps the incoming register
LAM_THAO = "000.00.31.H44"  # district
UNSIGNED_PDF = "tinh/so-noi-vu/2024/du-thao-265-SNV_2024-05-10.pdf"
OTHER_VALID_PDF = "tinh/vp-ubnd/2024/38-VP-TH_2024-05-20.pdf"
THIRD_VALID_PDF = "huyen/lam-thao/2024/88-UBND-VP_2024-01-22.pdf"
REPLACEMENT_PDF = "xa/gia-cam/2024/25-UBND_2024-02-02.pdf"

REGISTRY = (
    "code,name,level,parent_code,valid_from,valid_to\n"
    f"{PROVINCE_OFFICE},Văn phòng UBND tỉnh Phú Thọ,province,000.00.00.H44,,\n"
    f"{VIET_TRI},UBND thành phố Việt Trì,district,000.00.00.H44,,\n"
    f"{LAM_THAO},UBND huyện Lâm Thao,district,000.00.00.H44,,\n"
    "000.00.12.H44,Sở Nội vụ tỉnh Phú Thọ,province,000.00.00.H44,,\n"
)


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _build(root: Path) -> Path:
    archive = root / "xuat-du-lieu"
    (archive / "outgoing").mkdir(parents=True)
    (archive / "den").mkdir()
    (archive / "lien-thong").mkdir()
    files = {
        "outgoing/a.pdf": VALID_PDF,  # 15/UBND-VP, sent to Việt Trì, received there unchanged
        "outgoing/b.pdf": TAMPERED_PDF,  # 16/UBND-VP, received at Việt Trì as another, unsigned file
        "outgoing/c.pdf": OTHER_VALID_PDF,  # internal: sent to itself
        "outgoing/d.pdf": THIRD_VALID_PDF,  # the same number as a.pdf, different document
        "outgoing/e.pdf": UNSIGNED_PDF,  # sent to Việt Trì, never received there
        "den/a-ban-nhan.pdf": VALID_PDF,
        "den/b-ban-nhan.pdf": UNSIGNED_PDF,
    }
    for name, source in files.items():
        (archive / name).write_bytes(sample_pdf(source))
    # English headings; "outgoing" in the name makes it a register of sent documents.
    (archive / "outgoing" / "register-outgoing.csv").write_text(
        _csv(
            [
                ["file", "sender_code", "number", "notation", "issue_date", "recipient_codes", "subject"],
                ["a.pdf", PROVINCE_OFFICE, "15", "UBND-VP", "2024-03-12", VIET_TRI, "Ký số"],
                ["b.pdf", PROVINCE_OFFICE, "16", "UBND-VP", "2024-03-14", f"{VIET_TRI};{LAM_THAO}", "x"],
                ["c.pdf", PROVINCE_OFFICE, "17", "UBND-VP", "2024-03-15", PROVINCE_OFFICE, "nội bộ"],
                ["d.pdf", PROVINCE_OFFICE, "15", "UBND-VP", "2024-04-02", LAM_THAO, "trùng số"],
                ["e.pdf", PROVINCE_OFFICE, "18", "UBND-VP", "2024-05-20", VIET_TRI, "chưa nhận"],
            ]
        ),
        encoding="utf-8",
    )
    # Vietnamese headings (Circular 02/2019 names), dd/mm/yyyy dates; "đến" makes it incoming.
    (archive / "den" / "sổ văn bản đến.csv").write_text(
        "\ufeff"
        + _csv(
            [
                ["Tệp", "Mã cơ quan ban hành", "Số, ký hiệu", "Ngày văn bản", "Mã nơi nhận", "Trạng thái"],
                ["a-ban-nhan.pdf", PROVINCE_OFFICE, "15/UBND-VP", "12/03/2024", VIET_TRI, "01;03;06"],
                ["b-ban-nhan.pdf", PROVINCE_OFFICE, "16/UBND-VP", "14/03/2024", VIET_TRI, "01;05"],
            ]
        ),
        encoding="utf-8",
    )
    pdf = sample_pdf(OTHER_VALID_PDF)
    new = package([Att("cv-50.pdf", pdf)], number="50", notation="VP-TH", date="2024/04/10")
    replaced = package(
        [Att("cv-50-thay-the.pdf", sample_pdf(REPLACEMENT_PDF))],
        number="50",
        notation="VP-TH",
        date="2024/04/10",
        business="3",
    )
    recall = package([Att("cv-60.pdf", sample_pdf(TAMPERED_PDF) + b"\n")], number="60", business="1")
    (archive / "lien-thong" / "cv-50.edxml").write_bytes(new)
    (archive / "lien-thong" / "cv-50-thay-the.edxml").write_bytes(replaced)
    (archive / "lien-thong" / "cv-60-thu-hoi.edxml").write_bytes(recall)
    document_id = f"{PROVINCE_OFFICE},2024/04/10,50/VP-TH"
    (archive / "lien-thong" / "trang-thai.edxml").write_bytes(status_package(document_id, "02", "Từ chối"))
    (root / "agencies.csv").write_text(REGISTRY, encoding="utf-8")
    return archive


def _scan(root: Path, demo_pki: Path, *extra: str, config: Path | None = None) -> dict[str, Any]:
    out = root / f"r{len(list(root.glob('r*.json')))}.json"
    result = CliRunner().invoke(
        main,
        [
            *(["--config", str(config)] if config else []),
            "scan", str(root / "xuat-du-lieu"), "--trust-roots", str(demo_pki / "demo-root.pem"),
            "--other-certs", str(demo_pki / "demo-intermediate.pem"),
            "--agencies", str(root / "agencies.csv"), "--no-store",
            "--json", str(out), "--csv", str(root / "e.csv"), *extra,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    data["_table"] = result.output
    data["_docs"] = {d["path"].split("/", 1)[1]: d for d in data["documents"]}
    return data


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, demo_pki: Path) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("exchange")
    _build(root)
    return root, _scan(root, demo_pki)


def test_registers_in_both_heading_languages_give_each_file_its_metadata(
    scanned: tuple[Path, dict[str, Any]],
) -> None:
    docs = scanned[1]["_docs"]
    a = docs["outgoing/a.pdf"]
    assert (a["direction"], a["metadata"]["number"], a["metadata"]["notation"]) == ("sent", "15", "UBND-VP")
    assert a["metadata"]["date"] == "2024-03-12" and a["metadata"]["source"] == "register"
    assert [(r["code"], r["level"]) for r in a["recipients"]] == [(VIET_TRI, "district")]
    assert (a["agency"]["name"], a["agency"]["level"]) == ("Văn phòng UBND tỉnh Phú Thọ", "province")
    received = docs["den/a-ban-nhan.pdf"]
    assert received["direction"] == "received" and received["metadata"]["date"] == "2024-03-12"
    assert (received["metadata"]["number"], received["metadata"]["notation"]) == ("15", "UBND-VP")
    assert [s["code"] for s in received["metadata"]["statuses"]] == ["01", "03", "06"]
    assert not [w for w in scanned[1]["warnings"] if "register" in w or ".csv" in w]


def test_each_document_counts_once_and_every_left_out_one_says_why(
    scanned: tuple[Path, dict[str, Any]],
) -> None:
    report = scanned[1]
    reasons = {p: (d["inter_agency"], d["excluded_reason"]) for p, d in report["_docs"].items()}
    edxml = {p.split("/")[1].split("!")[0]: v for p, v in reasons.items() if p.startswith("lien-thong/")}
    assert reasons["outgoing/a.pdf"] == (True, None)
    assert reasons["outgoing/b.pdf"] == (True, None)
    assert reasons["outgoing/c.pdf"] == (False, "internal")
    assert reasons["outgoing/d.pdf"] == (True, None)  # same number, different document: both count
    assert reasons["outgoing/e.pdf"] == (True, None)
    assert reasons["den/a-ban-nhan.pdf"] == (True, "duplicate_copy")  # the same bytes as a.pdf
    assert reasons["den/b-ban-nhan.pdf"] == (True, "duplicate_copy")  # a (differing) copy of b.pdf
    assert edxml["cv-50.edxml"] == (True, "replaced")
    assert edxml["cv-50-thay-the.edxml"] == (True, None)
    assert edxml["cv-60-thu-hoi.edxml"] == (True, "recalled")
    summary = report["summary"]
    assert summary["total"]["documents"] == 5  # a, b, d, e and the replacement
    assert summary["all_total"]["documents"] == 10
    assert {k: v["documents"] for k, v in summary["excluded"].items()} == {
        "internal": 1,
        "duplicate_copy": 2,
        "recalled": 1,
        "replaced": 1,
    }
    assert summary["by_level"]["province"]["documents"] == 5
    valid = sum(report["_docs"][p]["verdict"] == "valid" for p, (_, why) in reasons.items() if why is None)
    assert summary["by_level"]["province"]["valid"] == valid == 3  # a, d, the replacement
    flows = {(f["from"], f["to"]): f["documents"] for f in summary["flow_matrix"]}
    # The edXML replacement goes to Sở Nội vụ (province) and Việt Trì (district): one document, two flows.
    assert flows == {("province", "province"): 1, ("province", "district"): 5}


def test_reconciliation_finds_differing_unsigned_refused_duplicate_and_missing_copies(
    scanned: tuple[Path, dict[str, Any]],
) -> None:
    report = scanned[1]
    found = {(r["finding"], tuple(p.split("/", 1)[1] for p in r["paths"])) for r in report["reconciliation"]}
    assert ("received_differs", ("outgoing/b.pdf", "den/b-ban-nhan.pdf")) in found
    assert ("received_without_signature", ("outgoing/b.pdf", "den/b-ban-nhan.pdf")) in found
    assert ("duplicate_number", ("outgoing/a.pdf", "outgoing/d.pdf")) in found
    assert ("sent_not_received", ("outgoing/e.pdf",)) in found
    refused = [r for r in report["reconciliation"] if r["finding"] == "refused"]
    assert refused and "status 02 from 000.00.12.H44" in refused[0]["detail"]
    # a.pdf was received unchanged: nothing reported about it except the shared number with d.pdf.
    about_a = {f for f, paths in found if "den/a-ban-nhan.pdf" in paths}
    assert about_a == set()
    counts = report["summary"]["reconciliation"]
    # e.pdf and the replacement were sent to Việt Trì, whose incoming register holds neither; the
    # recalled and the replaced packages are not expected there.
    assert counts["received_differs"] == 1 and counts["sent_not_received"] == 2 and counts["refused"] == 1
    assert "1  received_differs" in report["_table"] and "1  duplicate_number" in report["_table"]
    rows = list(csv.DictReader(io.StringIO((scanned[0] / "e.csv").read_text(encoding="utf-8-sig"))))
    b_rows = [r for r in rows if r["path"].endswith("den/b-ban-nhan.pdf")]
    assert b_rows and b_rows[0]["reconciliation"] == "received_differs;received_without_signature"
    assert b_rows[0]["excluded_reason"] == "duplicate_copy" and b_rows[0]["direction"] == "received"


def test_the_second_measure_counts_receptions_whose_trail_reaches_done(
    scanned: tuple[Path, dict[str, Any]],
) -> None:
    processed = scanned[1]["summary"]["processed_through_system"]
    district = processed["district"]
    # Receptions at district level: a, b (x2: Việt Trì and Lâm Thao), d, e, and the replacement (x2).
    assert district["with_status_trail"] == 2  # a and b at Việt Trì, from the incoming register
    assert district["done"] == 1 and district["share_done"] == 0.5 and district["target"] == 0.6
    assert "processed through the system" in scanned[1]["_table"]


@pytest.mark.slow
def test_since_until_and_period_select_and_break_down_by_document_date(
    scanned: tuple[Path, dict[str, Any]], demo_pki: Path
) -> None:
    root = scanned[0]
    report = _scan(root, demo_pki, "--since", "2024-03-01", "--until", "2024-03-31", "--period", "month")
    reasons = {p: d["excluded_reason"] for p, d in report["_docs"].items()}
    assert reasons["outgoing/a.pdf"] is None and reasons["outgoing/b.pdf"] is None
    assert reasons["outgoing/d.pdf"] == "out_of_period" and reasons["outgoing/e.pdf"] == "out_of_period"
    assert report["summary"]["total"]["documents"] == 2  # a and b; c is internal, the copies duplicates
    assert report["summary"]["by_period"] == {"2024-03": report["summary"]["total"]}
    assert "KPI per month of the document date" in report["_table"]
    assert "dated 2024-03-01 to 2024-03-31" in report["_table"]


def test_bad_period_options_are_usage_errors(scanned: tuple[Path, dict[str, Any]], demo_pki: Path) -> None:
    root = scanned[0]
    result = CliRunner().invoke(
        main, ["scan", str(root / "xuat-du-lieu"), "--since", "2024-05-01", "--until", "2024-01-01"]
    )
    assert result.exit_code == 2 and "--since is after --until" in result.output
    result = CliRunner().invoke(main, ["scan", str(root / "xuat-du-lieu"), "--since", "01/05/2024"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_register_detection_and_direction_from_names() -> None:
    assert direction_from_name("so-van-ban-di.csv") == Direction.SENT
    assert direction_from_name("Sổ văn bản đến 2024.csv") == Direction.RECEIVED
    assert direction_from_name("outgoing.csv") == Direction.SENT
    assert direction_from_name("danh-sach.csv") == Direction.UNKNOWN
    assert is_document_csv("x.csv", "Tệp,Trích yếu\na.pdf,b\n".encode())
    assert not is_document_csv("thong-ke.csv", b"month,count\n2024-01,3\n")
    assert is_document_csv("manifest.csv", b"")


def test_malformed_register_rows_are_reported_and_the_rest_kept() -> None:
    data = _csv(
        [
            ["Tệp", "Ngày văn bản", "Hướng", "Nghiệp vụ", "Trạng thái", "Mã nơi nhận", "Nơi nhận"],
            ["a.pdf", "31/02/2024", "đi", "thu hồi", "6", "X;Y", "Một"],
            ["b.pdf", "2024-01-05", "sideways", "merge", "done", "", ""],
            ["", "2024-01-05", "", "", "", "", ""],
            ["c.pdf"],  # a short row
        ]
    ).encode("utf-8")
    entries, problems = parse_manifest(data, base="r", name="so.csv")
    assert [e.path for e in entries] == ["r/a.pdf", "r/b.pdf", "r/c.pdf"]
    a, b, c = (e.meta for e in entries)
    assert a.date is None and a.direction == Direction.SENT and a.business is not None
    assert [s.code for s in a.statuses] == ["06"] and [p.code for p in a.recipients] == ["X", "Y"]
    assert b.direction == Direction.UNKNOWN and b.business is None and b.statuses == ()
    assert c.date is None and c.recipients == ()
    text = "\n".join(problems)
    for words in ("line 2: date '31/02/2024'", "names ignored", "unknown direction 'sideways'",
                  "unknown business type 'merge'", "status 'done'", "line 4: empty 'file' cell"):  # fmt: skip
        assert words in text, words
    assert parse_manifest(b"\xff\xfe\x00bad", base="", name="x.csv")[1][0].startswith("CSV is not UTF-8")


@pytest.mark.slow
def test_zips_of_registers_and_packages_give_the_same_kpi(
    scanned: tuple[Path, dict[str, Any]], demo_pki: Path, tmp_path: Path
) -> None:
    root, report = scanned
    zipped = tmp_path / "xuat-du-lieu"
    zipped.mkdir()
    with zipfile.ZipFile(zipped / "ban-giao-2024.zip", "w") as z:
        for path in sorted((root / "xuat-du-lieu").rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(root / "xuat-du-lieu").as_posix())
    shutil.copy(root / "agencies.csv", tmp_path / "agencies.csv")
    again = _scan(tmp_path, demo_pki)
    assert {p.split("!/", 1)[1]: d["excluded_reason"] for p, d in again["_docs"].items()} == {
        p: d["excluded_reason"] for p, d in report["_docs"].items()
    }
    for key in ("total", "excluded", "flow_matrix", "reconciliation", "processed_through_system"):
        assert again["summary"][key] == report["summary"][key], key


COLUMNS = '[columns]\nfile = ["Tên file"]\nagency_code = ["Đơn vị soạn"]\nrecipient_codes = ["Gửi tới"]\n'


def test_a_configuration_adds_register_headings(tmp_path: Path) -> None:
    register = f"Tên file,Đơn vị soạn,Gửi tới\na.pdf,{PROVINCE_OFFICE},{VIET_TRI}\n".encode()
    assert parse_manifest(register, base="r", name="so-di.csv") == (
        [],
        ["CSV has no file column (file, tệp, đường dẫn …)"],
    )
    config = tmp_path / "sigaudit.toml"
    config.write_text(COLUMNS, encoding="utf-8")
    columns = load_config(config, {}).columns
    [entry], problems = parse_manifest(register, base="r", name="so-di.csv", extra=dict(columns))
    assert (entry.path, entry.agency_code, problems) == ("r/a.pdf", PROVINCE_OFFICE, [])
    assert [p.code for p in entry.meta.recipients] == [VIET_TRI]
    config.write_text('[columns]\nfiel = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown column 'fiel'"):
        load_config(config, {})


@pytest.mark.slow
def test_a_scan_reads_registers_with_the_configured_headings(demo_pki: Path, tmp_path: Path) -> None:
    archive = tmp_path / "xuat-du-lieu"
    archive.mkdir()
    (archive / "a.pdf").write_bytes(sample_pdf(VALID_PDF))
    (archive / "so-di.csv").write_text(
        f"Tên file,Đơn vị soạn,Gửi tới\na.pdf,{PROVINCE_OFFICE},{VIET_TRI}\n", encoding="utf-8"
    )
    (tmp_path / "agencies.csv").write_text(REGISTRY, encoding="utf-8")
    config = tmp_path / "sigaudit.toml"
    config.write_text(COLUMNS, encoding="utf-8")
    report = _scan(tmp_path, demo_pki, config=config)
    assert report["summary"]["by_level"]["province"]["documents"] == 1
    config.write_text('[columns]\nfiel = ["x"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "scan", str(archive)])
    assert result.exit_code == 2 and "unknown column 'fiel'" in result.output


def _facts(
    seq: int, sha: str, direction: Direction, number: str | None, recipients: tuple[str, ...] = ()
) -> DocumentFacts:
    """A document as aggregation sees it: sent by the province office, the given bytes and number."""
    outcome = OutcomeFacts(Verdict.VALID, "ok", True, Decree30.COMPLETE, (), None)
    agency = Agency(PROVINCE_OFFICE, "Văn phòng UBND tỉnh Phú Thọ", Level.PROVINCE, "registry", "test")
    meta = DocumentMeta(
        source="register",
        direction=direction,
        date=date(2024, 3, 1),
        number=number,
        notation="UBND-VP" if number else None,
        recipients=tuple(Party(code, None, Level.DISTRICT) for code in recipients),
    )
    return DocumentFacts(f"doc-{seq}.pdf", sha * 64, 1000, agency, outcome, meta)


def test_copies_count_once_with_the_senders_copy_first_whatever_the_order() -> None:
    """The copy rules, worked out in classify's table, on documents streamed once from a generator:
    the same bytes are one document; a received copy of a counted number is a copy even when its
    bytes differ; a received copy that was itself a copy adds nothing to what was seen; the sender's
    copy is preferred over one whose direction is unknown even when found later."""
    sent, received, unknown = Direction.SENT, Direction.RECEIVED, Direction.UNKNOWN
    documents = [
        _facts(0, "a", sent, "1", (VIET_TRI,)),  # counted
        _facts(1, "a", received, "1"),  # same bytes: a copy
        _facts(2, "b", received, "1"),  # other bytes, same number as a counted copy: a copy
        _facts(3, "c", received, "7"),  # only received: counted
        _facts(4, "b", received, "9"),  # the bytes of 2, which was a copy and not counted: counted
        _facts(5, "d", unknown, None, (LAM_THAO,)),  # the bytes of 6, the sender's copy: a copy
        _facts(6, "d", sent, "5", (LAM_THAO,)),  # counted
        _facts(7, "e", sent, "1", (LAM_THAO,)),  # sender's other document with number 1: counted
        _facts(8, "f", sent, None, (PROVINCE_OFFICE,)),  # sent to itself: internal
    ]
    with classify(iter(documents)) as exchanges:
        assert len(exchanges) == len(documents)
        reasons = [e.excluded for e in exchanges]
        assert exchanges[2] == list(exchanges)[2] and exchanges[-1] == exchanges[8]
        with pytest.raises(IndexError):
            exchanges[len(documents)]
        summary = summarize(exchanges)
        with reconcile(exchanges) as kept:
            findings = {(r.finding, r.paths[-1]) for r in kept}
            counts, named = kept.counts(), kept.naming("doc-2.pdf")
            assert len(kept) == len(list(kept)) > 1 and list(kept[:2]) == list(kept)[:2] == [kept[0], kept[1]]
            assert kept[-1] == list(kept)[-1]
    copy = Exclusion.DUPLICATE_COPY
    assert reasons == [None, copy, copy, None, None, copy, None, None, Exclusion.INTERNAL]
    assert summary.total.documents == 5 and summary.all_total is not None
    assert summary.all_total.documents == 9 and summary.exclusions == {copy: 3, Exclusion.INTERNAL: 1}
    assert (Finding.DUPLICATE_NUMBER, "doc-7.pdf") in findings  # 0 and 7: two documents numbered 1
    assert (Finding.RECEIVED_DIFFERS, "doc-2.pdf") in findings
    assert counts[Finding.DUPLICATE_NUMBER] == 1 and counts[Finding.REFUSED] == 0
    assert named == ["received_differs"]  # what the CSV evidence says of doc-2.pdf
