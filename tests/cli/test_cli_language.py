"""The rest of the terminal and the reports in the run's language: the command line's error frame, the
trust warnings printed at start, ``sigaudit runs`` and ``sigaudit agencies``, and the failed gates in the
dashboard and the PDF report. Vietnamese with ``--lang vi`` (or a ``vi_VN`` locale) and no English
sentence left; with ``--lang en``, exactly what they printed before. Real runs: the sample archive's
metadata, documents copied from it and scanned, a root that expired, a CRL file that is not one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from revpki import Pki, utc
from sigaudit.cli import main
from sigaudit.store.results import ResultStore
from sigaudit.validation.trust import build_trust

VI_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "vi_VN.UTF-8"}
EN_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "150", **(env or EN_LOCALE)})


def _trust(demo_pki: Path) -> list[str]:
    root, helper = demo_pki / "demo-root.pem", demo_pki / "demo-intermediate.pem"
    return ["--trust-roots", str(root), "--other-certs", str(helper)]


def _absent(text: str, english: tuple[str, ...]) -> None:
    for words in english:
        assert words not in text, words


def test_an_error_is_framed_in_the_command_s_language(tmp_path: Path) -> None:
    """The frame is the command's (--lang, else the locale); the error's own text, raised by the store,
    is English in both (docs/configuration.md says so)."""
    missing = tmp_path / "none.sqlite"
    said = f"no result store at {missing}: run 'sigaudit scan' first or give --store\n"
    for command in (["report", "-q"], ["runs"], ["diff"]):
        en = _invoke(*command, "--store", str(missing), "--lang", "en", env=VI_LOCALE)
        assert (en.exit_code, en.stderr) == (2, f"sigaudit: error: {said}")
        vi = _invoke(*command, "--store", str(missing), "--lang", "vi")
        assert (vi.exit_code, vi.stderr) == (2, f"sigaudit: lỗi: {said}")
    by_locale = _invoke("runs", "--store", str(missing), env=VI_LOCALE)
    assert by_locale.stderr == f"sigaudit: lỗi: {said}"
    # Before any command runs (the configuration file), only the locale can say the language.
    config = tmp_path / "nowhere.toml"
    assert _invoke("--config", str(config), "runs", env=VI_LOCALE).stderr.startswith("sigaudit: lỗi: ")
    assert _invoke("--config", str(config), "runs").stderr.startswith("sigaudit: error: ")
    # Click's own usage errors stay as Click prints them.
    assert "Error: No such option '--bogus'." in _invoke("runs", "--bogus", env=VI_LOCALE).stderr


def test_trust_warnings_at_start_speak_the_terminal_s_language(demo_pki: Path, tmp_path: Path) -> None:
    """A root that expired (2024-01-01) and a damaged CRL file: both are said at start, in Vietnamese
    with --lang vi, and in English exactly as before with --lang en."""
    root = Pki("TEST Expired Root", not_after=utc(2024, 1, 1)).root_pem(tmp_path)
    evidence = tmp_path / "crls"
    evidence.mkdir()
    shutil.copy(demo_pki / "demo-root.crl", evidence / "good.crl")
    (evidence / "broken.crl").write_bytes(b"not a CRL at all")
    empty = tmp_path / "empty"
    empty.mkdir()
    args = [
        "scan",
        str(empty),
        "--no-store",
        "-q",
        "--trust-roots",
        str(root),
        "--revocation-dir",
        str(evidence),
    ]
    [anchor] = build_trust([root], use_shipped=False).roots
    where = f"({anchor.source}, SHA-256 {anchor.sha256})"
    en = _invoke(*args, "--lang", "en").stderr.splitlines()
    assert en[:2] == [
        f"sigaudit: warning: trust anchor C=VN,CN=TEST Expired Root {where} expired on "
        "2024-01-01T00:00:00+00:00: signatures made outside its validity are indeterminate under policy "
        'anchor_validity = "enforce"',
        f"sigaudit: warning: revocation evidence {evidence / 'broken.crl'} not used: not a CRL (DER or PEM)",
    ]  # fmt: skip
    vi = _invoke(*args, "--lang", "vi").stderr
    assert vi.splitlines()[:2] == [
        f"sigaudit: cảnh báo: gốc tin cậy C=VN,CN=TEST Expired Root {where} đã hết hạn ngày "
        '2024-01-01T00:00:00+00:00: theo chính sách anchor_validity = "enforce", chữ ký tạo ngoài thời hạn '
        "hiệu lực của gốc có kết quả chưa xác định",
        f"sigaudit: cảnh báo: không dùng tệp chứng cứ thu hồi {evidence / 'broken.crl'}: không phải CRL (DER "
        "hoặc PEM)",
    ]
    _absent(
        vi.replace(str(tmp_path), "TMP"),
        ("warning", "trust anchor", "expired on", "not used", "not a CRL", "nothing found"),
    )
    by_locale = _invoke(*args, env=VI_LOCALE).stderr
    assert by_locale.startswith("sigaudit: cảnh báo: gốc tin cậy C=VN,CN=TEST Expired Root")


def test_agencies_table_in_vietnamese_and_english(
    sample_docs: Path, demo_pki: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample's metadata with the demo registry: headings, levels, how each level was decided and
    the note in Vietnamese; in English, the lines the table always printed. The registry is named by a
    relative path: its name is printed in the table, and a checkout's own path must not move the wrap."""
    monkeypatch.chdir(demo_pki.parent)
    registry = ["--agencies", "agencies.csv"]
    en = _invoke("agencies", str(sample_docs), *registry, "--lang", "en")
    assert en.exit_code == 0, en.output
    lines = en.stdout.splitlines()
    assert lines[0].strip() == "Agencies named by 43 metadata row(s)"
    assert [c.strip() for c in lines[2].split("┃")[1:-1]] == [
        "code", "name", "level", "decided by", "issuer", "recipient", "dates"
    ]  # fmt: skip
    assert lines[4] == (
        "│ 000.00.00.G09 │ Bộ Nội vụ                   │ central  │ manifest: level stated by the manifest "
        "or register   │      1 │         0 │ 2024-05-15 … 2024-05-15 │"
    )
    assert "│ registry: registry entry of " in en.stdout
    assert en.stdout.endswith(
        "issuer / recipient: metadata rows (manifests, registers, edXML packages) naming the agency as the "
        "issuing agency / as a recipient; a document listed in a sent \nand a received register counts in "
        "both. Level: the registry entry valid at the document's date, else the name rules, else unknown.\n"
    )
    for env, flag in ((EN_LOCALE, ["--lang", "vi"]), (VI_LOCALE, [])):
        # With the registry (its entries decide) and without (the name rules, or nothing, decide).
        shown = [_invoke("agencies", str(sample_docs), *more, *flag, env=env) for more in (registry, [])]
        assert all(vi.exit_code == 0 for vi in shown), shown[0].output
        text = shown[0].stdout + shown[1].stdout
        for words in (
            "Các cơ quan được nêu trong 43 dòng siêu dữ liệu", "căn cứ xác định cấp", "ban hành", "nơi nhận",
            "│ Trung ương │ manifest: cấp do manifest hoặc sổ văn bản nêu", "Cấp tỉnh", "không ghi thời hạn",
            "danh mục cơ quan: mục của danh mục cơ quan", "không có: không quy tắc tên nào khớp",
            "Cấp: theo mục của danh mục cơ quan", "hiệu lực đến",
            "quy tắc tên: quy tắc tên «UBND/HĐND tỉnh»",
        ):  # fmt: skip
            assert words in " ".join(text.split()), words
        _absent(text, (
            "Agencies named", "decided by", "issuer", "recipient", "level stated", "registry entry",
            "name rule", "without validity", "metadata rows", "central", "province", "unknown", "undated",
        ))  # fmt: skip
    # CSV and JSON are for programs: the same in both languages.
    for fmt in ("csv", "json"):
        same = [
            _invoke("agencies", str(sample_docs), "--format", fmt, "--lang", lang).stdout
            for lang in ("en", "vi")
        ]
        assert same[0] == same[1]


