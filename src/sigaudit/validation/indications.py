"""ETSI EN 319 102-1 indications: from pyHanko's status to sigaudit's SignatureResult and verdict.

The indication of a validated signature is decided by one ordered table, ``DECISIONS``: each row is
(condition → indication, sub-indication, words), the first row whose condition holds decides, and the
order of the rows is the precedence (a changed digest outranks everything, a disallowed change
outranks a revocation that nothing proves happened after signing, and so on). A signature that could
not be processed at all gets its result from one factory, ``not_processed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from ..model import (
    CertificateInfo,
    ChangeCategory,
    Changes,
    Coverage,
    Indication,
    RevocationStatus,
    SignatureResult,
    SubIndication,
    TimeBasis,
    Verdict,
)
from .after_signing import AfterSigning
from .algorithms import mechanism_words
from .changes import coverage, judge_changes
from .evidence import Evidence, evidence_words, online_group, revocation_status
from .roles import certificate_info, signer_role
from .timestamps import AtProof, timestamp_problem
from .words import BASIS_WORDS, sub_from_pyhanko, sub_words


@dataclass(frozen=True)
class Judged:
    """A signature's pyHanko status at validation time, and at the proven signing time when relevant."""

    status: PdfSignatureStatus  # at validation time (now)
    context: ValidationContext
    soft_fails: int  # soft-fail exceptions the context held before this signature
    at_proof: AtProof | None
    basis: TimeBasis
    proof: datetime | None

    @property
    def rescued(self) -> bool:
        """A time-dependent problem (revoked, expired) that does not hold at the proven time."""
        at = self.at_proof
        return (
            at is not None and at.status.trust_problem_indic is None and at.status.validation_path is not None
        )


@dataclass(frozen=True)
class Facts:
    """What the decision table reads about one validated signature."""

    judged: Judged
    signer: CertificateInfo | None
    changes: Changes
    changes_reason: str

    @property
    def status(self) -> PdfSignatureStatus:
        return self.judged.status

    @property
    def details(self) -> Any:
        """pyHanko's RevocationDetails (revocation date and reason, whether a CA was revoked), or None."""
        return self.status.revocation_details

    @property
    def signer_revoked(self) -> bool:
        return self.details is not None and not self.details.ca_revoked

    @property
    def claimed(self) -> datetime | None:
        return self.status.signer_reported_dt

    @property
    def self_signed(self) -> bool:
        """The signer certificate names itself as its issuer."""
        return self.signer is not None and self.signer.subject == self.signer.issuer

    @property
    def trust_sub(self) -> SubIndication:
        sub = sub_from_pyhanko(self.status.trust_problem_indic) or SubIndication.GENERIC
        # A self-signed signer that is not a configured root: pyHanko's path builder reports the
        # certificate's own constraints (CHAIN_CONSTRAINTS_FAILURE), but what an auditor must read is
        # that nothing trusted vouches for it.
        if sub == SubIndication.CHAIN_CONSTRAINTS_FAILURE and self.self_signed and not self.status.trusted:
            return SubIndication.NO_CERTIFICATE_CHAIN_FOUND
        return sub


class FromPyhanko(Enum):
    """The sub-indication is pyHanko's own (its trust problem, mapped by words.sub_from_pyhanko)."""

    TRUST_PROBLEM = "trust problem"


@dataclass(frozen=True)
class Decision:
    """One row of the table: when ``when`` holds, the signature gets this indication and words."""

    when: Callable[[Facts], bool]
    indication: Indication
    sub: SubIndication | FromPyhanko | None
    words: Callable[[Facts], str]


# --- the conditions, in the order of the table ----------------------------------------------------------
def _bytes_changed(f: Facts) -> bool:
    return not f.status.intact


def _value_does_not_verify(f: Facts) -> bool:
    return not f.status.valid


def _revoked_before_claim(f: Facts) -> bool:
    """The signer's own statement puts the signature after the revocation."""
    rescued, claimed = f.judged.rescued, f.claimed
    return f.signer_revoked and not rescued and claimed is not None and claimed >= f.details.revocation_date


def _disallowed_change(f: Facts) -> bool:
    # EU DSS treats a ByteRange/modification failure in its format-checking block.
    return f.changes == Changes.DISALLOWED


