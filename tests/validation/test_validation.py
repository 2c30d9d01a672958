"""Validation of real signed files from the sample archive (pyHanko- and pdfsig-signed).

Each sample file is described in demo/expected.json with what it exercises; the verdicts here come from
the real engine on the real bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sigaudit.model import (
    Changes,
    Coverage,
    Decree30,
    Indication,
    RevocationStatus,
    SignerRole,
    SubIndication,
    Verdict,
)
from sigaudit.sources.walk import Candidate, walk
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig


def _of_kind(expected: dict[str, dict[str, Any]], kind: str) -> list[str]:
    paths = [p for p, e in expected.items() if e["kind"] == kind]
    assert paths, f"the sample archive has no {kind} document"
    return paths


_CACHE: dict[str, bytes] = {}


def _bytes_of(sample_docs: Path, rel: str) -> bytes:
    """A sample document's bytes, ZIP members read through the walker (never extracted)."""
    if not _CACHE:
        for event in walk([sample_docs]):
            if isinstance(event, Candidate) and event.data is not None:
                _CACHE[event.path.split("/", 1)[1]] = event.data
    return _CACHE[rel]


def _validate(sample_docs: Path, rel: str, trust: TrustConfig) -> Any:
    return validate_pdf(_bytes_of(sample_docs, rel), trust)


