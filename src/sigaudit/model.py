"""The values that travel between sigaudit's stages.

Every value is a frozen dataclass or an enum so a stage can never change what an earlier one produced.
Enum values are the exact strings written to JSON and CSV reports: scheduled jobs parse them, so they
are part of the public interface and must stay stable.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from .text import name_key


class Verdict(enum.StrEnum):
    """The one verdict each document gets (docs/verdicts.md)."""

    VALID = "valid"
    INVALID = "invalid"
    INDETERMINATE = "indeterminate"
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"


class Level(enum.StrEnum):
    """Administrative level of the issuing agency; ``unknown`` is never replaced by a guess."""

    CENTRAL = "central"
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    UNKNOWN = "unknown"


class Indication(enum.StrEnum):
    """Main status indication of ETSI EN 319 102-1 (clause 5.1.3)."""

    TOTAL_PASSED = "TOTAL_PASSED"
    TOTAL_FAILED = "TOTAL_FAILED"
    INDETERMINATE = "INDETERMINATE"


class SubIndication(enum.StrEnum):
    """Sub-indications of ETSI EN 319 102-1 used by sigaudit (names as in the standard)."""

    # under TOTAL_FAILED
    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    REVOKED = "REVOKED"
    # under INDETERMINATE (NOT_YET_VALID may also occur under TOTAL_FAILED)
    NOT_YET_VALID = "NOT_YET_VALID"
    SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
    EXPIRED = "EXPIRED"
    POLICY_PROCESSING_ERROR = "POLICY_PROCESSING_ERROR"
    TIMESTAMP_ORDER_FAILURE = "TIMESTAMP_ORDER_FAILURE"
    NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    REVOKED_NO_POE = "REVOKED_NO_POE"
    REVOKED_CA_NO_POE = "REVOKED_CA_NO_POE"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    OUT_OF_BOUNDS_NOT_REVOKED = "OUT_OF_BOUNDS_NOT_REVOKED"
    REVOCATION_OUT_OF_BOUNDS_NO_POE = "REVOCATION_OUT_OF_BOUNDS_NO_POE"
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    NO_POE = "NO_POE"
    TRY_LATER = "TRY_LATER"
    SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"
    GENERIC = "GENERIC"


class Coverage(enum.StrEnum):
    """How much of the file a signature's ByteRange covers."""

    ENTIRE_FILE = "entire_file"
    ENTIRE_REVISION = "entire_revision"
    PARTIAL = "partial"


class Changes(enum.StrEnum):
    """What later revisions changed after a signature was applied."""

    NONE = "none"
    PERMITTED = "permitted"
    DISALLOWED = "disallowed"


class ChangeCategory(enum.StrEnum):
    """What a revision after a signature did, classified once per document (EU DSS's categories, plus
    the incoming stamp receiving offices add: validation/revision_changes.py)."""

    SIGNATURE = "signature"  # a later signature, with its field, widget and appearance
    FORM_FILL = "form_fill"  # form field values (text, check box, radio, choice)
    ANNOTATION = "annotation"  # comments (markup annotations) added to pages
    INCOMING_STAMP = "incoming_stamp"  # a Stamp/FreeText annotation carrying an incoming number and date
    DSS = "dss"  # validation data: the document security store
    DOCUMENT_TIMESTAMP = "document_timestamp"  # an RFC 3161 document timestamp
    UNDEFINED = "undefined"  # anything else: content, pages, fonts, actions, unreadable revisions


class Permission(enum.StrEnum):
    """What a signature allows after it (ISO 32000-1 12.8.2.2 DocMDP; approval signatures: ISO 32000-2
    12.8.2.4 lets later incremental updates fill forms, sign and annotate)."""

    APPROVAL = "approval"  # form filling, signing, annotations, validation data
    DOCMDP_P1 = "docmdp_p1"  # certification, no changes (validation data only)
    DOCMDP_P2 = "docmdp_p2"  # certification, form filling and signing
    DOCMDP_P3 = "docmdp_p3"  # certification, form filling, signing and annotations


class ShownCheck(enum.StrEnum):
    """The visual check of a signature (validation/visual.py): what its signed revision shows against
    what the file shows now, outside the changes the permitted categories explain."""

    NOT_RUN = "not_run"  # not needed: no permitted change that can draw follows the signature
    SAME = "same"
    DIFFERS = "differs"  # the signature is invalid: what is shown differs from what was signed
    INCOMPLETE = "incomplete"  # the limits (pages, time) stopped it before every page; nothing differed
    NOT_RENDERED = "not_rendered"  # PDFium could not render a revision