def _revoked_without_proof(f: Facts) -> bool:
    return f.signer_revoked and not f.judged.rescued


def _trust_failed(f: Facts) -> bool:
    return isinstance(f.status.trust_problem_indic, AdESFailure) and not f.judged.rescued


def _trust_indeterminate(f: Facts) -> bool:
    return f.status.trust_problem_indic is not None and not f.judged.rescued


def _timestamp_unusable(f: Facts) -> bool:
    return timestamp_problem(f.status.timestamp_validity) is not None


def _proven_before_certificate(f: Facts) -> bool:
    """The timestamp proves the signature existed before the certificate was issued."""
    proof = f.judged.proof
    return proof is not None and f.signer is not None and proof < f.signer.not_before


def _always(f: Facts) -> bool:
    return True


# --- the words -----------------------------------------------------------------------------------------
def _said(text: str) -> Callable[[Facts], str]:
    return lambda f: text


def _revoked_claim_words(f: Facts) -> str:
    assert f.claimed is not None  # see _revoked_before_claim
    return (
        f"signer certificate revoked on {f.details.revocation_date.isoformat()} "
        f"(reason: {f.details.revocation_reason.native}), before the signing time the signer claims "
        f"({f.claimed.isoformat()})"
    )


def _disallowed_words(f: Facts) -> str:
    return f"disallowed change after signing: {f.changes_reason}"


def _revoked_words(f: Facts) -> str:
    return (
        f"signer certificate revoked on {f.details.revocation_date.isoformat()} "
        f"(reason: {f.details.revocation_reason.native}); {_no_proof_words(f.judged, f.claimed)}"
    )


def _no_proof_words(judged: Judged, claimed: datetime | None) -> str:
    if judged.proof is not None:
        return (
            f"the {BASIS_WORDS[judged.basis]} ({judged.proof.isoformat()}) is not before the revocation, "
            "so nothing proves the signature was made before it"
        )
    if claimed is not None:
        return (
            f"the signer claims to have signed before it ({claimed.isoformat()}), but no timestamp proves it"
        )
    return "the signature states no signing time and no timestamp proves one"


def _trust_words(f: Facts) -> str:
    sub, info, judged = f.trust_sub, f.signer, f.judged
    reason = sub_words(sub)
    if sub in (SubIndication.EXPIRED, SubIndication.OUT_OF_BOUNDS_NO_POE) and info is not None:
        reason += f" (valid until {info.not_after.isoformat()})"
        if judged.proof is not None:
            reason += f"; the {BASIS_WORDS[judged.basis]} ({judged.proof.isoformat()}) is not within it"
    elif sub == SubIndication.REVOKED_CA_NO_POE and f.details is not None:
        reason += f" on {f.details.revocation_date.isoformat()}"
    elif sub == SubIndication.NO_CERTIFICATE_CHAIN_FOUND:
        # "not trusted" first: the plain reason a clerk reads (the details follow for the auditor).
        if f.self_signed and info is not None:
            reason = (
                f"not trusted: self-signed signer certificate, not a configured trust root ({info.subject})"
            )
        else:
            reason = f"not trusted: {reason}" + (f" (issuer: {info.issuer})" if info is not None else "")
    return reason


def _timestamp_words(f: Facts) -> str:
    return timestamp_problem(f.status.timestamp_validity) or ""


def _early_words(f: Facts) -> str:
    assert f.judged.proof is not None and f.signer is not None  # see _proven_before_certificate
    return (
        f"the {BASIS_WORDS[f.judged.basis]} ({f.judged.proof.isoformat()}) is before the signer "
        f"certificate's validity ({f.signer.not_before.isoformat()})"
    )


def _passed_words(f: Facts) -> str:
    reason = "intact, verified, chain to a trusted root"
    judged, details, info = f.judged, f.details, f.signer
    if judged.rescued and judged.proof is not None:
        reason += f" at the time the {BASIS_WORDS[judged.basis]} proves ({judged.proof.isoformat()})"
        if f.signer_revoked:
            reason += f"; the certificate was revoked later, on {details.revocation_date.isoformat()}"
        elif details is not None:
            reason += f"; a CA certificate was revoked later, on {details.revocation_date.isoformat()}"
        elif info is not None:
            reason += f"; the certificate expired later, on {info.not_after.isoformat()}"
    if f.changes == Changes.PERMITTED:
        reason += f"; later changes permitted ({f.changes_reason})"
    return reason


