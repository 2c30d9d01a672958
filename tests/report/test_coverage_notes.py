"""Nothing silently unmeasured: a bare folder (PDFs only, no manifest, register or edXML package) scanned
with ``--no-text``, so nothing shows any document was exchanged and levels come from certificates only.

The files are the sample archive's PDFs copied without their metadata (signed by the demo agencies'
certificates, unsigned drafts, tampered and unreadable files): the KPI is empty, and the terminal, the
JSON report and the dashboard must still show every document's verdict per level, say why the KPI is
empty and what to supply, say that levels come from names, and warn that the unknowns are mostly
unsigned (the bias guard, docs/agencies-and-kpi.md).
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sigaudit.cli import main


class _Page(HTMLParser):
    """The text of each element with an id (nested ids included), and the rows of tables by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: dict[str, str] = {}
        self.rows: dict[str, list[dict[str, str]]] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, id)
        self._table: str | None = None
        self._row: dict[str, str] | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("br", "input", "meta", "link", "img", "line", "rect"):
            return
        self._open.append((tag, a.get("id")))
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.rows[self._table] = []
        elif tag == "tr" and self._table:
            self._row = {"level": a.get("data-level") or a.get("class") or ""}
        elif tag == "td" and self._row is not None:
            self._cell = (a.get("class") or "").replace("num", "").strip()
            self._row[self._cell] = ""

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None and self._table:
            if len(self._row) > 1:
                self.rows[self._table].append(self._row)
            self._row = None
        elif tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        for _, ident in self._open:
            if ident:
                self.text[ident] = self.text.get(ident, "") + data
        if self._row is not None and self._cell is not None:
            self._row[self._cell] += data.strip()


def _bare_folder(sample_docs: Path, root: Path) -> Path:
    folder = root / "xuat-khong-metadata"
    for pdf in sorted(sample_docs.rglob("*.pdf")):
        target = folder / pdf.relative_to(sample_docs)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, target)
    return folder


@pytest.fixture(scope="module")
def bare_scan(
    sample_docs: Path, demo_pki: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, Any], str]:
    root = tmp_path_factory.mktemp("bare")
    folder = _bare_folder(sample_docs, root)
    result = CliRunner().invoke(main, [
        "scan", str(folder), "--lang", "en", "--no-text", "-j", "1", "--no-store",
        "--trust-roots", str(demo_pki / "demo-root.pem"),
        "--other-certs", str(demo_pki / "demo-intermediate.pem"),
        "--json", str(root / "report.json"), "--html", str(root / "dashboard.html"),
    ], env={"COLUMNS": "150"})  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))
    return result.output, report, (root / "dashboard.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_terminal_shows_every_verdict_and_says_why_nothing_is_measured(
    bare_scan: tuple[str, dict[str, Any], str],
) -> None:
    output, report, _ = bare_scan
    summary = report["summary"]
    found = summary["all_total"]["documents"]
    assert summary["total"]["documents"] == 0 and found == len(report["documents"])
    assert "All documents found, per level of the issuing agency" in output
    total_row = output[output.index("All documents found") :].split("│ total")[1].splitlines()[0]
    cells = [int(c) for c in re.findall(r"\d+(?=\s*│)", total_row)]
    all_total = summary["all_total"]
    assert cells == [all_total[k] for k in ("documents", "signed", "valid", "invalid", "indeterminate",
                                            "unsigned", "unreadable")]  # fmt: skip
    flat = " ".join(output.split())
    assert (
        f"The KPI is empty: no document was shown to be sent between agencies ({found} no_exchange_data)"
        in flat
    )
    assert "let sigaudit read the pages (drop --no-text)" in flat
    unknown = summary["all_by_level"]["unknown"]["documents"]
    assert 0 < unknown < found
    assert "Levels come from names (no --agencies registry)" in flat
    assert f"{unknown} of {found} documents found are at level unknown" in flat


@pytest.mark.slow
def test_the_unknown_share_per_verdict_and_the_bias_warning_are_reported(
    bare_scan: tuple[str, dict[str, Any], str],
) -> None:
    """Without the pages, an unsigned draft has no certificate to name its agency: every unsigned
    document is at unknown while most signed ones are placed by their certificate."""
    output, report, _ = bare_scan
    guard = report["summary"]["unknown_level"]
    assert guard["basis"] == "all"
    unsigned = guard["per_verdict"]["unsigned"]
    assert unsigned["unknown"] == unsigned["documents"] == report["summary"]["all_total"]["unsigned"] > 0
    assert guard["signed"]["share"] < 0.5 and guard["gap_points"] >= 5 and guard["move_points"] >= 5
    assert guard["warn"] is True
    flat = " ".join(output.split())
    assert "Level unknown, per verdict (all documents found):" in flat
    assert f"Unsigned {unsigned['unknown']}/{unsigned['documents']} (100.0%)" in flat
    assert "warning: Possible bias: 100.0% of unsigned but" in flat


@pytest.mark.slow
def test_the_dashboard_headline_agrees_with_its_lists(bare_scan: tuple[str, dict[str, Any], str]) -> None:
    """The headline's "not valid" is the number of documents listed as not valid (it read the empty KPI
    before), and the all-documents table counts every document per verdict."""
    _, report, page = bare_scan
    parsed = _Page()
    parsed.feed(page)
    not_valid = [d for d in report["documents"] if d["verdict"] != "valid"]
    assert len(not_valid) > 0
    cards = " ".join(parsed.text["summary-cards"].split())
    assert f"{len(not_valid)} Documents not valid (of all found)" in cards
    assert f"{len(report['documents'])} Documents found" in cards
    heading = " ".join(parsed.text["failing-documents"].split())
    assert f"({len(not_valid)})" in heading
    rows = {r["level"]: r for r in parsed.rows["all-level-table"]}
    assert rows["total"]["documents"] == str(len(report["documents"]))
    for verdict in ("valid", "invalid", "indeterminate", "unsigned", "unreadable"):
        assert rows["total"][verdict] == str(sum(d["verdict"] == verdict for d in report["documents"]))
    notes = " ".join(parsed.text["coverage-notes"].split())
    assert "The KPI is empty" in notes and "(drop --no-text)" in notes and "Possible bias" in notes
