#!/usr/bin/env python3
"""Issue 17: legitimate changes after signing, on files signed by two independent signers.

Real exchanges change signed PDFs every day in ways their permissions allow: forms are filled after
signing, a second agency signs, a leader comments (bút phê), the receiving office stamps the incoming
number and date (dấu đến), validation data is added. Each class here is built on a letter signed by
pyHanko and on the same letter signed by iText 5 (tests/foreign/ItextSign.java through
make_foreign_corpus.Itext), then changed with pyHanko's IncrementalPdfFileWriter, as e-office tools
write such updates (a new revision holding the annotation or field value, its appearance stream and the
bookkeeping: the page's /Annots, the /AcroForm /DR fonts, a rewritten catalogue).

The Decree 30 order (a person's signature, then the agency's) followed by a comment, and a certified
letter whose revision ends with %%EOF CR LF signed again, are there too (issue 17's misses).

Classes: ``form-fill`` (text, check box, radio, combo box and list box), ``approval-after-certification``
(DocMDP P=2, then a visible approval signature whose appearance brings its font), ``comment`` (Text,
FreeText, Ink, Stamp, Highlight; one with the catalogue and /AcroForm /DR rewritten too),
``incoming-stamp`` (a Stamp and a FreeText with an incoming number and date), ``validation-data``
(DSS, document timestamp). Every case is ``valid`` (every signature intact, changes ``permitted``).

Run ``python scripts/make_legit_changes.py --out DIR`` (needs java/javac and iText 5, see
make_foreign_corpus.missing_tools) to write the files and ``index.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "scripts")]

from make_attack_files import (  # noqa: E402
    DEMO_PKI,
    PERSONAL,
    _helvetica,
    _write,
    add_dss,
    fill_field,
    prepared_letter,
    sign,
)
from make_foreign_corpus import Itext, write_p12  # noqa: E402

from realsign import (  # noqa: E402
    Credential,
    issue,
    last_byte_range,
    load_issuer,
    pyhanko_signer,
    resign_last,
    timestamper,
)
from realsign import sign as realsign_sign  # noqa: E402  (strict=False: reads hybrid files)

CHECKBOX, RADIO, COMBO, LISTBOX = "DaXem", "DoKhan", "NoiNhan", "LinhVuc"
ITEXT_FIELD = "Sig_iText"
SIGNERS = ("pyhanko", "itext")


@dataclass(frozen=True)
class LegitCase:
    """One signed file changed afterwards in a way its permissions allow."""

    name: str
    signer: str  # pyhanko | itext: who made the signature(s) the change follows
    kind: str  # form-fill | approval-after-certification | comment | incoming-stamp | validation-data
    description: str
    data: bytes
    category: str  # the change category the validator should give (issue 17, item 1)


def _box(*numbers: float) -> generic.ArrayObject:
    return generic.ArrayObject([generic.FloatObject(n) for n in numbers])


def _appearance(
    w: IncrementalPdfFileWriter, data: bytes, width: float, height: float
) -> generic.IndirectObject:
    font = w.add_object(_helvetica())
    return w.add_object(
        generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): _box(0, 0, width, height),
                pdf_name("/Resources"): generic.DictionaryObject(
                    {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/Helv"): font})}
                ),
            },
            stream_data=data,
        )
    )


def _widget(
    rect: tuple[float, float, float, float], **entries: generic.PdfObject
) -> generic.DictionaryObject:
    widget = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/Rect"): _box(*rect),
        }
    )
    widget.update({pdf_name("/" + k): v for k, v in entries.items()})
    return widget


def form_letter() -> bytes:
    """The prepared letter (a text field) plus a check box, a radio group of two buttons, a combo box
    and a list box, each empty and with appearance streams for its states, as form designers write."""
    w = IncrementalPdfFileWriter(io.BytesIO(prepared_letter()))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    acroform = w.root["/AcroForm"]
    added: list[generic.IndirectObject] = []

    def states(on: str, rect: tuple[float, float, float, float]) -> generic.DictionaryObject:
        size = rect[2] - rect[0]
        yes = _appearance(w, b"0 g BT /Helv 10 Tf 2 2 Td (X) Tj ET", size, size)
        off = _appearance(w, b"", size, size)
        return generic.DictionaryObject(
            {pdf_name("/N"): generic.DictionaryObject({pdf_name(on): yes, pdf_name("/Off"): off})}
        )

    box = (72, 300, 84, 312)
    added.append(
        w.add_object(
            _widget(
                box,
                FT=pdf_name("/Btn"),
                T=pdf_string(CHECKBOX),
                V=pdf_name("/Off"),
                AS=pdf_name("/Off"),
                AP=states("/Yes", box),
            )
        )
    )
    radio = w.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/FT"): pdf_name("/Btn"),
                pdf_name("/Ff"): generic.NumberObject(49152),  # radio, no toggle to off
                pdf_name("/T"): pdf_string(RADIO),
                pdf_name("/V"): pdf_name("/Off"),
            }
        )
    )
    kids = generic.ArrayObject()
    for i, state in enumerate(("/Thuong", "/Khan")):
        rect = (72 + 40 * i, 280, 84 + 40 * i, 292)
        kid = w.add_object(_widget(rect, Parent=radio, AS=pdf_name("/Off"), AP=states(state, rect)))
        kids.append(kid)
        page["/Annots"].append(kid)
    radio.get_object()[pdf_name("/Kids")] = kids
    acroform["/Fields"].append(radio)
    for name, flags, rect in ((COMBO, 131072, (72, 250, 272, 266)), (LISTBOX, 0, (300, 220, 500, 266))):
        options = generic.ArrayObject([pdf_string(o) for o in ("Sở Tài chính", "Sở Nội vụ", "UBND huyện")])
        added.append(
            w.add_object(
                _widget(
                    rect,
                    FT=pdf_name("/Ch"),
                    Ff=generic.NumberObject(flags),
                    T=pdf_string(name),
                    Opt=options,
                    DA=pdf_string("/Helv 10 Tf 0 g"),
                    AP=generic.DictionaryObject({pdf_name("/N"): _appearance(w, b"", rect[2] - rect[0], 16)}),
                )
            )
        )
    for ref in added:
        page["/Annots"].append(ref)
        acroform["/Fields"].append(ref)
    acroform["/DR"][pdf_name("/Font")] = generic.DictionaryObject(
        {pdf_name("/Helv"): w.add_object(_helvetica())}
    )
    w.update_container(page)
    w.update_container(acroform)
    return _write(w)


def _field(w: IncrementalPdfFileWriter, name: str) -> generic.IndirectObject:
    for ref in w.root["/AcroForm"]["/Fields"]:
        if ref.get_object().get("/T") == name:
            return ref
    raise KeyError(name)


def fill_choice(pdf: bytes, name: str) -> bytes:
    """A combo or list box filled: /V, the option index /I and a new appearance, as viewers write it."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    ref = _field(w, name)
    field = ref.get_object()
    rect = [float(v) for v in field["/Rect"]]
    field[pdf_name("/V")] = pdf_string("Sở Nội vụ")
    field[pdf_name("/I")] = generic.ArrayObject([generic.NumberObject(1)])
    text = b"/Tx BMC BT /Helv 10 Tf 2 4 Td (So Noi vu) Tj ET EMC"
    field[pdf_name("/AP")] = generic.DictionaryObject(
        {pdf_name("/N"): _appearance(w, text, rect[2] - rect[0], rect[3] - rect[1])}
    )
    w.mark_update(ref)
    return _write(w)


