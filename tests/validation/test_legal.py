"""The legal validity conditions (docs/regulations.md) as named per-signature checks, on real signed files.

The sample archive's files say what they exercise (demo/expected.json); the others are signed by
pyHanko at test time (tests/realsign.py): a certificate that had already expired when it signed, and
signatures with an RFC 3161 timestamp from a trusted and from an untrusted time-stamping authority.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from realsign import Issuer, issue, load_issuer, sign, timestamper
from sigaudit.cli import main
from sigaudit.codec import outcome_from_dict, outcome_to_dict
from sigaudit.errors import ConfigError
from sigaudit.model import CheckName, CheckStatus, LegalCheck, SignatureResult, Verdict
from sigaudit.report.csv_report import COLUMNS
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.policy import load_policy
from sigaudit.validation.trust import TrustConfig

WITH_CRL = "huyen/viet-tri/2024/318-UBND-TNMT_2024-03-25.pdf"  # both signatures embed covering CRLs


@pytest.fixture(scope="module")
def letter(sample_docs: Path, expected: dict[str, dict[str, Any]]) -> bytes:
    rel = next(p for p, e in expected.items() if e["kind"] == "unsigned" and "!" not in p)
    return (sample_docs / rel).read_bytes()


@pytest.fixture(scope="module")
def issuer(demo_pki: Path) -> Issuer:
    return load_issuer(demo_pki)


def _checks(sig: SignatureResult) -> dict[CheckName, LegalCheck]:
    assert [c.name for c in sig.checks] == list(CheckName)  # all six, in the law's order
    return {c.name: c for c in sig.checks}


def _of_kind(sample_docs: Path, expected: dict[str, dict[str, Any]], kind: str) -> bytes:
    rel = next(p for p, e in expected.items() if e["kind"] == kind and "!" not in p)
    return (sample_docs / rel).read_bytes()


def test_valid_document_with_revocation_evidence_passes_every_check_but_sole_control(
    sample_docs: Path, demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf((sample_docs / WITH_CRL).read_bytes(), demo_trust)
    assert outcome.verdict == Verdict.VALID
    for sig in outcome.signatures:
        checks = _checks(sig)
        sole = checks.pop(CheckName.SOLE_CONTROL)
        assert sole.status == CheckStatus.ASSUMED and "sole control" in sole.detail
        assert {c.status for c in checks.values()} == {CheckStatus.PASSED}, checks
        signing = checks[CheckName.VALID_AT_SIGNING_TIME].detail
        assert "claimed by the signer, not attested by a timestamp" in signing
        assert "cms" in checks[CheckName.NOT_REVOKED_AT_SIGNING_TIME].detail


def test_without_revocation_evidence_the_revocation_condition_is_unknown(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(_of_kind(sample_docs, expected, "two_signature"), demo_trust)
    assert outcome.verdict == Verdict.VALID  # soft-fail under the shipped policy...
    for sig in outcome.signatures:
        revocation = _checks(sig)[CheckName.NOT_REVOKED_AT_SIGNING_TIME]
        assert revocation.status == CheckStatus.UNKNOWN  # ...but the condition is not shown
        assert "soft-fail" in revocation.detail


@pytest.mark.slow
def test_certificate_expired_before_signing_fails_valid_at_signing_time(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig
) -> None:
    now = dt.datetime.now(dt.UTC)
    expired = issue(issuer, not_before=now - dt.timedelta(days=60), not_after=now - dt.timedelta(days=30))
    outcome = validate_pdf(sign(letter, expired), demo_trust)
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.INDETERMINATE
    checks = _checks(sig)
    when = checks[CheckName.VALID_AT_SIGNING_TIME]
    assert when.status == CheckStatus.FAILED
    assert "outside the certificate's validity" in when.detail and "claimed by the signer" in when.detail
    assert checks[CheckName.SIGNATURE_INTACT].status == CheckStatus.PASSED
    assert checks[CheckName.CHAIN_TO_RECOGNISED_ROOT].status == CheckStatus.PASSED


def test_expired_sample_signed_after_its_certificate_ended_fails_valid_at_signing_time(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    """The sample's certificate ended in 2020 and its claimed signing time is in 2024."""
    [sig, *_] = validate_pdf(_of_kind(sample_docs, expected, "expired"), demo_trust).signatures
    when = _checks(sig)[CheckName.VALID_AT_SIGNING_TIME]
    assert when.status == CheckStatus.FAILED and "2024-03-20" in when.detail


