"""The nightly job of docs/scheduled-runs.md, run as documented (issue 19, item 7): the script is read
from the page itself, its paths pointed at a temporary share, store and report folder, and run twice
with ``sh`` over a share that changed in between — the second night validates only the new document,
lists what changed, writes dated reports and exits 1 because the gate fails."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "scheduled-runs.md"


def documented_script() -> str:
    """The shell script under the page's ``<!-- nightly-script -->`` marker."""
    text = PAGE.read_text(encoding="utf-8")
    found = re.search(r"<!-- nightly-script -->\s*```sh\n(.*?)```", text, re.S)
    assert found, "docs/scheduled-runs.md lost its nightly script"
    return found.group(1)


def _night(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(script)], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.mark.slow
def test_the_documented_nightly_job_runs_twice_over_a_changed_share(
    sample_docs: Path, demo_pki: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    share, etc, reports = tmp_path / "share", tmp_path / "etc", tmp_path / "reports"
    shutil.copytree(sample_docs, share)
    (etc / "roots").mkdir(parents=True)
    (etc / "intermediates").mkdir()
    shutil.copy(demo_pki / "demo-root.pem", etc / "roots")
    shutil.copy(demo_pki / "demo-intermediate.pem", etc / "intermediates")
    shutil.copy(demo_pki.parent / "agencies.csv", etc / "agencies.csv")
    script = documented_script()
    for documented, here in (
        ("/mnt/vanthu", share), ("/var/lib/sigaudit", tmp_path / "state"), ("/srv/sigaudit/reports", reports),
        ("/etc/sigaudit", etc),
    ):  # fmt: skip
        assert documented in script
        script = script.replace(documented, str(here))
    (tmp_path / "nightly.sh").write_text(script, encoding="utf-8")
    bin_dir = Path(sys.executable).parent  # where the sigaudit command is installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "COLUMNS")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    day = date.today().isoformat()

    first = _night(tmp_path / "nightly.sh", env)
    assert first.returncode == 1, first.stderr  # the sample is below 95 % valid: the gate fails
    assert f"sigaudit-nightly {day}: exit 1" in first.stdout and "GATE FAILED" in first.stderr
    assert "Traceback" not in first.stderr
    for name in (f"report-{day}.json", f"evidence-{day}.csv", f"dashboard-{day}.html"):
        assert (reports / name).stat().st_size > 0

    # During the day: one document arrives, one is removed from the export.
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    new = share / "tinh" / "moi-den.pdf"
    new.write_bytes((sample_docs / rel).read_bytes() + b"\n% received today\n")
    gone = next(p for p, e in expected.items() if e["kind"] == "revoked")
    (share / gone).unlink()

    second = _night(tmp_path / "nightly.sh", env)
    assert second.returncode == 1, second.stderr
    assert "Changes from run 1 to run 2:" in second.stdout
    assert "1 new document(s), 1 no longer present" in second.stdout
    assert "share/tinh/moi-den.pdf" in second.stdout and f"share/{gone}" in second.stdout
    counts = json.loads((reports / f"report-{day}.json").read_text(encoding="utf-8"))["manifest"]["counts"]
    assert counts["validated"] == 1  # only the new document; the rest came from the store
    assert counts["reused_from_store"] > 40  # every other PDF: read from the store, not validated again
