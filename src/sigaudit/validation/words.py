"""The small vocabulary the validation modules share: pyHanko's answers as sigaudit's, in words.

pyHanko reports AdES sub-indications as its own enums and problems as exceptions; every module that
turns one of them into a reason uses these, so that the same problem reads the same everywhere.
"""

from __future__ import annotations

from pyhanko.pdf_utils import misc
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate

from ..model import SubIndication, TimeBasis

INDETERMINATE_WORDS = {
    SubIndication.NO_CERTIFICATE_CHAIN_FOUND: "no chain to a configured trust root",
    SubIndication.EXPIRED: "signer certificate expired at validation time",
    SubIndication.OUT_OF_BOUNDS_NO_POE: "signer certificate outside its validity period "
    "and no proof the signature existed before",
    SubIndication.NOT_YET_VALID: "signer certificate not yet valid",
    SubIndication.CHAIN_CONSTRAINTS_FAILURE: "certificate chain or key usage constraints not met",
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE: "algorithm not allowed by the policy",
    SubIndication.REVOKED_NO_POE: "signer certificate revoked; no proof of signing before revocation",
    SubIndication.REVOKED_CA_NO_POE: "a CA certificate in the chain was revoked",
    SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE: "the certificate chain could not be validated",
    SubIndication.TRY_LATER: "revocation information not available yet",
}

BASIS_WORDS = {
    TimeBasis.TIMESTAMP: "signature timestamp",
    TimeBasis.DOCUMENT_TIMESTAMP: "document timestamp",
    TimeBasis.CLAIMED: "claimed signing time",
    TimeBasis.NONE: "signing time",
}


def sub_from_pyhanko(indic: object) -> SubIndication | None:
    """pyHanko's AdES sub-indication as ours (GENERIC for one we do not know); None for anything else."""
    if isinstance(indic, (AdESFailure, AdESIndeterminate)):
        try:
            return SubIndication(indic.name)
        except ValueError:
            return SubIndication.GENERIC
    return None


def sub_words(sub: SubIndication) -> str:
    """A sub-indication in words."""
    return INDETERMINATE_WORDS.get(sub, sub.value.lower().replace("_", " "))


def exception_words(exc: BaseException | None) -> str:
    """The first line of an exception's message (its type's name when it has none)."""
    if exc is None:
        return "unknown error"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, misc.PdfError) and text:
        return text
    return text or type(exc).__name__
