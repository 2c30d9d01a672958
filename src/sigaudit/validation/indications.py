"""ETSI EN 319 102-1 indications: from pyHanko's status to sigaudit's SignatureResult and verdict.

``signature_result`` maps a validated signature; ``unsupported`` and ``failed`` give the result of a
signature that could not be validated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ..model import (
    Changes,
    Coverage,
    Indication,
    RevocationStatus,
    SignatureResult,
    SubIndication,
    TimeBasis,
    Verdict,
)
from .algorithms import ID_EC_PUBLIC_KEY
from .changes import judge_changes
from .evidence import (
    DOCUMENT_SOURCES,
    EVIDENCE_WORDS,
    Evidence,
    group_covers,
    online_group,
    revocation_status,
)
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


def signature_result(
    name: str,
    subfilter: str | None,
    info: Any,
    judged: Judged,
    evidence: Evidence,
    reader: PdfFileReader,
) -> SignatureResult:
    status = judged.status
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        coverage = Coverage.ENTIRE_FILE
    elif status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        coverage = Coverage.ENTIRE_REVISION
    else:
        coverage = Coverage.PARTIAL
    changes, changes_reason = judge_changes(status, coverage, reader)
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
    details = status.revocation_details
    signer_revoked = details is not None and not details.ca_revoked
    claimed = status.signer_reported_dt
    ts = status.timestamp_validity
    ts_problem = timestamp_problem(ts)

    indication = Indication.TOTAL_PASSED
    sub: SubIndication | None = None
    if not status.intact:
        indication, sub = Indication.TOTAL_FAILED, SubIndication.HASH_FAILURE
        reason = "the signed bytes were changed (digest does not match)"
    elif not status.valid:
        indication, sub = Indication.TOTAL_FAILED, SubIndication.SIG_CRYPTO_FAILURE
        reason = "the signature value does not verify with the signer's public key"
    elif (
        signer_revoked
        and details is not None
        and not rescued
        and claimed is not None
        and claimed >= details.revocation_date
    ):
        # The signer's own statement puts the signature after the revocation.
        indication, sub = Indication.TOTAL_FAILED, SubIndication.REVOKED
        reason = (
            f"signer certificate revoked on {details.revocation_date.isoformat()} "
            f"(reason: {details.revocation_reason.native}), before the signing time the signer claims "
            f"({claimed.isoformat()})"
        )
    elif changes == Changes.DISALLOWED:
        # EU DSS treats a ByteRange/modification failure in its format-checking block.
        indication, sub = Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE
        reason = f"disallowed change after signing: {changes_reason}"
    elif signer_revoked and details is not None and not rescued:
        indication, sub = Indication.INDETERMINATE, SubIndication.REVOKED_NO_POE
        reason = (
            f"signer certificate revoked on {details.revocation_date.isoformat()} "
            f"(reason: {details.revocation_reason.native}); {_no_proof_words(judged, claimed)}"
        )
    elif status.trust_problem_indic is not None and not rescued:
        sub = sub_from_pyhanko(status.trust_problem_indic) or SubIndication.GENERIC
        indication = (
            Indication.TOTAL_FAILED
            if isinstance(status.trust_problem_indic, AdESFailure)
            else Indication.INDETERMINATE
        )
        reason = sub_words(sub)
        if sub in (SubIndication.EXPIRED, SubIndication.OUT_OF_BOUNDS_NO_POE) and info is not None:
            reason += f" (valid until {info.not_after.isoformat()})"
            if judged.proof is not None:
                reason += f"; the {BASIS_WORDS[judged.basis]} ({judged.proof.isoformat()}) is not within it"
        elif sub == SubIndication.REVOKED_CA_NO_POE and details is not None:
            reason += f" on {details.revocation_date.isoformat()}"
        elif sub == SubIndication.NO_CERTIFICATE_CHAIN_FOUND and info is not None:
            reason += f" (issuer: {info.issuer})"
    elif ts_problem is not None:
        indication, sub = Indication.INDETERMINATE, SubIndication.SIG_CONSTRAINTS_FAILURE
        reason = ts_problem
    elif judged.proof is not None and info is not None and judged.proof < info.not_before:
        # The timestamp proves the signature existed before the certificate was issued.
        indication, sub = Indication.TOTAL_FAILED, SubIndication.NOT_YET_VALID
        reason = (
            f"the {BASIS_WORDS[judged.basis]} ({judged.proof.isoformat()}) is before the signer "
            f"certificate's validity ({info.not_before.isoformat()})"
        )
    else:
        reason = "intact, verified, chain to a trusted root"
        if rescued and judged.proof is not None:
            reason += f" at the time the {BASIS_WORDS[judged.basis]} proves ({judged.proof.isoformat()})"
            if signer_revoked and details is not None:
                reason += f"; the certificate was revoked later, on {details.revocation_date.isoformat()}"
            elif details is not None:
                reason += f"; a CA certificate was revoked later, on {details.revocation_date.isoformat()}"
            elif info is not None:
                reason += f"; the certificate expired later, on {info.not_after.isoformat()}"
        if changes == Changes.PERMITTED:
            reason += f"; later changes permitted ({changes_reason})"

    chain: tuple[str, ...] = ()
    if trust_status.validation_path is not None:
        try:
            path_certs = trust_status.validation_path.iter_certs(include_root=True)
            chain = tuple(certificate_info(c.dump()).subject for c in path_certs)
        except Exception:
            chain = ()
    words = list(evidence.sources)
    cert = status.signing_cert
    for group in groups:
        word = EVIDENCE_WORDS.get(group.source)
        if group.source not in DOCUMENT_SOURCES and word and group_covers(group, cert):
            words.append(word)
    return SignatureResult(
        field=name,
        subfilter=subfilter,
        signer=info,
        role=signer_role(info),
        claimed_signing_time=status.signer_reported_dt,
        timestamp_time=ts.timestamp if ts is not None else None,
        digest_algorithm=status.md_algorithm,
        signature_algorithm=(
            "ecdsa (id-ecPublicKey)"
            if status.pkcs7_signature_mechanism == ID_EC_PUBLIC_KEY
            else status.pkcs7_signature_mechanism
        ),
        intact=status.intact,
        crypto_valid=status.valid,
        trusted=trust_status.trusted,
        revocation=revocation,
        revocation_evidence=tuple(words),
        coverage=coverage,
        changes=changes,
        changes_reason=changes_reason,
        indication=indication,
        sub_indication=sub,
        reason=reason,
        chain=chain,
        revocation_source=source,
        time_basis=judged.basis,
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


def unsupported(name: str, subfilter: str | None, sig_obj: Any) -> SignatureResult:
    info = None
    try:
        content = cms.ContentInfo.load(bytes(sig_obj.get("/Contents").original_bytes))
        certs = content["content"]["certificates"]
        if certs:
            info = certificate_info(certs[0].chosen.dump())
    except Exception:
        info = None
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
        revocation_evidence=(),
        coverage=Coverage.PARTIAL,
        changes=Changes.NONE,
        changes_reason="not analysed: unsupported signature format",
        indication=Indication.INDETERMINATE,
        sub_indication=SubIndication.SIG_CONSTRAINTS_FAILURE,
        reason=f"signed, but the signature format (SubFilter {subfilter or 'missing'}) is not supported",
    )


def failed(
    name: str, subfilter: str | None, sub: SubIndication, reason: str, info: Any = None
) -> SignatureResult:
    failed_subs = {
        SubIndication.FORMAT_FAILURE,
        SubIndication.HASH_FAILURE,
        SubIndication.SIG_CRYPTO_FAILURE,
        SubIndication.REVOKED,
    }
    indication = Indication.TOTAL_FAILED if sub in failed_subs else Indication.INDETERMINATE
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
        revocation_evidence=(),
        coverage=Coverage.PARTIAL,
        changes=Changes.DISALLOWED if sub == SubIndication.FORMAT_FAILURE else Changes.NONE,
        changes_reason="not analysed: the signature could not be processed",
        indication=indication,
        sub_indication=sub,
        reason=reason,
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