@pytest.mark.slow
def test_timestamped_signature_says_the_time_is_attested(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig
) -> None:
    cred = issue(issuer)
    [sig] = validate_pdf(sign(letter, cred, tsa=timestamper(issuer)), demo_trust).signatures
    assert sig.timestamp_valid is True and sig.timestamp_time is not None
    when = _checks(sig)[CheckName.VALID_AT_SIGNING_TIME]
    assert when.status == CheckStatus.PASSED and "attested by an RFC 3161 timestamp" in when.detail
    # a timestamp from a TSA that chains to no configured root attests nothing
    [sig] = validate_pdf(sign(letter, cred, tsa=timestamper(issuer, trusted=False)), demo_trust).signatures
    assert sig.timestamp_valid is False
    when = _checks(sig)[CheckName.VALID_AT_SIGNING_TIME]
    assert "claimed by the signer; the timestamp token did not validate" in when.detail


def test_untrusted_root_fails_the_chain_condition(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    [sig] = validate_pdf(_of_kind(sample_docs, expected, "untrusted_root"), demo_trust).signatures
    checks = _checks(sig)
    assert checks[CheckName.CHAIN_TO_RECOGNISED_ROOT].status == CheckStatus.FAILED
    assert "no chain to a configured trust root" in checks[CheckName.CHAIN_TO_RECOGNISED_ROOT].detail
    assert checks[CheckName.SIGNATURE_INTACT].status == CheckStatus.PASSED
    assert checks[CheckName.NOT_REVOKED_AT_SIGNING_TIME].status == CheckStatus.UNKNOWN


def test_tampered_document_fails_signature_intact(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(_of_kind(sample_docs, expected, "tampered"), demo_trust)
    broken = [s for s in outcome.signatures if not s.intact]
    assert broken
    intact = _checks(broken[0])[CheckName.SIGNATURE_INTACT]
    assert intact.status == CheckStatus.FAILED and "digest does not match" in intact.detail


def test_content_changed_after_signing_fails_signature_intact(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(_of_kind(sample_docs, expected, "modified_after_signing"), demo_trust)
    intact = _checks(outcome.signatures[0])[CheckName.SIGNATURE_INTACT]
    assert intact.status == CheckStatus.FAILED and "disallowed change" in intact.detail


def test_revoked_signer_fails_not_revoked(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(_of_kind(sample_docs, expected, "revoked"), demo_trust)
    revoked = _checks(outcome.signatures[0])[CheckName.NOT_REVOKED_AT_SIGNING_TIME]
    assert revoked.status == CheckStatus.FAILED and "revoked on 2024-01-01" in revoked.detail


def test_weak_algorithm_leaves_integrity_unknown(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig
) -> None:
    [sig] = validate_pdf(sign(letter, issue(issuer), md="sha1"), demo_trust).signatures
    intact = _checks(sig)[CheckName.SIGNATURE_INTACT]
    assert intact.status == CheckStatus.UNKNOWN and "sha1" in intact.detail


def test_checks_the_policy_turns_off_are_not_applicable_and_verdicts_stay(
    sample_docs: Path, demo_trust: TrustConfig, tmp_path: Path
) -> None:
    path = tmp_path / "p.toml"
    text = 'name = "fewer-checks/1"\n[checks]\nsole_control = false\nvalid_at_signing_time = false\n'
    path.write_text(text, encoding="utf-8")
    data = (sample_docs / WITH_CRL).read_bytes()
    outcome = validate_pdf(data, demo_trust, policy=load_policy(path))
    assert outcome.verdict == validate_pdf(data, demo_trust).verdict == Verdict.VALID
    checks = _checks(outcome.signatures[0])
    for name in (CheckName.SOLE_CONTROL, CheckName.VALID_AT_SIGNING_TIME):
        assert checks[name].status == CheckStatus.NOT_APPLICABLE
        assert "fewer-checks/1" in checks[name].detail
    assert checks[CheckName.SIGNATURE_INTACT].status == CheckStatus.PASSED


def test_checks_survive_the_result_store_encoding(sample_docs: Path, demo_trust: TrustConfig) -> None:
    outcome = validate_pdf((sample_docs / WITH_CRL).read_bytes(), demo_trust)
    assert outcome_from_dict(json.loads(json.dumps(outcome_to_dict(outcome)))) == outcome


@pytest.mark.slow
def test_json_csv_and_verify_carry_the_checks(sample_docs: Path, demo_pki: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.pdf").write_bytes((sample_docs / WITH_CRL).read_bytes())
    trust = ["--trust-roots", str(demo_pki / "demo-root.pem"), "--other-certs",
             str(demo_pki / "demo-intermediate.pem")]  # fmt: skip
    result = CliRunner().invoke(
        main,
        ["scan", str(archive), *trust, "--no-store", "-q", "--json", str(tmp_path / "r.json"),
         "--csv", str(tmp_path / "r.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [doc] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["documents"]
    for sig in doc["signatures"]:
        checks = {c["name"]: (c["status"], c["detail"]) for c in sig["checks"]}
        assert list(checks) == [n.value for n in CheckName]
        assert checks["sole_control"][0] == "assumed" and checks["signature_intact"][0] == "passed"
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2
    # existing columns keep their order; one status column per check is appended
    assert list(rows[0])[: COLUMNS.index("signature_reason") + 1][-1] == "signature_reason"
    checks_at = list(rows[0]).index("check_valid_at_signing_time")  # the text_* columns come after them
    assert list(rows[0])[checks_at : checks_at + 6] == [f"check_{n.value}" for n in CheckName]
    for row in rows:
        assert row["check_chain_to_recognised_root"] == "passed" and row["check_sole_control"] == "assumed"
    verify = CliRunner().invoke(main, ["verify", str(archive / "a.pdf"), *trust])
    assert verify.exit_code == 0, verify.output
    assert "legal validity conditions" in verify.output
    assert "not_revoked_at_signing_time  passed" in verify.output


GOV_POLICY = "2.16.704.1.2.1.9"  # an OID in Viet Nam's arc, standing in for a CA's certificate policy


def test_certificate_policies_the_policy_accepts_are_reported_by_the_usage_check(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig, tmp_path: Path
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        f'name = "gov-policy/1"\n[key_usage]\ncertificate_policies = ["{GOV_POLICY}"]\n', encoding="utf-8"
    )
    policy = load_policy(path)
    named = sign(letter, issue(issuer, policies=("1.3.6.1.4.1.99999.1", GOV_POLICY)))
    other = sign(letter, issue(issuer, policies=("1.3.6.1.4.1.99999.1",)))
    [sig] = validate_pdf(named, demo_trust, policy=policy).signatures
    assert sig.signer is not None and GOV_POLICY in sig.signer.policies
    usage = _checks(sig)[CheckName.USAGE_MATCHES_CERTIFICATE]
    assert usage.status == CheckStatus.PASSED and GOV_POLICY in usage.detail
    outcome = validate_pdf(other, demo_trust, policy=policy)
    usage = _checks(outcome.signatures[0])[CheckName.USAGE_MATCHES_CERTIFICATE]
    assert usage.status == CheckStatus.FAILED and "1.3.6.1.4.1.99999.1" in usage.detail
    assert outcome.verdict == Verdict.VALID  # reported, never a change of verdict
    # The shipped policy accepts any certificate policy; the signer's policies survive the store.
    [plain] = validate_pdf(other, demo_trust).signatures
    assert _checks(plain)[CheckName.USAGE_MATCHES_CERTIFICATE].status == CheckStatus.PASSED
    again = outcome_from_dict(json.loads(json.dumps(outcome_to_dict(outcome))))
    assert again.signatures[0].signer == outcome.signatures[0].signer


@pytest.mark.parametrize("value", ['"2.16.704"', '["not-an-oid"]', '["2.16.704.01"]'])
def test_a_malformed_certificate_policy_is_refused(value: str, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(f'name = "x/1"\n[key_usage]\ncertificate_policies = {value}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[key_usage\] certificate_policies"):
        load_policy(path)
