"""Validate the signatures of one PDF with pyHanko and turn pyHanko's answers into sigaudit's values.

This is the only module that imports pyHanko. It
- recognises a PDF by content, parses it strictly and, failing that, leniently (and says so);
- enumerates signature fields itself, so a signature whose SubFilter pyHanko does not support is
  reported as signed-but-unsupported instead of disappearing;
- builds one validation context per document from the configured roots and helper certificates plus
  the revocation data the file carries (CMS adbe-revocationInfoArchival, DSS) and the configured
  revocation folder; with ``online`` it may also fetch CRLs, OCSP responses and missing issuers, each
  request bounded by the configured timeout;
- judges revocation and validity at the signing time a timestamp attests (a signature timestamp, else
  a later document timestamp), and says which source decided revocation and what attests the time;
- validates document timestamps (/DocTimeStamp) as such (they are not a signer's signature);
- maps every pyHanko status and exception to an ETSI EN 319 102-1 indication, a sub-indication,
  a change classification and a reason in words;
- refuses weak algorithms through pyhanko-certvalidator's algorithm policy (and names the culprit,
  which pyHanko does not report), and checks each /ByteRange's shape itself, which pyHanko tolerates;
- takes the algorithm, key-usage, revocation and role rules from the validation policy (policy.py),
  and adds the legal validity checks (legal.py) to each signature.
"""

from __future__ import annotations

import binascii
import dataclasses
import functools
import itertools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import algos, cms, crl, keys, ocsp, x509
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.crypt import AuthStatus
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.generic import EncryptedObjAccess
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    ModificationLevel,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.general import NonexistentAttributeError, find_unique_cms_attribute
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import InvalidCertificateError
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator, SignatureValidationContext

from ..model import (
    Changes,
    Coverage,
    DocumentTimestampResult,
    Indication,
    RevocationSource,
    RevocationStatus,
    SignatureResult,
    SubIndication,
    TimeBasis,
    ValidationOutcome,
    Verdict,
    document_timestamp_proof,
)
from . import speedups
from .decree30 import decree30_conformance
from .legal import legal_checks
from .policy import KeyUsageMatch, MissingRevocation, ValidationPolicy, default_policy
from .roles import certificate_info, signer_role
from .trust import EvidenceKind, TrustConfig, anchor_validity

speedups.install()

# pyHanko logs expected validation failures at WARNING/ERROR; the verdicts carry them instead.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# Cross-reference streams (see _xref_overclaim).


def _pdf_name(word: str) -> bytes:
    """A regular expression for the PDF name ``/word`` however its letters are #xx-escaped."""
    parts = [b"/"]
    for ch in word:
        code = f"{ord(ch):02x}"
        hi, lo = code[0], code[1]
        parts.append(f"(?:{ch}|#[{hi}{hi.upper()}][{lo}{lo.upper()}])".encode())
    return b"".join(parts)


_XREF_STREAM_TYPE = re.compile(_pdf_name("Type") + rb"\s*" + _pdf_name("XRef") + rb"(?![A-Za-z0-9])")
_XREF_INDEX = re.compile(rb"/Index\s*\[([^\]]*)\]")
_XREF_SIZE = re.compile(rb"/Size\s+(\d+)")
_INTEGER = re.compile(rb"[+-]?\d+")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
MAX_DECLARED_OBJECTS = 5_000_000

SUPPORTED_SUBFILTERS = {"/adbe.pkcs7.detached", "/ETSI.CAdES.detached"}


@dataclass(frozen=True)
class _Rules:
    """pyHanko's settings for one validation policy (policy.py), built once per policy.

    Algorithms: pyhanko-certvalidator's DisallowWeakAlgorithmsPolicy does the refusing, in the CMS
    signature (digest, signature mechanism, signer key size) and in every certificate of the chain (the
    issuer's signature mechanism and key size); pyHanko then reports CRYPTO_CONSTRAINTS_FAILURE. The
    policy is spelt out rather than left to pyHanko's default so that an upgrade cannot loosen it
    silently. SHA-1-based mechanisms (sha1_rsa, sha1_ecdsa, ...) fall with their digest.
    Key usage: pyHanko's own constraint on the signer certificate (an empty set checks nothing).
    """

    policy: ValidationPolicy
    algorithms: Any  # DisallowWeakAlgorithmsPolicy
    cms_algorithms: Any  # CMSAlgorithmUsagePolicy
    key_usage: KeyUsageConstraints


@functools.lru_cache(maxsize=8)
def _rules(policy: ValidationPolicy) -> _Rules:
    algorithms = DisallowWeakAlgorithmsPolicy(  # type: ignore[no-untyped-call]  # untyped __init__
        weak_hash_algos=policy.weak_digests, rsa_key_size_threshold=policy.min_rsa_bits
    )
    key_usage = KeyUsageConstraints(
        key_usage=set(policy.key_usage),
        match_all_key_usages=policy.key_usage_match == KeyUsageMatch.ALL,
    )
    return _Rules(policy, algorithms, CMSAlgorithmUsagePolicy.lift_policy(algorithms), key_usage)


_CRYPTO_CONSTRAINTS = {
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
}

# iText 5 (and other BouncyCastle-based signers) write the key's OID, id-ecPublicKey, as the CMS
# signatureAlgorithm of an ECDSA signature instead of ecdsa-with-SHAxxx (see _KeyOidEcdsaValidator).
ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"


class _KeyOidEcdsaValidator(DefaultSignatureValidator):
    """pyhanko-certvalidator's signature check, reading id-ecPublicKey as ECDSA with the CMS digest.

    pyhanko-certvalidator knows no signature mechanism for the OID id-ecPublicKey and reports the
    signature as not verifying, so every ECDSA signature made by iText 5 came out ``invalid``. The OID
    names an EC key, whose only signature scheme is ECDSA, and the digest is the SignerInfo's own
    digestAlgorithm (which the algorithm policy still judges): the value is verified exactly as an
    ecdsa-with-<digest> signature, nothing else is relaxed. Adobe Reader and EU DSS accept these files.
    """

    def validate_signature(
        self,
        signature: bytes,
        signed_data: bytes,
        public_key_info: keys.PublicKeyInfo,
        signature_algorithm: algos.SignedDigestAlgorithm,
        context: SignatureValidationContext = SignatureValidationContext(),  # noqa: B008  # frozen
    ) -> None:
        md = context.contextual_md_algorithm
        if signature_algorithm["algorithm"].dotted == ID_EC_PUBLIC_KEY and md is not None:
            signature_algorithm = algos.SignedDigestAlgorithm({"algorithm": f"{md}_ecdsa"})
        super().validate_signature(signature, signed_data, public_key_info, signature_algorithm, context)


_SIGNATURE_VALIDATOR = _KeyOidEcdsaValidator()

