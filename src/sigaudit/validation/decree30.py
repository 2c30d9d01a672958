"""Decree 30/2020/NĐ-CP conformance of a document's signatures.

Art. 5: an electronic original needs the competent person's signature and the agency's. Art. 32: the
clerk applies the agency signature to a document already signed by the person — in a PDF, the agency
signature sits in a later revision and covers the whole file. Copies and separate attachments carry only
the agency signature (reported as ``agency_only`` so they can be told apart from incomplete originals).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..agencies.names import name_key
from ..model import Coverage, Decree30, Names, SignatureResult, SignerRole


def decree30_conformance(signatures: Sequence[SignatureResult]) -> Decree30:
    """Classify the signature pattern; the signatures' own validity is judged elsewhere."""
    if not signatures:
        return Decree30.NOT_SIGNED
    ordered = sorted(signatures, key=lambda s: -1 if s.revision is None else s.revision)
    roles = [s.role for s in ordered]
    if SignerRole.AGENCY not in roles:
        return Decree30.PERSONAL_ONLY if SignerRole.PERSONAL in roles else Decree30.ROLES_UNKNOWN
    last_agency = max(i for i, r in enumerate(roles) if r == SignerRole.AGENCY)
    if SignerRole.PERSONAL not in roles:
        return _agency_last(ordered[last_agency], Decree30.AGENCY_ONLY)
    first_personal = roles.index(SignerRole.PERSONAL)
    if first_personal > last_agency:
        return Decree30.WRONG_ORDER
    return _agency_last(ordered[last_agency], Decree30.COMPLETE)


def _agency_last(agency: SignatureResult, ok: Decree30) -> Decree30:
    return ok if agency.coverage == Coverage.ENTIRE_FILE else Decree30.CHANGED_AFTER_AGENCY


def agency_named(agency_name: str | None, certificates: Names) -> bool | None:
    """Whether the agency signature's certificate names the issuing agency (CN, else O).

    ``certificates`` are the (CN, O) of the agency signatures' certificates
    (:func:`~sigaudit.model.agency_certificate_names`). None when it cannot be judged: the issuing
    agency's name is not known, or there is no agency signature with a readable certificate. Names are
    compared without case, accents or punctuation, with the usual abbreviations written out
    (UBND = Ủy ban nhân dân, TP = thành phố …).
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
    """A document's pattern checked against its issuing agency, and whether the agency signature's
    certificate names that agency (see :func:`agency_named` and :func:`with_agency`)."""
    named = agency_named(agency_name, certificates)
    return with_agency(conformance, named), named
