"""The validation policy file: the shipped default, custom policies on real signed files, bad files,
and where the policy's name and SHA-256 show (manifest, reports, verdict fingerprint, result store).

Signed files are made at test time by pyHanko with certificates the demo intermediate CA issues
(tests/realsign.py); each policy test has a control showing the shipped policy decides otherwise, so
the difference is the policy's doing.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import pytest
from click.testing import CliRunner, Result

from realsign import Credential, Issuer, issue, load_issuer, sign
from sigaudit.audit import verdict_fingerprint
from sigaudit.cli import main
from sigaudit.errors import ConfigError
from sigaudit.model import CheckName, CheckStatus, RevocationStatus, SubIndication, Verdict
from sigaudit.run.pool import Limits, WorkerPool
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.policy import (
    MissingRevocation,
    ValidationPolicy,
    default_policy,
    load_policy,
    parse_policy,
)
from sigaudit.validation.roles import DEFAULT_ROLE_RULES
from sigaudit.validation.trust import TrustConfig

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "sigaudit" / "policies" / "default.toml"
NO_EVIDENCE_VALID = "tinh/ubnd-tinh/2024/120-UBND-KGVX_2024-02-05.pdf"  # two signatures, no CRL/OCSP
WITH_CRL = "huyen/viet-tri/2024/318-UBND-TNMT_2024-03-25.pdf"  # both signatures embed the CRLs


@pytest.fixture(scope="module")
def letter(sample_docs: Path, expected: dict[str, dict[str, Any]]) -> bytes:
    """An unsigned sample letter (a plain file, not a ZIP member)."""
    rel = next(p for p, e in expected.items() if e["kind"] == "unsigned" and "!" not in p)
    return (sample_docs / rel).read_bytes()


@pytest.fixture(scope="module")
def issuer(demo_pki: Path) -> Issuer:
    return load_issuer(demo_pki)


@pytest.fixture(scope="module")
def agency(issuer: Issuer) -> Credential:
    return issue(issuer)


def _policy(tmp_path: Path, text: str, name: str = "test-policy/1") -> Path:
    path = tmp_path / f"{name.replace('/', '-')}.toml"
    path.write_text(f'name = "{name}"\n{text}', encoding="utf-8")
    return path


def _sample(sample_docs: Path, rel: str) -> bytes:
    return (sample_docs / rel).read_bytes()


# --- the shipped policy -------------------------------------------------------------------------------
def test_shipped_policy_is_named_hashed_and_keeps_the_former_rules() -> None:
    policy = default_policy()
    assert policy.name == "sigaudit-default/5" and policy.source == "shipped"
    assert policy.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    # the rules of sigaudit-core/3, now written in the file
    assert policy.missing_revocation == MissingRevocation.SOFT_FAIL
    assert policy.weak_digests == {"md2", "md5", "sha1"} and policy.min_rsa_bits == 2048
    assert policy.key_usage == {"non_repudiation", "digital_signature"}
    assert policy.checks == set(CheckName) and policy.roles == DEFAULT_ROLE_RULES
    assert pickle.loads(pickle.dumps(policy)) == policy  # workers receive it


def test_a_custom_file_takes_the_shipped_values_it_leaves_out(tmp_path: Path) -> None:
    policy = load_policy(_policy(tmp_path, "[algorithms]\nmin_rsa_bits = 1024\n"))
    assert policy.name == "test-policy/1" and policy.min_rsa_bits == 1024
    assert policy.source.endswith("test-policy-1.toml")
    assert policy.weak_digests == default_policy().weak_digests
    assert policy.sha256 != default_policy().sha256


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('name = "x"\n[algorithms]\nmin_rsa_bits = "big"\n', "[algorithms] min_rsa_bits must be an integer"),
        ('name = "x"\n[algorithms]\nmin_rsa_bits = 100\n', "[algorithms] min_rsa_bits must be an integer"),
        ('name = "x"\n[algorithms]\nweak_digests = ["sha9"]\n', "[algorithms] weak_digests names 'sha9'"),
        ('name = "x"\n[algorithms]\nstrength = 3\n', "unknown key 'strength' in [algorithms]"),
        ('name = "x"\n[revocation]\nmissing_revocation = "ignore"\n', "[revocation] missing_revocation"),
        ('name = "x"\n[checks]\nsole_control = "yes"\n', "[checks] sole_control must be true or false"),
        ('name = "x"\n[key_usage]\nrequired = ["signing"]\n', "[key_usage] required names 'signing'"),
        ('name = "x"\n[roles]\nagency_uid_prefixes = []\n', "[roles] agency_uid_prefixes"),
        ('name = "x"\n[extras]\na = 1\n', "unknown key 'extras'"),
        (
            'name = "x"\n[trust]\nanchor_validity = "warn"\n',
            '[trust] anchor_validity must be one of "enforce"',
        ),
        ('name = "x"\n[trust]\nanchors = 1\n', "unknown key 'anchors' in [trust]"),
        ("[algorithms]\nmin_rsa_bits = 1024\n", "name is missing"),
        ('name = "x"\n[algorithms\n', "is not valid TOML"),
    ],
)
def test_bad_policy_files_are_refused_naming_the_key(text: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_policy(text.encode(), "p.toml", base=default_policy())
    assert words in str(caught.value) and "policy p.toml" in str(caught.value)


# --- custom policies change verdicts on real signed files ------------------------------------------
def test_min_rsa_bits_1024_accepts_a_1024_bit_signer_the_default_refuses(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig, tmp_path: Path
) -> None:
    signed = sign(letter, issue(issuer, bits=1024))
    default = validate_pdf(signed, demo_trust)
    assert default.verdict == Verdict.INDETERMINATE
    assert default.signatures[0].sub_indication == SubIndication.CRYPTO_CONSTRAINTS_FAILURE
    assert "requires at least 2048" in default.reason
    relaxed = load_policy(_policy(tmp_path, "[algorithms]\nmin_rsa_bits = 1024\n"))
    outcome = validate_pdf(signed, demo_trust, policy=relaxed)
    assert outcome.verdict == Verdict.VALID, outcome.reason
    # a stricter policy names its own threshold
    strict = load_policy(_policy(tmp_path, "[algorithms]\nmin_rsa_bits = 3072\n", name="strict/1"))
    refused = validate_pdf(sign(letter, issue(issuer)), demo_trust, policy=strict)
    assert "RSA key of 2048 bits; the policy requires at least 3072" in refused.reason


def test_weak_digests_without_sha1_accept_a_sha1_signature(
    letter: bytes, agency: Credential, demo_trust: TrustConfig, tmp_path: Path
) -> None:
    signed = sign(letter, agency, md="sha1")
    assert validate_pdf(signed, demo_trust).verdict == Verdict.INDETERMINATE
    policy = load_policy(_policy(tmp_path, '[algorithms]\nweak_digests = ["md2", "md5"]\n'))
    outcome = validate_pdf(signed, demo_trust, policy=policy)
    assert outcome.verdict == Verdict.VALID, outcome.reason
    assert outcome.signatures[0].digest_algorithm == "sha1"
    # md5 stays refused under that policy
    assert validate_pdf(sign(letter, agency, md="md5"), demo_trust, policy=policy).verdict == (
        Verdict.INDETERMINATE
    )


def test_missing_revocation_indeterminate_is_try_later_without_evidence(
    sample_docs: Path, demo_trust: TrustConfig, tmp_path: Path
) -> None:
    policy = load_policy(_policy(tmp_path, '[revocation]\nmissing_revocation = "indeterminate"\n'))
    no_evidence = _sample(sample_docs, NO_EVIDENCE_VALID)
    default = validate_pdf(no_evidence, demo_trust)
    assert default.verdict == Verdict.VALID  # soft-fail: still valid, revocation "unknown"
    assert all(s.revocation == RevocationStatus.UNKNOWN for s in default.signatures)
    outcome = validate_pdf(no_evidence, demo_trust, policy=policy)
    assert outcome.verdict == Verdict.INDETERMINATE
    for sig in outcome.signatures:
        assert sig.sub_indication == SubIndication.TRY_LATER
        assert "no revocation evidence in the file" in sig.reason
    assert "no revocation evidence" in outcome.reason
    # a document carrying CRLs that cover its signers stays valid under the same policy
    with_crl = validate_pdf(_sample(sample_docs, WITH_CRL), demo_trust, policy=policy)
    assert with_crl.verdict == Verdict.VALID, with_crl.reason
    assert all(s.revocation == RevocationStatus.GOOD for s in with_crl.signatures)


def test_required_key_usage_is_enforced_and_reported(
    letter: bytes, agency: Credential, demo_trust: TrustConfig, tmp_path: Path
) -> None:
    """The demo certificates carry digitalSignature and nonRepudiation, not keyAgreement."""
    signed = sign(letter, agency)
    policy = load_policy(_policy(tmp_path, '[key_usage]\nrequired = ["key_agreement"]\n'))
    outcome = validate_pdf(signed, demo_trust, policy=policy)
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.INDETERMINATE
    assert sig.sub_indication == SubIndication.CHAIN_CONSTRAINTS_FAILURE and sig.key_usage_ok is False
    checks = {c.name: c for c in sig.checks}
    assert checks[CheckName.USAGE_MATCHES_CERTIFICATE].status == CheckStatus.FAILED
    assert "key agreement" in checks[CheckName.USAGE_MATCHES_CERTIFICATE].detail
    assert checks[CheckName.CHAIN_TO_RECOGNISED_ROOT].status == CheckStatus.PASSED
    # an empty list checks nothing, and says so
    unchecked = load_policy(_policy(tmp_path, "[key_usage]\nrequired = []\n", name="no-ku/1"))
    [sig] = validate_pdf(signed, demo_trust, policy=unchecked).signatures
    usage = next(c for c in sig.checks if c.name == CheckName.USAGE_MATCHES_CERTIFICATE)
    assert usage.status == CheckStatus.NOT_APPLICABLE and sig.key_usage_ok is None


def test_role_rules_come_from_the_policy(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig, tmp_path: Path
) -> None:
    signed = sign(letter, issue(issuer, cn="Nguyễn Văn A", uid="NV:0123"))
    assert validate_pdf(signed, demo_trust).signatures[0].role.value == "unknown"
    policy = load_policy(_policy(tmp_path, '[roles]\npersonal_uid_prefixes = ["nv:"]\n'))
    assert validate_pdf(signed, demo_trust, policy=policy).signatures[0].role.value == "personal"


def test_worker_processes_receive_the_policy(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig, tmp_path: Path
) -> None:
    signed = sign(letter, issue(issuer, bits=1024))
    relaxed = load_policy(_policy(tmp_path, "[algorithms]\nmin_rsa_bits = 1024\n"))
    with WorkerPool(1, demo_trust, Limits(), relaxed) as pool:
        [(_, outcome)] = list(pool.map_unordered([(0, signed)]))
    assert outcome.verdict == Verdict.VALID, outcome.reason


# --- the command line, the configuration, reports and the store --------------------------------------
def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _trust(demo_pki: Path) -> list[str]:
    return ["--trust-roots", str(demo_pki / "demo-root.pem"), "--other-certs",
            str(demo_pki / "demo-intermediate.pem")]  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, sample_docs: Path) -> Path:
    """Two documents: one valid without revocation evidence, one valid with embedded CRLs."""
    folder = tmp_path_factory.mktemp("archive")
    for rel in (NO_EVIDENCE_VALID, WITH_CRL):
        (folder / Path(rel).name).write_bytes(_sample(sample_docs, rel))
    return folder


def test_bad_policy_is_a_usage_error_in_words_without_traceback(
    archive: Path, demo_pki: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[algorithms]\nmin_rsa_bits = "big"\n', encoding="utf-8")
    document = archive / Path(WITH_CRL).name
    for command in (["scan", str(archive), "--no-store", "-q"], ["verify", str(document)]):
        result = _invoke(*command, *_trust(demo_pki), "--policy", str(bad))
        assert result.exit_code == 2, result.output
        assert "sigaudit: error: policy" in result.output and "min_rsa_bits" in result.output
        assert "Traceback" not in result.output
    missing = _invoke("scan", str(archive), "--policy", str(tmp_path / "none.toml"))
    assert missing.exit_code == 2 and "none.toml" in missing.output


def test_policy_name_and_sha256_appear_in_every_report(archive: Path, demo_pki: Path, tmp_path: Path) -> None:
    text = '[revocation]\nmissing_revocation = "indeterminate"\n'
    path = _policy(tmp_path, text, name="strict-revocation/1")
    policy = load_policy(path)
    out = tmp_path / "out"
    result = _invoke(
        "scan", str(archive), *_trust(demo_pki), "--no-store", "--policy", str(path),
        "--json", str(out / "r.json"), "--html", str(out / "r.html"), "--etsi-report", str(out / "etsi"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Validation policy: strict-revocation/1 (SHA-256 {policy.sha256})" in result.output
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    manifest = report["manifest"]["policy"]
    assert manifest["name"] == policy.name and manifest["sha256"] == policy.sha256
    assert manifest["source"] == str(path)
    assert "missing revocation evidence: indeterminate" in manifest["rules"]
    verdicts = {Path(d["path"]).name: d["verdict"] for d in report["documents"]}
    assert verdicts == {Path(NO_EVIDENCE_VALID).name: "indeterminate", Path(WITH_CRL).name: "valid"}
    html = (out / "r.html").read_text(encoding="utf-8")
    assert "strict-revocation/1" in html and policy.sha256 in html
    xml = SafeET.parse(next((out / "etsi").glob("*.xml")))
    [uri] = {e.text for e in xml.iter("{http://uri.etsi.org/19102/v1.2.1#}SignatureValidationServicePolicy")}
    assert uri == f"urn:sigaudit:policy:strict-revocation%2F1:sha256:{policy.sha256}"
    verify = _invoke("verify", str(archive / Path(WITH_CRL).name), *_trust(demo_pki), "--policy", str(path))
    assert verify.exit_code == 0, verify.output
    assert f"Validation policy: strict-revocation/1 (SHA-256 {policy.sha256}" in verify.output


def test_changing_the_policy_changes_the_fingerprint_and_revalidates_stored_results(
    archive: Path, demo_pki: Path, tmp_path: Path, demo_trust: TrustConfig
) -> None:
    path = _policy(tmp_path, "[algorithms]\nmin_rsa_bits = 2048\n")
    assert verdict_fingerprint(demo_trust) == verdict_fingerprint(demo_trust, default_policy())
    assert verdict_fingerprint(demo_trust, load_policy(path)) != verdict_fingerprint(demo_trust)
    store, out = tmp_path / "s.sqlite", tmp_path / "r.json"

    def scan(*extra: str) -> dict[str, Any]:
        args = ["scan", str(archive), *_trust(demo_pki), "--store", str(store), "-q", "--json", str(out)]
        result = _invoke(*args, *extra)
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return data

    first = scan()
    assert first["manifest"]["policy"]["name"] == "sigaudit-default/5"
    assert scan()["manifest"]["counts"]["validated"] == 0  # same policy: reused
    # The same rules in another file (even one changed byte) are another policy: validated again.
    changed = scan("--policy", str(path))
    assert changed["manifest"]["counts"]["validated"] == 2
    assert changed["manifest"]["verdict_fingerprint"] != first["manifest"]["verdict_fingerprint"]
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert scan("--policy", str(path))["manifest"]["counts"]["validated"] == 2


def test_policy_in_the_configuration_file_and_the_command_line_overrides_it(
    archive: Path, demo_pki: Path, tmp_path: Path
) -> None:
    strict = _policy(tmp_path, '[revocation]\nmissing_revocation = "indeterminate"\n', name="strict/1")
    config = tmp_path / "sigaudit.toml"
    config.write_text(f'policy = "{strict.name}"\n', encoding="utf-8")  # relative to the file
    out = tmp_path / "r.json"
    base = ["scan", str(archive), *_trust(demo_pki), "--no-store", "-q", "--json", str(out)]
    assert _invoke("--config", str(config), *base).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["manifest"]["policy"]["name"] == "strict/1"
    other = _policy(tmp_path, "", name="other/2")
    assert _invoke("--config", str(config), *base, "--policy", str(other)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["manifest"]["policy"]["name"] == "other/2"
    config.write_text("policy = 3\n", encoding="utf-8")
    result = _invoke("--config", str(config), *base)
    assert result.exit_code == 2 and "policy must be the path of a policy file" in result.output


def test_policy_value_is_a_frozen_picklable_dataclass() -> None:
    import dataclasses

    policy = default_policy()
    assert isinstance(policy, ValidationPolicy) and dataclasses.is_dataclass(policy)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.name = "other"  # type: ignore[misc]
