"""Time: what attests a signature's signing time, judging trust again at that time, document timestamps.

A valid signature timestamp, or failing that a later document timestamp, proves the signature existed
at its time; a problem that depends on time (revoked or expired now) is then judged again at that
time (``trust_at``), as EU DSS does with proof of existence. Document timestamps (/DocTimeStamp) are
validated as such: they are not a signer's signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from ..model import DocumentTimestampResult, SubIndication, TimeBasis, document_timestamp_proof
from .contexts import Contexts
from .roles import certificate_info
from .words import exception_words, sub_from_pyhanko, sub_words

# Trust problems that depend on when the signature was made: judged again at the time a timestamp attests.
TIME_DEPENDENT = {
    SubIndication.REVOKED_NO_POE,
    SubIndication.REVOKED_CA_NO_POE,
    SubIndication.EXPIRED,
    SubIndication.OUT_OF_BOUNDS_NO_POE,
    SubIndication.OUT_OF_BOUNDS_NOT_REVOKED,
}


def timestamp_valid(status: PdfSignatureStatus) -> bool | None:
    """Whether the signature timestamp token is good (None: the signature has none)."""
    ts = status.timestamp_validity
    return None if ts is None else token_ok(ts)


def token_ok(ts: Any) -> bool:
    """A timestamp token that matches its bytes, verifies and chains to a configured root."""
    return bool(ts.intact and ts.valid and ts.trusted)


def time_basis(
    status: PdfSignatureStatus, revision: int | None, stamps: tuple[DocumentTimestampResult, ...]
) -> tuple[TimeBasis, datetime | None]:
    """What attests the signing time, and the time proven (None for a mere claim or nothing).

    A valid signature timestamp proves the signature existed at its time; failing that, the earliest
    valid document timestamp of a later revision (which covers the signature's bytes) does.
    """
    ts = status.timestamp_validity
    if ts is not None and token_ok(ts):
        return TimeBasis.TIMESTAMP, ts.timestamp
    later = document_timestamp_proof(stamps, revision)
    if later is not None:
        return TimeBasis.DOCUMENT_TIMESTAMP, later
    if status.signer_reported_dt is not None:
        return TimeBasis.CLAIMED, None
    return TimeBasis.NONE, None


@dataclass(frozen=True)
class AtProof:
    """The signer's certificate judged again at the time a timestamp proves (point in time)."""

    status: PdfSignatureStatus
    context: ValidationContext


def trust_at(embedded: EmbeddedPdfSignature, contexts: Contexts, when: datetime) -> AtProof | None:
    """Validate the signer's chain at ``when``: validity period and revocation at that time, with
    revocation data issued later accepted (EU DSS: proof of existence before revocation or expiry)."""
    context = contexts.at(when)
    try:
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            ts_validation_context=contexts.ts_for(embedded),
            key_usage_settings=contexts.rules.key_usage,
            skip_diff=True,
        )
    except Exception:  # the first validation's answer stands
        return None
    return AtProof(status, context)


def timestamp_problem(ts: Any) -> str | None:
    """What is wrong with a signature timestamp token, in words (None: no token, or a good one)."""
    if ts is None or token_ok(ts):
        return None
    if not ts.intact:
        return "the signature timestamp token does not match the signature (its message imprint differs)"
    if not ts.valid:
        return "the signature timestamp token's own signature does not verify"
    tsa = ts.signing_cert.subject.human_friendly if ts.signing_cert is not None else "unknown TSA"
    sub = sub_from_pyhanko(ts.trust_problem_indic)
    why = sub_words(sub) if sub else "not trusted"
    return f"the signature timestamp's authority is not trusted: {why} (TSA: {tsa})"


def document_timestamp(
    reader: PdfFileReader, name: str, ref: Any, contexts: Contexts
) -> DocumentTimestampResult:
    """Validate one /DocTimeStamp field with pyHanko: the token's imprint over the revision it covers,
    the TSA's signature and the TSA's chain to the configured roots (the signers' roots)."""
    try:
        embedded = EmbeddedPdfSignature(reader, ref, name)
        revision = embedded.signed_revision
        status = validate_pdf_timestamp(embedded, validation_context=contexts.ts, skip_diff=True)
    except Exception as exc:
        return DocumentTimestampResult(
            name, None, False, False, False, None, None, f"cannot be validated: {exception_words(exc)}"
        )
    try:
        tsa: str | None = certificate_info(status.signing_cert.dump()).subject
    except Exception:
        tsa = None
    time = status.timestamp
    if not status.intact:
        reason = "not valid: the bytes it timestamps were changed (message imprint differs)"
    elif not status.valid:
        reason = "not valid: the token's signature does not verify"
    elif not status.trusted:
        sub = sub_from_pyhanko(status.trust_problem_indic)
        why = sub_words(sub) if sub else "not trusted"
        reason = f"not trusted: {why}"
    else:
        reason = f"valid, {time.isoformat()}"
    if tsa:
        reason += f" (TSA: {tsa})"
    return DocumentTimestampResult(
        name, time, status.intact, status.valid, status.trusted, tsa, revision, reason
    )
