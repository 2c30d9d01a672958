"""Hostile names and cells reach every report sink inert (issue 16, output side: items 1, 2, 4, 5, 11a).

The files come from scripts/make_hostile_names.py, built afresh: a PDF signed by pyHanko with a demo
certificate whose signature field name and signer CN carry a CR followed by a forged CSV row, formulas,
ANSI/OSC sequences, a bidi override and a control XML 1.0 cannot hold; a ZIP holding it under member
names made of rich markup (``[/x].pdf``), OSC hyperlinks and formulas, with a manifest whose cells carry
the same. The real CLI scans them, and each output is read back the way its consumer reads it: the CSV
with Python's csv module, a strict RFC 4180 parser and a spreadsheet-style one (CR, LF and CRLF all end
a row), the ETSI reports with an XML parser, the HTML with an HTML parser, the terminal output as bytes.
"""

from __future__ import annotations

import csv
import hashlib
import html.parser
import io
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeET
import pytest
from click.testing import CliRunner, Result

from sigaudit.aggregate.diff import RunDiff, VerdictChange
from sigaudit.cli import main
from sigaudit.model import Verdict
from sigaudit.report.csv_report import COLUMNS, EXACT_COLUMNS
from sigaudit.report.diff_report import render_diff_text
from sigaudit.report.escape import FORMULA_START, csv_cell, html_text, terminal, xml_bytes, xml_text

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import make_hostile_names as hostile  # noqa: E402

# What must never reach a terminal raw: ESC (ANSI/OSC), BEL, CR, a C1 CSI, the bidi override.
RAW_TERMINAL = ("\x1b]", "\x1b[2J", "\x1b[31m", "\x07", "\r", "\x9b", "\u202e")
VR = "{http://uri.etsi.org/19102/v1.2.1#}"


# --- the escaping functions ------------------------------------------------------------------------
def test_terminal_shows_controls_and_bidi_as_visible_escapes() -> None:
    assert terminal("a\x1b]0;t\x07\u202eb\r\n\x9b\u2066") == "a\\x1b]0;t\\x07\\u202eb\\r\\n\\x9b\\u2066"
    assert terminal("UBND tỉnh Phú Thọ [bold] — 12/UBND-VP") == "UBND tỉnh Phú Thọ [bold] — 12/UBND-VP"


def test_zero_width_characters_are_shown_where_bidi_controls_are() -> None:
    """A name read from a page may hold characters that take no width ("UBND xã Sơn\u200b Vi"): shown
    raw, two different names looked the same on the terminal, in ``verify`` and on the dashboard."""
    name = "UBND xã Sơn\u200b Vi\u200c\u200d\u2060\ufeff\u00ad\u180e"
    shown = "UBND xã Sơn\\u200b Vi\\u200c\\u200d\\u2060\\ufeff\\xad\\u180e"
    assert terminal(name) == shown and html_text(name) == shown
    assert terminal("Văn phòng UBND huyện Lâm Thao") == "Văn phòng UBND huyện Lâm Thao"


def test_csv_cell_guards_every_owasp_formula_start_unless_raw() -> None:
    for start in FORMULA_START:
        assert csv_cell(f"{start}1+1") == f"'{start}1+1"
        assert csv_cell(f"{start}1+1", raw=True) == f"{start}1+1"
    assert csv_cell("Sở Nội vụ") == "Sở Nội vụ" and csv_cell("") == ""


def test_xml_text_keeps_what_xml_can_hold_and_a_cr_reads_back_as_cr() -> None:
    root = Element("r")
    root.text = xml_text("a\rb\x01c\x1b\ud800\ufffe\tđ")
    parsed = SafeET.fromstring(xml_bytes(tostring(root, encoding="utf-8")))
    assert parsed.text == "a\rb\\x01c\\x1b\\ud800\\ufffe\tđ"


def test_html_text_keeps_whitespace_and_shows_controls() -> None:
    assert html_text("a\tb\nc\x1b\u202e\r") == "a\tb\nc\\x1b\\u202e\\r"