# Comments added after signing (see _AddedCommentRule).
COMMENT_SUBTYPES = frozenset(
    "/" + s
    for s in [
        "Text",
        "FreeText",
        "Highlight",
        "Underline",
        "Squiggly",
        "StrikeOut",
        "Caret",
        "Ink",
        "Popup",
        "Square",
        "Circle",
        "Line",
        "Polygon",
        "PolyLine",
    ]
)


class _AddedCommentRule(QualifiedWhitelistRule):
    """Explain comments (markup annotations) added to pages after a signature, at ANNOTATIONS level.

    pyHanko 0.38's default difference analysis never uses ModificationLevel.ANNOTATIONS: a sticky note
    added after an approval signature, or after a certification with DocMDP P=3, was an "unexplained"
    change and made the document invalid, although ISO 32000 allows exactly that. This rule clears a
    revision's update of a page (or of its /Annots array) only when nothing but /Annots changed, the
    earlier annotations are all still there in the same order, and every added one is a new object of a
    comment subtype (never a widget, link, stamp or attachment), together with its new appearance
    streams and pop-up. Anything else stays unexplained, so pyHanko still reports it. Whether the
    signature allows annotations (DocMDP P=1 or 2 do not) is still decided by pyHanko.
    """

    def apply_qualified(self, old: Any, new: Any) -> Iterable[tuple[ModificationLevel, Any]]:
        changed = set(new.explicit_refs_in_revision())
        try:
            pages = _page_refs(new.root.raw_get("/Pages"), depth=0)
        except Exception:
            return
        for page_ref in pages:
            try:
                yield from self._page(old, new, page_ref, changed)
            except Exception:  # whatever cannot be read is left unexplained
                continue

    def _page(
        self, old: Any, new: Any, page_ref: Any, changed: set[Any]
    ) -> Iterable[tuple[ModificationLevel, Any]]:
        ref = _ref(page_ref)
        old_page, new_page = old(ref), new(ref)
        old_raw, new_raw = old_page.raw_get("/Annots"), new_page.raw_get("/Annots")
        if ref in changed:
            if {k: v for k, v in old_page.items() if k != "/Annots"} != {
                k: v for k, v in new_page.items() if k != "/Annots"
            }:
                return
            updated = ref
        elif isinstance(new_raw, generic.IndirectObject) and _ref(new_raw) in changed:
            updated = _ref(new_raw)
            if not isinstance(old_raw, generic.IndirectObject) or _ref(old_raw) != updated:
                return
        else:
            return
        before = [_ref(a) for a in _raw_items(old_raw)]
        after = [_ref(a) for a in _raw_items(new_raw)]
        added = after[len(before) :]
        if after[: len(before)] != before or not added:
            return
        explained = [updated]
        for annot_ref in added:
            if not _is_new(old, annot_ref):
                return
            annot = new(annot_ref)
            if annot.get("/Subtype") not in COMMENT_SUBTYPES or "/FT" in annot:
                return
            explained.append(annot_ref)
            explained.extend(_new_dependencies(old, annot))
        for item in explained:
            yield ModificationLevel.ANNOTATIONS, ReferenceUpdate(item)


def _deref(value: Any) -> Any:
    """The object an indirect reference (or a Reference) points to; a direct object as it is."""
    return value.get_object() if isinstance(value, (generic.IndirectObject, generic.Reference)) else value


def _ref(indirect: Any) -> generic.Reference:
    return generic.Reference(indirect.idnum, indirect.generation)


def _raw_items(raw: Any) -> list[Any]:
    """The entries of an /Annots array as written (indirect references; a direct one is refused)."""
    if raw is None:
        return []
    items = _deref(raw)
    entries = [items.raw_get(i) for i in range(len(items))]
    if not all(isinstance(a, generic.IndirectObject) for a in entries):
        raise ValueError("direct annotation")
    return entries


def _is_new(old: Any, ref: Any) -> bool:
    try:
        obj = old(ref)
    except Exception:
        return True
    return obj is None or isinstance(obj, generic.NullObject)


def _new_dependencies(old: Any, annot: Any) -> list[Any]:
    """The annotation's pop-up and appearance streams that are new in this revision."""
    refs = []
    candidates = [annot.raw_get("/Popup")] if "/Popup" in annot else []
    appearance = annot.get("/AP")
    if isinstance(appearance, generic.DictionaryObject):
        for key in ("/N", "/R", "/D"):
            if key in appearance:
                value = appearance.raw_get(key)
                candidates.append(value)
                inner = value.get_object()
                if isinstance(inner, generic.DictionaryObject) and not isinstance(
                    inner, generic.StreamObject
                ):
                    candidates.extend(inner.raw_get(k) for k in inner)
    for value in candidates:
        if isinstance(value, generic.IndirectObject) and _is_new(old, _ref(value)):
            refs.append(_ref(value))
    return refs


DIFF_POLICY = StandardDiffPolicy(
    global_rules=[*DEFAULT_DIFF_POLICY.global_rules, _AddedCommentRule()],
    form_rule=DEFAULT_DIFF_POLICY.form_rule,
)

# A /ByteRange must leave out the signature value and nothing else (see _byte_range_problem).
BYTE_RANGE_WORDS = "ByteRange does not cover the file except the signature value"
PDF_WHITESPACE = b" \n\r\t\f\x00"

MODIFICATION_WORDS = {
    ModificationLevel.NONE: "no changes",
    ModificationLevel.LTA_UPDATES: "validation data (DSS/LTV) or document timestamps added",
    ModificationLevel.FORM_FILLING: "form fields filled or later signatures added",
    ModificationLevel.ANNOTATIONS: "annotations (comments) added",
    ModificationLevel.OTHER: "content or structure changed",
}

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


# The words revocation_evidence has always used for each source (a stable report value).
EVIDENCE_WORDS = {
    RevocationSource.EMBEDDED: "cms",
    RevocationSource.DSS: "dss",
    RevocationSource.LOCAL: "local",
    RevocationSource.ONLINE: "online",
}
_DOCUMENT_SOURCES = (RevocationSource.EMBEDDED, RevocationSource.DSS)

# Trust problems that depend on when the signature was made: judged again at the time a timestamp attests.
_TIME_DEPENDENT = {
    SubIndication.REVOKED_NO_POE,
    SubIndication.REVOKED_CA_NO_POE,
    SubIndication.EXPIRED,
    SubIndication.OUT_OF_BOUNDS_NO_POE,
    SubIndication.OUT_OF_BOUNDS_NOT_REVOKED,
}


@dataclass(frozen=True)
class _Group:
    """Revocation data from one source."""

    source: RevocationSource
    crls: tuple[crl.CertificateList, ...] = ()
    ocsps: tuple[ocsp.OCSPResponse, ...] = ()