def fill_checkbox(pdf: bytes) -> bytes:
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    ref = _field(w, CHECKBOX)
    ref.get_object()[pdf_name("/V")] = pdf_name("/Yes")
    ref.get_object()[pdf_name("/AS")] = pdf_name("/Yes")
    w.mark_update(ref)
    return _write(w)


def fill_radio(pdf: bytes) -> bytes:
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    ref = _field(w, RADIO)
    ref.get_object()[pdf_name("/V")] = pdf_name("/Khan")
    w.mark_update(ref)
    kid = ref.get_object()["/Kids"].raw_get(1)
    kid.get_object()[pdf_name("/AS")] = pdf_name("/Khan")
    w.mark_update(kid)
    return _write(w)


# Comments as a leader's bút phê, in a blank part of the letter (left, between the body and the
# signature images); OVER_TEXT lies on the body text (a comment may cover it: the visual check says so).
COMMENT_RECT = (72, 360, 182, 420)
OVER_TEXT = (300, 560, 410, 620)


def add_annotation(
    pdf: bytes,
    subtype: str,
    text: str,
    *,
    bookkeeping: bool = False,
    rect: tuple[float, float, float, float] = COMMENT_RECT,
) -> bytes:
    """A markup annotation on page 1 with its appearance stream (and a pop-up for Text), written as
    e-office tools do: new annotation objects and the page's /Annots updated. ``bookkeeping``: the tool
    also rewrites the catalogue and adds its font to /AcroForm /DR."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref = w.root["/Pages"]["/Kids"].raw_get(0)
    x0, y0, x1, y1 = rect
    drawn = {
        "/Text": b"1 1 0 rg 0 0 20 20 re f",
        "/FreeText": b"1 0 0 RG 0 0 110 60 re S BT /Helv 9 Tf 1 0 0 rg 4 40 Td (%s) Tj ET",
        "/Stamp": b"1 0 0 RG 2 w 2 2 106 56 re S BT /Helv 9 Tf 1 0 0 rg 6 38 Td (%s) Tj ET",
        "/Ink": b"0 0 1 RG 1 w 5 5 m 50 40 l 100 10 l S",
        "/Highlight": b"1 1 0 rg 0 0 110 12 re f",
    }[subtype]
    if b"%s" in drawn:
        drawn = drawn % text.encode("ascii", "replace")
    annot = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name(subtype),
            pdf_name("/Rect"): _box(*rect),
            pdf_name("/Contents"): pdf_string(text),
            pdf_name("/P"): page_ref,
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/T"): pdf_string("Văn thư"),
            pdf_name("/M"): pdf_string("D:20240312090000+07'00'"),
            pdf_name("/AP"): generic.DictionaryObject(
                {pdf_name("/N"): _appearance(w, drawn, x1 - x0, y1 - y0)}
            ),
        }
    )
    if subtype == "/FreeText":
        annot[pdf_name("/DA")] = pdf_string("/Helv 9 Tf 1 0 0 rg")
    if subtype == "/Ink":
        annot[pdf_name("/InkList")] = generic.ArrayObject(
            [_box(x0 + 5, y0 + 5, x0 + 50, y0 + 40, x0 + 100, y0 + 10)]
        )
    if subtype == "/Highlight":
        annot[pdf_name("/QuadPoints")] = _box(x0, y0 + 12, x1, y0 + 12, x0, y0, x1, y0)
    annot_ref = w.add_object(annot)
    if subtype == "/Text":
        popup = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Popup"),
                pdf_name("/Rect"): _box(x0, y0 - 80, x1, y0),
                pdf_name("/Parent"): annot_ref,
            }
        )
        popup_ref = w.add_object(popup)
        annot[pdf_name("/Popup")] = popup_ref
        w.register_annotation(page_ref, popup_ref)
    w.register_annotation(page_ref, annot_ref)
    if bookkeeping:
        acroform = w.root["/AcroForm"]
        dr = acroform.setdefault(pdf_name("/DR"), generic.DictionaryObject())
        dr.setdefault(pdf_name("/Font"), generic.DictionaryObject())[pdf_name("/Helv")] = w.add_object(
            _helvetica()
        )
        w.update_container(acroform)
        w.update_root()
    return _write(w)


INCOMING = "ĐẾN Số: 1234 Ngày: 12/03/2024"


def add_document_timestamp(pdf: bytes, issuer_cred: Credential) -> bytes:
    """An RFC 3161 document timestamp (/DocTimeStamp) in a new revision."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stamper = signers.PdfTimeStamper(timestamper(issuer_cred.issuer))
    return stamper.timestamp_pdf(w, "sha256").getvalue()