# --- readers an auditor's tools stand for ------------------------------------------------------------
def rfc4180_rows(text: str, *, spreadsheet: bool = False) -> list[list[str]]:
    """Records of ``text`` read independently of Python's csv module. Strict (default): a record ends
    only at CRLF, and a bare CR or LF outside quotes is an error. ``spreadsheet``: a CR, an LF or a CRLF
    outside quotes each end a record, as spreadsheet importers read them."""
    rows: list[list[str]] = []
    record: list[str] = []
    field: list[str] = []
    quoted = started = False
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text.startswith('""', i):
                field.append('"')
                i += 2
                continue
            if c == '"':
                quoted = False
            else:
                field.append(c)
        elif c == '"' and not field:
            quoted = started = True
        elif c == ",":
            record.append("".join(field))
            field, started = [], False
        elif c in "\r\n":
            crlf = text.startswith("\r\n", i)
            if not crlf and not spreadsheet:
                raise ValueError(f"bare {c!r} outside quotes at {i}")
            rows.append([*record, "".join(field)])
            record, field, started = [], [], False
            i += 2 if crlf else 1
            continue
        else:
            field.append(c)
        i += 1
    if record or field or started:
        rows.append([*record, "".join(field)])
    return rows


def _all_readers(text: str) -> list[list[list[str]]]:
    return [
        [list(r) for r in csv.reader(io.StringIO(text, newline=""))],
        rfc4180_rows(text),
        rfc4180_rows(text, spreadsheet=True),
    ]


# --- the scan of the hostile archive ----------------------------------------------------------------
def _trust(demo_pki: Path) -> list[str]:
    root, intermediate = demo_pki / "demo-root.pem", demo_pki / "demo-intermediate.pem"
    return ["--trust-roots", str(root), "--other-certs", str(intermediate)]


TOP_NAME = '=HYPERLINK("https:evil.example","top").pdf'  # a file the scan is given by this relative name


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    pdf = hostile.hostile_pdf()
    (folder / "signed.pdf").write_bytes(pdf)
    (folder / TOP_NAME).write_bytes(pdf)
    (folder / "archive.zip").write_bytes(hostile.hostile_zip(pdf))
    return {"pdf": folder / "signed.pdf", "zip": folder / "archive.zip", "dir": folder}


@pytest.fixture(scope="module")
def scanned(files: dict[str, Path], demo_pki: Path) -> dict[str, Any]:
    """One ``scan -v`` (in the files' folder, so paths start with the names) writing every report,
    then ``report --csv-raw`` of the same stored run."""
    out = files["dir"] / "out"
    store = str(out / "store.sqlite")
    here = Path.cwd()
    os.chdir(files["dir"])
    try:
        result = CliRunner().invoke(
            main,
            [
                *("scan", TOP_NAME, "archive.zip", *_trust(demo_pki), "--jobs", "1", "--store", store, "-v"),
                *("--csv", str(out / "e.csv"), "--json", str(out / "r.json"), "--html", str(out / "d.html")),
                *("--etsi-report", str(out / "etsi")),
            ],
        )
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    raw_args = ["report", "--store", store, "-q", "--csv", str(out / "raw.csv"), "--csv-raw"]
    raw = CliRunner().invoke(main, raw_args)
    assert raw.exit_code == 0, raw.output
    return {
        "result": result,
        "csv": (out / "e.csv").read_bytes().decode("utf-8-sig"),
        "raw_csv": (out / "raw.csv").read_bytes().decode("utf-8-sig"),
        "json": json.loads((out / "r.json").read_text(encoding="utf-8")),
        "html": (out / "d.html").read_text(encoding="utf-8"),
        "etsi": out / "etsi",
    }


def _documents(scanned: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["path"]: d for d in scanned["json"]["documents"]}


def test_the_hostile_archive_is_read_whole(scanned: dict[str, Any], files: dict[str, Path]) -> None:
    docs = _documents(scanned)
    names = {p.split("!/", 1)[-1] for p in docs}
    assert names == {TOP_NAME, *hostile.MEMBER_NAMES, hostile.UNSIGNED_NAME}
    signed = [d for d in docs.values() if d["verdict"] == "valid"]
    assert len(signed) == 1 + len(hostile.MEMBER_NAMES)
    assert {s["field"] for d in signed for s in d["signatures"]} == {hostile.HOSTILE_FIELD}


def test_a_cr_in_a_cell_forges_no_csv_row(scanned: dict[str, Any]) -> None:
    """Item 1: every reader sees one row per signature / unsigned document, none the forged one."""
    text = scanned["csv"]
    docs = _documents(scanned)
    for rows in _all_readers(text):
        assert rows[0] == list(COLUMNS)
        assert len(rows) == 1 + len(docs)
        assert all(len(r) == len(COLUMNS) for r in rows)
        paths = [r[0] for r in rows[1:]]
        assert not any("forged" in p for p in paths)
    assert text.count("\r\n") == 1 + len(docs)  # CRLF ends records; the cells' CRs are inside quotes


