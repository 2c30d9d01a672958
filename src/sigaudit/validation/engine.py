"""Validate the signatures of one PDF with pyHanko and turn pyHanko's answers into sigaudit's values.

This module is the flow, top to bottom: ``validate_pdf`` opens the document, finds its signatures,
gathers the evidence and contexts, validates document timestamps then each signature, and gives the
document its verdict. Each step's details live in a module of their own (the validation package is
the only one that imports pyHanko):

- guards.py — checks of the raw PDF that pyHanko does not make (cross-reference overclaims, /ByteRange);
- evidence.py, contexts.py — revocation evidence by source, the validation contexts, which source
  decided revocation;
- timestamps.py — what attests the signing time, trust judged again at a proven time, document
  timestamps;
- changes.py — changes after signing (pyHanko's difference analysis plus a rule for comments);
- indications.py — the ordered table from pyHanko's status to an ETSI EN 319 102-1 indication,
  sub-indication and reason; the result of a signature that was not processed;
- algorithms.py, rules.py — iText's ECDSA key OID, naming a refused algorithm; pyHanko's settings for
  the validation policy (policy.py);
- legal.py, roles.py, decree30.py — the legal checks, the signer's role and the Decree 30 order.

Importing this module changes nothing in pyHanko: the processes that validate in bulk apply the
speed-ups (speedups.py) and quiet pyHanko's loggers where they start (worker.py).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import cms
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.generic import EncryptedObjAccess
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator.errors import InvalidCertificateError

from ..model import (
    DocumentTimestampResult,
    Indication,
    RevocationStatus,
    SignatureResult,
    SubIndication,
    ValidationOutcome,
    Verdict,
)
from . import speedups
from .after_signing import (
    OBJECT_AFTER_WORDS,
    UNREADABLE_AFTER_WORDS,
    AfterSigning,
    after_signing,
    iter_readable_signed_revisions,
    object_after_last_revision,
    refused_after,
)
from .algorithms import CRYPTO_CONSTRAINTS, weak_algorithm
from .changes import document_policy
from .contexts import TRUST_CACHE, Contexts, make_context, usable_evidence
from .decree30 import decree30_conformance
from .evidence import Evidence, document_evidence
from .guards import with_byte_range_check, xref_overclaim
from .indications import (
    Judged,
    NotProcessed,
    document_verdict,
    not_processed,
    signature_result,
    unsupported,
)
from .legal import legal_checks
from .policy import MissingRevocation, ValidationPolicy, default_policy
from .revision_changes import ChainedDiffPolicy
from .roles import certificate_info, signer_role
from .rules import Rules, rules_for
from .timestamps import TIME_DEPENDENT, document_timestamp, time_basis, timestamp_valid, trust_at
from .trust import TrustConfig, anchor_validity
from .words import exception_words, sub_from_pyhanko

SUPPORTED_SUBFILTERS = {"/adbe.pkcs7.detached", "/ETSI.CAdES.detached"}
MAX_SIGNER_INFOS = 8  # a CMS with more SignerInfos is judged as pyHanko does (refused)


def validate_pdf(
    data: bytes,
    trust: TrustConfig,
    moment: datetime | None = None,
    policy: ValidationPolicy | None = None,
) -> ValidationOutcome:
    """Validate every signature in ``data`` and give the document its verdict.

    Never raises for anything the file contains: a file that cannot be handled is ``unreadable``
    with the reason. ``moment`` is the validation time (default: now); ``policy`` the validation
    policy (default: the shipped one).
    """
    rules = rules_for(policy if policy is not None else default_policy())
    if b"%PDF-" not in data[:1024]:
        return ValidationOutcome(Verdict.UNREADABLE, "not a PDF: no %PDF- header")
    notes: list[str] = []
    reader, problem = _open(data, notes)
    if reader is None:
        judged = _signed_revision_only(data, problem or "unreadable", trust, moment, policy)
        return judged or ValidationOutcome(Verdict.UNREADABLE, problem or "unreadable", notes=tuple(notes))
    try:
        fields = list(enumerate_sig_fields(reader, filled_status=None))
    except Exception as exc:  # a broken AcroForm is a property of the file, not a crash
        return ValidationOutcome(
            Verdict.UNREADABLE, f"cannot read the form fields: {exception_words(exc)}", notes=tuple(notes)
        )
    empty = tuple(str(name) for name, value, _ in fields if value is None)
    filled = [(str(name), value, ref) for name, value, ref in fields if value is not None]
    if not filled:
        reason = "no signature"
        if empty:
            reason += f" (empty signature field(s): {', '.join(empty)})"
        return ValidationOutcome(Verdict.UNSIGNED, reason, empty_signature_fields=empty, notes=tuple(notes))

    contexts, evidence = _contexts(reader, filled, trust, moment, rules, notes)
    changes = document_policy()  # each later revision analysed once, for every signature it follows
    parsed = [_signature_dictionary(name, value, ref) for name, value, ref in filled]
    # Document timestamps first: a later one is proof of existence for the signatures it covers.
    stamps = tuple(
        document_timestamp(reader, item[0], item[1], contexts)
        for item in parsed
        if not isinstance(item, SignatureResult) and item[3] == "/DocTimeStamp"
    )
    notes.extend(
        f"document timestamp in field {d.field} (not a signer's signature): {d.reason}" for d in stamps
    )
    results: list[SignatureResult] = []
    for item in parsed:
        if isinstance(item, SignatureResult):
            results.append(item)
        elif item[3] != "/DocTimeStamp":
            name, ref, sig_obj, _ = item
            signers = _signer_infos(sig_obj)
            if 1 < signers <= MAX_SIGNER_INFOS:
                results.extend(_each_signer(data, name, sig_obj, signers, trust, moment, policy))
                continue
            results.append(
                _validate_one(data, reader, name, ref, sig_obj, contexts, evidence, stamps, changes)
            )
    if object_after_last_revision(data):  # an incremental-saving attack without xref section
        results = [refused_after(r, OBJECT_AFTER_WORDS) for r in results]
    results = [_with_policy(r, rules.policy) for r in results]
    if not results:
        return ValidationOutcome(
            Verdict.UNSIGNED,
            "no signature (document timestamps only)",
            empty_signature_fields=empty,
            notes=tuple(notes),
            document_timestamps=stamps,
        )
    verdict, reason = document_verdict(results)
    return ValidationOutcome(
        verdict,
        reason,
        tuple(results),
        empty,
        tuple(notes),
        decree30=decree30_conformance(results),
        document_timestamps=stamps,
    )


def _signer_infos(sig_obj: Any) -> int:
    """How many SignerInfos the signature's CMS holds (0 when it cannot be read)."""
    try:
        contents = bytes(sig_obj.raw_get("/Contents", decrypt=EncryptedObjAccess.RAW).original_bytes)
        return len(cms.ContentInfo.load(contents)["content"]["signer_infos"])
    except Exception:
        return 0


