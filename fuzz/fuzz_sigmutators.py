"""The fuzzer's signature mutators: the byte range, /Contents, the CMS and the Document Security Store.

Each is ``(rng, data, corpus) -> mutant``, or None when it does not apply to ``data``; fuzz_mutators.py
lists them with the others in ``MUTATORS``.
"""

from __future__ import annotations

import random
import re
from functools import cache

from fuzz_surgery import (
    _CONTENTS_HEX,
    _REF,
    append_update,
    byterange_values,
    catalog_with,
    der_length,
    fit,
    next_object_number,
    object_span,
    set_byterange,
    set_contents,
    stream_object,
)


def m_byterange(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    which = rng.randrange(8)
    values = byterange_values(data, which)
    n = len(data)
    if values is None or len(values) != 4:
        return set_byterange(data, which, rng.choice((b"0 0 0 0", b"", b"0 1 2")))
    a, b, c, d = values
    choices = [
        b"%d %d %d %d" % (a, b - 10, c, d),  # gap before /Contents
        b"%d %d %d %d" % (a, b, c + 10, d - 10),  # gap after /Contents
        b"%d %d %d %d" % (a, c + 5, c, d),  # overlap
        b"%d %d %d %d" % (a, b, c, d + 100000),  # beyond EOF
        b"%d %d %d %d" % (a, b, n + 10, 10),  # second range starts beyond EOF
        b"%d %d %d 9223372036854775807" % (a, b, c),
        b"%d %d %d %d" % (a, -b, c, d),
        b"-1 %d %d %d" % (b, c, d),
        b"%d %d %d" % (a, b, c),
        b"%d %d %d %d %d %d" % (a, b, c, d, n, 0),
        b"",
        b"%d %d %d %d" % (c, d, a, b),  # swapped
        b"0 %d 0 0" % n,  # covers everything, /Contents included
        b"0 0 0 0",
        b"%d.5 %d %d %d" % (a, b, c, d),
        b"%d %d (x) %d" % (a, b, d),
        b"%d %d 1 0 R %d" % (a, b, d),
        b"[%d %d %d %d]" % (a, b, c, d),
        b"%d %d %d %d" % (a, b + 1, c - 1, d),  # covers the < and > of /Contents
        b"%d 99999999999999999999999 %d %d" % (a, c, d),
        b"%d %d %d %d" % (a, b, c, d - 1),  # stops one byte short of EOF
        b"%d %d %d %d" % (a + 1, b - 1, c, d),
    ]
    return set_byterange(data, which, rng.choice(choices))


def m_contents(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    which = rng.randrange(8)
    choice = rng.randrange(11)

    def transform(digits: bytes) -> bytes:
        if not digits:
            return b"3080"
        used = min(len(digits), der_length(digits) * 2 or len(digits) // 2)
        if choice == 0:  # odd number of hex digits
            return digits[:-1]
        if choice == 1:  # non-hex characters
            out = bytearray(digits)
            for _ in range(rng.choice((1, 3, 50))):
                out[rng.randrange(len(out))] = rng.choice(b"GZxz!~\x00 ()")
            return bytes(out)
        if choice == 2:  # DER cut short (zero padding where the end was)
            cut = rng.randrange(0, max(1, used))
            return digits[:cut] + b"0" * (len(digits) - cut)
        if choice == 3:  # flip bytes inside the DER
            out = bytearray(digits)
            for _ in range(rng.choice((1, 2, 8))):
                i = rng.randrange(max(1, used))
                out[i] = rng.choice(b"0123456789abcdef")
            return bytes(out)
        if choice == 4:  # huge outer length
            return b"3084ffffffff" + digits[8:]
        if choice == 5:  # empty
            return b""
        if choice == 6:  # random DER-ish garbage
            return rng.randbytes(max(1, used // 2)).hex().encode()
        if choice == 7:  # deeply nested indefinite-length constructed values
            depth = min(len(digits) // 4, rng.choice((100, 1000, 4000)))
            return b"3080" * depth
        if choice == 8:  # another file's signature
            others = [m.group(1) for d in corpus for m in _CONTENTS_HEX.finditer(d)]
            return rng.choice(others)[: len(digits)] if others else digits[::-1]
        if choice == 9:  # trailing garbage after the DER
            return digits[:used] + b"ff" * 16
        return digits.upper()  # harmless: upper-case hex

    if choice == 10 and rng.random() < 0.5:  # a literal string instead of a hex string
        matches = list(_CONTENTS_HEX.finditer(data))
        if not matches:
            return None
        m = matches[which % len(matches)]
        new = b"/Contents (" + b"\\000" * ((m.end() - m.start() - 12) // 4) + b")"
        return data[: m.start()] + fit(new, m.end() - m.start()) + data[m.end() :]
    return set_contents(data, which, transform)


def cms_parts(raw: bytes) -> list[tuple[int, int]]:
    """Byte spans, inside a CMS SignedData, of the parts validation looks into: the certificates, the
    signed attributes (signing time, message digest, revocation archival), the signature value."""
    from asn1crypto import cms

    spans = []
    try:
        signed = cms.ContentInfo.load(raw)["content"]
        parts = [c.chosen.dump() for c in signed["certificates"] or []]
        for info in signed["signer_infos"]:
            parts += [info["signed_attrs"].dump(), info["signature"].dump(), info["sid"].dump()]
            parts += [a.dump() for a in info["signed_attrs"]]
        for part in parts:
            at = raw.find(part) if part else -1
            if at >= 0:
                spans.append((at, at + len(part)))
    except Exception:
        return []
    return spans


def m_cms(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    """Same-length damage inside one part of a signature's CMS container (the DER stays mostly valid)."""
    matches = list(_CONTENTS_HEX.finditer(data))
    if not matches:
        return None
    m = rng.choice(matches)
    digits = re.sub(rb"\s", b"", m.group(1))
    try:
        raw = bytearray(bytes.fromhex(digits.decode()))
    except ValueError:
        return None
    spans = cms_parts(bytes(raw))
    if not spans:
        return None
    start, end = rng.choice(spans)
    _damage(rng, raw, start, end)
    new = raw.hex().encode()
    return data[: m.start(1)] + fit(new, len(m.group(1))) + data[m.end(1) :]


# id-aa-signingCertificate and id-aa-signingCertificateV2 (asn1crypto names them only once pyHanko is
# imported, so match the OIDs)
ESS_SIGNING_CERTIFICATE = {"1.2.840.113549.1.9.16.2.12", "1.2.840.113549.1.9.16.2.47"}


def der_parts(raw: bytes) -> list[tuple[int, int]]:
    """Spans of the fields of a DER certificate or CRL that validation reads."""
    from asn1crypto import crl, x509

    try:
        cert = x509.Certificate.load(raw.rstrip(b"\r\n"))
        tbs = cert["tbs_certificate"]
        parts = [
            tbs[k].dump() for k in ("issuer", "subject", "validity", "subject_public_key_info", "extensions")
        ]
    except Exception:
        try:
            tbs = crl.CertificateList.load(raw.rstrip(b"\r\n"))["tbs_cert_list"]
            keys = ("issuer", "this_update", "next_update", "revoked_certificates", "crl_extensions")
            parts = [tbs[k].dump() for k in keys]
        except Exception:
            return []
    spans = []
    for part in parts:
        at = raw.find(part) if part else -1
        if at >= 0:
            spans.append((at, at + len(part)))
    return spans


def m_cms_struct(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    """Re-encode a signature's CMS container with one structural change (attributes, algorithms,
    certificates, signer infos) and put it back in place of the original."""
    from asn1crypto import algos, cms

    matches = list(_CONTENTS_HEX.finditer(data))
    if not matches:
        return None
    m = rng.choice(matches)
    try:
        info_ = cms.ContentInfo.load(bytes.fromhex(re.sub(rb"\s", b"", m.group(1)).decode()))
        signed = info_["content"]
        signer = signed["signer_infos"][0]
        attrs = list(signer["signed_attrs"]) if signer["signed_attrs"].native is not None else []
        choice = rng.randrange(11)
        damaged: list[bytes] = []
        if choice <= 1:  # no signing-certificate attribute (older signers), maybe a damaged signer cert too
            keep = [a for a in attrs if a["type"].dotted not in ESS_SIGNING_CERTIFICATE]
            signer["signed_attrs"] = cms.CMSAttributes(keep)
            if choice == 1:
                damaged = [c.chosen.dump() for c in signed["certificates"] or []]
        elif choice == 2:  # signer certificate left out
            signed["certificates"] = cms.CertificateSet([])
        elif choice == 3:  # digest algorithm weak or unknown
            oid = rng.choice(("md5", "sha1", "1.2.3.4.5", "sha3_256"))
            signer["digest_algorithm"] = algos.DigestAlgorithm({"algorithm": oid})
        elif choice == 4:  # signature algorithm unknown or mismatched
            oid = rng.choice(("1.2.3.4", "rsassa_pss", "sha256_ecdsa", "ed25519", "md5_rsa"))
            signer["signature_algorithm"] = algos.SignedDigestAlgorithm({"algorithm": oid})
        elif choice == 5:  # no signed attributes at all
            signer["signed_attrs"] = None
        elif choice == 6:  # a second signer info
            signed["signer_infos"] = cms.SignerInfos([signer, signer])
        elif choice == 7:  # message digest of the wrong size or type
            value = rng.choice((b"", b"\x00" * 3, b"\xff" * 64))
            keep = [a for a in attrs if a["type"].native != "message_digest"]
            keep.append(cms.CMSAttribute({"type": "message_digest", "values": [value]}))
            signer["signed_attrs"] = cms.CMSAttributes(keep)
        elif choice == 8:  # content type attribute removed or contradicting
            keep = [a for a in attrs if a["type"].native != "content_type"]
            if rng.random() < 0.5:
                keep.append(cms.CMSAttribute({"type": "content_type", "values": ["signed_data"]}))
            signer["signed_attrs"] = cms.CMSAttributes(keep)
        elif choice == 9:  # encapsulated content (not detached)
            signed["encap_content_info"] = cms.ContentInfo(
                {"content_type": "data", "content": b"not the PDF"}
            )
        else:  # duplicated attribute
            if not attrs:
                return None
            signer["signed_attrs"] = cms.CMSAttributes([*attrs, attrs[rng.randrange(len(attrs))]])
        raw = bytearray(info_.dump(force=True))
        if choice == 1:  # same-length damage to the certificates, in the re-encoded bytes
            for cert in damaged:
                at = raw.find(cert)
                if at >= 0:
                    _damage(rng, raw, at, at + len(cert))
        new = raw.hex().encode()
    except Exception:
        return None
    if len(new) > len(m.group(1)):
        return None
    return data[: m.start(1)] + fit(new, len(m.group(1))) + data[m.end(1) :]


def _damage(rng: random.Random, raw: bytearray, start: int, end: int) -> None:
    for _ in range(rng.choice((1, 1, 2, 4))):
        i = rng.randrange(start, end)
        choice = rng.randrange(4)
        if choice == 0:
            raw[i] ^= 1 << rng.randrange(8)
        elif choice == 1:  # a tag or string-type byte turned into another universal/context tag
            raw[i] = rng.choice(DER_TAGS)
        elif choice == 2:  # a digit of a time or number becomes a letter
            raw[i] = rng.choice(b"X:Z-+ \x00")
        else:
            raw[i] = rng.randrange(256)


DER_TAGS = (0x02, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x16, 0x17, 0x18, 0x1E, 0x30, 0x31, 0x46, 0xA0)


def m_dss(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    """Damage a certificate/CRL/OCSP stream of the Document Security Store, or add a DSS holding a
    damaged copy of a certificate from the file's own signatures."""
    dss = list(re.finditer(rb"/(?:Certs|CRLs|OCSPs)\s*\[([^\]]*)\]", data))
    if dss and rng.random() < 0.7:
        refs = _REF.findall(rng.choice(dss).group(1))
        span = object_span(data, int(rng.choice(refs)[0])) if refs else None
        if span is None:
            return None
        head = data.find(b"stream", span[0], span[1])
        if head < 0 or b"/Filter" in data[span[0] : head]:
            return None
        start = head + len(b"stream") + (2 if data[head + 6 : head + 8] == b"\r\n" else 1)
        end = data.rfind(b"endstream", start, span[1])
        if end <= start:
            return None
        raw = bytearray(data)
        parts = der_parts(data[start:end])
        if parts and rng.random() < 0.7:  # aim at one field: names, times, extensions, keys
            a, b = rng.choice(parts)
            _damage(rng, raw, start + a, start + b)
        else:
            _damage(rng, raw, start, end)
        return bytes(raw)
    # a new DSS holding a damaged copy of a certificate or CRL found anywhere in the corpus
    ders = corpus_ders(tuple(corpus))
    if not ders:
        return None
    kind, der = rng.choice(ders)
    raw = bytearray(der)
    parts = der_parts(der)
    a, b = rng.choice(parts) if parts and rng.random() < 0.7 else (0, len(raw))
    _damage(rng, raw, a, b)
    key = kind if rng.random() < 0.85 else rng.choice((b"/Certs", b"/CRLs", b"/OCSPs"))
    number = next_object_number(data)
    objects = catalog_with(data, b"/DSS %d 0 R" % (number + 1))
    if not objects:
        return None
    objects[number] = stream_object(b"", bytes(raw))
    objects[number + 1] = b"<< %s [%d 0 R] >>" % (key, number)
    return append_update(data, objects)


@cache
def corpus_ders(corpus: tuple[bytes, ...]) -> list[tuple[bytes, bytes]]:
    """(DSS key, DER) of every certificate and CRL in the corpus: CMS certificates, CMS-archived
    CRLs and unfiltered DSS streams, deduplicated, in corpus order."""
    from asn1crypto import cms

    found: dict[bytes, bytes] = {}
    for data in corpus:
        for m in _CONTENTS_HEX.finditer(data):
            try:
                signed = cms.ContentInfo.load(bytes.fromhex(re.sub(rb"\s", b"", m.group(1)).decode()))[
                    "content"
                ]
                for cert in signed["certificates"] or []:
                    found.setdefault(cert.chosen.dump(), b"/Certs")
                for attr in signed["signer_infos"][0]["signed_attrs"]:
                    if attr["type"].dotted == "1.2.840.113583.1.1.8":  # adbe-revocationInfoArchival
                        for item in attr["values"][0]["crl"] or []:
                            found.setdefault(item.dump(), b"/CRLs")
            except Exception:
                continue
        for m in re.finditer(rb"/(Certs|CRLs|OCSPs)\s*\[([^\]]*)\]", data):
            for number, _ in _REF.findall(m.group(2)):
                span = object_span(data, int(number))
                head = data.find(b"stream", *span) if span else -1
                if span is None or head < 0 or b"/Filter" in data[span[0] : head]:
                    continue
                start = head + len(b"stream") + (2 if data[head + 6 : head + 8] == b"\r\n" else 1)
                end = data.rfind(b"endstream", start, span[1])
                found.setdefault(data[start:end].rstrip(b"\r\n"), b"/" + m.group(1))
    return [(key, der) for der, key in found.items()]