@pytest.fixture(scope="module")
def small_store(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Two documents of the sample, a valid one and a tampered one, scanned once into a store."""
    folder = tmp_path_factory.mktemp("small")
    archive = folder / "archive"
    archive.mkdir()
    for name, kind in (("a", "two_signature"), ("b", "tampered")):
        rel = next(p for p, e in expected.items() if e["kind"] == kind and "!/" not in p)
        shutil.copy(sample_docs / rel, archive / f"{name}.pdf")
    (archive / "manifest.csv").write_text(
        "file,agency_code,agency_name,level\na.pdf,X,Sở X,province\nb.pdf,X,Sở X,province\n", encoding="utf-8"
    )
    store = folder / "s.sqlite"
    result = _invoke("scan", str(archive), *_trust(demo_pki), "--store", str(store), "--jobs", "1", "-q")
    assert result.exit_code == 0, result.output
    return store


@pytest.mark.slow
def test_runs_table_in_vietnamese_and_english(small_store: Path, tmp_path: Path) -> None:
    en = _invoke("runs", "--store", str(small_store), "--lang", "en").stdout.splitlines()
    assert en[0].rstrip() == f"Runs in {small_store}"
    assert [c.strip() for c in en[2].split("┃")[1:-1]] == [
        "run", "started (UTC)", "inputs", "documents", "% valid per level"
    ]  # fmt: skip
    assert en[4].split("│")[5].strip() == "province 50.0%"
    assert en[-1] == "sigaudit report --run ID rebuilds a run's reports; sigaudit diff OLD NEW compares two."
    vi = _invoke("runs", "--store", str(small_store), "--lang", "vi").stdout
    lines = vi.splitlines()
    assert lines[0].rstrip() == f"Các lần chạy trong {small_store}"
    assert [c.strip() for c in lines[2].split("┃")[1:-1]] == [
        "lần chạy", "bắt đầu (UTC)", "đầu vào", "số văn bản", "% hợp lệ theo cấp"
    ]  # fmt: skip
    assert lines[4].split("│")[5].strip() == "Cấp tỉnh 50.0%"
    assert lines[-1] == (
        "sigaudit report --run SỐ dựng lại các báo cáo của một lần chạy; sigaudit diff CŨ MỚI so sánh hai "
        "lần chạy."
    )
    _absent(
        vi,
        ("Runs in", "started", "inputs", "documents", "valid per level", "province", "rebuilds", "compares"),
    )
    assert _invoke("runs", "--store", str(small_store), env=VI_LOCALE).stdout == vi
    # The JSON listing is for programs: the same in both languages.
    assert (
        _invoke("runs", "--store", str(small_store), "--format", "json", "--lang", "vi").stdout
        == _invoke("runs", "--store", str(small_store), "--format", "json", "--lang", "en").stdout
    )
    none = tmp_path / "none.sqlite"
    with ResultStore(none):  # a store that holds no run yet
        pass
    assert _invoke("runs", "--store", str(none), "--lang", "vi").stdout.startswith(
        f"Kho {none} chưa có lần chạy"
    )
    assert (
        _invoke("runs", "--store", str(none), "--lang", "en").stdout
        == f"The store {none} holds no completed run.\n"
    )


POPPLER = shutil.which("pdftotext") is not None


@pytest.mark.slow
def test_failed_gates_in_the_dashboard_and_the_pdf_report(small_store: Path, tmp_path: Path) -> None:
    """--fail-on invalid fails on the tampered document: the dashboard and the PDF report word it in
    Vietnamese (the default), and quote the English message as before with --lang en."""
    out: dict[str, tuple[str, str]] = {}
    for lang in ("vi", "en"):
        html, pdf = tmp_path / f"{lang}.html", tmp_path / f"{lang}.pdf"
        result = _invoke("report", "--store", str(small_store), "-q", "--fail-on", "invalid", "--lang", lang,
                         "--html", str(html), "--pdf", str(pdf))  # fmt: skip
        assert result.exit_code == 1, result.output
        text = _pdf_text(pdf) if POPPLER else ""
        out[lang] = (html.read_text(encoding="utf-8"), " ".join(text.split()))
    vi_html, vi_pdf = out["vi"]
    assert "<li>--fail-on invalid: 1 văn bản có kết quả «Không hợp lệ»</li>" in vi_html
    _absent(vi_html, ("document(s) are invalid",))
    en_html, en_pdf = out["en"]
    assert "<li>--fail-on invalid: 1 document(s) are invalid</li>" in en_html
    if POPPLER or os.environ.get("CI"):
        assert "Ngưỡng kiểm tra không đạt: --fail-on invalid: 1 văn bản có kết quả «Không hợp lệ»" in vi_pdf
        _absent(vi_pdf, ("document(s) are invalid", "Gate failed"))
        assert "Gate failed: --fail-on invalid: 1 document(s) are invalid" in en_pdf


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
