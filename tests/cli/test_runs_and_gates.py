"""Runs an operator can find and gates that cannot pass by accident (issue 19, items 1 and 4): an empty
folder fails every gate that is set, ``scan`` says its run id, ``sigaudit runs`` lists the stored runs
and ``diff`` refuses runs over different inputs unless ``--force`` — on real scans of the sample archive
into a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sigaudit.cli import main


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _scan(folder: Path, demo_pki: Path, *extra: str) -> Result:
    return _run(
        "scan", str(folder), "--trust-roots", str(demo_pki / "demo-root.pem"),
        "--other-certs", str(demo_pki / "demo-intermediate.pem"), "-j", "1", *extra,
    )  # fmt: skip


@pytest.mark.parametrize("gate", [["--fail-under", "95"], ["--fail-on", "invalid"], ["--fail-under", "0"]])
def test_a_scan_that_finds_nothing_fails_any_gate_and_warns(
    tmp_path: Path, demo_pki: Path, gate: list[str]
) -> None:
    empty = tmp_path / "share"
    empty.mkdir()  # an unmounted mount point looks like this
    result = _scan(empty, demo_pki, "--no-store", *gate)
    assert result.exit_code == 1, result.output
    assert "nothing found under" in result.stderr and "GATE FAILED" in result.output


def test_a_scan_that_finds_nothing_without_gates_succeeds_but_warns(tmp_path: Path, demo_pki: Path) -> None:
    empty = tmp_path / "share"
    empty.mkdir()
    result = _scan(empty, demo_pki, "--no-store", "-q")
    assert result.exit_code == 0, result.output
    assert f"nothing found under {empty}" in result.stderr


@pytest.mark.slow
def test_runs_are_listed_and_diff_refuses_unrelated_archives(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    store = str(tmp_path / "s.sqlite")
    first = _scan(sample_docs / "tinh", demo_pki, "--store", store)
    assert first.exit_code == 0 and f"Run 1 recorded in {store}" in first.output
    assert _scan(sample_docs / "huyen", demo_pki, "--store", store).exit_code == 0
    again = _scan(sample_docs / "tinh", demo_pki, "--store", store, "--compare")
    assert "Run 3 recorded" in again.output
    assert "Changes from run 1 to run 3: none." in again.output  # the earlier run of the same folder

    listed = _run("runs", "--store", store)
    assert listed.exit_code == 0, listed.output
    for run_id, folder in ((1, "tinh"), (2, "huyen"), (3, "tinh")):
        assert any(
            line.split("│")[1].strip() == str(run_id) and str(sample_docs / folder) in line
            for line in listed.output.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()
        ), listed.output
    runs = json.loads(_run("runs", "--store", store, "--format", "json").output)
    assert [r["run"] for r in runs] == [1, 2, 3]
    assert [r["documents"] for r in runs] == [13, 12, 13] and runs[1]["inputs"] == [
        str(sample_docs / "huyen")
    ]
    assert runs[0]["share_valid_by_level"]  # a KPI per level for each run

    refused = _run("diff", "1", "2", "--store", store)
    assert refused.exit_code == 2
    assert "scanned different inputs" in refused.stderr and "--force" in refused.stderr
    forced = _run("diff", "1", "2", "--store", store, "--force")
    assert forced.exit_code == 0 and "12 new document(s), 13 no longer present" in forced.output
    # By default the latest run is compared with the previous run of the same inputs, not run 2.
    assert "Changes from run 1 to run 3: none." in _run("diff", "--store", store).output
