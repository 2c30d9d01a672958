"""Decree 30/2020/NĐ-CP conformance of a document's signatures.

Art. 5: an electronic original needs the competent person's signature and the agency's. Art. 32: the
clerk applies the agency signature to a document already signed by the person — in a PDF, the agency
signature sits in a later revision and covers the whole file. Copies and separate attachments carry only
the agency signature (reported as ``agency_only`` so they can be told apart from incomplete originals).

Whether the agency signature names the issuing agency (``other_agency``) is judged against the document's
attribution, in :func:`sigaudit.model.for_agency`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Coverage, Decree30, SignatureResult, SignerRole


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
