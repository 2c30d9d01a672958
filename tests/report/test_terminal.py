"""Terminal output for people (issue 19, item 3): the table fits the terminal it is printed on (a real
pseudo-terminal at 80 and 150 columns), speaks Vietnamese under a vi_VN locale, with --lang vi or from
sigaudit.toml, says which roots were trusted and how many signed documents chain to none, and the
progress line counts what it should."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from sigaudit.aggregate.gates import GateFailure
from sigaudit.audit import Progress, progress_text
from sigaudit.cli import main
from sigaudit.model import Level, Verdict
from sigaudit.report.terminal_text import (
    WARNING_KINDS_VI,
    agency_source_text,
    basis_text,
    gate_text,
    locale_language,
    trust_warning_text,
    warning_text,
)
from sigaudit.runwarnings import WarningKind, WarningLog
from sigaudit.validation.trust import TrustWarning

CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_the_language_follows_the_locale_in_posix_precedence() -> None:
    assert locale_language({"LANG": "vi_VN.UTF-8"}) == "vi"
    assert locale_language({"LANG": "vi"}) == "vi"
    assert locale_language({"LANG": "en_US.UTF-8"}) == "en"
    assert locale_language({}) == "en"
    assert locale_language({"LC_ALL": "en_GB.UTF-8", "LANG": "vi_VN.UTF-8"}) == "en"
    assert locale_language({"LC_MESSAGES": "vi_VN", "LANG": "C.UTF-8"}) == "vi"


def test_a_warning_kind_cut_short_is_summed_up_in_vietnamese_and_other_warnings_are_quoted() -> None:
    log = WarningLog(examples=1)
    for kind in WarningKind:
        for n in range(1_502):
            log.add(kind, f"{kind.name.lower()}/{n}.pdf: a problem")
    lines = log.lines()
    assert lines[len(WarningKind)] == (
        f"… and 1,501 more warnings of this kind ({WarningKind.TRUST.value}), not listed"
    )
    for line in lines[: len(WarningKind)]:  # the examples: document text, quoted as recorded
        assert warning_text(line, "vi") == line
    shown = [warning_text(line, "vi") for line in lines[len(WarningKind) :]]
    assert shown == [
        f"… và 1.501 cảnh báo khác cùng loại ({WARNING_KINDS_VI[kind]}), không liệt kê"
        for kind in WarningKind
    ]
    assert [warning_text(line, "en") for line in lines] == list(lines)
    # A warning that only looks like a summary (a kind that does not exist) is quoted as it is.
    odd = "… and 3 more warnings of this kind (made up), not listed"
    assert warning_text(odd, "vi") == odd


def test_a_failed_gate_is_worded_in_vietnamese_and_in_english_as_the_json_has_it() -> None:
    failures = {
        GateFailure("--fail-on invalid --fail-under 95", "nothing_found"): (
            "--fail-on invalid --fail-under 95: nothing found: no document to judge (an empty or unmounted "
            "folder?)",
            "--fail-on invalid --fail-under 95: không tìm thấy gì: không có văn bản nào để đánh giá (thư mục "
            "trống hoặc chưa được gắn?)",
        ),
        GateFailure("--fail-on unsigned", "verdict", 5, Verdict.UNSIGNED): (
            "--fail-on unsigned: 5 document(s) are unsigned",
            "--fail-on unsigned: 5 văn bản có kết quả «Chưa ký»",
        ),
        GateFailure("--fail-under 95", "nothing_measured", 37): (
            "--fail-under 95: nothing to measure: none of the 37 document(s) is shown to be exchanged "
            "between agencies (see the excluded counts)",
            "--fail-under 95: không có gì để đo: không văn bản nào trong 37 văn bản tìm thấy được chứng minh "
            "là gửi giữa các cơ quan (xem số văn bản không tính vào chỉ tiêu)",
        ),
        GateFailure("--fail-under 95", "level", level=Level.COMMUNE, percent=70.58): (
            "--fail-under 95: level commune has 70.6% valid",
            "--fail-under 95: Cấp xã có 70.6% văn bản hợp lệ",
        ),
    }
    for failure, (english, vietnamese) in failures.items():
        assert failure.text == gate_text(failure, "en") == english
        assert gate_text(failure, "vi") == vietnamese


def test_progress_gives_the_total_rate_time_left_and_tells_reused_from_copies() -> None:
    assert progress_text(Progress(10, 0, "a.pdf"), 0.0) == "10 documents"
    walking = progress_text(Progress(50, 0, "a.pdf", copies=3), 5.0)
    assert walking == "50 documents, 10.0/s (3 copies)"  # a new store: copies, nothing from the store
    known = progress_text(Progress(100, 40, "a.pdf", total=700), 10.0)
    assert known == "100/700 documents, 10.0/s, left 1:00 (40 reused from the store)"
    assert progress_text(Progress(100, 0, "a.pdf", total=700), 10.0, "vi").startswith("100/700 văn bản")


def _on_a_terminal(args: list[str], cwd: Path, columns: int, env: dict[str, str]) -> tuple[int, str]:
    """Run ``sigaudit ARGS`` on a pseudo-terminal of ``columns`` × 50 (no $COLUMNS: the size is the
    terminal's own); return the exit code and what it wrote, colour sequences removed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "COLUMNS", "LINES", "LC_ALL", "LANG")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sigaudit", *args], cwd=cwd, stdout=slave, stderr=slave,
        env=base | {"TERM": "xterm-256color"} | env,
    )  # fmt: skip
    os.close(slave)
    written = bytearray()
    deadline = time.monotonic() + 120
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
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    return proc.returncode, CSI.sub("", written.decode("utf-8").replace("\r\n", "\n"))