@dataclass(frozen=True)
class _Evidence:
    """Revocation data by source (the document's own, then the revocation folder's), and the
    certificates the document carries."""

    groups: tuple[_Group, ...]
    certs: tuple[x509.Certificate, ...]

    @property
    def crls(self) -> tuple[crl.CertificateList, ...]:
        return tuple(c for g in self.groups for c in g.crls)

    @property
    def ocsps(self) -> tuple[ocsp.OCSPResponse, ...]:
        return tuple(o for g in self.groups for o in g.ocsps)

    @property
    def sources(self) -> tuple[str, ...]:
        """The document's own sources that hold revocation data (``cms``, ``dss``)."""
        return tuple(
            EVIDENCE_WORDS[g.source]
            for g in self.groups
            if g.source in _DOCUMENT_SOURCES and (g.crls or g.ocsps)
        )

    @property
    def from_document(self) -> bool:
        """Whether the document itself carries revocation data or certificates."""
        return bool(self.certs) or any(
            g.crls or g.ocsps for g in self.groups if g.source in _DOCUMENT_SOURCES
        )


class _TrustCache:
    """asn1crypto certificates and revocation evidence for a TrustConfig, parsed once per process."""

    def __init__(self) -> None:
        self._key: str | None = None
        self.roots: list[x509.Certificate] = []
        self.others: list[x509.Certificate] = []
        self.local = _Group(RevocationSource.LOCAL)

    def get(self, trust: TrustConfig) -> tuple[list[x509.Certificate], list[x509.Certificate], _Group]:
        key = trust.fingerprint()
        if key != self._key:
            self.roots = [x509.Certificate.load(a.der) for a in trust.roots]
            self.others = [x509.Certificate.load(a.der) for a in trust.other_certs]
            self.local = _Group(
                RevocationSource.LOCAL,
                tuple(
                    crl.CertificateList.load(f.der) for f in trust.revocation if f.kind == EvidenceKind.CRL
                ),
                tuple(ocsp.OCSPResponse.load(f.der) for f in trust.revocation if f.kind == EvidenceKind.OCSP),
            )
            self._key = key
        return self.roots, self.others, self.local


class _Contexts:
    """The validation contexts of one document: the signers' (made by the caller), a separate one for
    timestamp tokens (so that a TSA's missing revocation data is not taken for the signer's), and
    point-in-time ones for the time a timestamp attests. All share the roots and the evidence."""

    def __init__(
        self,
        signer: ValidationContext,
        roots: list[x509.Certificate],
        others: list[x509.Certificate],
        evidence: _Evidence,
        moment: datetime | None,
        trust: TrustConfig,
        rules: _Rules,
    ) -> None:
        self.signer = signer
        self.rules = rules
        self._args = (roots, others, evidence, moment)
        self._online = trust.online_timeout_s if trust.online else None
        self._ts: ValidationContext | None = None

    @property
    def ts(self) -> ValidationContext:
        if self._ts is None:
            self._ts = _context(*self._args, self.rules, online_timeout_s=self._online)
        return self._ts

    def ts_for(self, embedded: EmbeddedPdfSignature) -> ValidationContext | None:
        """The timestamp context when the signature carries a signature timestamp token."""
        return self.ts if _has_signature_timestamp(embedded) else None

    def at(self, when: datetime) -> ValidationContext:
        """A context validating at ``when`` (point in time), with every CRL and OCSP response known so
        far (including fetched ones) usable although issued later, and no further fetching."""
        roots, others, evidence, _ = self._args
        return ValidationContext(
            trust_roots=roots,
            other_certs=others + list(evidence.certs),
            crls=list(self.signer.crls),
            ocsps=list(self.signer.ocsps),
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=when,
            retroactive_revinfo=True,
            algorithm_usage_policy=self.rules.algorithms,
            signature_validator=_SIGNATURE_VALIDATOR,
        )


