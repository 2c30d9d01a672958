"""Regression files: deterministic hostile inputs for tests/regressions (``build_regressions``).

Each is derived from one valid sample of the archive and exercises one defence of the engine;
``fuzz_pdf.py --write-regressions DIR`` writes them and tests/validation/test_regressions.py checks
that the files there are byte for byte what this builds.
"""

from __future__ import annotations

import re
from typing import Any

from fuzz_sigmutators import (
    ESS_SIGNING_CERTIFICATE,
)
from fuzz_surgery import (
    _CONTENTS_HEX,
    _REF,
    append_update,
    append_xref_stream_update,
    bomb_stream,
    byterange_values,
    catalog_with,
    der_length,
    fit,
    last_startxref,
    nested,
    next_object_number,
    object_span,
    root_ref,
    set_byterange,
    set_contents,
    stream_object,
    zeros_deflated,
)

# The regression files are derived from this sample (a valid two-signature letter, pyHanko-signed).
REGRESSION_BASE = "tinh/ubnd-tinh/2024/120-UBND-KGVX_2024-02-05.pdf"
# A revoked signer whose CRL travels in the DSS, next to two certificates (bug 1 of the campaign).
REGRESSION_REVOKED_DSS = "xa/gia-cam/2024/33-UBND_2024-03-19.pdf"