class RevocationStatus(enum.StrEnum):
    """Revocation of the signer's certificate, as far as the evidence at hand tells."""

    GOOD = "good"  # evidence was found and says the certificate was not revoked
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # no usable evidence (soft-fail policy: does not by itself fail the signature)
    NOT_CHECKED = "not_checked"  # the chain could not be built or the signature failed earlier


class RevocationSource(enum.StrEnum):
    """Where the revocation evidence that decided ``revocation`` (good or revoked) came from."""

    EMBEDDED = "embedded"  # the signature's CMS adbe-revocationInfoArchival attribute
    DSS = "dss"  # the PDF's Document Security Store
    LOCAL = "local"  # a CRL or OCSP response in --revocation-dir
    ONLINE = "online"  # fetched from the certificate's CRL distribution point or OCSP responder (--online)
    NONE = "none"  # no evidence decided (revocation unknown or not checked)


class TimeBasis(enum.StrEnum):
    """What attests the time at which a signature was made (regulations.md: only a timestamp attests it)."""

    TIMESTAMP = "timestamp"  # a valid, trusted RFC 3161 signature timestamp
    DOCUMENT_TIMESTAMP = "document_timestamp"  # a later valid, trusted document timestamp covers it
    CLAIMED = "claimed"  # only the signer's own claim (/M or the signingTime attribute)
    NONE = "none"  # no time at all


class SignerRole(enum.StrEnum):
    """Whose signature it is under Decree 30/2020: a competent person's or the agency's."""

    PERSONAL = "personal"
    AGENCY = "agency"
    UNKNOWN = "unknown"


class CheckName(enum.StrEnum):
    """The conditions under which a digital signature is legally valid (docs/regulations.md: Decree 130/2018
    Art. 9, Decree 68/2024 Art. 31, Circular 41/2017 Art. 8), in the order the law lists them."""

    VALID_AT_SIGNING_TIME = "valid_at_signing_time"  # 1. certificate within its validity period
    NOT_REVOKED_AT_SIGNING_TIME = "not_revoked_at_signing_time"  # 2. neither suspended nor revoked
    SIGNATURE_INTACT = "signature_intact"  # 3. verifies with the public key; document unchanged
    CHAIN_TO_RECOGNISED_ROOT = "chain_to_recognised_root"  # 4. chain reaches a recognised root
    USAGE_MATCHES_CERTIFICATE = "usage_matches_certificate"  # 5. use within the certificate's scope
    SOLE_CONTROL = "sole_control"  # 6. key under the signer's sole control (not checkable)


class CheckStatus(enum.StrEnum):
    """What the file shows about one legal condition."""

    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the file does not show it either way (no evidence, or an earlier failure)
    ASSUMED = "assumed"  # cannot be checked from a file at all; taken as given, and said so
    NOT_APPLICABLE = "not_applicable"  # the validation policy does not check this condition


@dataclass(frozen=True)
class LegalCheck:
    """One legal validity condition of one signature: its status and why, in words."""

    name: CheckName
    status: CheckStatus
    detail: str


@dataclass(frozen=True)
class CertificateInfo:
    """What an auditor needs to recognise a certificate; names are NFC-normalised."""

    subject: str
    common_name: str | None
    organization: str | None
    organizational_unit: str | None
    uid: tuple[str, ...]
    issuer: str
    serial: str  # hexadecimal, lower case
    sha256: str  # of the DER encoding, lower-case hex
    not_before: datetime
    not_after: datetime
    policies: tuple[str, ...] = ()  # certificatePolicies OIDs, dotted


@dataclass(frozen=True)
class SignatureResult:
    """The validation of one filled signature field."""

    field: str
    subfilter: str | None
    signer: CertificateInfo | None
    role: SignerRole
    claimed_signing_time: datetime | None
    timestamp_time: datetime | None
    digest_algorithm: str | None
    signature_algorithm: str | None
    intact: bool
    crypto_valid: bool
    trusted: bool
    revocation: RevocationStatus
    revocation_evidence: tuple[str, ...]  # where revocation data was found: cms, dss, local, online
    coverage: Coverage
    changes: Changes
    changes_reason: str
    indication: Indication
    sub_indication: SubIndication | None
    reason: str
    chain: tuple[str, ...] = ()  # subjects from the trust anchor down to the signer, when built
    revision: int | None = None  # the file revision the signature signs (0 = original), when known
    # Whether the signer certificate's key usage allows signing under the policy (None: not examined:
    # no certificate, or the policy requires no key usage).
    key_usage_ok: bool | None = None
    # Whether the RFC 3161 signature timestamp validated (None: no timestamp token).
    timestamp_valid: bool | None = None
    checks: tuple[LegalCheck, ...] = ()  # the legal validity conditions (validation/legal.py)
    revocation_source: RevocationSource = RevocationSource.NONE  # the evidence that decided revocation
    time_basis: TimeBasis = TimeBasis.NONE  # what attests the signing time (see TimeBasis)
    # Issue 17: what the revisions after this signature did (classified once per document), the
    # permission that judged them (None: no later revision was analysed) and the visual check.
    change_categories: tuple[ChangeCategory, ...] = ()
    permission: Permission | None = None
    shown: ShownCheck = ShownCheck.NOT_RUN
    shown_reason: str = ""