FAILED, INDETERMINATE, PASSED = Indication.TOTAL_FAILED, Indication.INDETERMINATE, Indication.TOTAL_PASSED
Sub = SubIndication

# The precedence of the indications: the first row whose condition holds decides.
# fmt: off
DECISIONS: tuple[Decision, ...] = (
    #        condition                   indication     sub-indication               words
    Decision(_bytes_changed,             FAILED,        Sub.HASH_FAILURE,
             _said("the signed bytes were changed (digest does not match)")),
    Decision(_value_does_not_verify,     FAILED,        Sub.SIG_CRYPTO_FAILURE,
             _said("the signature value does not verify with the signer's public key")),
    Decision(_revoked_before_claim,      FAILED,        Sub.REVOKED,                 _revoked_claim_words),
    Decision(_disallowed_change,         FAILED,        Sub.FORMAT_FAILURE,          _disallowed_words),
    Decision(_revoked_without_proof,     INDETERMINATE, Sub.REVOKED_NO_POE,          _revoked_words),
    Decision(_trust_failed,              FAILED,        FromPyhanko.TRUST_PROBLEM,   _trust_words),
    Decision(_trust_indeterminate,       INDETERMINATE, FromPyhanko.TRUST_PROBLEM,   _trust_words),
    Decision(_timestamp_unusable,        INDETERMINATE, Sub.SIG_CONSTRAINTS_FAILURE, _timestamp_words),
    Decision(_proven_before_certificate, FAILED,        Sub.NOT_YET_VALID,           _early_words),
    Decision(_always,                    PASSED,        None,                        _passed_words),
)
# fmt: on


def decide(facts: Facts) -> tuple[Indication, SubIndication | None, str]:
    """The indication, sub-indication and reason of the first row of DECISIONS that holds."""
    row = next(d for d in DECISIONS if d.when(facts))
    sub = facts.trust_sub if isinstance(row.sub, FromPyhanko) else row.sub
    return row.indication, sub, row.words(facts)


def signature_result(
    name: str,
    subfilter: str | None,
    info: CertificateInfo | None,
    judged: Judged,
    evidence: Evidence,
    reader: PdfFileReader,
    after: AfterSigning | None = None,
) -> SignatureResult:
    """The result of a signature pyHanko validated: changes (with ``after``, the review of the later
    revisions and the visual check), revocation and its source, the decision."""
    status = judged.status
    covered = coverage(status)
    changes, changes_reason = judge_changes(status, covered, reader, after)
    # Trust as judged at the proven signing time when that is what decides (revoked or expired now).
    rescued = judged.rescued
    trust_status = judged.at_proof.status if rescued and judged.at_proof else status
    groups = (*evidence.groups, online_group(judged.context, evidence))  # fetched: computed once
    if rescued and not status.revoked and judged.at_proof is not None:
        at = judged.at_proof.context
        revocation, source = revocation_status(
            trust_status, at, 0, (*evidence.groups, online_group(at, evidence))
        )
    else:
        revocation, source = revocation_status(status, judged.context, judged.soft_fails, groups)
    indication, sub, reason = decide(Facts(judged, info, changes, changes_reason))
    ts = status.timestamp_validity
    return SignatureResult(
        field=name,
        subfilter=subfilter,
        signer=info,
        role=signer_role(info),
        claimed_signing_time=status.signer_reported_dt,
        timestamp_time=ts.timestamp if ts is not None else None,
        digest_algorithm=status.md_algorithm,
        signature_algorithm=mechanism_words(status.pkcs7_signature_mechanism),
        intact=status.intact,
        crypto_valid=status.valid,
        trusted=trust_status.trusted,
        revocation=revocation,
        revocation_evidence=evidence_words(evidence, groups, status.signing_cert),
        coverage=covered,
        changes=changes,
        changes_reason=changes_reason,
        indication=indication,
        sub_indication=sub,
        reason=reason,
        chain=_chain(trust_status),
        revocation_source=source,
        time_basis=judged.basis,
        **_after_fields(after),
    )


