"""Issue 17 in the reports: each signature's change categories, the permission that judged them and
the visual check, in the JSON report, the CSV evidence, ``verify`` and the dashboard.

Real files through the CLI (worker processes): a pyHanko-signed letter with a comment added (valid,
``annotation``, judged by the approval signature, shown the same), and the shadow "replace via
overwrite" (invalid: what is shown differs from what was signed).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sigaudit.cli import main

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import make_attack_files as attacks  # noqa: E402
import make_legit_changes as legit  # noqa: E402
import shadow_attacks  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("changes")
    person = attacks.issue(
        attacks.load_issuer(attacks.DEMO_PKI), cn="Nguyễn Văn Thử", uid="CCCD:001090000003"
    )
    signed = attacks.sign(legit.form_letter(), person, attacks.PERSONAL)
    (out / "comment.pdf").write_bytes(legit.add_annotation(signed, "/Stamp", legit.INCOMING))
    [overwrite] = [c for c in shadow_attacks.build_shadow_cases() if c.name == "shadow-replace-overwrite"]
    (out / "overwrite.pdf").write_bytes(overwrite.data)
    return out


def _trust(demo_pki: Path) -> list[str]:
    return [
        "--trust-roots",
        str(demo_pki / "demo-root.pem"),
        "--other-certs",
        str(demo_pki / "demo-intermediate.pem"),
    ]


def test_json_csv_and_dashboard_carry_the_change_analysis(
    folder: Path, demo_pki: Path, tmp_path: Path
) -> None:
    report, evidence, dashboard = tmp_path / "r.json", tmp_path / "r.csv", tmp_path / "r.html"
    args = ["scan", str(folder), *_trust(demo_pki), "--no-store", "-q"]
    args += ["--json", str(report), "--csv", str(evidence), "--html", str(dashboard)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    docs = {Path(d["path"]).stem: d for d in json.loads(report.read_text(encoding="utf-8"))["documents"]}
    assert docs["comment"]["verdict"] == "valid"
    [sig] = docs["comment"]["signatures"]
    assert sig["change_categories"] == ["incoming_stamp"]
    assert sig["permission"] == "approval" and sig["shown"] == "same"
    assert docs["overwrite"]["verdict"] == "invalid"
    [sig] = docs["overwrite"]["signatures"]
    assert sig["change_categories"] == ["form_fill"] and sig["shown"] == "differs"
    assert "what is shown differs from what was signed" in sig["reason"]
    rows = {
        Path(r["path"]).stem: r for r in csv.DictReader(io.StringIO(evidence.read_text(encoding="utf-8-sig")))
    }
    assert rows["comment"]["change_categories"] == "incoming_stamp"
    assert rows["comment"]["permission"] == "approval" and rows["comment"]["shown"] == "same"
    assert rows["overwrite"]["shown"] == "differs" and "page(s) 1" in rows["overwrite"]["shown_reason"]
    html = dashboard.read_text(encoding="utf-8")
    assert "Sig_CaNhan: form_fill · approval · shown: differs" in html


def test_verify_names_categories_permission_and_what_is_shown(folder: Path, demo_pki: Path) -> None:
    result = CliRunner().invoke(main, ["verify", str(folder / "overwrite.pdf"), *_trust(demo_pki)])
    assert result.exit_code == 1, result.output
    assert "after it      form_fill; judged by: approval" in result.output
    assert "shown         differs — what is shown differs from what was signed on page(s) 1" in result.output