@dataclass(frozen=True)
class DocumentTimestampResult:
    """The validation of one document timestamp field (/DocTimeStamp, RFC 3161 over the whole revision)."""

    field: str
    time: datetime | None  # the time the token states, when it could be read
    intact: bool  # the timestamped bytes are unchanged
    valid: bool  # the TSA's signature on the token verifies
    trusted: bool  # the TSA's certificate chains to a configured root
    tsa: str | None  # the TSA certificate's subject
    revision: int | None  # the file revision it covers
    reason: str

    @property
    def ok(self) -> bool:
        """True when the token is intact, verifies and its TSA is trusted: its time is proof."""
        return self.intact and self.valid and self.trusted


def document_timestamp_proof(
    stamps: Sequence[DocumentTimestampResult], revision: int | None
) -> datetime | None:
    """The earliest time a valid document timestamp of a later revision than ``revision`` proves the
    signature of that revision existed by (its timestamped bytes include the signature's)."""
    if revision is None:
        return None
    times = [
        d.time
        for d in stamps
        if d.ok and d.time is not None and d.revision is not None and d.revision > revision
    ]
    return min(times) if times else None


class Decree30(enum.StrEnum):
    """Conformance of a document's signatures with Decree 30/2020 (Art. 5, Art. 32, Appendix I).

    Only ``complete`` gives an original electronic document the legal force of paper; ``agency_only`` is
    right for copies (sao y, sao lục, trích sao) and separate attachments, wrong for an original.
    """

    COMPLETE = "complete"  # personal signature, then the agency signature covering the whole file
    AGENCY_ONLY = "agency_only"
    PERSONAL_ONLY = "personal_only"
    WRONG_ORDER = "wrong_order"  # the agency signed before the competent person
    CHANGED_AFTER_AGENCY = "changed_after_agency"  # the agency signature does not cover the whole file
    OTHER_AGENCY = "other_agency"  # the agency signature's certificate names another agency than the issuer
    ROLES_UNKNOWN = "roles_unknown"  # signed, but no signer could be recognised as person or agency
    NOT_SIGNED = "not_signed"


# --- What the document's own text says (issue 18: archives exported without metadata) -----------------


class TextStatus(enum.StrEnum):
    """Whether a document's text layer could be read (``content/``)."""

    READ = "read"  # text was read from the pages looked at
    NO_TEXT_LAYER = "no_text_layer"  # the pages looked at carry no text: a scan without OCR
    NOT_READ = "not_read"  # the file could not be opened for text, or a limit stopped the reading


@dataclass(frozen=True, slots=True)
class ArticleRecipients:
    """A ``Nơi nhận`` entry "Như Điều N" (or "Như Điều 2, 3") and what those articles charge, read from
    the pages (content/articles.py): the bodies named before "chịu trách nhiệm thi hành", position titles
    taken off ("Chánh Văn phòng Sở" → "Văn phòng Sở"); the persons named there are left out. Recorded only
    when every article the entry names was found on the pages read."""

    entry: str  # the recipient as the list writes it ("Như Điều 3")
    articles: tuple[int, ...]  # the articles it names (3,)
    bodies: tuple[str, ...]  # the bodies they charge, in the document's spelling
    left_out: tuple[str, ...] = ()  # the persons they charge ("công chức có tên tại Điều 1")