def build_regressions(corpus: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """Named hostile inputs derived from one valid sample, each exercising one defence of the engine."""
    base = next((d for p, d in corpus if p.endswith(REGRESSION_BASE)), None)
    if base is None:
        raise SystemExit(f"the corpus has no {REGRESSION_BASE}")
    out: dict[str, bytes] = {}
    a, b, c, d = byterange_values(base, -1) or [0, 0, 0, 0]
    br = {
        "byterange-beyond-eof.pdf": b"%d %d %d %d" % (a, b, c, d + 100000),
        "byterange-gap.pdf": b"%d %d %d %d" % (a, b - 10, c, d),
        "byterange-overlap.pdf": b"%d %d %d %d" % (a, c + 5, c, d),
        "byterange-negative.pdf": b"%d %d %d %d" % (a, -b, c, d),
        "byterange-three-numbers.pdf": b"%d %d %d" % (a, b, c),
    }
    for name, values in br.items():
        out[name] = _require(set_byterange(base, -1, values), name)
    out["contents-not-hex.pdf"] = _require(set_contents(base, -1, lambda h: h[:40] + b"ZZ" + h[42:]), "hex")
    # one hex digit dropped inside the DER (a dropped trailing digit is legal: it reads as 0)
    out["contents-odd-length.pdf"] = _require(set_contents(base, -1, lambda h: h[:99] + h[100:]), "odd")
    out["contents-truncated-der.pdf"] = _require(
        set_contents(base, -1, lambda h: h[: der_length(h)] + b"0" * (len(h) - der_length(h))), "truncated"
    )
    out["contents-der-2000-deep.pdf"] = _require(
        set_contents(base, -1, lambda h: b"3080" * (len(h) // 4)), "der"
    )
    objects = catalog_with(base, b"/SigauditFuzz " + nested("array", 10000))
    out["nesting-10000-deep.pdf"] = append_update(base, _require(objects, "nesting"))
    objects = catalog_with(base, b"/SigauditFuzz " + nested("dict", 10000))
    out["dict-nesting-10000-deep.pdf"] = append_update(base, _require(objects, "dict nesting"))
    number = next_object_number(base)
    filters, payload = bomb_stream("double-4g")
    objects = _require(catalog_with(base, b"/DSS %d 0 R" % (number + 1)), "bomb")
    objects[number] = stream_object(filters, payload)
    objects[number + 1] = b"<< /Certs [%d 0 R] /CRLs [%d 0 R] >>" % (number, number)
    out["flate-bomb-dss.pdf"] = append_update(base, objects)
    filters, payload = bomb_stream("double-4g")
    out["flate-bomb-xref-stream.pdf"] = append_xref_stream_update(
        base, {}, stream_override=(payload, filters)
    )
    out["encrypt-nowhere.pdf"] = append_update(base, {}, trailer_extra=b"/Encrypt 99999 0 R")
    start = last_startxref(base) or 0
    out["prev-cycle.pdf"] = _prev_cycle(base)
    out["startxref-beyond-eof.pdf"] = base.replace(
        b"startxref\n%d" % start, b"startxref\n%d" % (len(base) * 10)
    )
    out["garbage-after-eof.pdf"] = base + bytes(range(256)) * 16
    out["dss-certificate-bad-extension-tag.pdf"] = _bad_dss_certificate(corpus)
    out["signer-certificate-bad-spki-tag.pdf"] = _bad_signer_certificate(base)
    out["dss-crl-issuer-not-utf8.pdf"] = _bad_dss_crl(corpus)
    out["dss-predictor-bomb.pdf"] = _dss_predictor_bomb(base)
    out["xref-stream-1e8-objects-no-data.pdf"] = _xref_stream_overclaim(base, b"[1 4 2]")
    out["xref-stream-1e8-objects-zero-widths.pdf"] = _xref_stream_overclaim(base, b"[0 0 0]")
    return out


def _dss_predictor_bomb(base: bytes) -> bytes:
    """A DSS certificate stream: 128 MiB of zeros deflated to ~130 KB, with /Predictor 12 /Columns 1.

    pyHanko undoes PNG predictors row by row in Python; the engine read DSS streams with the generic
    256 MiB limit, so this took 27 s (250 MiB: 46 s) in validate_pdf (campaign bug 5).
    """
    filters = b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 1 >>"
    number = next_object_number(base)
    objects = _require(catalog_with(base, b"/DSS %d 0 R" % (number + 1)), "DSS predictor bomb")
    objects[number] = stream_object(filters, zeros_deflated(128))
    objects[number + 1] = b"<< /Certs [%d 0 R] >>" % number
    return append_update(base, objects)


def _xref_stream_overclaim(base: bytes, widths: bytes) -> bytes:
    """An appended cross-reference stream declaring 10^8 objects with no data for them.

    pyHanko made an entry for each (lenient parsing pads missing data with defaults; /W [0 0 0] needs
    none even when strict): this ~45 KB file took 24 GB before the kernel killed the process
    (campaign bug 4, mutator xref_stream).
    """
    number = next_object_number(base)
    ref = root_ref(base) or (1, 0)
    at = len(base)
    head = (
        b"<< /Type /XRef /Size 100000000 /W %s /Index [0 100000000] /Root %d %d R /Length 0 /Prev %d >>"
        % (
            widths,
            ref[0],
            ref[1],
            last_startxref(base) or 0,
        )
    )
    tail = b"%d 0 obj\n%s\nstream\n\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % (number, head, at)
    return base + tail


def _bad_dss_crl(corpus: list[tuple[str, bytes]]) -> bytes:
    """The DSS CRL's issuer name with a UTF8String that is not UTF-8 (its first byte set to 0xff).

    The engine's revocation summary compared that name with the signer's issuer; asn1crypto decodes
    it only then, so validate_pdf raised UnicodeDecodeError (campaign bug 3, mutator dss).
    """
    from asn1crypto import crl

    data = _require(next((d for p, d in corpus if p.endswith(REGRESSION_REVOKED_DSS)), None), "DSS CRL")
    crls = _require(re.search(rb"/CRLs\s*\[([^\]]*)\]", data), "DSS /CRLs")
    span = _require(object_span(data, int(_REF.findall(crls.group(1))[0][0])), "DSS CRL object")
    head = data.find(b"stream", span[0], span[1])
    start = head + len(b"stream") + (2 if data[head + 6 : head + 8] == b"\r\n" else 1)
    issuer = crl.CertificateList.load(data[start : data.rfind(b"endstream", start, span[1])].rstrip())[
        "tbs_cert_list"
    ]["issuer"].dump()
    at = data.find(issuer, start) + issuer.find(b"\x0c") + 2  # first content byte of a UTF8String
    return data[:at] + b"\xff" + data[at + 1 :]


def _bad_signer_certificate(base: bytes) -> bytes:
    """The agency signature without the ESS signing-certificate attribute (as older signers write it),
    its signer certificate's public-key algorithm tagged [6] instead of SEQUENCE.

    asn1crypto (pyHanko) reads past it lazily; cryptography's strict parser refuses it, and the engine's
    certificate_info raised out of validate_pdf (campaign bug 2, mutator cms_struct).
    """
    from asn1crypto import cms

    m = list(_CONTENTS_HEX.finditer(base))[-1]
    info_ = cms.ContentInfo.load(bytes.fromhex(m.group(1).decode()))
    signed = info_["content"]
    signer = signed["signer_infos"][0]
    attrs = [a for a in signer["signed_attrs"] if a["type"].dotted not in ESS_SIGNING_CERTIFICATE]
    signer["signed_attrs"] = cms.CMSAttributes(attrs)
    raw = bytearray(info_.dump(force=True))
    serial = signer["sid"].chosen["serial_number"].native
    cert = next(c.chosen for c in signed["certificates"] if c.chosen.serial_number == serial)
    spki = cert["tbs_certificate"]["subject_public_key_info"].dump()
    header = 2 if spki[1] < 0x80 else 2 + (spki[1] & 0x7F)
    raw[raw.find(spki) + header] = 0xA6
    return base[: m.start(1)] + fit(raw.hex().encode(), len(m.group(1))) + base[m.end(1) :]


def _bad_dss_certificate(corpus: list[tuple[str, bytes]]) -> bytes:
    """The last DSS certificate's first extension OID tagged [APPLICATION 6] instead of OBJECT IDENTIFIER.

    asn1crypto loads such a certificate lazily without complaint; pyhanko-certvalidator then raised
    while building the validation context, so validate_pdf raised (campaign seed 1, input 218).
    """
    data = next((d for p, d in corpus if p.endswith(REGRESSION_REVOKED_DSS)), None)
    data = _require(data, "DSS certificate")
    certs = re.search(rb"/Certs\s*\[([^\]]*)\]", data)
    refs = _REF.findall(_require(certs, "DSS /Certs").group(1))
    span = object_span(data, int(_require(refs, "DSS certificate")[-1][0]))
    start = data.find(b"stream", _require(span, "DSS certificate object")[0])
    at = data.find(b"\x06\x03\x55\x1d", start)  # an id-ce extension OID
    _require(at if 0 < at < span[1] else None, "certificate extension")
    return data[:at] + b"\x46" + data[at + 1 :]


def _prev_cycle(base: bytes) -> bytes:
    """An update whose trailer's /Prev points at its own cross-reference section."""
    once = append_update(base, {})
    own = last_startxref(once) or 0
    return once.replace(b"/Prev %d" % (last_startxref(base) or 0), b"/Prev %d" % own)


def _require(value: Any, what: str) -> Any:
    if value is None:
        raise SystemExit(f"cannot build the {what} regression: the base sample lacks the structure")
    return value