@pytest.fixture(scope="module")
def store(sample_docs: Path, demo_pki: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "results.sqlite"
    result = CliRunner().invoke(main, [
        "scan", str(sample_docs), "--trust-roots", str(demo_pki / "demo-root.pem"),
        "--other-certs", str(demo_pki / "demo-intermediate.pem"),
        "--agencies", str(demo_pki.parent / "agencies.csv"), "--store", str(path), "-q", "-j", "2",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.slow
@pytest.mark.parametrize("columns", [80, 150])
def test_the_table_fits_the_terminal_it_is_printed_on(store: Path, tmp_path: Path, columns: int) -> None:
    code, text = _on_a_terminal(["report", "--store", str(store)], tmp_path, columns, {"LANG": "en_US.UTF-8"})
    assert code == 0, text
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= columns, max(lines, key=cell_len)
    header = next(line for line in lines if "% valid" in line)
    if columns < 100:  # compact: the per-verdict counts move to one line under the table
        assert "docs" in header and "indeterminate" not in header
        assert "Not valid, per verdict: invalid 8, indeterminate 2, unsigned 8, unreadable 4" in text
    else:
        assert "indeterminate" in header and "province (tỉnh)" in text
    assert "Inter-agency KPI" in text and "Trusted roots: 2 shipped + 1 given" in text


@pytest.mark.slow
def test_the_terminal_speaks_vietnamese_by_locale_option_or_configuration(
    store: Path, tmp_path: Path
) -> None:
    vi = {"LANG": "vi_VN.UTF-8"}
    code, text = _on_a_terminal(["report", "--store", str(store)], tmp_path, 120, vi)
    assert code == 0 and "Chỉ tiêu liên thông" in text and "Cấp tỉnh" in text and "Gốc tin cậy" in text
    _, text = _on_a_terminal(["report", "--store", str(store), "--lang", "en"], tmp_path, 120, vi)
    assert "Inter-agency KPI" in text and "Chỉ tiêu liên thông" not in text
    (tmp_path / "sigaudit.toml").write_text('[report]\nlang = "vi"\n', encoding="utf-8")
    _, text = _on_a_terminal(["report", "--store", str(store)], tmp_path, 120, {"LANG": "en_US.UTF-8"})
    assert "Chỉ tiêu liên thông" in text


@pytest.mark.slow
def test_without_the_signers_root_the_table_says_so_and_hints(sample_docs: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(sample_docs / "huyen"), "--no-store", "-j", "1"])
    assert result.exit_code == 0, result.output
    # 7 of the 9 signed documents (the others are tampered: their hash fails before trust is asked).
    assert (
        "Trusted roots: 2 shipped + 0 given; 7 of 9 signed document(s) chain to none of them."
        in result.output
    )
    assert "Hint: most signed documents chain to no trusted root" in result.output
    assert "--trust-roots FILE" in result.output


@pytest.mark.slow
def test_the_trust_line_of_a_stored_run_reads_the_facts_not_the_outcomes(
    sample_docs: Path, tmp_path: Path
) -> None:
    """The trust line counts from each document's stored facts: with every stored outcome made
    unreadable, ``report`` still prints it; a store whose facts predate the unchained flag has its
    outcomes read for it, and says the same."""
    store = tmp_path / "s.sqlite"
    scanned = CliRunner().invoke(main, ["scan", str(sample_docs / "huyen"), "--store", str(store), "-j", "1"])
    assert scanned.exit_code == 0, scanned.output
    line = "Trusted roots: 2 shipped + 0 given; 7 of 9 signed document(s) chain to none of them."
    assert line in scanned.output
    with sqlite3.connect(store) as db:
        outcomes = db.execute("SELECT sha256, outcome FROM results").fetchall()
        db.execute("UPDATE results SET outcome = 'not JSON'")
    result = CliRunner().invoke(main, ["report", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert line in result.output
    with sqlite3.connect(store) as db:
        db.executemany("UPDATE results SET outcome = ? WHERE sha256 = ?", [(o, s) for s, o in outcomes])
        for table in ("results", "run_documents"):  # the facts as stored before the flag was kept
            db.execute(f"UPDATE {table} SET facts = json_remove(facts, '$[8]')")
        assert db.execute("SELECT MAX(json_array_length(facts)) FROM run_documents").fetchone()[0] == 8
    result = CliRunner().invoke(main, ["report", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert line in result.output


def test_every_fixed_form_of_a_level_s_basis_is_worded_in_vietnamese() -> None:
    """The agencies stage words how a level was decided in a few fixed forms, joined by "; ": each is
    Vietnamese in the agencies table, keeping the code, the rule's words and the registry file; a part
    of another form is quoted as recorded; English is the basis unchanged."""
    cases = {
        "level stated by the manifest or register": "cấp do manifest hoặc sổ văn bản nêu",
        "X.1 is not in the registry; no name rule matches": "X.1 không có trong danh mục cơ quan; không quy "
        "tắc tên nào khớp",
        "name rule 'UBND/HĐND tỉnh'": "quy tắc tên «UBND/HĐND tỉnh»",
        "name rule 'UBND huyện' gives district, but no district level exists on 2025-08-01 (two-tier local "
        "government from 2025-07-01)": "quy tắc tên «UBND huyện» cho cấp huyện, nhưng ngày 2025-08-01 không "
        "còn cấp huyện (chính quyền địa phương hai cấp từ 2025-07-01)",
        "the registry lists X.2 but no entry is valid on 2026-01-01": "danh mục cơ quan có X.2 nhưng không "
        "mục nào còn hiệu lực vào ngày 2026-01-01",
        "registry entry of a.csv valid 2020-01-01 to 2025-06-30": "mục của danh mục cơ quan a.csv, hiệu lực "
        "từ 2020-01-01 đến 2025-06-30",
        "registry entry of a.csv valid from 2020-01-01": "mục của danh mục cơ quan a.csv, hiệu lực từ "
        "2020-01-01",
        "registry entry of a.csv valid until 2025-06-30": "mục của danh mục cơ quan a.csv, hiệu lực đến "
        "2025-06-30",
        "registry entry of a.csv without validity dates": "mục của danh mục cơ quan a.csv, không ghi thời "
        "hạn hiệu lực",
        "something new": "something new",
    }
    for basis, vietnamese in cases.items():
        assert basis_text(basis, "vi") == vietnamese
        assert basis_text(basis, "en") == basis
    assert agency_source_text("manifest+registry", "vi") == "manifest + danh mục cơ quan"
    assert agency_source_text("manifest+registry", "en") == "manifest+registry"


def test_a_trust_warning_in_vietnamese_and_as_recorded() -> None:
    """English is the warning's text, the run's recorded line; Vietnamese keeps the root's name, source,
    digest and date, and quotes a reason it has no words for."""
    later = TrustWarning("not_yet_valid", "roots/r.pem", "CN=R", "AB:CD", "2030-01-01T00:00:00+00:00")
    assert (
        trust_warning_text(later, "en")
        == later.text
        == (
            "trust anchor CN=R (roots/r.pem, SHA-256 AB:CD) is not valid before 2030-01-01T00:00:00+00:00: "
            'signatures made outside its validity are indeterminate under policy anchor_validity = "enforce"'
        )
    )
    assert trust_warning_text(later, "vi").startswith(
        "gốc tin cậy CN=R (roots/r.pem, SHA-256 AB:CD) chưa có hiệu lực trước ngày "
        "2030-01-01T00:00:00+00:00: "
    )
    unreadable = TrustWarning("evidence_unused", "crls/x.crl", detail="Permission denied")
    assert unreadable.text == "revocation evidence crls/x.crl not used: Permission denied"
    assert (
        trust_warning_text(unreadable, "vi")
        == "không dùng tệp chứng cứ thu hồi crls/x.crl: Permission denied"
    )