@dataclass(frozen=True, slots=True)
class TextMeta:
    """The Decree 30 fields read from a document's first and last pages (Appendix I layout).

    Everything here is untrusted text from the document, NFC-normalised; a field the page does not show
    is None (or empty). ``recipients`` are the ``Nơi nhận`` entries naming other bodies, "(b/c)" removed
    ("Như trên" replaced by the ``Kính gửi`` addressees when the first page names them); ``upward`` those
    marked "(b/c)" (sent for report); ``file_copy`` the "Lưu: VT, …" entry; ``articles`` what the articles
    a "Như Điều N" entry stands for charge (the entry itself stays in ``recipients`` as written).
    """

    status: TextStatus
    detail: str = ""  # why the text was not read, or which pages had none
    page_count: int = 0
    pages: tuple[int, ...] = ()  # the pages read, 1-based
    empty_pages: tuple[int, ...] = ()  # of those, the ones without a text layer
    tcvn3_pages: tuple[int, ...] = ()  # of those, the ones with text typed in TCVN3 (ABC) fonts, converted
    parent: str | None = None  # the parent body line above the issuing agency ("UBND TỈNH PHÚ THỌ")
    agency: str | None = None  # the issuing agency as the header names it
    number: str | None = None
    notation: str | None = None
    place: str | None = None
    date: date | None = None
    kind: str | None = None  # "Quyết định", "Công văn"…
    subject: str | None = None
    signing: str | None = (
        None  # the signing block's authority line and title ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH")
    )
    recipients: tuple[str, ...] = ()
    upward: tuple[str, ...] = ()
    file_copy: str | None = None
    has_recipient_list: bool = False  # a "Nơi nhận:" block was found
    articles: tuple[ArticleRecipients, ...] = ()  # the "Như Điều N" entries read from their articles

    @property
    def number_notation(self) -> str | None:
        """``12/UBND-VP`` as read, when either part was."""
        if not (self.number or self.notation):
            return None
        return "/".join(p for p in (self.number, self.notation) if p)


@dataclass(frozen=True)
class ValidationOutcome:
    """What the validation stage says about one file's bytes."""

    verdict: Verdict
    reason: str
    signatures: tuple[SignatureResult, ...] = ()
    empty_signature_fields: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    decree30: Decree30 = Decree30.NOT_SIGNED
    document_timestamps: tuple[DocumentTimestampResult, ...] = ()
    text: TextMeta | None = None  # what the first and last pages say (None: not read, e.g. --no-text)


@dataclass(frozen=True, slots=True)
class Agency:
    """The issuing agency a document is attributed to, and how that was decided."""

    code: str | None
    name: str | None
    level: Level
    source: str  # "manifest", "registry", "manifest+registry", "name-rule" or "none"
    basis: str = ""  # how the level was decided, in words (registry entry, name rule, why unknown)


UNKNOWN_AGENCY = Agency(
    code=None, name=None, level=Level.UNKNOWN, source="none", basis="no metadata names the agency"
)


class Direction(enum.StrEnum):
    """Whether the archive holds a document as its sender's copy or as a recipient's copy."""

    SENT = "sent"
    RECEIVED = "received"
    UNKNOWN = "unknown"  # e.g. an edXML package or a bare folder: the export does not say


class BusinessType(enum.StrEnum):
    """``TraceHeaderList/Bussiness/BussinessDocType`` of an edXML package: what it does to the document."""

    NEW = "new"  # 0
    RECALL = "recall"  # 1
    UPDATE = "update"  # 2
    REPLACE = "replace"  # 3


@dataclass(frozen=True, slots=True)
class Party:
    """An agency named as sender or recipient: its identifier code and name, as the export wrote them."""

    code: str | None
    name: str | None
    level: Level = Level.UNKNOWN  # filled by attribution (agency registry, name rules)


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One status message (văn bản trạng thái) answering a document: code 01–16, from whom."""

    code: str
    meaning: str | None
    organ: str | None  # identifier code (else name) of the agency that reported the status
    source: str  # the package or register the status came from


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What the export says about a document besides its bytes: exchange metadata (docs/domain.md).

    ``source`` names where it came from: ``manifest``, ``register``, ``edxml`` or ``none``.
    """

    source: str = "none"
    direction: Direction = Direction.UNKNOWN
    date: date | None = None  # issue (promulgation) date
    number: str | None = None  # CodeNumber, e.g. "12"
    notation: str | None = None  # CodeNotation, e.g. "UBND-VP"
    recipients: tuple[Party, ...] = ()
    business: BusinessType | None = None
    document_id: str | None = None  # edXML DocumentId
    document_type: str | None = None
    subject: str | None = None
    statuses: tuple[StatusEvent, ...] = ()

    @property
    def number_notation(self) -> str | None:
        """``12/UBND-VP`` as written on the document, when either part is known."""
        if not (self.number or self.notation):
            return None
        return "/".join(p for p in (self.number, self.notation) if p)

    @property
    def recipients_read(self) -> bool:
        """Whether the recipients were read from the document's own ``Nơi nhận`` list (``source``
        ``text`` or ``…+text``) rather than stated by the export: what the sender meant to send, not
        evidence that anyone received it."""
        return self.source == "text" or self.source.endswith("+text")


