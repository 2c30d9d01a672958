"""A /ByteRange must be exactly [0, a, b, c]: from the start of the file, leaving out nothing but the
signature value (the /Contents hex string between a and b), no overlap, nothing beyond the end of the
file. Anything else makes the signature invalid (TOTAL_FAILED / FORMAT_FAILURE, as EU DSS's
format-checking ByteRangeCheck does), with the reason in words.

Two kinds of real files: a sample two-signature document whose agency /ByteRange is edited in place
(the edit also breaks the digest), and a document signed at test time whose /ByteRange is edited and
then signed again over exactly the ranges it declares (the digest matches; only the ByteRange is wrong).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from realsign import (
    Credential,
    Issuer,
    encrypt_with_empty_password,
    issue,
    last_byte_range,
    load_issuer,
    resign_last,
    set_last_byte_range,
    sign,
)
from sigaudit.model import Changes, Coverage, Indication, SubIndication, ValidationOutcome, Verdict
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig

ANOMALY = "ByteRange does not cover the file except the signature value"


@pytest.fixture(scope="module")
def two_signature(sample_docs: Path, expected: dict[str, dict[str, Any]]) -> bytes:
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!" not in p)
    return (sample_docs / rel).read_bytes()


@pytest.fixture(scope="module")
def issuer(demo_pki: Path) -> Issuer:
    return load_issuer(demo_pki)


@pytest.fixture(scope="module")
def agency(issuer: Issuer) -> Credential:
    return issue(issuer)


@pytest.fixture(scope="module")
def signed_letter(sample_docs: Path, expected: dict[str, dict[str, Any]], agency: Credential) -> bytes:
    rel = next(p for p, e in expected.items() if e["kind"] == "unsigned" and "!" not in p)
    return sign((sample_docs / rel).read_bytes(), agency)


# name -> (new ByteRange from the original [0, a, b, c], words expected in the reason)
EDITS: dict[str, tuple[Any, str]] = {
    "gap before the signature value": (
        lambda a, b, c: [0, a - 10, b, c],
        "are not exactly the signature value",
    ),
    "gap after the signature value": (
        lambda a, b, c: [0, a, b + 10, c - 10],
        "are not exactly the signature value",
    ),
    "does not start at 0": (lambda a, b, c: [7, a - 7, b, c], "starts at byte 7"),
    "overlap": (lambda a, b, c: [0, b + 5, b, c], "overlap"),
    "beyond the end of the file": (lambda a, b, c: [0, a, b, c + 1000], "beyond the end of the file"),
    "negative number": (lambda a, b, c: [0, -a, b, c], "negative"),
    "three numbers": (lambda a, b, c: [0, a, b], "3 numbers instead of 4"),
    "six numbers": (lambda a, b, c: [0, a, b, c, 0, 0], "6 numbers instead of 4"),
}


def _assert_anomaly(outcome: ValidationOutcome, words: str) -> None:
    assert outcome.verdict == Verdict.INVALID, outcome.reason
    sig = next(s for s in outcome.signatures if s.field == "Sig_CoQuan")
    assert sig.indication == Indication.TOTAL_FAILED
    assert sig.sub_indication == SubIndication.FORMAT_FAILURE
    assert sig.reason.startswith(ANOMALY + ": "), sig.reason
    assert words in sig.reason, (words, sig.reason)
    assert outcome.reason.startswith("Sig_CoQuan: " + ANOMALY)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_edited_byte_range_of_a_sample_is_invalid_with_reason(
    name: str, two_signature: bytes, demo_trust: TrustConfig
) -> None:
    first, a, b, c = last_byte_range(two_signature)
    assert first == 0 and b + c == len(two_signature)  # the agency signature covers the whole file
    rule, words = EDITS[name]
    outcome = validate_pdf(set_last_byte_range(two_signature, rule(a, b, c)), demo_trust)
    _assert_anomaly(outcome, words)
    # the personal signature before it is untouched and still passes
    personal = next(s for s in outcome.signatures if s.field == "Sig_CaNhan")
    assert personal.indication == Indication.TOTAL_PASSED, personal.reason


# Re-signing needs a digest pyHanko can compute too: not for a negative length or an odd count.
RESIGNABLE = sorted(set(EDITS) - {"negative number", "three numbers"})


@pytest.mark.parametrize("name", RESIGNABLE)
def test_signed_anomalous_byte_range_is_invalid_although_the_digest_matches(
    name: str, signed_letter: bytes, agency: Credential, demo_trust: TrustConfig
) -> None:
    _, a, b, c = last_byte_range(signed_letter)
    rule, words = EDITS[name]
    values = rule(a, b, c)
    if name == "overlap":  # a second range over the first, not over the signature value
        values = [0, a, a - 10, 10]
    outcome = validate_pdf(resign_last(signed_letter, agency, values), demo_trust)
    _assert_anomaly(outcome, words)
    [sig] = outcome.signatures
    assert sig.intact and sig.crypto_valid  # the digest over the declared ranges matches


def test_control_resigning_the_same_byte_range_stays_valid(
    signed_letter: bytes, agency: Credential, demo_trust: TrustConfig
) -> None:
    """The re-signing recipe itself does not make a file invalid."""
    assert validate_pdf(signed_letter, demo_trust).verdict == Verdict.VALID
    outcome = validate_pdf(resign_last(signed_letter, agency, last_byte_range(signed_letter)), demo_trust)
    assert outcome.verdict == Verdict.VALID, outcome.reason


def test_later_incremental_update_is_not_a_byte_range_anomaly(
    two_signature: bytes, demo_trust: TrustConfig
) -> None:
    """The personal signature's ByteRange ends before the agency's revision: a later revision, judged by
    difference analysis, not an anomaly."""
    outcome = validate_pdf(two_signature, demo_trust)
    assert outcome.verdict == Verdict.VALID, outcome.reason
    personal = next(s for s in outcome.signatures if s.field == "Sig_CaNhan")
    assert personal.coverage == Coverage.ENTIRE_REVISION and personal.changes == Changes.PERMITTED
    assert ANOMALY not in personal.reason


def test_encrypted_file_signature_value_is_compared_as_stored(
    sample_docs: Path, expected: dict[str, dict[str, Any]], agency: Credential, demo_trust: TrustConfig
) -> None:
    """In an encrypted file (empty user password) /Contents is stored unencrypted: the check must compare
    the raw hex string, not a "decrypted" one, and must still catch a gap there."""
    rel = next(p for p, e in expected.items() if e["kind"] == "unsigned" and "!" not in p)
    signed = sign(encrypt_with_empty_password((sample_docs / rel).read_bytes()), agency)
    assert b"/Encrypt" in signed
    outcome = validate_pdf(signed, demo_trust)
    assert outcome.verdict == Verdict.VALID, outcome.reason
    _, a, b, c = last_byte_range(signed)
    gap = resign_last(signed, agency, [0, a - 10, b, c])
    _assert_anomaly(validate_pdf(gap, demo_trust), "are not exactly the signature value")