_TRUST_CACHE = _TrustCache()


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
    rules = _rules(policy if policy is not None else default_policy())
    if b"%PDF-" not in data[:1024]:
        return ValidationOutcome(Verdict.UNREADABLE, "not a PDF: no %PDF- header")
    notes: list[str] = []
    reader, problem = _open(data, notes)
    if reader is None:
        return ValidationOutcome(Verdict.UNREADABLE, problem or "unreadable", notes=tuple(notes))
    try:
        fields = list(enumerate_sig_fields(reader, filled_status=None))
    except Exception as exc:  # a broken AcroForm is a property of the file, not a crash
        return ValidationOutcome(
            Verdict.UNREADABLE, f"cannot read the form fields: {_words(exc)}", notes=tuple(notes)
        )
    empty = tuple(str(name) for name, value, _ in fields if value is None)
    filled = [(str(name), value, ref) for name, value, ref in fields if value is not None]
    if not filled:
        reason = "no signature"
        if empty:
            reason += f" (empty signature field(s): {', '.join(empty)})"
        return ValidationOutcome(Verdict.UNSIGNED, reason, empty_signature_fields=empty, notes=tuple(notes))

    roots, others, local = _TRUST_CACHE.get(trust)
    evidence = _document_evidence(reader, filled)
    if local.crls or local.ocsps:
        evidence = _Evidence((*evidence.groups, local), evidence.certs)
    online = trust.online_timeout_s if trust.online else None
    try:
        context = _context(roots, others, evidence, moment, rules, online_timeout_s=online)
    except Exception:  # a damaged certificate, CRL or OCSP response carried by the file
        evidence = _usable_evidence(roots, others, evidence, moment, notes, rules)
        context = _context(roots, others, evidence, moment, rules, online_timeout_s=online)
    if not evidence.from_document and not trust.online:
        # Nothing in this context comes from the document, and nothing is fetched: a path validated
        # under it holds for any document validated under the same trust (roots, helper certificates,
        # revocation folder: all in the fingerprint) and policy (see speedups).
        speedups.allow_path_cache(context, f"{trust.fingerprint()}|{rules.policy.sha256}")
    contexts = _Contexts(context, roots, others, evidence, moment, trust, rules)
    parsed: list[tuple[str, Any, Any, str] | SignatureResult] = []
    for name, value, ref in filled:
        try:
            sig_obj = value.get_object()
            sig_type = str(sig_obj.get("/Type", "/Sig"))
        except Exception as exc:
            parsed.append(
                _failed(
                    name,
                    None,
                    SubIndication.FORMAT_FAILURE,
                    f"unreadable signature dictionary: {_words(exc)}",
                )
            )
            continue
        parsed.append((name, ref, sig_obj, sig_type))
    # Document timestamps first: a later one is proof of existence for the signatures it covers.
    stamps = tuple(
        _document_timestamp(reader, item[0], item[1], contexts)
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
            results.append(_validate_one(data, reader, name, ref, sig_obj, contexts, evidence, stamps))
    results = [_with_policy(r, rules.policy) for r in results]
    if not results:
        return ValidationOutcome(
            Verdict.UNSIGNED,
            "no signature (document timestamps only)",
            empty_signature_fields=empty,
            notes=tuple(notes),
            document_timestamps=stamps,
        )
    verdict, reason = _document_verdict(results)
    return ValidationOutcome(
        verdict,
        reason,
        tuple(results),
        empty,
        tuple(notes),
        decree30=decree30_conformance(results),
        document_timestamps=stamps,
    )


def _with_policy(result: SignatureResult, policy: ValidationPolicy) -> SignatureResult:
    """The signer's role under the policy's role rules, and the legal checks (derived, see legal.py)."""
    result = dataclasses.replace(result, role=signer_role(result.signer, policy.roles))
    return dataclasses.replace(result, checks=legal_checks(result, policy))


def _open(data: bytes, notes: list[str]) -> tuple[PdfFileReader | None, str | None]:
    """Parse strictly, then leniently; decrypt with the empty password if the file is encrypted."""
    overclaim = _xref_overclaim(data)
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
            reader = candidate
            break
        except Exception as exc:
            if strict:
                strict_error = exc
                continue
            return None, f"corrupt PDF: {_words(strict_error or exc)}"
    if reader is not None and strict_error is not None:
        notes.append(f"strict parsing failed ({_words(strict_error)}); parsed leniently")
    return reader, None


def _xref_overclaim(data: bytes) -> str | None:
    """Why a cross-reference stream declares impossibly many objects for the file's size, if it does.

    pyHanko makes one entry per object a cross-reference stream declares (its /Index counts, else
    /Size) even when the stream holds no bytes for them (lenient parsing pads with defaults, and
    /W [0 0 0] needs none): 80 bytes declaring 10^8 objects took 24 GB. A real object takes bytes of
    the file, so such a declaration is refused before parsing.
    """
    limit = min(MAX_DECLARED_OBJECTS, 10_000 + len(data) // 8)
    # Names may be written with #xx escapes (/Type /X#52ef): the pattern matches them in place, and
    # only the dictionary found is unescaped (unescaping the whole file cost more than the rest).
    for m in _XREF_STREAM_TYPE.finditer(data):
        start, end = data.rfind(b"obj", 0, m.start()), data.find(b"stream", m.end())
        head = data[max(start, 0) : end if end >= 0 else len(data)]
        if b"#" in head:
            head = _NAME_ESCAPE.sub(lambda e: bytes.fromhex(e.group(1).decode()), head)
        index = _XREF_INDEX.search(head)
        if index is not None:
            counts = [int(c) for c in _INTEGER.findall(index.group(1))[1::2]]
        else:
            size = _XREF_SIZE.search(head)
            counts = [int(size.group(1))] if size else []
        declared = sum(max(c, 0) for c in counts)
        if declared > limit:
            return f"a cross-reference stream declares {declared} objects in a file of {len(data)} bytes"
    return None


def _document_evidence(reader: PdfFileReader, filled: list[tuple[str, Any, Any]]) -> _Evidence:
    crls: list[crl.CertificateList] = []
    ocsps: list[ocsp.OCSPResponse] = []
    dss_crls: list[crl.CertificateList] = []
    dss_ocsps: list[ocsp.OCSPResponse] = []
    certs: list[x509.Certificate] = []
    try:
        dss = reader.root.get("/DSS")
        if dss is not None:
            dss = dss.get_object()
            for key, target, loader, purpose in (
                ("/CRLs", dss_crls, crl.CertificateList.load, DecodePurpose.CRL),
                ("/OCSPs", dss_ocsps, ocsp.OCSPResponse.load, DecodePurpose.OCSP_RESPONSE),
                ("/Certs", certs, x509.Certificate.load, DecodePurpose.CERTIFICATE),
            ):
                for item in dss.get(key, []):
                    stream = item.get_object()
                    # pyHanko undoes PNG predictors in pure Python (~1 µs per row): a small deflated
                    # stream of zeros with /Predictor 12 /Columns 1 took minutes. DER is never
                    # predictor-encoded, so such an item is not evidence.
                    if _uses_predictor(stream):
                        continue
                    # the size limits pyHanko's own DSS reader applies per kind of item
                    target.append(loader(stream.read_data(purpose)))
    except Exception:  # a damaged DSS is simply not used as evidence
        pass
    for _, value, _ in filled:
        try:
            contents = value.get_object().get("/Contents")
            signed_data = cms.ContentInfo.load(bytes(contents.original_bytes))["content"]
            signer_info = signed_data["signer_infos"][0]
            archival = find_unique_cms_attribute(
                signer_info["signed_attrs"], "adobe_revocation_info_archival"
            )
            crls.extend(archival["crl"] or [])
            ocsps.extend(archival["ocsp"] or [])
        except (NonexistentAttributeError, Exception):
            continue
    return _Evidence(
        (
            _Group(RevocationSource.EMBEDDED, tuple(crls), tuple(ocsps)),
            _Group(RevocationSource.DSS, tuple(dss_crls), tuple(dss_ocsps)),
        ),
        tuple(certs),
    )


def _uses_predictor(stream: Any) -> bool:
    parms = stream.get("/DecodeParms")
    return any(
        isinstance(p, dict) and int(p.get("/Predictor", 1)) > 1
        for p in (parms if isinstance(parms, list) else [parms])
    )


def _context(
    roots: list[x509.Certificate],
    others: list[x509.Certificate],
    evidence: _Evidence,
    moment: datetime | None,
    rules: _Rules,
    online_timeout_s: float | None = None,
) -> ValidationContext:
    """The validation context; offline unless ``online_timeout_s`` is given (then each request may take
    that long). The context owns its fetcher backend: pyHanko closes its HTTP session after each
    validation call, in the event loop that opened it."""
    backend = None
    if online_timeout_s is not None:
        from .online import fetcher_backend  # aiohttp is loaded only by runs that fetch

        backend = fetcher_backend(online_timeout_s)
    return ValidationContext(
        trust_roots=roots,
        other_certs=others + list(evidence.certs),
        crls=list(evidence.crls),
        ocsps=list(evidence.ocsps),
        allow_fetching=backend is not None,
        fetcher_backend=backend,
        revocation_mode="soft-fail",
        moment=moment,
        algorithm_usage_policy=rules.algorithms,
        signature_validator=_SIGNATURE_VALIDATOR,
    )


def _usable_evidence(
    roots: list[x509.Certificate],
    others: list[x509.Certificate],
    evidence: _Evidence,
    moment: datetime | None,
    notes: list[str],
    rules: _Rules,
) -> _Evidence:
    """The evidence without the items pyHanko cannot even load (asn1crypto parses lazily, so a damaged
    item surfaces only when the validation context is built); the good items are kept."""

    def usable(crls: Iterable[Any] = (), ocsps: Iterable[Any] = (), certs: Iterable[Any] = ()) -> bool:
        single = _Evidence((_Group(RevocationSource.NONE, tuple(crls), tuple(ocsps)),), tuple(certs))
        try:
            _context(roots, others, single, moment, rules)
        except Exception:
            return False
        return True

    groups = tuple(
        _Group(
            g.source,
            tuple(c for c in g.crls if usable(crls=(c,))),
            tuple(o for o in g.ocsps if usable(ocsps=(o,))),
        )
        for g in evidence.groups
    )
    kept = _Evidence(groups, tuple(c for c in evidence.certs if usable(certs=(c,))))
    if not usable(kept.crls, kept.ocsps, kept.certs):  # each loads alone, not together: use none
        kept = _Evidence(tuple(_Group(g.source) for g in groups), ())
    before = len(evidence.crls) + len(evidence.ocsps) + len(evidence.certs)
    dropped = before - len(kept.crls) - len(kept.ocsps) - len(kept.certs)
    notes.append(f"{dropped} damaged certificate(s)/CRL(s)/OCSP response(s) carried by the file not used")
    return kept


def _validate_one(
    data: bytes,
    reader: PdfFileReader,
    name: str,
    ref: Any,
    sig_obj: Any,
    contexts: _Contexts,
    evidence: _Evidence,
    stamps: tuple[DocumentTimestampResult, ...],
) -> SignatureResult:
    subfilter = sig_obj.get("/SubFilter")
    subfilter_s = str(subfilter) if subfilter is not None else None
    if subfilter_s not in SUPPORTED_SUBFILTERS:
        return _with_byte_range_check(_unsupported(name, subfilter_s, sig_obj), sig_obj, data)
    try:
        embedded = EmbeddedPdfSignature(reader, ref, name)
        signer_der = embedded.signer_cert.dump()
    except Exception as exc:
        return _failed(
            name,
            subfilter_s,
            SubIndication.FORMAT_FAILURE,
            f"signature container cannot be parsed: {_words(exc)}",
        )
    try:
        info = certificate_info(signer_der)
    except Exception as exc:  # asn1crypto reads lazily what cryptography's strict DER parser refuses
        return _failed(
            name,
            subfilter_s,
            SubIndication.FORMAT_FAILURE,
            f"signer certificate cannot be parsed: {_words(exc)}",
        )
    # The ByteRange is judged once the signature value could be read (otherwise there is nothing to
    # compare the excluded bytes with, and "cannot be parsed" above is the better reason).
    result = _validate_parsed(embedded, name, subfilter_s, info, contexts, evidence, stamps)
    return _with_byte_range_check(result, sig_obj, data)


def _validate_parsed(
    embedded: EmbeddedPdfSignature,
    name: str,
    subfilter_s: str | None,
    info: Any,
    contexts: _Contexts,
    evidence: _Evidence,
    stamps: tuple[DocumentTimestampResult, ...],
) -> SignatureResult:
    context, rules = contexts.signer, contexts.rules
    soft_fails = len(context.soft_fail_exceptions)
    try:
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            ts_validation_context=contexts.ts_for(embedded),
            key_usage_settings=rules.key_usage,
            diff_policy=DIFF_POLICY,
        )
    except SignatureValidationError as exc:
        sub = _sub_from_pyhanko(getattr(exc, "ades_subindication", None)) or SubIndication.FORMAT_FAILURE
        return _failed(name, subfilter_s, sub, _words(exc), info=info)
    except Exception as exc:
        return SignatureResult(
            field=name,
            subfilter=subfilter_s,
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
            revocation_evidence=evidence.sources,
            coverage=Coverage.PARTIAL,
            changes=Changes.DISALLOWED,
            changes_reason="not analysed: validation error",
            indication=Indication.INDETERMINATE,
            sub_indication=SubIndication.GENERIC,
            reason=f"validation error: {_words(exc)}",
        )
    basis, proof = _time_basis(status, embedded.signed_revision, stamps)
    at_proof = None
    if proof is not None and _sub_from_pyhanko(status.trust_problem_indic) in _TIME_DEPENDENT:
        at_proof = _trust_at(embedded, contexts, proof)
    judged = _Judged(status, context, soft_fails, at_proof, basis, proof)
    result = _from_status(name, subfilter_s, info, judged, evidence, embedded.reader)
    if result.sub_indication in _CRYPTO_CONSTRAINTS:
        # pyHanko only says "crypto constraints"; say which algorithm or key it was.
        culprit = _weak_algorithm(embedded, status.validation_path, context, rules)
        if culprit is not None:
            result = dataclasses.replace(result, reason=culprit)
    # >>> hook: the trust anchor's validity at the signing time (issue 16 item 9; rule in trust.py)
    path = (judged.at_proof.status if judged.rescued and judged.at_proof else status).validation_path
    root = next(path.iter_certs(include_root=True), None) if path is not None else None
    anchor = root.dump() if root is not None else None
    result = anchor_validity(result, anchor, judged.proof, contexts.signer.moment, rules.policy)
    # <<< hook
    if rules.policy.missing_revocation == MissingRevocation.INDETERMINATE:
        result = _missing_revocation(result)
    return dataclasses.replace(
        result,
        revision=embedded.signed_revision,
        key_usage_ok=_key_usage_ok(status, rules),
        timestamp_valid=_timestamp_valid(status),
    )


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


def _key_usage_ok(status: PdfSignatureStatus, rules: _Rules) -> bool | None:
    """Whether the signer certificate passes the policy's key-usage constraint (pyHanko's own check,
    asked again on its own so a report can say which condition failed); None when nothing is required."""
    if not rules.policy.key_usage or status.signing_cert is None:
        return None
    try:
        rules.key_usage.validate(status.signing_cert)
    except InvalidCertificateError:
        return False
    return True


def _timestamp_valid(status: PdfSignatureStatus) -> bool | None:
    ts = status.timestamp_validity
    return None if ts is None else _token_ok(ts)


def _token_ok(ts: Any) -> bool:
    """A timestamp token that matches its bytes, verifies and chains to a configured root."""
    return bool(ts.intact and ts.valid and ts.trusted)


def _has_signature_timestamp(embedded: EmbeddedPdfSignature) -> bool:
    try:
        attrs = embedded.signer_info["unsigned_attrs"]
        return any(a["type"].native == "signature_time_stamp_token" for a in attrs or ())
    except Exception:
        return False


def _time_basis(
    status: PdfSignatureStatus, revision: int | None, stamps: tuple[DocumentTimestampResult, ...]
) -> tuple[TimeBasis, datetime | None]:
    """What attests the signing time, and the time proven (None for a mere claim or nothing).

    A valid signature timestamp proves the signature existed at its time; failing that, the earliest
    valid document timestamp of a later revision (which covers the signature's bytes) does.
    """
    ts = status.timestamp_validity
    if ts is not None and _token_ok(ts):
        return TimeBasis.TIMESTAMP, ts.timestamp
    later = document_timestamp_proof(stamps, revision)
    if later is not None:
        return TimeBasis.DOCUMENT_TIMESTAMP, later
    if status.signer_reported_dt is not None:
        return TimeBasis.CLAIMED, None
    return TimeBasis.NONE, None


@dataclass(frozen=True)
class _AtProof:
    """The signer's certificate judged again at the time a timestamp proves (point in time)."""

    status: PdfSignatureStatus
    context: ValidationContext


def _trust_at(embedded: EmbeddedPdfSignature, contexts: _Contexts, when: datetime) -> _AtProof | None:
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
    return _AtProof(status, context)


@dataclass(frozen=True)
class _Judged:
    """A signature's pyHanko status at validation time, and at the proven signing time when relevant."""

    status: PdfSignatureStatus  # at validation time (now)
    context: ValidationContext
    soft_fails: int  # soft-fail exceptions the context held before this signature
    at_proof: _AtProof | None
    basis: TimeBasis
    proof: datetime | None

    @property
    def rescued(self) -> bool:
        """A time-dependent problem (revoked, expired) that does not hold at the proven time."""
        at = self.at_proof
        return (
            at is not None and at.status.trust_problem_indic is None and at.status.validation_path is not None
        )


def _from_status(
    name: str,
    subfilter: str | None,
    info: Any,
    judged: _Judged,
    evidence: _Evidence,
    reader: PdfFileReader,
) -> SignatureResult:
    status = judged.status
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        coverage = Coverage.ENTIRE_FILE
    elif status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        coverage = Coverage.ENTIRE_REVISION
    else:
        coverage = Coverage.PARTIAL
    changes, changes_reason = _changes(status, coverage, reader)
    # Trust as judged at the proven signing time when that is what decides (revoked or expired now).
    rescued = judged.rescued
    trust_status = judged.at_proof.status if rescued and judged.at_proof else status
    groups = (*evidence.groups, _online_group(judged.context, evidence))  # fetched: computed once
    if rescued and not status.revoked and judged.at_proof is not None:
        at = judged.at_proof.context
        revocation, source = _revocation(trust_status, at, 0, (*evidence.groups, _online_group(at, evidence)))
    else:
        revocation, source = _revocation(status, judged.context, judged.soft_fails, groups)
    details = status.revocation_details
    signer_revoked = details is not None and not details.ca_revoked
    claimed = status.signer_reported_dt
    ts = status.timestamp_validity
    ts_problem = _timestamp_problem(ts)

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
        sub = _sub_from_pyhanko(status.trust_problem_indic) or SubIndication.GENERIC
        indication = (
            Indication.TOTAL_FAILED
            if isinstance(status.trust_problem_indic, AdESFailure)
            else Indication.INDETERMINATE
        )
        reason = _sub_words(sub)
        if sub in (SubIndication.EXPIRED, SubIndication.OUT_OF_BOUNDS_NO_POE) and info is not None:
            reason += f" (valid until {info.not_after.isoformat()})"
            if judged.proof is not None:
                reason += f"; the {_BASIS_WORDS[judged.basis]} ({judged.proof.isoformat()}) is not within it"
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
            f"the {_BASIS_WORDS[judged.basis]} ({judged.proof.isoformat()}) is before the signer "
            f"certificate's validity ({info.not_before.isoformat()})"
        )
    else:
        reason = "intact, verified, chain to a trusted root"
        if rescued and judged.proof is not None:
            reason += f" at the time the {_BASIS_WORDS[judged.basis]} proves ({judged.proof.isoformat()})"
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
        if group.source not in _DOCUMENT_SOURCES and word and _group_covers(group, cert):
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