def _each_signer(
    data: bytes,
    name: str,
    sig_obj: Any,
    count: int,
    trust: TrustConfig,
    moment: datetime | None,
    policy: ValidationPolicy | None,
) -> list[SignatureResult]:
    """A CMS with several SignerInfos (pyHanko validates exactly one): each signer judged as if it were
    alone, on a copy of the file whose signature value holds only that SignerInfo. The signed bytes
    are the same (the value is what the ByteRange leaves out), so each signer's digest, signature,
    certificate and the changes after the revision are judged as they are in the file."""
    contents = bytes(sig_obj.raw_get("/Contents", decrypt=EncryptedObjAccess.RAW).original_bytes)
    _, start, end, _ = (int(v) for v in sig_obj["/ByteRange"])
    room = end - start - 2  # between < and >
    results = []
    for index in range(count):
        single = cms.ContentInfo.load(contents)
        signed_data = single["content"]
        signed_data["signer_infos"] = cms.SignerInfos([signed_data["signer_infos"][index]])
        value = single.dump(force=True).hex().upper().encode()
        label = f"{name} [signer {index + 1} of {count}]"
        inner = None
        if len(value) <= room and data[start : start + 1] == b"<":
            copy = data[: start + 1] + value.ljust(room, b"0") + data[end - 1 :]
            inner = next(
                (r for r in validate_pdf(copy, trust, moment, policy).signatures if r.field == name), None
            )
        if inner is None:
            reason = "a SignerInfo of a CMS with several could not be judged on its own"
            inner = not_processed(
                NotProcessed.UNPROCESSABLE, name, None, SubIndication.FORMAT_FAILURE, reason
            )
        results.append(dataclasses.replace(inner, field=label))
    return results