def approval_after_certification(pdf: bytes, agency: Credential) -> bytes:
    """A visible approval signature in a new field (its appearance brings a font and XObjects)."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="Sig_PheDuyet")
    spec = fields.SigFieldSpec(sig_field_name="Sig_PheDuyet", box=(72, 430, 272, 500))
    return signers.PdfSigner(meta, signer=pyhanko_signer(agency), new_field_spec=spec).sign_pdf(w).getvalue()


def certified_crlf(pdf: bytes, agency: Credential) -> bytes:
    """``pdf`` certified (P=2) by ``agency``, its revision ending with %%EOF CR LF (as some writers end
    it) and the ByteRange covering both bytes: signed again over exactly that range."""
    certified = sign(pdf, agency, "Sig_CoQuan", certify=fields.MDPPerm.FILL_FORMS)
    assert certified.endswith(b"%%EOF\n")
    data = certified[:-1] + b"\r\n"
    _, first_end, second_start, _ = last_byte_range(certified)
    return resign_last(data, agency, [0, first_end, second_start, len(data) - second_start])


def build_legit_cases(workdir: Path) -> list[LegitCase]:
    """Every class on a pyHanko-signed and an iText-signed letter; ``workdir`` holds iText's files."""
    issuer = load_issuer(DEMO_PKI)
    person = issue(issuer, cn="Nguyễn Văn Thử", uid="CCCD:001090000003")
    agency = issue(issuer)
    itext = Itext(workdir)
    person_p12 = write_p12(person, workdir / "person.p12", "person")
    agency_p12 = write_p12(agency, workdir / "agency.p12", "agency")
    letter = form_letter()
    bases = {
        "pyhanko": sign(letter, person, PERSONAL),
        "itext": itext.sign(letter, person_p12, field=ITEXT_FIELD, append=True),
    }
    certified = {
        "pyhanko": sign(letter, agency, "Sig_CoQuan", certify=fields.MDPPerm.FILL_FORMS),
        "itext": itext.sign(letter, agency_p12, field=ITEXT_FIELD, append=True, certify=2),
    }
    decree30 = {  # the Decree 30 order: the person signs, then the agency in a later revision
        "pyhanko": sign(bases["pyhanko"], agency, "Sig_CoQuan"),
        "itext": itext.sign(bases["itext"], agency_p12, field="Sig_iText_CoQuan", append=True),
    }
    cases: list[LegitCase] = [
        LegitCase(
            "pyhanko-certified-crlf-signed-again",
            "pyhanko",
            "approval-after-certification",
            "certified P=2, its revision ending %%EOF CR LF, the next one starting with CR, signed again",
            sign(certified_crlf(letter, agency) + b"\r", person, PERSONAL),
            "signature",
        )
    ]
    for who in SIGNERS:
        base = bases[who]

        def add(name: str, kind: str, description: str, data: bytes, category: str, who: str = who) -> None:
            cases.append(LegitCase(f"{who}-{name}", who, kind, description, data, category))

        add("fill-text", "form-fill", "the text field filled", fill_field(base), "form_fill")
        add("fill-checkbox", "form-fill", "the check box ticked (/V, /AS)", fill_checkbox(base), "form_fill")
        add("fill-radio", "form-fill", "a radio button chosen", fill_radio(base), "form_fill")
        add("fill-combo", "form-fill", "a combo box filled (/V, /I)", fill_choice(base, COMBO), "form_fill")
        add(
            "fill-listbox", "form-fill", "a list box filled (/V, /I)", fill_choice(base, LISTBOX), "form_fill"
        )
        for subtype in ("/Text", "/FreeText", "/Ink", "/Stamp", "/Highlight"):
            data = add_annotation(base, subtype, "Đã xem, chuyển phòng Tài chính")
            add(f"comment-{subtype[1:].lower()}", "comment", f"a {subtype[1:]} comment", data, "annotation")
        data = add_annotation(base, "/FreeText", "Đồng ý", bookkeeping=True)
        add(
            "comment-bookkeeping",
            "comment",
            "a comment; catalogue and /AcroForm /DR rewritten",
            data,
            "annotation",
        )
        for subtype in ("/Stamp", "/FreeText"):
            data = add_annotation(base, subtype, INCOMING)
            add(
                f"incoming-{subtype[1:].lower()}",
                "incoming-stamp",
                f"{INCOMING} as {subtype[1:]}",
                data,
                "incoming_stamp",
            )
        add("dss", "validation-data", "DSS with the chain and a CRL", add_dss(base, issuer), "dss")
        stamped = add_document_timestamp(base, agency)
        add("doc-timestamp", "validation-data", "a document timestamp", stamped, "document_timestamp")
        data = add_annotation(decree30[who], "/Text", "Đã xem, chuyển phòng Tài chính")
        add(
            "decree30-comment",
            "comment",
            "personal, then agency signature, then a comment",
            data,
            "annotation",
        )
        data = approval_after_certification(certified[who], person)
        add(
            "approval-after-p2",
            "approval-after-certification",
            "certified P=2, then a visible approval",
            data,
            "signature",
        )
    return cases