def _after_fields(after: AfterSigning | None) -> dict[str, Any]:
    """The change categories, the deciding permission and the visual check, for SignatureResult."""
    if after is None:
        return {}
    categories = tuple(c for c in ChangeCategory if c in after.changes.categories)
    fields: dict[str, Any] = {"change_categories": categories, "permission": after.changes.permission}
    if after.visual is not None:
        fields.update(shown=after.visual.status, shown_reason=after.visual.reason)
    return fields


def _chain(status: PdfSignatureStatus) -> tuple[str, ...]:
    """The subjects of the validation path, trust anchor first (empty when none was built)."""
    if status.validation_path is None:
        return ()
    try:
        path_certs = status.validation_path.iter_certs(include_root=True)
        return tuple(certificate_info(c.dump()).subject for c in path_certs)
    except Exception:
        return ()


class NotProcessed(Enum):
    """Why a signature was not validated, with the words its changes_reason gives."""

    UNSUPPORTED = "unsupported signature format"  # a SubFilter pyHanko does not validate
    UNPROCESSABLE = "the signature could not be processed"  # its dictionary or container cannot be read
    VALIDATION_ERROR = "validation error"  # pyHanko's validation raised


# Sub-indications that are failures (TOTAL_FAILED) rather than INDETERMINATE when nothing was processed.
_FAILURES = {
    SubIndication.FORMAT_FAILURE,
    SubIndication.HASH_FAILURE,
    SubIndication.SIG_CRYPTO_FAILURE,
    SubIndication.REVOKED,
}


def not_processed(
    why: NotProcessed,
    name: str,
    subfilter: str | None,
    sub: SubIndication,
    reason: str,
    info: CertificateInfo | None = None,
    evidence: tuple[str, ...] = (),
) -> SignatureResult:
    """The result of a signature that was not validated: nothing verified, the reason says why.

    Its changes are disallowed when the file's format is at fault (FORMAT_FAILURE) or pyHanko failed
    midway (nothing can be said of later revisions), and none otherwise (an unsupported format).
    """
    disallowed = sub == SubIndication.FORMAT_FAILURE or why == NotProcessed.VALIDATION_ERROR
    return SignatureResult(
        field=name,
        subfilter=subfilter,
        signer=info,
        role=signer_role(info),
        claimed_signing_time=None,
        timestamp_time=None,
        digest_algorithm=None,
        signature_algorithm=None,
        intact=False,
        crypto_valid=False,
        trusted=False,
        revocation=RevocationStatus.NOT_CHECKED,
        revocation_evidence=evidence,
        coverage=Coverage.PARTIAL,
        changes=Changes.DISALLOWED if disallowed else Changes.NONE,
        changes_reason=f"not analysed: {why.value}",
        indication=Indication.TOTAL_FAILED if sub in _FAILURES else Indication.INDETERMINATE,
        sub_indication=sub,
        reason=reason,
    )


def unsupported(name: str, subfilter: str | None, sig_obj: Any) -> SignatureResult:
    """A signature whose SubFilter pyHanko does not validate: signed, but INDETERMINATE. The signer is
    named from the first certificate the CMS carries, when it can be read."""
    info = None
    try:
        content = cms.ContentInfo.load(bytes(sig_obj.get("/Contents").original_bytes))
        certs = content["content"]["certificates"]
        if certs:
            info = certificate_info(certs[0].chosen.dump())
    except Exception:
        info = None
    reason = f"signed, but the signature format (SubFilter {subfilter or 'missing'}) is not supported"
    return not_processed(
        NotProcessed.UNSUPPORTED, name, subfilter, SubIndication.SIG_CONSTRAINTS_FAILURE, reason, info
    )


def document_verdict(results: Iterable[SignatureResult]) -> tuple[Verdict, str]:
    """Invalid outranks indeterminate, which outranks valid; the reason names the first culprit."""
    results = list(results)
    for indication, verdict in (
        (Indication.TOTAL_FAILED, Verdict.INVALID),
        (Indication.INDETERMINATE, Verdict.INDETERMINATE),
    ):
        culprits = [r for r in results if r.indication == indication]
        if culprits:
            first = culprits[0]
            more = f" (+{len(culprits) - 1} more)" if len(culprits) > 1 else ""
            return verdict, f"{first.field}: {first.reason}{more}"
    names = ", ".join(r.field for r in results)
    return Verdict.VALID, f"{len(results)} signature(s) valid: {names}"