def _signed_revision_only(
    data: bytes, problem: str, trust: TrustConfig, moment: datetime | None, policy: ValidationPolicy | None
) -> ValidationOutcome | None:
    """A file that cannot be read whole whose signed revision can (a broken later revision: a shadow or
    incremental-saving attack pyHanko cannot parse): the signatures of that revision judged, and what
    follows refused. None when no signed revision reads on its own."""
    for end in iter_readable_signed_revisions(data):
        inner = validate_pdf(data[:end], trust, moment, policy)
        if not inner.signatures:
            continue
        words = f"{UNREADABLE_AFTER_WORDS} ({problem})"
        results = [refused_after(r, words) for r in inner.signatures]
        verdict, reason = document_verdict(results)
        note = f"the whole file cannot be read ({problem}); its signed revision (bytes 0 to {end}) was judged"
        return dataclasses.replace(
            inner, verdict=verdict, reason=reason, signatures=tuple(results), notes=(*inner.notes, note)
        )
    return None


def _open(data: bytes, notes: list[str]) -> tuple[PdfFileReader | None, str | None]:
    """Parse strictly, then leniently; decrypt with the empty password if the file is encrypted."""
    overclaim = xref_overclaim(data)
    if overclaim:
        return None, f"corrupt PDF: {overclaim}"
    reader: PdfFileReader | None = None
    strict_error: Exception | None = None
    for strict in (True, False):
        try:
            candidate = PdfFileReader(BytesIO(data), strict=strict)
            if candidate.encrypted:
                result = candidate.decrypt("")
                if result.status == AuthStatus.FAILED:
                    return None, "password-protected: the file cannot be opened without a password"
            _ = candidate.root  # force reading the catalogue
            if strict and candidate.xrefs.hybrid_xrefs_present:
                # pyHanko validates signatures in hybrid-reference files only when parsing leniently
                notes.append("hybrid-reference file (cross-reference table and stream); parsed leniently")
                continue
            reader = candidate
            break
        except Exception as exc:
            if strict:
                strict_error = exc
                continue
            return None, f"corrupt PDF: {exception_words(strict_error or exc)}"
    if reader is not None and strict_error is not None:
        notes.append(f"strict parsing failed ({exception_words(strict_error)}); parsed leniently")
    return reader, None


def _contexts(
    reader: PdfFileReader,
    filled: list[tuple[str, Any, Any]],
    trust: TrustConfig,
    moment: datetime | None,
    rules: Rules,
    notes: list[str],
) -> tuple[Contexts, Evidence]:
    """The document's validation contexts, from the configured trust and the evidence the file carries
    (damaged items the context cannot load are left out, with a note)."""
    roots, others, local = TRUST_CACHE.get(trust)
    evidence = document_evidence(reader, filled)
    if local.crls or local.ocsps:
        evidence = Evidence((*evidence.groups, local), evidence.certs)
    online = trust.online_timeout_s if trust.online else None
    try:
        context = make_context(roots, others, evidence, moment, rules, online_timeout_s=online)
    except Exception:  # a damaged certificate, CRL or OCSP response carried by the file
        evidence = usable_evidence(roots, others, evidence, moment, notes, rules)
        context = make_context(roots, others, evidence, moment, rules, online_timeout_s=online)
    if not evidence.from_document and not trust.online:
        # Nothing in this context comes from the document, and nothing is fetched: a path validated
        # under it holds for any document validated under the same trust (roots, helper certificates,
        # revocation folder: all in the fingerprint) and policy (see speedups).
        speedups.allow_path_cache(context, f"{trust.fingerprint()}|{rules.policy.sha256}")
    return Contexts(context, roots, others, evidence, moment, trust, rules), evidence