def hybrid_reference(pdf: bytes) -> bytes:
    """``pdf`` with an update as office suites write it: a classic cross-reference section whose trailer
    names a cross-reference stream (/XRefStm) for an object kept in an object stream (a hybrid-reference
    file, ISO 32000-1 7.5.8.4), which strict parsing refuses to validate."""
    reader = PdfFileReader(io.BytesIO(pdf))
    size, root = int(reader.trailer["/Size"]), reader.trailer.raw_get("/Root")
    prev = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    member, objstm, xrefstm = size, size + 1, size + 2
    head = b"%d 0 " % member
    packed = head + b"<< /Producer (office suite) >>"
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    objstm_at = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N 1 /First %d /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        objstm,
        len(head),
        len(packed),
        packed,
    )
    row = bytes([2]) + objstm.to_bytes(4, "big") + (0).to_bytes(2, "big")  # "in object stream objstm, 0"
    xref_at = len(out)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%d 1] /Length %d >>\nstream\n" % (
        xrefstm,
        xrefstm + 1,
        member,
        len(row),
    )
    out += row + b"\nendstream\nendobj\n"
    table_at = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (objstm, objstm_at)
    out += b"trailer\n<< /Size %d /Root %d %d R /Prev %d /XRefStm %d >>\n" % (
        xrefstm + 1,
        root.idnum,
        root.generation,
        prev,
        xref_at,
    )
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % table_at)