def _sub_words(sub: SubIndication) -> str:
    return INDETERMINATE_WORDS.get(sub, sub.value.lower().replace("_", " "))


_BASIS_WORDS = {
    TimeBasis.TIMESTAMP: "signature timestamp",
    TimeBasis.DOCUMENT_TIMESTAMP: "document timestamp",
    TimeBasis.CLAIMED: "claimed signing time",
    TimeBasis.NONE: "signing time",
}


def _no_proof_words(judged: _Judged, claimed: datetime | None) -> str:
    if judged.proof is not None:
        return (
            f"the {_BASIS_WORDS[judged.basis]} ({judged.proof.isoformat()}) is not before the revocation, "
            "so nothing proves the signature was made before it"
        )
    if claimed is not None:
        return (
            f"the signer claims to have signed before it ({claimed.isoformat()}), but no timestamp proves it"
        )
    return "the signature states no signing time and no timestamp proves one"


def _timestamp_problem(ts: Any) -> str | None:
    """What is wrong with a signature timestamp token, in words (None: no token, or a good one)."""
    if ts is None or _token_ok(ts):
        return None
    if not ts.intact:
        return "the signature timestamp token does not match the signature (its message imprint differs)"
    if not ts.valid:
        return "the signature timestamp token's own signature does not verify"
    tsa = ts.signing_cert.subject.human_friendly if ts.signing_cert is not None else "unknown TSA"
    sub = _sub_from_pyhanko(ts.trust_problem_indic)
    why = _sub_words(sub) if sub else "not trusted"
    return f"the signature timestamp's authority is not trusted: {why} (TSA: {tsa})"


