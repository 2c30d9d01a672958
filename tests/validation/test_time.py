"""What attests the signing time: signature timestamps, document timestamps, or only the signer's claim.

Documents are signed by pyHanko with certificates of the test PKI (tests/revpki.py) and timestamped by
pyHanko's in-process TSA (DummyTimeStamper) with a TSA certificate of the same root, or of another,
unconfigured root for the untrusted cases.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pyhanko.sign.timestamps import DummyTimeStamper

from revpki import Cred, Pki, document_timestamp, sign, utc
from sigaudit.cli import main
from sigaudit.model import Indication, SubIndication, TimeBasis, Verdict
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig, build_trust


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="module")
def tsa(pki: Pki) -> Cred:
    return pki.issue("TEST TSA", tsa=True)


@pytest.fixture(scope="module")
def root(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pki.root_pem(tmp_path_factory.mktemp("root"))


@pytest.fixture(scope="module")
def trust(root: Path) -> TrustConfig:
    return build_trust([root], use_shipped=False)


@pytest.fixture(scope="module")
def stranger() -> tuple[Pki, Cred]:
    """A TSA under a root that is not configured."""
    other = Pki("TEST Unconfigured Root")
    return other, other.issue("TEST Stranger TSA", tsa=True)


class _WrongImprint(DummyTimeStamper):
    """A TSA that timestamps other bytes than the signature it is asked about (a broken token)."""

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> Any:
        return await super().async_timestamp(bytes(len(message_digest)), md_algorithm)


def test_a_trusted_signature_timestamp_attests_the_time(pki: Pki, tsa: Cred, trust: TrustConfig) -> None:
    pdf = sign(
        pki.issue(), pki, claimed=utc(2025, 2, 3), timestamper=pki.timestamper(tsa, utc(2025, 2, 3, 1))
    )
    outcome = validate_pdf(pdf, trust)
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.VALID, sig.reason
    assert sig.time_basis == TimeBasis.TIMESTAMP
    assert sig.timestamp_time == utc(2025, 2, 3, 1)


def test_without_a_timestamp_the_time_is_the_signers_claim(pki: Pki, trust: TrustConfig) -> None:
    [sig] = validate_pdf(sign(pki.issue(), pki, claimed=utc(2025, 2, 3)), trust).signatures
    assert sig.indication == Indication.TOTAL_PASSED
    assert sig.time_basis == TimeBasis.CLAIMED
    assert sig.timestamp_time is None and sig.claimed_signing_time == utc(2025, 2, 3)


def test_an_untrusted_tsa_makes_the_signature_indeterminate_and_says_so(
    pki: Pki, trust: TrustConfig, stranger: tuple[Pki, Cred]
) -> None:
    other, other_tsa = stranger
    pdf = sign(pki.issue(), pki, timestamper=other.timestamper(other_tsa))
    [sig] = validate_pdf(pdf, trust).signatures
    assert (sig.indication, sig.sub_indication) == (
        Indication.INDETERMINATE,
        SubIndication.SIG_CONSTRAINTS_FAILURE,
    )
    assert "timestamp's authority is not trusted" in sig.reason and "Stranger TSA" in sig.reason
    assert sig.time_basis == TimeBasis.CLAIMED  # a token that proves nothing attests nothing


def test_a_token_over_other_bytes_is_reported_as_not_matching(
    pki: Pki, tsa: Cred, trust: TrustConfig
) -> None:
    broken = _WrongImprint(tsa_cert=tsa.asn1_cert(), tsa_key=tsa.asn1_key())
    [sig] = validate_pdf(sign(pki.issue(), pki, timestamper=broken), trust).signatures
    assert sig.sub_indication == SubIndication.SIG_CONSTRAINTS_FAILURE
    assert "does not match the signature" in sig.reason
    assert sig.time_basis == TimeBasis.CLAIMED


def test_an_expired_certificate_is_valid_when_a_timestamp_proves_signing_within_its_validity(
    pki: Pki, tsa: Cred, trust: TrustConfig
) -> None:
    expired = pki.issue(not_before=utc(2023), not_after=utc(2024))
    stamped = sign(
        expired, pki, claimed=utc(2023, 6, 1), timestamper=pki.timestamper(tsa, utc(2023, 6, 1, 1))
    )
    [sig] = validate_pdf(stamped, trust).signatures
    assert sig.indication == Indication.TOTAL_PASSED, sig.reason
    assert "signature timestamp proves (2023-06-01" in sig.reason and "expired later" in sig.reason

    [sig] = validate_pdf(sign(expired, pki, claimed=utc(2023, 6, 1)), trust).signatures
    assert sig.indication == Indication.INDETERMINATE
    assert sig.sub_indication in (SubIndication.EXPIRED, SubIndication.OUT_OF_BOUNDS_NO_POE)

    late = sign(expired, pki, claimed=utc(2023, 6, 1), timestamper=pki.timestamper(tsa, utc(2024, 6, 1)))
    [sig] = validate_pdf(late, trust).signatures
    assert sig.indication == Indication.INDETERMINATE and "is not within it" in sig.reason


def test_a_timestamp_before_the_certificate_was_issued_fails(pki: Pki, tsa: Cred, trust: TrustConfig) -> None:
    young = pki.issue(not_before=utc(2024), not_after=utc(2040))
    pdf = sign(young, pki, claimed=utc(2023, 6, 1), timestamper=pki.timestamper(tsa, utc(2023, 6, 1)))
    [sig] = validate_pdf(pdf, trust).signatures
    assert (sig.indication, sig.sub_indication) == (Indication.TOTAL_FAILED, SubIndication.NOT_YET_VALID)


@pytest.mark.slow
def test_a_document_timestamp_is_validated_and_shown(
    pki: Pki, tsa: Cred, root: Path, trust: TrustConfig, tmp_path: Path
) -> None:
    signed = sign(pki.issue(), pki, claimed=utc(2025, 2, 3))
    stamped = document_timestamp(signed, pki.timestamper(tsa, utc(2025, 2, 4)))
    outcome = validate_pdf(stamped, trust)
    [stamp] = outcome.document_timestamps
    assert stamp.ok and stamp.time == utc(2025, 2, 4) and stamp.field == "Dau_Thoi_Gian"
    assert stamp.tsa is not None and "TEST TSA" in stamp.tsa
    assert any("Dau_Thoi_Gian" in n and "valid, 2025-02-04" in n for n in outcome.notes)
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.VALID
    assert sig.time_basis == TimeBasis.DOCUMENT_TIMESTAMP

    path = tmp_path / "stamped.pdf"
    path.write_bytes(stamped)
    result = CliRunner().invoke(main, ["verify", str(path), "--trust-roots", str(root), "--no-shipped-roots"])
    assert result.exit_code == 0, result.output
    assert "doc timestamp Dau_Thoi_Gian: valid, 2025-02-04" in result.output
    assert "attested by a later document timestamp" in result.output
    assert "time basis    document_timestamp" in result.output
    result = CliRunner().invoke(
        main, ["verify", str(path), "--trust-roots", str(root), "--no-shipped-roots", "--json", "-"]
    )
    report = json.loads(result.output)
    assert report["document_timestamps"][0]["time"] == "2025-02-04T00:00:00+00:00"
    assert report["document_timestamps"][0]["trusted"] is True
    assert report["signatures"][0]["time_basis"] == "document_timestamp"


def test_an_untrusted_document_timestamp_says_so_and_proves_nothing(
    pki: Pki, trust: TrustConfig, stranger: tuple[Pki, Cred]
) -> None:
    other, other_tsa = stranger
    stamped = document_timestamp(sign(pki.issue(), pki), other.timestamper(other_tsa))
    outcome = validate_pdf(stamped, trust)
    [stamp] = outcome.document_timestamps
    assert not stamp.ok and stamp.intact and stamp.valid and not stamp.trusted
    assert stamp.reason.startswith("not trusted: no chain to a configured trust root")
    assert outcome.signatures[0].time_basis == TimeBasis.CLAIMED
    assert outcome.verdict == Verdict.VALID  # a document timestamp is not a signer's signature


def test_a_document_with_only_a_document_timestamp_stays_unsigned(
    pki: Pki, tsa: Cred, trust: TrustConfig
) -> None:
    from revpki import UNSIGNED

    outcome = validate_pdf(document_timestamp(UNSIGNED.read_bytes(), pki.timestamper(tsa)), trust)
    assert outcome.verdict == Verdict.UNSIGNED
    assert outcome.document_timestamps[0].ok


def test_time_basis_and_document_timestamps_survive_the_result_store(
    pki: Pki, tsa: Cred, trust: TrustConfig
) -> None:
    from sigaudit.codec import outcome_from_dict, outcome_to_dict

    stamped = document_timestamp(sign(pki.issue(), pki), pki.timestamper(tsa, utc(2025, 2, 4)))
    outcome = validate_pdf(stamped, trust)
    assert outcome_from_dict(json.loads(json.dumps(outcome_to_dict(outcome)))) == outcome
    # A result stored before these fields existed still reads back.
    old = outcome_to_dict(outcome)
    del old["document_timestamps"]
    for sig in old["signatures"]:
        del sig["time_basis"], sig["revocation_source"]
    back = outcome_from_dict(old)
    assert back.signatures[0].time_basis == TimeBasis.CLAIMED and back.document_timestamps == ()