def x509_general_name(name: asn1_x509.Name) -> asn1_x509.GeneralName:
    return asn1_x509.GeneralName({"directory_name": name})


def second_signer_info(pdf: bytes, cred: Credential) -> bytes:
    """The last signature's CMS with a second SignerInfo: ``cred`` signs the same signed attributes
    (so the same document digest), and its certificate is added; the /Contents room must hold it."""
    _, first_end, second_start, _ = last_byte_range(pdf)
    hexed = pdf[first_end + 1 : second_start - 1]
    der = bytes.fromhex(hexed.decode())
    info = cms.ContentInfo.load(der)
    info = cms.ContentInfo.load(der[: len(info.dump())])  # without the zero padding
    signed_data = info["content"]
    first = signed_data["signer_infos"][0]
    cert = asn1_x509.Certificate.load(cred.cert.public_bytes(serialization.Encoding.DER))
    # the same attributes (content type, digest, time) but its own signing-certificate attribute
    cert_id = tsp.ESSCertIDv2(
        {
            "hash_algorithm": {"algorithm": "sha256"},
            "cert_hash": hashlib.sha256(cert.dump()).digest(),
            "issuer_serial": {
                "issuer": [x509_general_name(cert.issuer)],
                "serial_number": cert.serial_number,
            },
        }
    )
    own = cms.CMSAttribute(
        {"type": "signing_certificate_v2", "values": [tsp.SigningCertificateV2({"certs": [cert_id]})]}
    )
    kept = [
        a
        for a in first["signed_attrs"]
        if a["type"].native not in ("signing_certificate_v2", "signing_certificate")
    ]
    attrs = cms.CMSAttributes([*kept, own])
    value = cred.key.sign(attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
    sid = cms.IssuerAndSerialNumber({"issuer": cert.issuer, "serial_number": cert.serial_number})
    second = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": sid}),
            "digest_algorithm": first["digest_algorithm"],
            "signed_attrs": attrs,
            "signature_algorithm": first["signature_algorithm"],  # as CMSAlgorithmProtection names it
            "signature": value,
        }
    )
    signed_data["signer_infos"] = cms.SignerInfos([first, second])
    certs = [*signed_data["certificates"], cms.CertificateChoices({"certificate": cert})]
    signed_data["certificates"] = cms.CertificateSet(certs)
    new = info.dump(force=True).hex().upper().encode()
    assert len(new) <= len(hexed), "no room for the second SignerInfo"
    return pdf[: first_end + 1] + new.ljust(len(hexed), b"0") + pdf[second_start - 1 :]


def build_odd_cases() -> list[LegitCase]:
    """Odd but legal files (issue 17, item 4): a hybrid-reference file signed; a signature whose CMS
    holds two SignerInfos (a person's and an agency's key over the same signed attributes)."""
    issuer = load_issuer(DEMO_PKI)
    person = issue(issuer, cn="Nguyễn Văn Thử", uid="CCCD:001090000003")
    hybrid = realsign_sign(hybrid_reference(prepared_letter()), person, field=PERSONAL)
    w = IncrementalPdfFileWriter(io.BytesIO(prepared_letter()))
    meta = signers.PdfSignatureMetadata(field_name=PERSONAL)
    roomy = (
        signers.PdfSigner(meta, signer=pyhanko_signer(person)).sign_pdf(w, bytes_reserved=16384).getvalue()
    )
    two = second_signer_info(roomy, issue(issuer))
    odd = "odd-but-legal"
    return [
        LegitCase(
            "pyhanko-hybrid-reference", "pyhanko", odd, "a hybrid-reference file, signed", hybrid, "none"
        ),
        LegitCase("pyhanko-two-signer-infos", "pyhanko", odd, "a CMS with two SignerInfos", two, "none"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="legit-") as tmp:
        cases = [*build_legit_cases(Path(tmp)), *build_odd_cases()]
    index = []
    for case in cases:
        (args.out / f"{case.name}.pdf").write_bytes(case.data)
        index.append(
            {
                "file": f"{case.name}.pdf",
                "signer": case.signer,
                "kind": case.kind,
                "description": case.description,
                "category": case.category,
            }
        )
    (args.out / "index.json").write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"{len(index)} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