def _signature_dictionary(name: str, value: Any, ref: Any) -> tuple[str, Any, Any, str] | SignatureResult:
    """(field, reference, signature dictionary, /Type) of a filled field, or its result when the
    dictionary cannot be read."""
    try:
        sig_obj = value.get_object()
        sig_type = str(sig_obj.get("/Type", "/Sig"))
    except Exception as exc:
        reason = f"unreadable signature dictionary: {exception_words(exc)}"
        return not_processed(NotProcessed.UNPROCESSABLE, name, None, SubIndication.FORMAT_FAILURE, reason)
    return name, ref, sig_obj, sig_type


def _with_policy(result: SignatureResult, policy: ValidationPolicy) -> SignatureResult:
    """The signer's role under the policy's role rules, and the legal checks (derived, see legal.py)."""
    result = dataclasses.replace(result, role=signer_role(result.signer, policy.roles))
    return dataclasses.replace(result, checks=legal_checks(result, policy))


def _validate_one(
    data: bytes,
    reader: PdfFileReader,
    name: str,
    ref: Any,
    sig_obj: Any,
    contexts: Contexts,
    evidence: Evidence,
    stamps: tuple[DocumentTimestampResult, ...],
    changes: ChainedDiffPolicy,
) -> SignatureResult:
    """One signature: its format, its container and signer certificate, pyHanko's validation, the
    /ByteRange check."""
    subfilter = sig_obj.get("/SubFilter")
    subfilter_s = str(subfilter) if subfilter is not None else None
    if subfilter_s not in SUPPORTED_SUBFILTERS:
        return with_byte_range_check(unsupported(name, subfilter_s, sig_obj), sig_obj, data)
    unprocessable = NotProcessed.UNPROCESSABLE
    try:
        embedded = EmbeddedPdfSignature(reader, ref, name)
        signer_der = embedded.signer_cert.dump()
    except Exception as exc:
        reason = f"signature container cannot be parsed: {exception_words(exc)}"
        return not_processed(unprocessable, name, subfilter_s, SubIndication.FORMAT_FAILURE, reason)
    try:
        info = certificate_info(signer_der)
    except Exception as exc:  # asn1crypto reads lazily what cryptography's strict DER parser refuses
        reason = f"signer certificate cannot be parsed: {exception_words(exc)}"
        return not_processed(unprocessable, name, subfilter_s, SubIndication.FORMAT_FAILURE, reason)
    # The ByteRange is judged once the signature value could be read (otherwise there is nothing to
    # compare the excluded bytes with, and "cannot be parsed" above is the better reason).
    result = _validate_parsed(embedded, name, subfilter_s, info, contexts, evidence, stamps, changes, data)
    return with_byte_range_check(result, sig_obj, data)


