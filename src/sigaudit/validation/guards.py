"""Checks of the raw PDF that pyHanko does not make, or makes too late: before parsing and per signature.

- A cross-reference stream declaring impossibly many objects is refused before pyHanko parses it
  (``xref_overclaim``; pyHanko would allocate an entry per declared object).
- A DSS item with a PNG predictor is not read (``uses_predictor``; pyHanko undoes predictors in pure
  Python, minutes for a small stream).
- Each /ByteRange must leave out exactly the signature value (``byte_range_problem``); pyHanko digests
  whatever ranges it is given.
The two upstream bugs are written up, with reproductions, in docs/upstream.md.
"""

from __future__ import annotations

import binascii
import dataclasses
import re
from typing import Any

from pyhanko.pdf_utils.generic import EncryptedObjAccess

from ..model import Changes, Coverage, Indication, SignatureResult, SubIndication
from .words import exception_words

MAX_DECLARED_OBJECTS = 5_000_000

# A /ByteRange must leave out the signature value and nothing else (see byte_range_problem).
BYTE_RANGE_WORDS = "ByteRange does not cover the file except the signature value"
PDF_WHITESPACE = b" \n\r\t\f\x00"


def _pdf_name(word: str) -> bytes:
    """A regular expression for the PDF name ``/word`` however its letters are #xx-escaped."""
    parts = [b"/"]
    for ch in word:
        code = f"{ord(ch):02x}"
        hi, lo = code[0], code[1]
        parts.append(f"(?:{ch}|#[{hi}{hi.upper()}][{lo}{lo.upper()}])".encode())
    return b"".join(parts)


_XREF_STREAM_TYPE = re.compile(_pdf_name("Type") + rb"\s*" + _pdf_name("XRef") + rb"(?![A-Za-z0-9])")
_XREF_INDEX = re.compile(rb"/Index\s*\[([^\]]*)\]")
_XREF_SIZE = re.compile(rb"/Size\s+(\d+)")
_INTEGER = re.compile(rb"[+-]?\d+")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def xref_overclaim(data: bytes) -> str | None:
    """Why a cross-reference stream declares impossibly many objects for the file's size, if it does.

    pyHanko makes one entry per object a cross-reference stream declares (its /Index counts, else
    /Size) even when the stream holds no bytes for them (lenient parsing pads with defaults, and
    /W [0 0 0] needs none): 80 bytes declaring 10^8 objects took 24 GB. A real object takes bytes of
    the file, so such a declaration is refused before parsing.
    """
    limit = min(MAX_DECLARED_OBJECTS, 10_000 + len(data) // 8)
    # Names may be written with #xx escapes (/Type /X#52ef): the pattern matches them in place, and
    # only the dictionary found is unescaped (unescaping the whole file cost more than the rest).
    for m in _XREF_STREAM_TYPE.finditer(data):
        start, end = data.rfind(b"obj", 0, m.start()), data.find(b"stream", m.end())
        head = data[max(start, 0) : end if end >= 0 else len(data)]
        if b"#" in head:
            head = _NAME_ESCAPE.sub(lambda e: bytes.fromhex(e.group(1).decode()), head)
        index = _XREF_INDEX.search(head)
        if index is not None:
            counts = [int(c) for c in _INTEGER.findall(index.group(1))[1::2]]
        else:
            size = _XREF_SIZE.search(head)
            counts = [int(size.group(1))] if size else []
        declared = sum(max(c, 0) for c in counts)
        if declared > limit:
            return f"a cross-reference stream declares {declared} objects in a file of {len(data)} bytes"
    return None


def uses_predictor(stream: Any) -> bool:
    """Whether a stream is PNG/TIFF-predictor encoded.

    pyHanko undoes PNG predictors in pure Python (~1 µs per row): a small deflated stream of zeros
    with /Predictor 12 /Columns 1 took minutes. DER is never predictor-encoded, so a DSS item that is
    is not evidence and is not decoded.
    """
    parms = stream.get("/DecodeParms")
    return any(
        isinstance(p, dict) and int(p.get("/Predictor", 1)) > 1
        for p in (parms if isinstance(parms, list) else [parms])
    )


def with_byte_range_check(result: SignatureResult, sig_obj: Any, data: bytes) -> SignatureResult:
    """``result``, unless the signature's /ByteRange is anomalous: then TOTAL_FAILED / FORMAT_FAILURE.

    EU DSS checks the ByteRange in its format-checking building block (ByteRangeCheck, BBB_FC_IBRV),
    which fails with FAILED / FORMAT_FAILURE before any cryptographic check: so a ByteRange anomaly
    outranks whatever the digest or the certificate say, and HASH_FAILURE is kept for signed bytes
    that changed under a well-formed ByteRange.
    """
    problem = byte_range_problem(sig_obj, data)
    if problem is None:
        return result
    reason = f"{BYTE_RANGE_WORDS}: {problem}"
    if result.sub_indication == SubIndication.HASH_FAILURE:
        reason += "; the digest does not match (computed over the ranges it declares)"
    return dataclasses.replace(
        result,
        coverage=Coverage.PARTIAL,
        changes=Changes.DISALLOWED,
        changes_reason="the ByteRange does not cover a complete revision",
        indication=Indication.TOTAL_FAILED,
        sub_indication=SubIndication.FORMAT_FAILURE,
        reason=reason,
    )


def byte_range_problem(sig_obj: Any, data: bytes) -> str | None:
    """What is wrong with the /ByteRange of ``sig_obj`` in the file ``data``, or None.

    It must be four integers [0 a b c] with a <= b and b + c within the file, and bytes a..b (the only
    ones left out) must be exactly this signature's /Contents hex string. pyHanko digests whatever
    ranges it is given and only downgrades coverage, so a 3-number ByteRange ended as a validation
    error and other shapes as a mere digest mismatch. Ending before the end of the file is fine: later
    incremental updates are judged by difference analysis.
    """
    try:
        values = list(sig_obj["/ByteRange"])
        # as pyHanko reads it: in an encrypted file the signature value is stored unencrypted
        contents = bytes(sig_obj.raw_get("/Contents", decrypt=EncryptedObjAccess.RAW).original_bytes)
    except Exception as exc:
        return f"it cannot be read ({exception_words(exc)})"
    if len(values) != 4:
        return f"it has {len(values)} numbers instead of 4"
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "its entries are not all integers"
    negative = [v for v in values if v < 0]
    if negative:
        return f"it holds the negative number {negative[0]}"
    start1, len1, start2, len2 = (int(v) for v in values)
    size = len(data)
    if start1 != 0:
        return f"it starts at byte {start1}, not at the beginning of the file"
    if start2 < len1:
        return f"its two ranges overlap (the first ends at byte {len1}, the second starts at byte {start2})"
    if start2 + len2 > size:
        return f"it reaches byte {start2 + len2}, beyond the end of the file ({size} bytes)"
    if not _is_hex_string_of(data[len1:start2], contents):
        return (
            f"the bytes it leaves out ({len1} to {start2}) are not exactly the signature value "
            "(the /Contents hex string)"
        )
    return None


def _is_hex_string_of(excluded: bytes, contents: bytes) -> bool:
    """Whether ``excluded`` is the PDF hex string <...> that encodes ``contents``."""
    if len(excluded) < 2 or excluded[:1] != b"<" or excluded[-1:] != b">":
        return False
    digits = excluded[1:-1].translate(None, PDF_WHITESPACE)
    if len(digits) % 2:
        digits += b"0"  # PDF: a final odd digit is followed by an implied 0
    try:
        return binascii.unhexlify(digits) == contents
    except (binascii.Error, ValueError):
        return False
