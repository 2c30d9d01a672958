"""The PDF report (--pdf), from a real scan of the sample archive, read back with poppler and pyHanko.

The scan validates the signed sample PDFs of demo/ against the demo PKI and writes the JSON report,
the CSV evidence and the PDF in one run; the PDF must show the Decree 30 Appendix I layout with the
run's figures, embed its fonts (so a fresh machine shows Vietnamese), and carry the JSON and CSV, byte
for byte, as associated files. Poppler's pdftotext, pdffonts and pdfdetach (Debian poppler-utils,
already needed by the sample generator) read it as any viewer would.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pyhanko.pdf_utils.reader import PdfFileReader

from sigaudit.cli import main
from sigaudit.model import Level
from sigaudit.report.i18n import LEVELS

POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfdetach"))
pytestmark = pytest.mark.skipif(
    not POPPLER and not os.environ.get("CI"), reason="needs Debian's poppler-utils (pdftotext, pdffonts)"
)
HEADER = (
    "--pdf-parent", "UBND tỉnh Phú Thọ",
    "--pdf-agency", "Thanh tra tỉnh",
    "--pdf-number", "12/BC-TTr",
    "--pdf-place", "Phú Thọ",
    "--pdf-recipient", "UBND tỉnh (b/c)",
    "--pdf-recipient", "Sở Nội vụ",
    "--pdf-signer-title", "KT. Chánh thanh tra",
    "--pdf-signer-title", "Phó Chánh thanh tra",
    "--pdf-signer-name", "Nguyễn Thị Hằng",
)  # fmt: skip


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


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def scanned(sample_docs: Path, demo_pki: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("pdf")
    store = out / "store.sqlite"
    result = _scan(
        sample_docs,
        demo_pki,
        "--store",
        str(store),
        "--json",
        str(out / "r.json"),
        "--csv",
        str(out / "e.csv"),
        "--pdf",
        str(out / "vi.pdf"),
        *HEADER,
    )
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(
        main, ["report", "--store", str(store), "-q", "--lang", "en", "--pdf", str(out / "en.pdf")]
    )
    assert again.exit_code == 0, again.output
    return {
        "dir": out,
        "store": store,
        "json": json.loads((out / "r.json").read_text(encoding="utf-8")),
        "vi": _text(out / "vi.pdf"),
        "en": _text(out / "en.pdf"),
    }


def test_the_decree_30_layout_in_vietnamese(scanned: dict[str, Any]) -> None:
    lines = [line.strip() for line in scanned["vi"].splitlines() if line.strip()]
    # top left the parent and issuing bodies and the number, top right the national title and date
    assert re.fullmatch(r"UBND TỈNH PHÚ THỌ\s+CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", lines[0])
    assert re.fullmatch(r"THANH TRA TỈNH\s+Độc lập - Tự do - Hạnh phúc", lines[1])
    assert re.fullmatch(r"Số: 12/BC-TTr\s+Phú Thọ, ngày \d\d tháng \d\d năm \d{4}", lines[2])
    assert lines[3:5] == ["BÁO CÁO", "Kết quả kiểm tra chữ ký số của văn bản điện tử"]
    text = scanned["vi"]
    for wanted in ("Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT.", "KT. CHÁNH THANH TRA"):
        assert wanted in text
    assert "PHÓ CHÁNH THANH TRA" in text and "Nguyễn Thị Hằng" in text
    assert text.index("Nơi nhận:") > text.index("3. Các phát hiện chính")


def test_the_per_level_table_shows_the_runs_figures(scanned: dict[str, Any]) -> None:
    summary = scanned["json"]["summary"]
    flat = re.sub(r"[ \t]+", " ", scanned["vi"])
    for level in Level:
        c = summary["by_level"][level.value]
        if not c["documents"]:
            continue
        signed, valid = 100 * c["signed"] / c["documents"], 100 * c["valid"] / c["documents"]
        row = f"{LEVELS['vi'][level]} {c['documents']} {c['signed']} {c['valid']} {signed:.1f}% {valid:.1f}%"
        assert row in flat, row
    total = summary["total"]
    assert f"Tổng cộng {total['documents']} {total['signed']} {total['valid']}" in flat


def test_fonts_are_embedded_and_cover_vietnamese(scanned: dict[str, Any]) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(scanned["dir"] / "vi.pdf")], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all("LiberationSerif" in f for f in fonts)  # no viewer-supplied fallback font
    assert all(f.split()[-5:-2] == ["yes", "yes", "yes"] for f in fonts)  # embedded, subset, ToUnicode
    assert "Độc lập - Tự do - Hạnh phúc" in scanned["vi"]  # every Vietnamese letter came back out


def test_the_json_report_and_csv_evidence_are_attached_byte_for_byte(
    scanned: dict[str, Any], tmp_path: Path
) -> None:
    pdf = scanned["dir"] / "vi.pdf"
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(pdf)], check=True)
    attached_json = (tmp_path / "sigaudit-report.json").read_bytes()
    attached_csv = (tmp_path / "sigaudit-evidence.csv").read_bytes()
    assert attached_json == (scanned["dir"] / "r.json").read_bytes()
    assert attached_csv == (scanned["dir"] / "e.csv").read_bytes()
    flat = re.sub(r"\s+", " ", scanned["vi"])
    for data in (attached_json, attached_csv):  # the report prints the digest of what it carries
        assert f"SHA-256 {hashlib.sha256(data).hexdigest()}" in flat
    # associated files of the document (catalog /AF), as PDF/A-3 attaches the data behind a report
    reader = PdfFileReader(io.BytesIO(pdf.read_bytes()))
    specs = [ref.get_object() for ref in reader.root["/AF"]]
    assert sorted(str(s["/F"]) for s in specs) == ["sigaudit-evidence.csv", "sigaudit-report.json"]
    assert all(str(s["/AFRelationship"]) == "/Data" for s in specs)


def test_the_english_report(scanned: dict[str, Any]) -> None:
    text = scanned["en"]
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text and "Independence - Freedom - Happiness" in text
    assert "REPORT" in text and "Recipients:" in text and "1. Share of digitally signed documents" in text
    assert "Total" in text


def test_an_unwritable_pdf_is_exit_2_and_leaves_no_partial_file(
    scanned: dict[str, Any], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["report", "--store", str(scanned["store"]), "-q", "--pdf", str(blocker / "r.pdf")]
    )
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_header_fields_come_from_sigaudit_toml(scanned: dict[str, Any], tmp_path: Path) -> None:
    config = tmp_path / "sigaudit.toml"
    config.write_text(
        '[report]\npdf-agency = "Sở Thông tin và Truyền thông"\npdf-number = "7/BC-STTTT"\n'
        'pdf-recipient = ["Văn phòng UBND tỉnh"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(
        main, ["--config", str(config), "report", "--store", str(scanned["store"]), "-q", "--pdf", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert "SỞ THÔNG TIN VÀ TRUYỀN" in text and "Số: 7/BC-STTTT" in text  # capitals, over two lines
    assert "- Văn phòng UBND tỉnh;" in text
