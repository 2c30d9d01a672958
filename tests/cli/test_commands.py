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
