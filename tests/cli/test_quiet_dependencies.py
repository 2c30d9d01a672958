"""A normal run prints no third-party warnings: the operator's stderr holds sigaudit's own lines only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_scan_with_two_workers_prints_no_library_warning(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS",)}
    proc = subprocess.run(
        [sys.executable, "-m", "sigaudit", "scan", str(ROOT / "sample_docs"),
         "--trust-roots", str(ROOT / "demo/pki/demo-root.pem"),
         "--other-certs", str(ROOT / "demo/pki/demo-intermediate.pem"),
         "--agencies", str(ROOT / "demo/agencies.csv"),
         "--no-store", "-q", "-j", "2", "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "warnings.warn" not in proc.stderr, proc.stderr
    assert (tmp_path / "r.json").stat().st_size > 0
