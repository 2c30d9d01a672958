"""A trust anchor's own validity period (issue 16, item 9): a warning when a configured root is expired
or not yet valid at the time of the run, and, under the default policy (anchor_validity = "enforce"),
INDETERMINATE for a signature made outside the anchor's validity — by the time a timestamp proves,
else the time the signer claims. pyHanko alone calls such a signature valid.

Documents are signed by pyHanko with certificates of test PKIs (tests/revpki.py) whose roots have
chosen dates, and timestamped by pyHanko's in-process TSA with a TSA certificate of the same root.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from revpki import Cred, Pki, sign, utc
from sigaudit.cli import main
from sigaudit.model import CheckName, CheckStatus, Indication, SubIndication, TimeBasis, Verdict
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.policy import AnchorValidity, default_policy, parse_policy
from sigaudit.validation.trust import ANCHOR_OUTSIDE_VALIDITY, TrustConfig, build_trust

EXPIRED_ON = utc(2024, 1, 1)
IGNORE = parse_policy(
    b'name = "test-ignore/1"\n[trust]\nanchor_validity = "ignore"\n', "p.toml", default_policy()
)


@pytest.fixture(scope="module")
def expired() -> Pki:
    """A demo-like root valid 2020-01-01 to 2024-01-01: expired before the signatures below."""
    return Pki("TEST Expired Root", not_after=EXPIRED_ON)


@pytest.fixture(scope="module")
def early() -> Pki:
    """A root not valid before 2030."""
    return Pki("TEST Future Root", not_before=utc(2030))


@pytest.fixture(scope="module")
def tsa(expired: Pki) -> Cred:
    return expired.issue("TEST TSA", tsa=True)


@pytest.fixture(scope="module")
def root_pem(expired: Pki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return expired.root_pem(tmp_path_factory.mktemp("expired-root"))


@pytest.fixture(scope="module")
def trust(root_pem: Path) -> TrustConfig:
    return build_trust([root_pem], use_shipped=False)


def test_the_default_policy_enforces_anchor_validity_and_says_so() -> None:
    assert default_policy().anchor_validity == AnchorValidity.ENFORCE
    assert "trust anchor validity at the signing time: enforce" in default_policy().rules()
    assert IGNORE.anchor_validity == AnchorValidity.IGNORE


def test_loading_an_expired_or_not_yet_valid_anchor_warns_naming_it(
    trust: TrustConfig, early: Pki, tmp_path: Path
) -> None:
    [warning] = trust.warnings
    assert warning.startswith("trust anchor C=VN,CN=TEST Expired Root (")
    assert "expired on 2024-01-01T00:00:00+00:00" in warning and trust.roots[0].sha256 in warning
    future = build_trust([early.root_pem(tmp_path)], use_shipped=False, now=utc(2026, 6, 1))
    [warning] = future.warnings
    assert (
        "C=VN,CN=TEST Future Root" in warning and "is not valid before 2030-01-01T00:00:00+00:00" in warning
    )
    # At a time within their validity, neither warns; nor do the shipped roots today.
    assert build_trust([tmp_path / "test-root.pem"], use_shipped=False, now=utc(2031)).warnings == ()
    assert build_trust().warnings == ()


def test_a_signature_claimed_after_the_root_expired_is_indeterminate(
    expired: Pki, trust: TrustConfig
) -> None:
    pdf = sign(expired.issue(), expired, claimed=utc(2025, 2, 3))
    outcome = validate_pdf(pdf, trust)
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.INDETERMINATE
    assert (sig.indication, sig.sub_indication) == (
        Indication.INDETERMINATE,
        SubIndication.CHAIN_CONSTRAINTS_FAILURE,
    )
    assert sig.reason == (
        f"{ANCHOR_OUTSIDE_VALIDITY} C=VN,CN=TEST Expired Root, valid 2020-01-01T00:00:00+00:00 to "
        "2024-01-01T00:00:00+00:00: the signing time the signer claims (2025-02-03T00:00:00+00:00) is "
        'after it expired (policy sigaudit-default/5: anchor_validity = "enforce")'
    )
    checks = {c.name: c for c in sig.checks}
    assert checks[CheckName.CHAIN_TO_RECOGNISED_ROOT].status == CheckStatus.FAILED
    # pyHanko itself (and the relaxed policy) accept it: the rule is ours, and can be switched off.
    relaxed = validate_pdf(pdf, trust, policy=IGNORE)
    assert relaxed.verdict == Verdict.VALID, relaxed.reason


def test_a_timestamp_within_the_roots_validity_keeps_the_signature_valid(
    expired: Pki, tsa: Cred, trust: TrustConfig
) -> None:
    pdf = sign(
        expired.issue(),
        expired,
        claimed=utc(2023, 6, 1),
        timestamper=expired.timestamper(tsa, utc(2023, 6, 1, 1)),
    )
    outcome = validate_pdf(pdf, trust)
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.VALID, sig.reason
    assert sig.time_basis == TimeBasis.TIMESTAMP


def test_the_proven_time_decides_over_an_earlier_claim(expired: Pki, tsa: Cred, trust: TrustConfig) -> None:
    # The signer claims a date when the root was valid; the timestamp proves the signature later.
    pdf = sign(
        expired.issue(),
        expired,
        claimed=utc(2023, 6, 1),
        timestamper=expired.timestamper(tsa, utc(2025, 2, 3)),
    )
    [sig] = validate_pdf(pdf, trust).signatures
    assert sig.sub_indication == SubIndication.CHAIN_CONSTRAINTS_FAILURE
    assert (
        "the time the signature timestamp proves (2025-02-03T00:00:00+00:00) is after it expired"
        in sig.reason
    )


def test_a_signature_before_the_root_was_valid_is_indeterminate(early: Pki, tmp_path: Path) -> None:
    trust = build_trust([early.root_pem(tmp_path)], use_shipped=False)
    [sig] = validate_pdf(sign(early.issue(), early, claimed=utc(2025, 2, 3)), trust).signatures
    assert sig.indication == Indication.INDETERMINATE, sig.reason
    assert "(2025-02-03T00:00:00+00:00) is before it was valid" in sig.reason


def test_cli_warns_at_load_and_reports_the_signature_indeterminate(
    expired: Pki, root_pem: Path, tmp_path: Path
) -> None:
    path = tmp_path / "ky-sau-khi-goc-het-han.pdf"
    path.write_bytes(sign(expired.issue(), expired, claimed=utc(2025, 2, 3)))
    args = ["verify", str(path), "--trust-roots", str(root_pem), "--no-shipped-roots", "--json", "-"]
    result = CliRunner().invoke(main, args)
    assert "sigaudit: warning: trust anchor C=VN,CN=TEST Expired Root" in result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "indeterminate"
    assert report["signatures"][0]["reason"].startswith(ANCHOR_OUTSIDE_VALIDITY)
