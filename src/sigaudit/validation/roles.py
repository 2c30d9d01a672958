"""Signer identity: certificate details and the signer's role under Decree 30/2020.

Vietnamese certificate conventions (docs/regulations.md): an agency certificate names the agency in CN and
usually carries ``UID=MST:…`` (tax code) or ``UID=MNS:…`` (budget code); a personal certificate names a
person in CN and carries ``UID=CCCD:…`` or ``UID=CMND:…`` (citizen identity). When the UID says nothing,
a CN that starts like an agency name (UBND…, Sở…, Văn phòng…) marks an agency; otherwise ``unknown``.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import UTC

from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier

from ..model import CertificateInfo, SignerRole

UID_OID = ObjectIdentifier("0.9.2342.19200300.100.1.1")
ORG_IDENTIFIER_OID = ObjectIdentifier("2.5.4.97")

PERSONAL_UID_PREFIXES = ("CCCD:", "CMND:", "HC:", "PASSPORT:", "DDCN:")
AGENCY_UID_PREFIXES = ("MST:", "MNS:", "MDDCQ:")
AGENCY_NAME_PREFIXES = (
    "ubnd",
    "uy ban",
    "hoi dong nhan dan",
    "hdnd",
    "so ",
    "van phong",
    "ban ",
    "phong ",
    "trung tam",
    "chi cuc",
    "cuc ",
    "tong cuc",
    "bo ",
    "thanh tra",
    "truong ",
    "benh vien",
    "cong an",
)


@dataclass(frozen=True)
class RoleRules:
    """How a signer's role is recognised from the certificate subject (a validation policy's [roles])."""

    personal_uid_prefixes: tuple[str, ...] = PERSONAL_UID_PREFIXES
    agency_uid_prefixes: tuple[str, ...] = AGENCY_UID_PREFIXES
    agency_name_prefixes: tuple[str, ...] = AGENCY_NAME_PREFIXES  # compared after fold()


DEFAULT_ROLE_RULES = RoleRules()


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics (đ→d) for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _attrs(name: x509.Name, oid: ObjectIdentifier) -> list[str]:
    values = []
    for attr in name.get_attributes_for_oid(oid):
        value = attr.value if isinstance(attr.value, str) else attr.value.decode("utf-8", "replace")
        values.append(unicodedata.normalize("NFC", value))
    return values


def _first(name: x509.Name, oid: ObjectIdentifier) -> str | None:
    values = _attrs(name, oid)
    return values[0] if values else None


@functools.lru_cache(maxsize=4096)
def certificate_info(der: bytes) -> CertificateInfo:
    """Describe a DER certificate for reports.

    Cached by the certificate's bytes: the same few signers sign thousands of documents, and the
    description (an immutable value) depends on nothing else.
    """
    cert = x509.load_der_x509_certificate(der)
    subject = cert.subject
    return CertificateInfo(
        subject=unicodedata.normalize("NFC", subject.rfc4514_string({UID_OID: "UID"})),
        common_name=_first(subject, NameOID.COMMON_NAME),
        organization=_first(subject, NameOID.ORGANIZATION_NAME),
        organizational_unit=_first(subject, NameOID.ORGANIZATIONAL_UNIT_NAME),
        uid=tuple(_attrs(subject, UID_OID) + _attrs(subject, ORG_IDENTIFIER_OID)),
        issuer=unicodedata.normalize("NFC", cert.issuer.rfc4514_string({UID_OID: "UID"})),
        serial=format(cert.serial_number, "x"),
        sha256=hashlib.sha256(der).hexdigest(),
        not_before=cert.not_valid_before_utc.astimezone(UTC),
        not_after=cert.not_valid_after_utc.astimezone(UTC),
        policies=_policies(cert),
    )


def _policies(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        found = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except (x509.ExtensionNotFound, ValueError):  # absent, or not decodable: names no policy
        return ()
    return tuple(p.policy_identifier.dotted_string for p in found)


def signer_role(info: CertificateInfo | None, rules: RoleRules = DEFAULT_ROLE_RULES) -> SignerRole:
    """Classify a signer as a person or an agency from the certificate subject."""
    if info is None:
        return SignerRole.UNKNOWN
    uids = [u.strip().upper() for u in info.uid]
    if any(u.startswith(rules.personal_uid_prefixes) for u in uids):
        return SignerRole.PERSONAL
    if any(u.startswith(rules.agency_uid_prefixes) for u in uids):
        return SignerRole.AGENCY
    if info.common_name and fold(info.common_name).startswith(rules.agency_name_prefixes):
        return SignerRole.AGENCY
    return SignerRole.UNKNOWN
