"""The commands as library functions (sigaudit.commands), called without Click: what ``sigaudit scan``,
``report``, ``diff`` and ``verify`` run, on the real sample archive and a real result store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sigaudit import commands
from sigaudit.agencies.registry import EMPTY_REGISTRY
from sigaudit.aggregate.gates import Gates
from sigaudit.audit import AuditOptions
from sigaudit.commands import Outputs, ReportRequest, ScanStore
from sigaudit.errors import ConfigError
from sigaudit.model import Verdict
from sigaudit.store.results import ResultStore
from sigaudit.validation.policy import default_policy
from sigaudit.validation.trust import TrustConfig, build_trust


class Printed:
    """An echo that keeps what it is given: (text, newline, to standard error)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool, bool]] = []

    def __call__(self, message: str, *, nl: bool = True, err: bool = False) -> None:
        self.calls.append((message, nl, err))

    def text(self, err: bool) -> str:
        return "".join(m + ("\n" if nl else "") for m, nl, e in self.calls if e == err)


@pytest.fixture(scope="module")
def trust(demo_pki: Path) -> TrustConfig:
    return build_trust([demo_pki / "demo-root.pem"], [demo_pki / "demo-intermediate.pem"])


def test_scan_report_and_diff_run_without_the_command_line(
    sample_docs: Path, trust: TrustConfig, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    options = AuditOptions(paths=(sample_docs / "tinh",), trust=trust, registry=EMPTY_REGISTRY, jobs=1)
    gates = Gates(frozenset({Verdict.INVALID}))
    printed = Printed()
    scanned = tmp_path / "scan.json"
    failures = commands.scan(
        options, ReportRequest(Outputs(json_out=str(scanned)), gates=gates), ScanStore(store), printed
    )
    assert failures and failures[0].startswith("--fail-on invalid: ")
    assert "Inter-agency KPI" in printed.text(err=False) and printed.text(err=True) == ""

    # The report of the stored run, its JSON to standard output: the table goes to standard error.
    printed = Printed()
    request = ReportRequest(Outputs(json_out="-"), gates=gates)
    assert commands.report(store, None, request, printed) == failures
    rebuilt, scan = json.loads(printed.text(err=False)), json.loads(scanned.read_text(encoding="utf-8"))
    assert rebuilt["documents"] == scan["documents"] and rebuilt["summary"] == scan["summary"]
    assert "Inter-agency KPI" in printed.text(err=True)

    with ResultStore(store) as results:
        assert commands.runs_to_compare(results, None, None) is None
    printed = Printed()
    commands.scan(options, ReportRequest(quiet=True), ScanStore(store, compare=True), printed)
    with ResultStore(store) as results:
        chosen = commands.runs_to_compare(results, None, None)
        assert chosen is not None and [r.id for r in chosen] == [1, 2]
        named = commands.runs_to_compare(results, 2, 1)
        assert named is not None and [r.id for r in named] == [2, 1]
    assert "Changes from run 1 to run 2:" in printed.text(err=False)
    assert printed.text(err=True) == ""  # quiet: no table, and no gate asked for

    with pytest.raises(ConfigError, match="--no-store excludes"):
        ScanStore(store, scratch=True)


def test_verify_document_validates_one_file_and_refuses_anything_else(
    sample_docs: Path, trust: TrustConfig, expected: dict[str, dict[str, Any]]
) -> None:
    name = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    doc = commands.verify_document(sample_docs / name, trust, default_policy(), timeout_s=60)
    assert doc.verdict == Verdict.VALID and len(doc.outcome.signatures) == 2
    with pytest.raises(ConfigError, match="is not a document"):
        commands.verify_document(sample_docs / "manifest.csv", trust, default_policy(), timeout_s=60)
