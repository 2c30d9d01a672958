"""report, diff and verify commands; configuration file and environment variables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sigaudit.cli import main


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _trust(demo_pki: Path) -> list[str]:
    return [
        "--trust-roots",
        str(demo_pki / "demo-root.pem"),
        "--other-certs",
        str(demo_pki / "demo-intermediate.pem"),
    ]


def _scan(archive: Path, demo_pki: Path, store: Path, *extra: str) -> Result:
    return _invoke(
        "scan", str(archive), *_trust(demo_pki), "--store", str(store), "-q", "--jobs", "2", *extra
    )


@pytest.mark.slow
def test_report_rebuilds_the_same_json_from_the_store_without_validating(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    assert _scan(sample_docs, demo_pki, store, "--json", str(tmp_path / "scan.json")).exit_code == 0
    result = _invoke("report", "--store", str(store), "--json", str(tmp_path / "report.json"), "-q")
    assert result.exit_code == 0, result.output
    scanned = json.loads((tmp_path / "scan.json").read_text(encoding="utf-8"))
    rebuilt = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    for key in ("documents", "summary", "skipped", "warnings", "manifest"):
        assert rebuilt[key] == scanned[key], key
    assert _invoke("report", "--store", str(store), "--fail-on", "invalid", "-q").exit_code == 1
    assert _invoke("report", "--store", str(tmp_path / "none.sqlite")).exit_code == 2


@pytest.mark.slow
def test_diff_lists_new_documents_verdict_changes_and_crossed_targets(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    valid_rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    tampered_rel = next(p for p, e in expected.items() if e["kind"] == "tampered" and "!/" not in p)
    unsigned_rel = next(p for p, e in expected.items() if e["kind"] == "unsigned" and "!/" not in p)
    archive.mkdir()
    (archive / "manifest.csv").write_text(
        "file,agency_code,agency_name,level\n" + "".join(f"{n}.pdf,X,Sở X,province\n" for n in "abc"),
        encoding="utf-8",
    )
    shutil.copy(sample_docs / valid_rel, archive / "a.pdf")
    shutil.copy(sample_docs / valid_rel, archive / "b.pdf")
    store = tmp_path / "s.sqlite"
    assert _scan(archive, demo_pki, store).exit_code == 0
    # Night 2: b.pdf replaced by a tampered copy, a new unsigned document arrives.
    shutil.copy(sample_docs / tampered_rel, archive / "b.pdf")
    shutil.copy(sample_docs / unsigned_rel, archive / "c.pdf")
    result = _scan(archive, demo_pki, store, "--compare")
    assert result.exit_code == 0, result.output
    assert "valid -> invalid (content changed): archive/b.pdf" in result.output
    assert "new (unsigned): archive/c.pdf" in result.output
    result = _invoke("diff", "--store", str(store), "--json", "-")
    data = json.loads(result.stdout)
    assert [c["path"] for c in data["changed"]] == ["archive/b.pdf"]
    assert [a["path"] for a in data["added"]] == ["archive/c.pdf"]
    # The province had 2 of 2 documents signed (the plan's 100% target), now 2 of 3.
    [crossing] = data["crossed_targets"]
    assert crossing["level"] == "province" and not crossing["now_met"]
    assert crossing["old_share_signed"] == 1.0 and crossing["new_share_signed"] == pytest.approx(2 / 3)
    # In English, the text diff prints what it always has; in Vietnamese, the same facts in words.
    reason = data["changed"][0]["reason"]
    assert _invoke("diff", "--store", str(store), "--lang", "en").stdout == (
        "Changes from run 1 to run 2:\n"
        "  1 new document(s), 0 no longer present, 1 verdict change(s)\n"
        "  level province fell below its signed target 100.0%: 100.0% -> 66.7%\n"
        f"  valid -> invalid (content changed): archive/b.pdf — {reason}\n"
        "  new (unsigned): archive/c.pdf\n"
    )
    assert _invoke("diff", "--store", str(store), "--lang", "vi").stdout == (
        "Thay đổi từ lần chạy 1 đến lần chạy 2:\n"
        "  1 văn bản mới, 0 văn bản không còn, 1 văn bản đổi kết quả\n"
        "  Cấp tỉnh đã xuống dưới mục tiêu văn bản có chữ ký số 100.0%: 100.0% -> 66.7%\n"
        f"  Hợp lệ -> Không hợp lệ (nội dung đã thay đổi): archive/b.pdf — {reason}\n"
        "  mới (Chưa ký): archive/c.pdf\n"
    )
    vi_locale = _invoke("diff", "--store", str(store), env={"LC_ALL": "", "LANG": "vi_VN.UTF-8"})
    assert vi_locale.stdout.startswith("Thay đổi từ lần chạy 1 đến lần chạy 2:")


@pytest.mark.slow
def test_verify_explains_one_document_and_sets_the_exit_code(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any]
) -> None:
    valid_rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    result = _invoke("verify", str(sample_docs / valid_rel), *_trust(demo_pki))
    assert result.exit_code == 0, result.output
    for words in ("VALID", "personal", "agency", "claimed by the signer", "Decree 30", "complete",
                  "revocation", "sole control"):  # fmt: skip
        assert words in result.output
    revoked_rel = next(p for p, e in expected.items() if e["kind"] == "revoked" and "!/" not in p)
    result = _invoke("verify", str(sample_docs / revoked_rel), *_trust(demo_pki), "--json", "-")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["verdict"] == "invalid"
    zipped = next(p for p in expected if "!/" in p).split("!/")[0]
    assert _invoke("verify", str(sample_docs / zipped), *_trust(demo_pki)).exit_code == 2


@pytest.mark.slow
def test_verify_speaks_vietnamese_with_lang_or_a_vietnamese_locale(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any]
) -> None:
    """What a clerk reads: every label and fixed sentence in Vietnamese (the validation's reasons and the
    certificates' names are quoted as they are); --lang en keeps English under a Vietnamese locale."""
    valid_rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    document = str(sample_docs / valid_rel)
    result = _invoke("verify", document, *_trust(demo_pki), "--lang", "vi")
    assert result.exit_code == 0, result.output
    text = result.stdout
    vietnamese = (
        "  kết quả           HỢP LỆ — ",
        "  Nghị định 30      đầy đủ: người có thẩm quyền ký",
        "Chữ ký 1: trường",
        "— cá nhân",
        "— cơ quan",
        "người ký tự khai",
        "  tin cậy           dẫn tới",
        "  thu hồi  ",
        "chuỗi chứng thư",
        "(Nghị định 130/2018, Điều 9):",
        "Nội dung trang văn bản",
        "Giả định: khóa ký",
        "Chính sách kiểm tra: sigaudit-default",
    )
    for words in vietnamese:
        assert words in text, words
    for english in ("  verdict", "  Decree 30", "Signature 1:", "  signer ", "  time basis", "  trust ",
                    "  revocation", "  coverage", "  chain", "legal validity conditions", "Text of the pages",
                    "Assumption:", "Validation policy:", "chains to a configured root",
                    "(evidence:"):  # fmt: skip
        assert english not in text, english
    vi_locale = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "vi_VN.UTF-8"}
    by_locale = _invoke("verify", document, *_trust(demo_pki), env=vi_locale).stdout
    assert "  kết quả           HỢP LỆ" in by_locale
    english = _invoke("verify", document, *_trust(demo_pki), "--lang", "en", env=vi_locale).stdout
    assert "  verdict       VALID — " in english and "kết quả" not in english