def _document_timestamp(
    reader: PdfFileReader, name: str, ref: Any, contexts: _Contexts
) -> DocumentTimestampResult:
    """Validate one /DocTimeStamp field with pyHanko: the token's imprint over the revision it covers,
    the TSA's signature and the TSA's chain to the configured roots (the signers' roots)."""
    try:
        embedded = EmbeddedPdfSignature(reader, ref, name)
        revision = embedded.signed_revision
        status = validate_pdf_timestamp(embedded, validation_context=contexts.ts, skip_diff=True)
    except Exception as exc:
        return DocumentTimestampResult(
            name, None, False, False, False, None, None, f"cannot be validated: {_words(exc)}"
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
        sub = _sub_from_pyhanko(status.trust_problem_indic)
        why = _sub_words(sub) if sub else "not trusted"
        reason = f"not trusted: {why}"
    else:
        reason = f"valid, {time.isoformat()}"
    if tsa:
        reason += f" (TSA: {tsa})"
    return DocumentTimestampResult(
        name, time, status.intact, status.valid, status.trusted, tsa, revision, reason
    )


def _weak_algorithm(
    embedded: EmbeddedPdfSignature, path: Any, context: ValidationContext, rules: _Rules
) -> str | None:
    """Which algorithm or key made pyHanko report a crypto constraints failure, in words.

    The judgement stays pyhanko-certvalidator's: the same policy is asked the questions pyHanko asked
    (the CMS digest and signature mechanism with the signer's key and their combination, then each
    certificate's signature with its issuer's key); the first refusal is put into words. The digest
    comes first: a SHA-1 digest also disqualifies sha1_rsa, and the digest is the root cause.
    """
    moment = context.best_signature_time
    signer_info = embedded.signer_info
    digest = signer_info["digest_algorithm"]
    mechanism = signer_info["signature_algorithm"]
    if not rules.cms_algorithms.digest_algorithm_allowed(digest, moment):
        return f"digest algorithm {digest['algorithm'].native} not allowed by the policy"
    problem = _signature_problem(mechanism, embedded.signer_cert.public_key, moment, rules)
    if problem is not None:
        return f"the signature uses {problem}"
    if not rules.cms_algorithms.digest_combination_allowed(mechanism, digest, moment):
        return (
            f"digest algorithm {digest['algorithm'].native} does not match the signature algorithm "
            f"{mechanism['algorithm'].native}"
        )
    if path is None:  # the chain was not built (pyHanko stops at a refused CMS signature)
        return None
    try:
        certs = list(path.iter_certs(include_root=True))
    except Exception:
        return None
    # Each certificate is signed with its issuer's key; the trust anchor's own signature is not used.
    for issuer, cert in itertools.pairwise(certs):
        problem = _signature_problem(cert["signature_algorithm"], issuer.public_key, moment, rules)
        if problem is not None:
            subject = certificate_info(cert.dump()).subject
            return f"the certificate {subject} is signed with {problem}"
    return None


def _signature_problem(
    algo: algos.SignedDigestAlgorithm, key: keys.PublicKeyInfo, moment: datetime | None, rules: _Rules
) -> str | None:
    if rules.algorithms.signature_algorithm_allowed(algo, moment, key):
        return None
    minimum = rules.policy.min_rsa_bits
    if key.algorithm == "rsa" and key.bit_size < minimum:
        return f"an RSA key of {key.bit_size} bits; the policy requires at least {minimum}"
    return f"the signature algorithm {algo['algorithm'].native}, not allowed by the policy"


def _with_byte_range_check(result: SignatureResult, sig_obj: Any, data: bytes) -> SignatureResult:
    """``result``, unless the signature's /ByteRange is anomalous: then TOTAL_FAILED / FORMAT_FAILURE.

    EU DSS checks the ByteRange in its format-checking building block (ByteRangeCheck, BBB_FC_IBRV),
    which fails with FAILED / FORMAT_FAILURE before any cryptographic check: so a ByteRange anomaly
    outranks whatever the digest or the certificate say, and HASH_FAILURE is kept for signed bytes
    that changed under a well-formed ByteRange.
    """
    problem = _byte_range_problem(sig_obj, data)
    if problem is None:
        return result
    reason = f"{BYTE_RANGE_WORDS}: {problem}"
    if result.sub_indication == SubIndication.HASH_FAILURE:
        reason += "; the digest does not match (computed over the ranges it declares)"
    return dataclasses.replace(
        result,
        coverage=Coverage.PARTIAL,
        changes=Changes.DISALLOWED,
        changes_reason="the ByteRange does not cover a complete revision",
        indication=Indication.TOTAL_FAILED,
        sub_indication=SubIndication.FORMAT_FAILURE,
        reason=reason,
    )


def _byte_range_problem(sig_obj: Any, data: bytes) -> str | None:
    """What is wrong with the /ByteRange of ``sig_obj`` in the file ``data``, or None.

    It must be four integers [0 a b c] with a <= b and b + c within the file, and bytes a..b (the only
    ones left out) must be exactly this signature's /Contents hex string. pyHanko digests whatever
    ranges it is given and only downgrades coverage, so a 3-number ByteRange ended as a validation
    error and other shapes as a mere digest mismatch. Ending before the end of the file is fine: later
    incremental updates are judged by difference analysis.
    """
    try:
        values = list(sig_obj["/ByteRange"])
        # as pyHanko reads it: in an encrypted file the signature value is stored unencrypted
        contents = bytes(sig_obj.raw_get("/Contents", decrypt=EncryptedObjAccess.RAW).original_bytes)
    except Exception as exc:
        return f"it cannot be read ({_words(exc)})"
    if len(values) != 4:
        return f"it has {len(values)} numbers instead of 4"
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "its entries are not all integers"
    negative = [v for v in values if v < 0]
    if negative:
        return f"it holds the negative number {negative[0]}"
    start1, len1, start2, len2 = (int(v) for v in values)
    size = len(data)
    if start1 != 0:
        return f"it starts at byte {start1}, not at the beginning of the file"
    if start2 < len1:
        return f"its two ranges overlap (the first ends at byte {len1}, the second starts at byte {start2})"
    if start2 + len2 > size:
        return f"it reaches byte {start2 + len2}, beyond the end of the file ({size} bytes)"
    if not _is_hex_string_of(data[len1:start2], contents):
        return (
            f"the bytes it leaves out ({len1} to {start2}) are not exactly the signature value "
            "(the /Contents hex string)"
        )
    return None


def _is_hex_string_of(excluded: bytes, contents: bytes) -> bool:
    """Whether ``excluded`` is the PDF hex string <...> that encodes ``contents``."""
    if len(excluded) < 2 or excluded[:1] != b"<" or excluded[-1:] != b">":
        return False
    digits = excluded[1:-1].translate(None, PDF_WHITESPACE)
    if len(digits) % 2:
        digits += b"0"  # PDF: a final odd digit is followed by an implied 0
    try:
        return binascii.unhexlify(digits) == contents
    except (binascii.Error, ValueError):
        return False


def _changes(status: PdfSignatureStatus, coverage: Coverage, reader: PdfFileReader) -> tuple[Changes, str]:
    if coverage == Coverage.ENTIRE_FILE:
        return Changes.NONE, "the signature covers the entire file"
    if coverage == Coverage.PARTIAL:
        return Changes.DISALLOWED, "the ByteRange does not cover a complete revision"
    diff = status.diff_result
    if isinstance(diff, SuspiciousModification):
        return Changes.DISALLOWED, _suspicious_words(diff, reader)
    level = status.modification_level
    if level is None or status.docmdp_ok is None:
        return Changes.DISALLOWED, "later revisions could not be analysed"
    words = MODIFICATION_WORDS.get(level, str(level))
    if not status.docmdp_ok:
        return Changes.DISALLOWED, f"{words}, beyond what the signature permits"
    if level == ModificationLevel.NONE:
        return Changes.NONE, "later revisions change nothing"
    return Changes.PERMITTED, words


_UNEXPLAINED_REF = re.compile(r"Reference\(idnum=(\d+), generation=(\d+)\)")


def _suspicious_words(diff: SuspiciousModification, reader: PdfFileReader) -> str:
    """What pyHanko's difference analysis refused, in words an auditor can act on.

    pyHanko names the objects it cannot explain only as references ("There are unexplained xrefs in
    revision 3: Reference(idnum=5, generation=0)"). Each is looked up in the file as it is now and
    named for what it is (a page, a page's content stream, a form XObject, a font, the page tree, an
    annotation…), so that an incremental-saving or shadow attack reads as what it changed. Other
    messages (a locked field changed, an update a certification forbids) are already words.
    """
    text = _words(diff)
    refs = list(dict.fromkeys(_UNEXPLAINED_REF.findall(str(diff))))
    if not refs or "unexplained" not in text:
        return _UNEXPLAINED_REF.sub(r"object \1 \2 R", text)
    content_streams = _page_content_ids(reader)
    kinds: list[str] = []
    for idnum, generation in refs:
        kind = _object_kind(reader, int(idnum), int(generation), content_streams)
        if kind not in kinds:
            kinds.append(kind)
    numbers = ", ".join(f"{i} {g} R" for i, g in refs)
    return f"content or structure changed after signing: {'; '.join(kinds)} (objects {numbers})"


def _page_content_ids(reader: PdfFileReader) -> set[int]:
    ids: set[int] = set()
    try:
        for page_ref in _page_refs(reader.root.raw_get("/Pages"), depth=0):
            contents = page_ref.get_object().raw_get("/Contents")
            items = _deref(contents)
            if isinstance(items, generic.ArrayObject):
                ids.update(c.idnum for c in items if isinstance(c, generic.IndirectObject))
            if isinstance(contents, generic.IndirectObject):
                ids.add(contents.idnum)
    except Exception:  # a damaged page tree: the kinds stay generic
        pass
    return ids


def _page_refs(node: Any, depth: int) -> list[Any]:
    if depth > 32 or not isinstance(node, generic.IndirectObject):
        return []
    obj = _deref(node)
    if obj.get("/Type") == "/Page":
        return [node]
    return (
        [ref for kid in obj.get("/Kids", []) for ref in _page_refs(kid, depth + 1)] if "/Kids" in obj else []
    )


def _object_kind(reader: PdfFileReader, idnum: int, generation: int, content_streams: set[int]) -> str:
    try:
        obj = _deref(generic.Reference(idnum, generation, reader))
    except Exception:
        return "an unreadable object"
    if idnum in content_streams:
        return "a page's content stream"
    if not isinstance(obj, generic.DictionaryObject):
        return "an array or value object" if obj is not None else "an object"
    kind = obj.get("/Type")
    subtype = obj.get("/Subtype")
    if kind == "/Page":
        return "a page (its content, resources or annotations)"
    if kind == "/Pages":
        return "the page tree (pages added, removed or reordered)"
    if kind == "/Catalog":
        return "the document catalogue"
    if kind == "/Font" or "/BaseFont" in obj:
        return "a font"
    if kind == "/XObject" or subtype in ("/Form", "/Image"):
        return "an image XObject" if subtype == "/Image" else "a form XObject"
    if "/FT" in obj:
        return "a form field"
    if kind == "/Annot" or subtype in _ANNOTATION_SUBTYPES:
        return f"an annotation ({str(subtype).lstrip('/') or 'unknown type'})"
    if isinstance(obj, generic.StreamObject):
        return "a stream object"
    return "a dictionary object"


_ANNOTATION_SUBTYPES = COMMENT_SUBTYPES | {"/Link", "/Stamp", "/FileAttachment", "/Widget", "/Redact"}


def _revocation(
    status: PdfSignatureStatus, context: ValidationContext, soft_fails: int, groups: tuple[_Group, ...]
) -> tuple[RevocationStatus, RevocationSource]:
    """The signer certificate's revocation status and the source of the evidence that decided it.

    Revoked: the first source (embedded, dss, local, online) whose CRL lists the certificate or whose
    OCSP response says revoked. Good: the first source whose evidence covers the certificate (a CRL of
    its issuer, an OCSP response for its serial), provided pyhanko-certvalidator gave up on nothing
    while validating this signature (a soft failure means some evidence could not be used).
    """
    cert = status.signing_cert
    if status.revoked:
        details = status.revocation_details
        if details is not None and details.ca_revoked:  # the path failed above the signer
            return RevocationStatus.NOT_CHECKED, RevocationSource.NONE
        for group in groups:
            if _group_revokes(group, cert):
                return RevocationStatus.REVOKED, group.source
        return RevocationStatus.REVOKED, RevocationSource.NONE
    if not status.trusted or status.validation_path is None:
        return RevocationStatus.NOT_CHECKED, RevocationSource.NONE
    if len(context.soft_fail_exceptions) > soft_fails:
        return RevocationStatus.UNKNOWN, RevocationSource.NONE
    for group in groups:
        if _group_covers(group, cert):
            return RevocationStatus.GOOD, group.source
    return RevocationStatus.UNKNOWN, RevocationSource.NONE


def _online_group(context: ValidationContext, evidence: _Evidence) -> _Group:
    """What the context fetched: everything it knows beyond the evidence it was given."""
    if not context.fetching_allowed:
        return _Group(RevocationSource.ONLINE)
    given_crls = {c.dump() for c in evidence.crls}
    given_ocsps = {o.dump() for o in evidence.ocsps}
    return _Group(
        RevocationSource.ONLINE,
        tuple(c for c in context.crls if c.dump() not in given_crls),
        tuple(o for o in context.ocsps if o.dump() not in given_ocsps),
    )


def _group_covers(group: _Group, cert: x509.Certificate) -> bool:
    return any(_crl_covers(c, cert) for c in group.crls) or any(_ocsp_covers(r, cert) for r in group.ocsps)


def _group_revokes(group: _Group, cert: x509.Certificate) -> bool:
    for item in group.crls:
        try:
            if item["tbs_cert_list"]["issuer"] == cert.issuer and any(
                entry["user_certificate"].native == cert.serial_number
                for entry in item["tbs_cert_list"]["revoked_certificates"]
            ):
                return True
        except Exception:
            continue
    for response in group.ocsps:
        try:
            basic = response["response_bytes"]["response"].parsed
            if any(
                r["cert_id"]["serial_number"].native == cert.serial_number
                and r["cert_status"].name == "revoked"
                for r in basic["tbs_response_data"]["responses"]
            ):
                return True
        except Exception:
            continue
    return False


def _crl_covers(crl_: crl.CertificateList, cert: x509.Certificate) -> bool:
    try:  # asn1crypto parses lazily: a damaged issuer name raises only when compared
        return bool(crl_["tbs_cert_list"]["issuer"] == cert.issuer)
    except Exception:
        return False


def _ocsp_covers(response: ocsp.OCSPResponse, cert: x509.Certificate) -> bool:
    try:
        basic = response["response_bytes"]["response"].parsed
        return any(
            r["cert_id"]["serial_number"].native == cert.serial_number
            for r in basic["tbs_response_data"]["responses"]
        )
    except Exception:
        return False


def _unsupported(name: str, subfilter: str | None, sig_obj: Any) -> SignatureResult:
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


def _failed(
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


def _sub_from_pyhanko(indic: object) -> SubIndication | None:
    if isinstance(indic, (AdESFailure, AdESIndeterminate)):
        try:
            return SubIndication(indic.name)
        except ValueError:
            return SubIndication.GENERIC
    return None


def _document_verdict(results: Iterable[SignatureResult]) -> tuple[Verdict, str]:
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


def _words(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, misc.PdfError) and text:
        return text
    return text or type(exc).__name__