def _validate_parsed(
    embedded: EmbeddedPdfSignature,
    name: str,
    subfilter_s: str | None,
    info: Any,
    contexts: Contexts,
    evidence: Evidence,
    stamps: tuple[DocumentTimestampResult, ...],
    changes: ChainedDiffPolicy,
    data: bytes,
) -> SignatureResult:
    """pyHanko's validation of one parsed signature, judged again at a proven time when that decides,
    mapped to an indication, then the policy's own additions (algorithm named, missing revocation)."""
    context, rules = contexts.signer, contexts.rules
    soft_fails = len(context.soft_fail_exceptions)
    try:
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            ts_validation_context=contexts.ts_for(embedded),
            key_usage_settings=rules.key_usage,
            diff_policy=changes,
        )
    except SignatureValidationError as exc:
        sub = sub_from_pyhanko(getattr(exc, "ades_subindication", None)) or SubIndication.FORMAT_FAILURE
        return not_processed(NotProcessed.UNPROCESSABLE, name, subfilter_s, sub, exception_words(exc), info)
    except Exception as exc:
        reason = f"validation error: {exception_words(exc)}"
        return not_processed(
            NotProcessed.VALIDATION_ERROR,
            name,
            subfilter_s,
            SubIndication.GENERIC,
            reason,
            info,
            evidence=evidence.sources,
        )
    basis, proof = time_basis(status, embedded.signed_revision, stamps)
    at_proof = None
    if proof is not None and sub_from_pyhanko(status.trust_problem_indic) in TIME_DEPENDENT:
        at_proof = trust_at(embedded, contexts, proof)
    judged = Judged(status, context, soft_fails, at_proof, basis, proof)
    after = _after_signing(embedded, status, changes, data)
    result = signature_result(name, subfilter_s, info, judged, evidence, embedded.reader, after)
    if result.sub_indication in CRYPTO_CONSTRAINTS:
        # pyHanko only says "crypto constraints"; say which algorithm or key it was.
        culprit = weak_algorithm(embedded, status.validation_path, context, rules)
        if culprit is not None:
            result = dataclasses.replace(result, reason=culprit)
    # The trust anchor must have been valid when the signature was made (rule in trust.py).
    path = (judged.at_proof.status if judged.rescued and judged.at_proof else status).validation_path
    root = next(path.iter_certs(include_root=True), None) if path is not None else None
    anchor = root.dump() if root is not None else None
    result = anchor_validity(result, anchor, judged.proof, contexts.signer.moment, rules.policy)
    if rules.policy.missing_revocation == MissingRevocation.INDETERMINATE:
        result = _missing_revocation(result)
    return dataclasses.replace(
        result,
        revision=embedded.signed_revision,
        key_usage_ok=_key_usage_ok(status, rules),
        timestamp_valid=timestamp_valid(status),
    )


def _after_signing(
    embedded: EmbeddedPdfSignature, status: PdfSignatureStatus, changes: ChainedDiffPolicy, data: bytes
) -> AfterSigning | None:
    """The review of the revisions after the signature (already analysed by pyHanko through ``changes``:
    nothing is analysed twice) and, when permitted changes that can draw follow it, the visual check.
    None when no complete later revision follows (the signature covers the file, or its ByteRange is
    partial)."""
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return None
    try:
        review = changes.review(
            embedded.reader, embedded.signed_revision, embedded.fieldmdp, embedded.docmdp_level
        )
        _, _, start, length = (int(v) for v in embedded.byte_range)
    except Exception:  # pyHanko already judged what it could; nothing to add
        return None
    return after_signing(data, start + length, review)


def _missing_revocation(result: SignatureResult) -> SignatureResult:
    """A signature that passed without revocation evidence for its signer: INDETERMINATE / TRY_LATER.

    What EU DSS decides with its default policy when no revocation data covers the signing
    certificate (X.509 certificate validation, "No revocation data for the certificate",
    BBB_XCV_IRDPFC). Only for policies with ``missing_revocation = "indeterminate"``.
    """
    if result.indication != Indication.TOTAL_PASSED or result.revocation != RevocationStatus.UNKNOWN:
        return result
    return dataclasses.replace(
        result,
        indication=Indication.INDETERMINATE,
        sub_indication=SubIndication.TRY_LATER,
        reason="no revocation evidence in the file, the revocation folder or fetched covers the signer's "
        "certificate (the policy treats missing evidence as indeterminate)",
    )


def _key_usage_ok(status: PdfSignatureStatus, rules: Rules) -> bool | None:
    """Whether the signer certificate passes the policy's key-usage constraint (pyHanko's own check,
    asked again on its own so a report can say which condition failed); None when nothing is required."""
    if not rules.policy.key_usage or status.signing_cert is None:
        return None
    try:
        rules.key_usage.validate(status.signing_cert)
    except InvalidCertificateError:
        return False
    return True