def test_document_text_cannot_start_a_formula_but_our_columns_stay_exact(
    scanned: dict[str, Any], files: dict[str, Path]
) -> None:
    """Item 2: cells from documents and metadata get a leading ' when a spreadsheet would run them."""
    rows = list(csv.DictReader(io.StringIO(scanned["csv"], newline="")))
    sha = hashlib.sha256(files["pdf"].read_bytes()).hexdigest()
    for row in rows:
        for column, value in row.items():
            if column not in EXACT_COLUMNS:
                assert not value.startswith(FORMULA_START), (column, value)
    paths = {r["path"] for r in rows}
    # A path is document-derived (the archive names its files): guarded when it starts a formula...
    assert f"'{TOP_NAME}" in paths and TOP_NAME not in paths
    # ...and exact otherwise, even when a member's name would be a formula on its own.
    assert 'archive.zip!/=HYPERLINK("https:evil.example","x").pdf' in paths
    guarded = next(r for r in rows if r["path"] == f"'{TOP_NAME}")
    assert guarded["field"] == "'" + hostile.HOSTILE_FIELD
    assert guarded["signer_cn"] == "'" + hostile.HOSTILE_CN
    assert guarded["sha256"] == sha and guarded["verdict"] == "valid" and guarded["intact"] == "true"
    described = next(r for r in rows if r["path"].endswith("[/x].pdf"))
    assert described["agency_code"] == "'" + hostile.MANIFEST_CELLS["agency_code"]
    assert described["number_notation"] == "'" + hostile.MANIFEST_CELLS["number_notation"]
    assert described["document_date"] == "2024-03-12" and described["direction"] == "sent"


def test_csv_raw_writes_every_cell_exactly_as_the_json_has_it(scanned: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(scanned["raw_csv"], newline="")))
    docs = _documents(scanned)
    assert {r["path"] for r in rows} == set(docs)
    for row in rows:
        doc = docs[row["path"]]
        if doc["signatures"]:
            assert row["field"] == hostile.HOSTILE_FIELD and row["signer_cn"] == hostile.HOSTILE_CN
    assert rfc4180_rows(scanned["raw_csv"]) == [list(r) for r in csv.reader(io.StringIO(scanned["raw_csv"]))]


def test_every_etsi_report_parses_and_names_the_field_as_far_as_xml_can(scanned: dict[str, Any]) -> None:
    """Item 11a: a field name with U+0001 and ESC made the report not well-formed."""
    reports = sorted(scanned["etsi"].glob("*.xml"))
    assert len(reports) == 1  # every signed copy is the same file: one report
    root = SafeET.parse(reports[0]).getroot()
    assert root.findtext(f".//{VR}DAIdentifier") == xml_text(hostile.HOSTILE_FIELD)
    assert "\r" in xml_text(hostile.HOSTILE_FIELD)  # the CR itself survives the round trip
    assert root.findtext(f".//{VR}Signer") == xml_text(hostile.HOSTILE_CN)
    index = (scanned["etsi"] / "index.csv").read_bytes().decode("utf-8")
    rows = rfc4180_rows(index)
    assert rows == rfc4180_rows(index, spreadsheet=True) and len(rows) == 1 + len(_documents(scanned))
    assert [f"'{TOP_NAME}"] == [r[0] for r in rows if r[0].endswith('"top").pdf')]


