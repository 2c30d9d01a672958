"""ETSI TS 119 102-2 validation reports, one XML file per signed document (``--etsi-report DIR``).

Tools that speak the EU standard (EU DSS and its viewers, eIDAS validation services) read these. Each
filled signature field becomes a ``SignatureValidationReport`` with the main and sub-indication of
ETSI EN 319 102-1 (the same values sigaudit reports), the validation time, the claimed signing time and
the timestamp time, the signer and the certificate chain as validation objects (identified by the
SHA-256 of their DER encoding, the representation TS 119 102-2 allows when the object itself is not
embedded). ``SignersDocument`` carries the SHA-256 of the whole file as found in the archive — the
value the JSON and CSV reports give, so an auditor can tie the three together. The validation policy
is named in ``SignatureValidationServicePolicy`` as ``urn:sigaudit:policy:<name>:sha256:<hex>``.

Files are named after the document's SHA-256 (``<sha256>.xml``), which is unique, safe as a file name
whatever the archive's names are, and re-checkable; ``index.csv`` maps each document path to its file.
Documents without a filled signature field get no report (the standard has no shape for "nothing to
validate"; they are in ``index.csv`` with an empty file name and their verdict).

Field and signer names come from the document: what XML 1.0 cannot hold is written as a visible escape
and a CR as ``&#13;`` (:mod:`.escape`), so every report parses. ``index.csv`` is RFC 4180, its paths
guarded against spreadsheet formulas like the CSV evidence's (unless ``--csv-raw``).
"""

from __future__ import annotations

import base64
import csv
import io
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from ..model import CertificateInfo, DocumentResult, SignatureResult, TimeBasis
from .context import ReportContext, policy_of
from .escape import RFC4180, csv_cell, xml_bytes, xml_text

VR = "http://uri.etsi.org/19102/v1.2.1#"
DS = "http://www.w3.org/2000/09/xmldsig#"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
MAIN = "urn:etsi:019102:mainindication:"
SUB = "urn:etsi:019102:subindication:"
PROCESS_BASIC = "urn:etsi:019102:validationprocess:Basic"
CERTIFICATE_OBJECT = "urn:etsi:019102:validationObject:certificate"
POE_VALIDATION = "urn:etsi:019102:poetype:validation"

register_namespace("", VR)
register_namespace("ds", DS)


def _vr(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    elem = SubElement(parent, f"{{{VR}}}{tag}", attrs)
    if text is not None:
        elem.text = text
    return elem


def _digest(parent: Element, hex_sha256: str) -> None:
    holder = _vr(parent, "DigestAlgAndValue")
    SubElement(holder, f"{{{DS}}}DigestMethod", {"Algorithm": SHA256})
    SubElement(holder, f"{{{DS}}}DigestValue").text = base64.b64encode(bytes.fromhex(hex_sha256)).decode()


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _main_indication(sig: SignatureResult) -> str:
    return MAIN + sig.indication.value.lower().replace("_", "-")


def _object_id(cert: CertificateInfo) -> str:
    return f"C-{cert.sha256.upper()}"


def policy_urn(name: str, sha256: str) -> str:
    """The validation policy as a URI (SignatureValidationServicePolicy is an anyURI)."""
    return f"urn:sigaudit:policy:{urllib.parse.quote(name, safe='')}:sha256:{sha256}"


def document_report(
    doc: DocumentResult, validation_time: datetime, policy: tuple[str, str] | None = None
) -> bytes:
    """The ValidationReport XML of one document with at least one filled signature field."""
    root = Element(f"{{{VR}}}ValidationReport")
    objects: dict[str, CertificateInfo] = {}
    for n, sig in enumerate(doc.outcome.signatures):
        report = _vr(root, "SignatureValidationReport")
        ident = _vr(report, "SignatureIdentifier", id=f"S-{doc.sha256[:16].upper()}-{n + 1}")
        _vr(ident, "HashOnly", "false")
        _vr(ident, "DocHashOnly", "false")
        _vr(ident, "DAIdentifier", xml_text(sig.field))
        info = _vr(report, "ValidationTimeInfo")
        _vr(info, "ValidationTime", _time(validation_time))
        if sig.timestamp_time is not None and sig.time_basis == TimeBasis.TIMESTAMP:  # a token that attests
            best = _vr(info, "BestSignatureTime")
            _vr(best, "POETime", _time(sig.timestamp_time))
            _vr(best, "TypeOfProof", POE_VALIDATION)
        _digest(_vr(report, "SignersDocument"), doc.sha256)
        if sig.claimed_signing_time is not None:
            attributes = _vr(report, "SignatureAttributes")
            signing = _vr(attributes, "SigningTime", Signed="true")
            _vr(signing, "Time", _time(sig.claimed_signing_time))
        if sig.signer is not None:
            signer = _vr(report, "SignerInformation")
            _vr(signer, "SignerCertificate", VOReference=_object_id(sig.signer))
            _vr(signer, "Signer", xml_text(sig.signer.common_name or sig.signer.subject))
            objects[_object_id(sig.signer)] = sig.signer
        process = _vr(report, "SignatureValidationProcess")
        _vr(process, "SignatureValidationProcessID", PROCESS_BASIC)
        if policy is not None:
            _vr(process, "SignatureValidationServicePolicy", policy_urn(*policy))
        status = _vr(report, "SignatureValidationStatus")
        _vr(status, "MainIndication", _main_indication(sig))
        if sig.sub_indication is not None:
            _vr(status, "SubIndication", SUB + sig.sub_indication.value)
    if objects:
        holder = _vr(root, "SignatureValidationObjects")
        for object_id, cert in objects.items():
            obj = _vr(holder, "ValidationObject", id=object_id)
            _vr(obj, "ObjectType", CERTIFICATE_OBJECT)
            _digest(_vr(obj, "ValidationObjectRepresentation"), cert.sha256)
    validator = _vr(root, "SignatureValidator")
    digital_id = _vr(validator, "DigitalId")
    SubElement(digital_id, f"{{{DS}}}X509SubjectName").text = "sigaudit"
    data: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return xml_bytes(data)


def write_etsi_reports(ctx: ReportContext, folder: Path) -> int:
    """Write one report per signed document and ``index.csv``; return the number of reports."""
    folder.mkdir(parents=True, exist_ok=True)
    started = ctx.run.manifest.get("validation_time") or ctx.run.manifest.get("started")
    moment = datetime.fromisoformat(str(started)) if started else datetime.now(UTC)
    index = io.StringIO()
    writer = csv.writer(index, dialect=RFC4180)
    writer.writerow(["path", "sha256", "verdict", "etsi_report"])
    written: set[str] = set()
    for doc in ctx.run.documents:
        name = ""
        if doc.outcome.signatures:
            name = f"{doc.sha256}.xml"
            if name not in written:  # copies of one document share one report
                (folder / name).write_bytes(document_report(doc, moment, policy_of(ctx.run.manifest)))
                written.add(name)
        writer.writerow([csv_cell(doc.path, ctx.csv_raw), doc.sha256, doc.verdict.value, name])
    (folder / "index.csv").write_text(index.getvalue(), encoding="utf-8", newline="")
    return len(written)
