"""Revocation evidence: what the document and the configuration carry, and which source decided.

A signature's revocation status is pyhanko-certvalidator's; this module gathers the evidence it is
given (the CMS adbe-revocationInfoArchival attribute, the PDF's DSS, the revocation folder, and what an
online context fetched), and attributes the answer to the first source whose evidence covers or
revokes the signer's certificate, so that a report can say where the answer came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asn1crypto import cms, crl, ocsp, x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import NonexistentAttributeError, find_unique_cms_attribute
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from ..model import RevocationSource, RevocationStatus
from .guards import uses_predictor

# The words revocation_evidence has always used for each source (a stable report value).
EVIDENCE_WORDS = {
    RevocationSource.EMBEDDED: "cms",
    RevocationSource.DSS: "dss",
    RevocationSource.LOCAL: "local",
    RevocationSource.ONLINE: "online",
}
DOCUMENT_SOURCES = (RevocationSource.EMBEDDED, RevocationSource.DSS)


@dataclass(frozen=True)
class Group:
    """Revocation data from one source."""

    source: RevocationSource
    crls: tuple[crl.CertificateList, ...] = ()
    ocsps: tuple[ocsp.OCSPResponse, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """Revocation data by source (the document's own, then the revocation folder's), and the
    certificates the document carries."""

    groups: tuple[Group, ...]
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
            if g.source in DOCUMENT_SOURCES and (g.crls or g.ocsps)
        )

    @property
    def from_document(self) -> bool:
        """Whether the document itself carries revocation data or certificates."""
        return bool(self.certs) or any(g.crls or g.ocsps for g in self.groups if g.source in DOCUMENT_SOURCES)


def document_evidence(reader: PdfFileReader, filled: list[tuple[str, Any, Any]]) -> Evidence:
    """The revocation data and certificates the document carries: its signatures' CMS archival
    attributes and its DSS (a damaged item is left out)."""
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
                    # DER is never predictor-encoded, and pyHanko's predictor decoding is slow
                    if uses_predictor(stream):
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
    return Evidence(
        (
            Group(RevocationSource.EMBEDDED, tuple(crls), tuple(ocsps)),
            Group(RevocationSource.DSS, tuple(dss_crls), tuple(dss_ocsps)),
        ),
        tuple(certs),
    )


def revocation_status(
    status: PdfSignatureStatus, context: ValidationContext, soft_fails: int, groups: tuple[Group, ...]
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
            if group_revokes(group, cert):
                return RevocationStatus.REVOKED, group.source
        return RevocationStatus.REVOKED, RevocationSource.NONE
    if not status.trusted or status.validation_path is None:
        return RevocationStatus.NOT_CHECKED, RevocationSource.NONE
    if len(context.soft_fail_exceptions) > soft_fails:
        return RevocationStatus.UNKNOWN, RevocationSource.NONE
    for group in groups:
        if group_covers(group, cert):
            return RevocationStatus.GOOD, group.source
    return RevocationStatus.UNKNOWN, RevocationSource.NONE


def online_group(context: ValidationContext, evidence: Evidence) -> Group:
    """What the context fetched: everything it knows beyond the evidence it was given."""
    if not context.fetching_allowed:
        return Group(RevocationSource.ONLINE)
    given_crls = {c.dump() for c in evidence.crls}
    given_ocsps = {o.dump() for o in evidence.ocsps}
    return Group(
        RevocationSource.ONLINE,
        tuple(c for c in context.crls if c.dump() not in given_crls),
        tuple(o for o in context.ocsps if o.dump() not in given_ocsps),
    )


def group_covers(group: Group, cert: x509.Certificate) -> bool:
    return any(_crl_covers(c, cert) for c in group.crls) or any(_ocsp_covers(r, cert) for r in group.ocsps)


def group_revokes(group: Group, cert: x509.Certificate) -> bool:
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


def evidence_words(evidence: Evidence, groups: tuple[Group, ...], cert: x509.Certificate) -> tuple[str, ...]:
    """The sources named in a signature's revocation_evidence: the document's own that hold data, then
    each other source (folder, online) whose data covers the signer's certificate."""
    words = list(evidence.sources)
    for group in groups:
        word = EVIDENCE_WORDS.get(group.source)
        if group.source not in DOCUMENT_SOURCES and word and group_covers(group, cert):
            words.append(word)
    return tuple(words)