class _Collect(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_dashboard_shows_controls_and_bidi_as_escapes(scanned: dict[str, Any]) -> None:
    page = scanned["html"]
    for raw in ("\x1b", "\x07", "\x01", "\u202e", "\r"):
        assert raw not in page, repr(raw)
    reader = _Collect()
    reader.feed(page)
    shown = "".join(reader.text)
    assert "\\x1b]0;pwned\\x07" in shown and "[/x]unsigned.pdf" in shown


def _no_raw_terminal_text(text: str) -> None:
    for raw in RAW_TERMINAL:
        assert raw not in text, (raw, text[max(0, text.find(raw) - 80) : text.find(raw) + 80])


def test_scan_prints_names_as_text_never_markup_or_escape_sequences(scanned: dict[str, Any]) -> None:
    """Items 4 and 5 for the table, its warnings and ``scan -v``'s list of documents not valid."""
    result: Result = scanned["result"]
    _no_raw_terminal_text(result.stdout + result.stderr)
    listed = [line for line in result.stderr.splitlines() if line.startswith("unsigned")]
    assert [line.split(": no signature")[0] for line in listed] == [
        f"unsigned      archive.zip!/{terminal(hostile.UNSIGNED_NAME)}"
    ]
    # the table's warnings quote names: [/x] crashed rich's markup parser (exit 3)
    missing = f"warning: manifest lists archive.zip!/{terminal(hostile.MISSING_NAME)}, which is not in"
    assert missing in result.stdout


def test_verify_shows_a_hostile_field_and_signer_as_visible_escapes(
    files: dict[str, Path], demo_pki: Path
) -> None:
    result = CliRunner().invoke(main, ["verify", str(files["pdf"]), *_trust(demo_pki)])
    assert result.exit_code == 0, result.output
    _no_raw_terminal_text(result.output)
    assert f"field {terminal(hostile.HOSTILE_FIELD)} (" in result.output
    assert f"signer        {terminal(hostile.HOSTILE_CN)} — agency" in result.output


def test_agencies_prints_manifest_cells_as_text(files: dict[str, Path]) -> None:
    """``sigaudit agencies``: the manifest's [bold]/[link=…] cells are shown, not rendered."""
    table = CliRunner().invoke(main, ["agencies", str(files["zip"])])
    assert table.exit_code == 0, table.output
    _no_raw_terminal_text(table.output)
    assert "[bold]UBND[/bold]" in table.output and "[link=https:evil.example]" in table.output
    assert "\\x1b]0;pwned\\x07Phú" in table.output
    name = hostile.MANIFEST_CELLS["agency_name"]
    for extra, expected in (([], "'+000.00.00.H44"), (["--csv-raw"], "+000.00.00.H44")):
        out = CliRunner().invoke(main, ["agencies", str(files["zip"]), "--format", "csv", *extra])
        assert out.exit_code == 0, out.output
        text = out.stdout_bytes.decode("utf-8")  # (Result.output turns CRLF into LF)
        for rows in _all_readers(text):
            cells = {r[0]: r for r in rows[1:]}
            assert expected in cells and cells[expected][1] == name
        recipients = [r[1] for r in csv.reader(io.StringIO(text, newline=""))][1:]
        assert ("'@Sở Nội vụ\u202e" in recipients) == (not extra)


def _run_on_a_terminal(args: list[str], cwd: Path, timeout_s: float = 120) -> tuple[int, bytes]:
    """Run ``sigaudit ARGS`` with stdout and stderr on a pseudo-terminal, as a person at a terminal
    does (so the progress line is drawn); return its exit code and everything it wrote."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"TERM": "xterm-256color", "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sigaudit", *args], cwd=cwd, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    written = bytearray()
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk and proc.poll() is not None:
                    break
                written += chunk
            elif proc.poll() is not None:
                break
        else:
            pytest.fail(f"sigaudit {args[0]} did not finish within {timeout_s} s")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    return proc.returncode, bytes(written)


@pytest.mark.slow
def test_a_run_on_a_terminal_draws_hostile_member_names_as_text(
    files: dict[str, Path], demo_pki: Path
) -> None:
    """Item 4: a member named ``[/x].pdf`` stopped the run with rich.errors.MarkupError (exit 3) when
    the progress line showed it; item 5: OSC and bidi sequences in names reached the terminal."""
    code, written = _run_on_a_terminal(
        ["scan", "archive.zip", *_trust(demo_pki), "--jobs", "1", "--no-store", "-v"], files["dir"]
    )
    text = written.decode("utf-8", "replace")
    assert code == 0, text[-2000:]
    assert "MarkupError" not in text and "internal failure" not in text
    # rich draws with its own CSI sequences (colours, cursor); none of the names' sequences get through
    for raw in ("\x1b]0;pwned", "\x1b]8;;https:evil", "\x1b[2J", "\u202e", "\x07"):
        assert raw not in text, (raw, text[-2000:])
    assert "\\x1b]0;pwned\\x07\\x1b[2J[/x]unsigned.pdf" in text  # scan -v's line, visible escapes


def test_diff_text_quotes_paths_and_reasons_as_visible_escapes() -> None:
    change = VerdictChange(
        f"archive.zip!/{hostile.UNSIGNED_NAME}", Verdict.VALID, Verdict.INVALID, True, hostile.HOSTILE_FIELD
    )
    text = render_diff_text(RunDiff((), (), (change,), ()), 1, 2)
    _no_raw_terminal_text(text)
    assert terminal(hostile.UNSIGNED_NAME) in text and terminal(hostile.HOSTILE_FIELD) in text