NO_META = DocumentMeta()


@dataclass(frozen=True)
class DocumentResult:
    """One document's line in the audit: identity, attribution and validation outcome."""

    path: str  # path inside the scan; ZIP members as "batch.zip!/2020/cv-12.pdf"
    sha256: str
    size: int
    agency: Agency
    outcome: ValidationOutcome
    meta: DocumentMeta = NO_META

    @property
    def verdict(self) -> Verdict:
        return self.outcome.verdict

    @property
    def signed(self) -> bool:
        """True when the document carries at least one filled signature field."""
        return bool(self.outcome.signatures)

    @property
    def reason(self) -> str:
        return self.outcome.reason

    @property
    def latest_time(self) -> datetime | None:
        return latest_signing_time(self.outcome.signatures)

    @property
    def unchained(self) -> bool:
        """See :func:`is_unchained`."""
        return is_unchained(self.outcome.signatures)

    @property
    def agency_named(self) -> bool | None:
        """Whether the agency signature's certificate names the issuing agency (None: not judged)."""
        return self._for_agency()[1]

    @property
    def decree30(self) -> Decree30:
        """The signatures' Decree 30 pattern, checked against the issuing agency when it is known."""
        return self._for_agency()[0]

    def _for_agency(self) -> tuple[Decree30, bool | None]:
        names = agency_certificate_names(self.outcome.signatures)
        return for_agency(self.outcome.decree30, issuer_to_judge(self.agency), names)

    @property
    def legally_complete(self) -> bool:
        """Valid, and signed by the competent person then the issuing agency as Decree 30 requires."""
        return self.verdict == Verdict.VALID and self.decree30 == Decree30.COMPLETE


def latest_signing_time(signatures: Sequence[SignatureResult]) -> datetime | None:
    """The latest signature's time (its timestamp's, else the time its signer claims)."""
    known = [t for s in signatures if (t := s.timestamp_time or s.claimed_signing_time) is not None]
    return max(known) if known else None


def is_unchained(signatures: Sequence[SignatureResult]) -> bool:
    """Signed, and no signature chains to a configured root while one at least finds no chain to any:
    what the terminal's trust line counts (its roots are likely missing)."""
    return not any(s.trusted for s in signatures) and any(
        s.sub_indication == SubIndication.NO_CERTIFICATE_CHAIN_FOUND for s in signatures
    )


Names = tuple[tuple[str | None, str | None], ...]


def agency_certificate_names(signatures: Sequence[SignatureResult]) -> Names:
    """(CN, O) of each agency signature's certificate: what the issuing agency's name is checked against."""
    return tuple(
        (s.signer.common_name, s.signer.organization)
        for s in signatures
        if s.role == SignerRole.AGENCY and s.signer is not None
    )


def issuer_to_judge(agency: Agency) -> str | None:
    """The issuing agency's name to check the agency certificate against: None (not judged) when the
    agency was attributed from that certificate itself (issue 18), which would be circular."""
    return name_to_judge(agency.source, agency.name)


def name_to_judge(source: str, name: str | None) -> str | None:
    """:func:`issuer_to_judge` from an attribution's source and name (as stored rows hold them)."""
    return None if source.startswith("certificate") else name


def agency_certificate_uids(signatures: Sequence[SignatureResult]) -> tuple[str, ...]:
    """The UID values of the agency signatures' certificates (often ``MST:…`` or an agency code)."""
    return tuple(
        dict.fromkeys(
            uid
            for s in signatures
            if s.role == SignerRole.AGENCY and s.signer is not None
            for uid in s.signer.uid
        )
    )


def agency_named(agency_name: str | None, certificates: Names) -> bool | None:
    """Whether the agency signature's certificate names the issuing agency (CN, else O).

    ``certificates`` are the (CN, O) of the agency signatures' certificates
    (:func:`agency_certificate_names`). None when it cannot be judged: the issuing agency's name is not
    known, or there is no agency signature with a readable certificate. Names are compared without
    case, accents or punctuation, with the usual abbreviations written out (:func:`~sigaudit.text.name_key`).
    """
    if not agency_name or not certificates:
        return None
    wanted = name_key(agency_name)
    return any(wanted in (name_key(cn or ""), name_key(o or "")) for cn, o in certificates)