@pytest.mark.slow
def test_every_sample_document_gets_its_expected_verdict(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    wrong = {}
    for rel, exp in expected.items():
        outcome = _validate(sample_docs, rel, demo_trust)
        if outcome.verdict.value != exp["expected_verdict"]:
            wrong[rel] = (exp["expected_verdict"], outcome.verdict.value, outcome.reason)
    assert not wrong


@pytest.mark.slow
def test_two_signature_documents_are_personal_then_agency(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    for rel in _of_kind(expected, "two_signature"):
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.VALID, outcome.reason
        personal, agency = outcome.signatures
        assert personal.role == SignerRole.PERSONAL and agency.role == SignerRole.AGENCY
        assert personal.revision is not None and agency.revision is not None
        assert personal.revision < agency.revision
        assert outcome.decree30 == Decree30.COMPLETE
        # The personal signature covers its revision; the agency one, added later, the whole file.
        assert personal.coverage == Coverage.ENTIRE_REVISION
        assert personal.changes == Changes.PERMITTED
        assert agency.coverage == Coverage.ENTIRE_FILE and agency.changes == Changes.NONE
        for sig in outcome.signatures:
            assert sig.indication == Indication.TOTAL_PASSED and sig.sub_indication is None
            assert sig.intact and sig.crypto_valid and sig.trusted
            assert sig.signer is not None and sig.signer.sha256 and sig.signer.serial
            assert sig.digest_algorithm and sig.signature_algorithm
            assert sig.claimed_signing_time is not None
            assert sig.chain and "DEMO RootCA" in sig.chain[0]


def test_foreign_signer_pdfsig_is_valid_when_its_root_is_configured(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    paths = _of_kind(expected, "foreign_signer")
    assert any("pdfsig" in expected[p].get("signer_tools", []) for p in paths)
    for rel in paths:
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.VALID, outcome.reason
        assert all(s.trusted and s.intact for s in outcome.signatures)


def test_same_files_are_indeterminate_without_the_demo_root(
    sample_docs: Path, expected: dict[str, dict[str, Any]]
) -> None:
    from sigaudit.validation.trust import build_trust

    shipped_only = build_trust()
    rel = _of_kind(expected, "two_signature")[0]
    outcome = _validate(sample_docs, rel, shipped_only)
    assert outcome.verdict == Verdict.INDETERMINATE
    assert all(s.sub_indication == SubIndication.NO_CERTIFICATE_CHAIN_FOUND for s in outcome.signatures)


def test_tampered_bytes_fail_the_hash(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    for rel in _of_kind(expected, "tampered"):
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.INVALID
        bad = [s for s in outcome.signatures if s.indication == Indication.TOTAL_FAILED]
        assert bad and bad[0].sub_indication == SubIndication.HASH_FAILURE and not bad[0].intact


def test_content_changed_after_signing_is_disallowed(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    for rel in _of_kind(expected, "modified_after_signing"):
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.INVALID, outcome.reason
        sig = outcome.signatures[0]
        assert sig.intact and sig.crypto_valid  # the signed revision itself is untouched...
        assert sig.changes == Changes.DISALLOWED  # ...but what came after is not allowed
        assert sig.changes_reason and "disallowed change" in sig.reason


def test_revoked_signer_with_embedded_crl_is_invalid(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    for rel in _of_kind(expected, "revoked"):
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.INVALID
        revoked = [s for s in outcome.signatures if s.revocation == RevocationStatus.REVOKED]
        assert revoked and revoked[0].sub_indication == SubIndication.REVOKED
        assert revoked[0].revocation_evidence  # the CRL came from the file itself
        assert "revoked on 2024-01-01" in revoked[0].reason


def test_untrusted_root_is_indeterminate(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    for rel in _of_kind(expected, "untrusted_root"):
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.INDETERMINATE
        assert outcome.signatures[0].sub_indication == SubIndication.NO_CERTIFICATE_CHAIN_FOUND
        assert outcome.signatures[0].intact and not outcome.signatures[0].trusted
        assert outcome.signatures[0].reason.startswith("not trusted: no chain to a configured trust root")


def test_a_self_signed_signer_is_not_trusted_in_plain_words(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    # A signer certificate that issued itself and is no configured root: pyHanko's path builder calls
    # it CHAIN_CONSTRAINTS_FAILURE, which a clerk reads as "constraints not met"; it is "not trusted".
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    from realsign import Credential, Issuer, sign

    key = rsa.generate_private_key(65537, 2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND xã Tự Ký")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=300))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    unsigned = _bytes_of(sample_docs, _of_kind(expected, "unsigned")[0])
    signed = sign(unsigned, Credential(cert, key, Issuer(cert, key)))
    [sig] = validate_pdf(signed, demo_trust).signatures
    assert sig.indication == Indication.INDETERMINATE and not sig.trusted
    assert sig.sub_indication == SubIndication.NO_CERTIFICATE_CHAIN_FOUND
    assert sig.reason.startswith("not trusted: self-signed signer certificate")


def test_expired_signer_is_indeterminate(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    for rel in _of_kind(expected, "expired"):
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.INDETERMINATE
        sig = outcome.signatures[0]
        assert sig.sub_indication in (SubIndication.EXPIRED, SubIndication.OUT_OF_BOUNDS_NO_POE)
        assert "2020-12-31" in sig.reason


def test_unsigned_documents_list_their_empty_fields(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    outcomes = [_validate(sample_docs, rel, demo_trust) for rel in _of_kind(expected, "unsigned")]
    assert all(o.verdict == Verdict.UNSIGNED and not o.signatures for o in outcomes)
    assert any(o.empty_signature_fields for o in outcomes), "no sample has an empty signature field"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "not a PDF"),
        (b"PK\x03\x04 a zip, not a PDF", "not a PDF"),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "corrupt PDF"),
    ],
)
def test_non_pdf_and_corrupt_bytes_are_unreadable_with_reason(
    data: bytes, words: str, demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(data, demo_trust)
    assert outcome.verdict == Verdict.UNREADABLE and words in outcome.reason


def test_truncated_signed_pdf_is_unreadable(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    whole = _bytes_of(sample_docs, _of_kind(expected, "two_signature")[0])
    for cut in (len(whole) // 2, len(whole) - 40):
        outcome = validate_pdf(whole[:cut], demo_trust)
        assert outcome.verdict in (Verdict.UNREADABLE, Verdict.INVALID), outcome.reason
    assert validate_pdf(whole[: len(whole) // 2], demo_trust).verdict == Verdict.UNREADABLE


def test_password_protected_pdf_is_unreadable(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    for rel in _of_kind(expected, "encrypted"):
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.UNREADABLE and "password" in outcome.reason


def test_agency_only_copies_are_told_apart_from_complete_originals(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    for rel in _of_kind(expected, "agency_only"):
        outcome = _validate(sample_docs, rel, demo_trust)
        assert outcome.verdict == Verdict.VALID
        assert outcome.decree30 == Decree30.AGENCY_ONLY
        assert [s.role for s in outcome.signatures] == [SignerRole.AGENCY]


def test_unsupported_subfilter_is_signed_but_indeterminate_never_unsigned(
    sample_docs: Path, expected: dict[str, dict[str, Any]], demo_trust: TrustConfig
) -> None:
    """A legacy adbe.pkcs7.sha1 signature must not vanish (pyHanko itself skips such fields)."""
    rel = _of_kind(expected, "agency_only")[0]
    data = _bytes_of(sample_docs, rel)
    old, new = b"/SubFilter /adbe.pkcs7.detached", b"/SubFilter /adbe.pkcs7.sha1    "
    assert data.count(old) == 1
    outcome = validate_pdf(data.replace(old, new), demo_trust)
    assert outcome.verdict == Verdict.INDETERMINATE
    [sig] = outcome.signatures
    assert sig.subfilter == "/adbe.pkcs7.sha1" and "not supported" in sig.reason
    assert sig.signer is not None and sig.role == SignerRole.AGENCY  # the signer is still named