@pytest.mark.slow
def test_the_scan_s_own_lines_speak_the_terminal_s_language(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    """The run recorded, the documents not valid (-v), the warnings cut short, a failed gate under -q,
    nothing found and nothing to compare: Vietnamese with --lang vi, English as always with --lang en."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for name, kind in (("a", "two_signature"), ("b", "tampered")):
        rel = next(p for p, e in expected.items() if e["kind"] == kind and "!/" not in p)
        shutil.copy(sample_docs / rel, archive / f"{name}.pdf")
    rows = "".join(
        f"{n},X,Sở X,province\n" for n in ["a.pdf", "b.pdf", *(f"gone-{i}.pdf" for i in range(150))]
    )
    (archive / "manifest.csv").write_text("file,agency_code,agency_name,level\n" + rows, encoding="utf-8")
    store = tmp_path / "s.sqlite"
    base = ["scan", str(archive), *_trust(demo_pki), "--store", str(store), "--jobs", "1", "-v"]
    vi = _invoke(*base, "--lang", "vi")
    assert vi.exit_code == 0, vi.output
    assert f"Lần chạy 1 đã được lưu vào {store} (sigaudit runs liệt kê các lần chạy đã lưu)." in vi.output
    assert "cảnh báo: … và 50 cảnh báo khác cùng loại (dòng manifest ghi tệp không có trong kho lưu trữ " \
        "được kiểm tra), không liệt kê" in vi.stdout  # fmt: skip
    assert "Không hợp lệ   archive/b.pdf: " in vi.stderr.splitlines()[0]
    for english in ("recorded in", "more warnings of this kind", "invalid "):
        assert english not in vi.output, english
    en = _invoke(*base, "--lang", "en")
    assert f"Run 2 recorded in {store} (sigaudit runs lists the stored runs)." in en.output
    assert "warning: … and 50 more warnings of this kind (manifest rows naming files that are not in the " \
        "archive), not listed" in en.stdout  # fmt: skip
    assert "invalid       archive/b.pdf: " in en.stderr.splitlines()[0]
    # The dashboard in Vietnamese sums them up as the table does; the JSON report keeps the warnings as
    # the run recorded them, whatever the language.
    dashboard = tmp_path / "d.html"
    assert (
        _invoke("report", "--store", str(store), "--lang", "vi", "--html", str(dashboard), "-q").exit_code
        == 0
    )
    assert "… và 50 cảnh báo khác cùng loại" in dashboard.read_text(encoding="utf-8")
    report = _invoke("report", "--store", str(store), "--lang", "vi", "--json", "-", "-q")
    assert json.loads(report.stdout)["warnings"][-1].startswith("… and 50 more warnings of this kind")
    gate = ["report", "--store", str(store), "-q", "--fail-on", "invalid"]
    assert _invoke(*gate, "--lang", "vi").stderr == (
        "KHÔNG ĐẠT NGƯỠNG: --fail-on invalid: 1 văn bản có kết quả «Không hợp lệ»\n"
    )
    assert (
        _invoke(*gate, "--lang", "en").stderr == "GATE FAILED: --fail-on invalid: 1 document(s) are invalid\n"
    )
    table = _invoke("report", "--store", str(store), "--fail-under", "90", "--lang", "vi").stdout
    assert "KHÔNG ĐẠT NGƯỠNG: --fail-under 90: Cấp tỉnh có 50.0% văn bản hợp lệ" in table
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = _invoke("scan", str(empty), "--no-store", "-q", "--lang", "vi")
    assert nothing.stderr.startswith(f"sigaudit: cảnh báo: không tìm thấy gì trong {empty}: không có văn bản")
    lone = tmp_path / "lone.sqlite"
    assert _invoke("scan", str(empty), "--store", str(lone), "-q").exit_code == 0
    assert _invoke("diff", "--store", str(lone), "--lang", "vi").stderr == (
        "Trong kho không có lần chạy trước nào trên cùng đầu vào để so sánh.\n"
    )


@pytest.mark.slow
def test_configuration_file_sets_defaults_and_targets(
    sample_docs: Path, demo_pki: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "sigaudit.toml"
    shutil.copy(demo_pki / "demo-root.pem", tmp_path / "root.pem")
    config.write_text(
        '[scan]\ntrust-roots = ["root.pem"]\nfail-under = 99\njobs = 2\nno-store = true\n'
        "[targets.signed]\nprovince = 80\ndistrict = 60\ncommune = 30\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # found in the working directory; root.pem relative to the file
    result = _invoke("scan", str(sample_docs), "-q", "--json", "out.json")
    assert result.exit_code == 1  # the gate from the file fails: not every level is 99% valid
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["summary"]["targets"]["signed"] == {"province": 0.8, "district": 0.6, "commune": 0.3}
    assert any(r["source"].endswith("root.pem") for r in data["manifest"]["trust_roots"])
    # The command line beats the file.
    assert _invoke("scan", str(sample_docs / "tinh"), "-q", "--fail-under", "0").exit_code == 0


@pytest.mark.slow
def test_environment_variables_set_options(sample_docs: Path, demo_pki: Path, tmp_path: Path) -> None:
    env = {"SIGAUDIT_SCAN_FAIL_ON": "invalid", "SIGAUDIT_SCAN_NO_STORE": "1"}
    result = _invoke("scan", str(sample_docs / "tinh"), *_trust(demo_pki), "-q", env=env)
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scan]\nfail-undr = 90\n", "unknown key 'fail-undr'"),
        ("[scaan]\njobs = 1\n", "unknown table [scaan]"),
        ("[targets.signed]\nplanet = 50\n", "unknown level"),
        ("[scan\n", "not valid TOML"),
    ],
)
def test_bad_configuration_is_a_usage_error(
    tmp_path: Path, sample_docs: Path, text: str, message: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    result = _invoke("--config", str(config), "scan", str(sample_docs))
    assert result.exit_code == 2 and message in result.output


@pytest.mark.slow
def test_verify_takes_the_member_and_attachment_paths_the_reports_print(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A ZIP member, a member of a nested ZIP and an edXML attachment, named exactly as a scan of
    # sample_docs prints them (from the folder the scan was run in).
    monkeypatch.chdir(sample_docs.parent)
    for rel in (
        "xa/gia-cam/2024-batch.zip!/2024/cv-15.pdf",
        "xa/tt-lam-thao/luu-tru-2024.zip!/thang-03.zip!/28-SY-UBND_2024-03-18.pdf",
        "lien-thong/000.00.00.H44_2024-02-05_120-UBND-KGVX.edxml!/1-120-UBND-KGVX.pdf",
    ):
        printed = f"{sample_docs.name}/{rel}"
        result = _invoke("verify", printed, *_trust(demo_pki), "--json", "-")
        assert result.exit_code == (0 if expected[rel]["expected_verdict"] == "valid" else 1), result.output
        shown = json.loads(result.stdout)
        assert shown["path"] == printed and shown["verdict"] == expected[rel]["expected_verdict"]
    missing = _invoke(
        "verify", f"{sample_docs.name}/xa/gia-cam/2024-batch.zip!/2024/nope.pdf", *_trust(demo_pki)
    )
    assert missing.exit_code == 2 and "holds no document 2024/nope.pdf" in missing.stderr
