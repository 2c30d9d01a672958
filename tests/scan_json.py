"""One ``sigaudit scan`` through the real command line, with the demo roots, no store and a JSON report,
for the tests that compare a scan's per-document results with what a reader of the documents says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sigaudit.cli import main


def scan_json(target: Path, demo_pki: Path, out: Path, *extra: str) -> tuple[str, dict[str, Any]]:
    """The terminal output and the JSON report of scanning ``target`` (one worker; ``extra`` options)."""
    result = CliRunner().invoke(
        main,
        [
            "scan", str(target), "--trust-roots", str(demo_pki / "demo-root.pem"),
            "--other-certs", str(demo_pki / "demo-intermediate.pem"), "--no-store", "-j", "1",
            "--json", str(out), *extra,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result.output, report