def with_agency(conformance: Decree30, named: bool | None) -> Decree30:
    """A pattern that would conform is ``other_agency`` when the agency certificate names another."""
    if named is False and conformance in (Decree30.COMPLETE, Decree30.AGENCY_ONLY):
        return Decree30.OTHER_AGENCY
    return conformance


def for_agency(
    conformance: Decree30, agency_name: str | None, certificates: Names
) -> tuple[Decree30, bool | None]:
    """A document's Decree 30 pattern checked against its issuing agency, and whether the agency
    signature's certificate names that agency (see :func:`agency_named` and :func:`with_agency`).

    Here, beside the values, because a document's ``decree30`` depends on who issued it, which only
    attribution knows; the pattern itself is found by validation (``validation/decree30.py``)."""
    named = agency_named(agency_name, certificates)
    return with_agency(conformance, named), named


@dataclass(frozen=True, slots=True)
class OutcomeFacts:
    """The little of a validation outcome that aggregation needs, kept per document while a run lasts
    (the outcomes themselves stay in the result store and are read back one at a time for reports)."""

    verdict: Verdict
    reason: str
    signed: bool
    decree30: Decree30
    agency_certificates: Names
    latest_time: datetime | None
    text: TextMeta | None = None  # what the pages say, for attribution and exchange (issue 18)
    agency_uids: tuple[str, ...] = ()  # the UID values (MST:…, agency codes) of the agency certificates
    unchained: bool = False  # see :func:`is_unchained`

    @classmethod
    def of(cls, outcome: ValidationOutcome) -> OutcomeFacts:
        return cls(
            outcome.verdict,
            outcome.reason,
            bool(outcome.signatures),
            outcome.decree30,
            agency_certificate_names(outcome.signatures),
            latest_signing_time(outcome.signatures),
            outcome.text,
            agency_certificate_uids(outcome.signatures),
            is_unchained(outcome.signatures),
        )


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """A document as aggregation sees it: identity, attribution, metadata and its outcome's facts.

    It answers the same questions as :class:`DocumentResult` (``verdict``, ``signed``,
    ``legally_complete``, ``latest_time``, ``reason``), so aggregation takes either.
    """

    path: str
    sha256: str
    size: int
    agency: Agency
    facts: OutcomeFacts
    meta: DocumentMeta = NO_META

    @property
    def verdict(self) -> Verdict:
        return self.facts.verdict

    @property
    def reason(self) -> str:
        return self.facts.reason

    @property
    def signed(self) -> bool:
        return self.facts.signed

    @property
    def latest_time(self) -> datetime | None:
        return self.facts.latest_time

    @property
    def unchained(self) -> bool:
        return self.facts.unchained

    @property
    def legally_complete(self) -> bool:
        """As :attr:`DocumentResult.legally_complete`, from the facts."""
        if self.facts.verdict != Verdict.VALID:
            return False
        facts = self.facts
        judged = issuer_to_judge(self.agency)
        return for_agency(facts.decree30, judged, facts.agency_certificates)[0] == Decree30.COMPLETE


class Counted(Protocol):
    """What aggregation reads of a document: a :class:`DocumentResult` or its :class:`DocumentFacts`."""

    @property
    def path(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def agency(self) -> Agency: ...
    @property
    def meta(self) -> DocumentMeta: ...
    @property
    def verdict(self) -> Verdict: ...
    @property
    def reason(self) -> str: ...
    @property
    def signed(self) -> bool: ...
    @property
    def legally_complete(self) -> bool: ...
    @property
    def latest_time(self) -> datetime | None: ...
    @property
    def unchained(self) -> bool: ...


@dataclass(frozen=True)
class Skipped:
    """A file found in the archive that is not a document (or could not be opened as a container)."""

    path: str
    reason: str


@dataclass(frozen=True)
class AuditRun:
    """Everything one scan produced, ready for aggregation and reporting."""

    documents: Sequence[DocumentResult]  # in scan order; read from the result store when it has one
    skipped: tuple[Skipped, ...]
    warnings: tuple[str, ...]
    manifest: dict[str, object] = field(default_factory=dict)
    facts: Sequence[DocumentFacts] | None = None  # the same documents, compact, for aggregation

    @property
    def counted(self) -> Sequence[Counted]:
        """What aggregation runs over: the compact facts when the run has them, else the documents."""
        return self.facts if self.facts is not None else self.documents
