"""Ctrl-C and SIGTERM stop a scan cleanly (issue 19, item 1): a real ``sigaudit scan`` process, with two
worker processes, is stopped mid-run; it exits 130 or 143 without a traceback (workers included), says
how many documents are safe in the store, and the next run reuses them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _corpus(sample_docs: Path, expected: dict[str, Any], folder: Path, copies: int) -> None:
    """``copies`` distinct signed PDFs: a signed sample document, each with its own trailing comment
    (bytes after %%EOF: a different digest, so every copy is validated, not reused)."""
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    data = (sample_docs / rel).read_bytes()
    folder.mkdir()
    for n in range(copies):
        (folder / f"doc-{n:04}.pdf").write_bytes(data + f"\n% copy {n}\n".encode())


def _stored(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(store, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def _scan(
    folder: Path, store: Path, demo_pki: Path, *extra: str, group: bool = False
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.Popen(
        [sys.executable, "-m", "sigaudit", "scan", str(folder), "--store", str(store),
         "--trust-roots", str(demo_pki / "demo-root.pem"),
         "--other-certs", str(demo_pki / "demo-intermediate.pem"), "-j", "2", "-q", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=group,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_scan_exits_cleanly_keeps_its_results_and_the_next_run_resumes(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any], tmp_path: Path, signum: int, code: int
) -> None:
    folder, store = tmp_path / "share", tmp_path / "results.sqlite"
    _corpus(sample_docs, expected, folder, 150)
    # SIGTERM goes to the whole process group, as a service manager sends it; Ctrl-C's SIGINT too.
    proc = _scan(folder, store, demo_pki, group=True)
    deadline = time.monotonic() + 120
    while _stored(store) < 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the scan ended before it could be stopped: make the corpus larger"
    os.killpg(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "Error" not in err and "Aborted" not in err, err
    saved = _stored(store)
    assert 4 <= saved < 150
    assert f"stopped ({signal.Signals(signum).name})" in err
    assert f"{saved} document(s) validated by this run are safe in the store {store}" in err
    assert "the next scan resumes" in err

    report = tmp_path / "r.json"
    proc = _scan(folder, store, demo_pki, "--json", str(report))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    counts = json.loads(report.read_text(encoding="utf-8"))["manifest"]["counts"]
    assert counts["documents"] == 150
    assert counts["reused_from_store"] == saved and counts["validated"] == 150 - saved


@pytest.mark.slow
def test_a_stopped_scan_says_what_it_kept_in_the_terminal_s_language(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    """With --lang vi, the stop's line is Vietnamese: the signal's name, how many documents are safe in
    the store and that the next scan resumes; no English sentence left."""
    folder, store = tmp_path / "share", tmp_path / "results.sqlite"
    _corpus(sample_docs, expected, folder, 150)
    proc = _scan(folder, store, demo_pki, "--lang", "vi", group=True)
    deadline = time.monotonic() + 120
    while _stored(store) < 4 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the scan ended before it could be stopped: make the corpus larger"
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    saved = _stored(store)
    assert err.splitlines()[-1] == (
        f"sigaudit: đã dừng (SIGINT): {saved} văn bản lần chạy này đã kiểm tra được lưu an toàn trong kho "
        f"{store}; lần quét sau chạy tiếp: không kiểm tra lại các văn bản đó"
    )
    for english in ("stopped", "document(s)", "safe in the store", "resumes", "Traceback"):
        assert english not in err.replace(str(store), "STORE"), english
