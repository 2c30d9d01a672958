"""Weak algorithms are refused by the policy: MD5/SHA-1 digests, SHA-1-based signature mechanisms, RSA
keys under 2048 bits, in the signature and in the signer's certificate chain.

Every file is a real PDF signed by pyHanko at test time with a certificate the demo intermediate CA
issues on the spot; the control case (SHA-256, RSA 2048, same recipe) must come out valid, so each
refusal below is caused by the one weak ingredient it names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from realsign import Credential, Issuer, issue, last_byte_range, load_issuer, set_last_byte_range, sign
from sigaudit.model import Indication, SignatureResult, SubIndication, ValidationOutcome, Verdict
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig

REFUSED = "not allowed by the policy"


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


def _only(outcome: ValidationOutcome) -> SignatureResult:
    [sig] = outcome.signatures
    return sig


def _assert_crypto_constraints(outcome: ValidationOutcome, *words: str) -> SignatureResult:
    sig = _only(outcome)
    assert outcome.verdict == Verdict.INDETERMINATE, outcome.reason
    assert sig.indication == Indication.INDETERMINATE
    assert sig.sub_indication == SubIndication.CRYPTO_CONSTRAINTS_FAILURE
    for word in words:
        assert word in sig.reason, (word, sig.reason)
        assert word in outcome.reason, (word, outcome.reason)
    return sig


def test_control_sha256_and_rsa_2048_is_valid(
    letter: bytes, agency: Credential, demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(sign(letter, agency), demo_trust)
    assert outcome.verdict == Verdict.VALID, outcome.reason
    sig = _only(outcome)
    assert sig.digest_algorithm == "sha256" and sig.signature_algorithm == "sha256_rsa"


@pytest.mark.parametrize("md", ["sha1", "md5"])
def test_weak_message_digest_is_refused_and_named(
    md: str, letter: bytes, agency: Credential, demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(sign(letter, agency, md=md), demo_trust)
    sig = _assert_crypto_constraints(outcome, f"digest algorithm {md} {REFUSED}")
    # the refusal is the policy's, not a broken signature: the bytes and the signature value check out
    assert sig.intact and sig.crypto_valid and sig.digest_algorithm == md


def test_rsa_1024_signer_key_is_refused_with_its_size(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig
) -> None:
    weak = issue(issuer, bits=1024)
    outcome = validate_pdf(sign(letter, weak), demo_trust)
    sig = _assert_crypto_constraints(outcome, "RSA key of 1024 bits; the policy requires at least 2048")
    assert sig.intact and sig.crypto_valid and sig.digest_algorithm == "sha256"


def test_signer_certificate_signed_with_sha1_is_refused(
    letter: bytes, issuer: Issuer, demo_trust: TrustConfig
) -> None:
    """The CMS signature is SHA-256/RSA 2048; only the CA's signature on the certificate uses SHA-1."""
    cred = issue(issuer, cn="UBND xã Chứng Thư SHA1", sha1=True)
    outcome = validate_pdf(sign(letter, cred), demo_trust)
    sig = _assert_crypto_constraints(outcome, "UBND xã Chứng Thư SHA1", f"sha1_rsa, {REFUSED}")
    assert sig.intact and sig.crypto_valid
    assert sig.digest_algorithm == "sha256" and sig.signature_algorithm == "sha256_rsa"
    assert not sig.trusted


def test_weak_digest_on_changed_bytes_is_invalid_not_indeterminate(
    letter: bytes, agency: Credential, demo_trust: TrustConfig
) -> None:
    """Invalid outranks indeterminate: a SHA-1 signature whose signed bytes changed is a hash failure."""
    data = bytearray(sign(letter, agency, md="sha1"))
    # the binary comment on the header's second line: signed, and changing it keeps the PDF readable
    assert data[9:10] == b"%" and data[10] >= 0x80
    data[10] ^= 0x01
    outcome = validate_pdf(bytes(data), demo_trust)
    sig = _only(outcome)
    assert outcome.verdict == Verdict.INVALID, outcome.reason
    assert sig.indication == Indication.TOTAL_FAILED and sig.sub_indication == SubIndication.HASH_FAILURE


def test_document_with_a_weak_and_a_broken_signature_is_invalid(
    letter: bytes, agency: Credential, demo_trust: TrustConfig
) -> None:
    """An indeterminate (SHA-1) signature and a later invalid one (3-number ByteRange): invalid wins."""
    first = sign(letter, agency, field="Sig_CaNhan", md="sha1")
    both = sign(first, agency, field="Sig_CoQuan")
    one, two, three, _ = last_byte_range(both)
    outcome = validate_pdf(set_last_byte_range(both, [one, two, three]), demo_trust)
    weak, broken = outcome.signatures
    assert weak.field == "Sig_CaNhan" and broken.field == "Sig_CoQuan"
    assert weak.sub_indication == SubIndication.CRYPTO_CONSTRAINTS_FAILURE
    assert broken.indication == Indication.TOTAL_FAILED
    assert outcome.verdict == Verdict.INVALID
    assert outcome.reason.startswith("Sig_CoQuan: ByteRange does not cover"), outcome.reason
