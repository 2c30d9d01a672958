#!/usr/bin/env python3
"""Fuzz ``sigaudit.validation.engine.validate_pdf`` with mutants of real signed PDFs.

    python fuzz/fuzz_pdf.py --inputs 2500 --seed 1
    python fuzz/fuzz_pdf.py --replay fuzz/findings            # re-run saved findings
    python fuzz/fuzz_pdf.py --write-regressions tests/regressions

Every input is validated in a separate, long-lived worker process (restarted when it dies or times
out) with an address-space limit. A finding is an exception escaping ``validate_pdf``, a worker that
dies, a timeout, or a malformed result (verdict not a ``Verdict``, empty reason, an outcome that
contradicts itself or cannot be pickled). Mutant ``i`` of seed ``S`` depends only on ``(S, i)`` and the
corpus, so any input can be regenerated. See fuzz/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import pickle
import random
import re
import resource
import signal
import sys
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / "sample_docs"
DEMO_ROOT = REPO / "demo" / "pki" / "demo-root.pem"
DEMO_INTERMEDIATE = REPO / "demo" / "pki" / "demo-intermediate.pem"
# The regression files are derived from this sample (a valid two-signature letter, pyHanko-signed).
REGRESSION_BASE = "tinh/ubnd-tinh/2024/120-UBND-KGVX_2024-02-05.pdf"
# A revoked signer whose CRL travels in the DSS, next to two certificates (bug 1 of the campaign).
REGRESSION_REVOKED_DSS = "xa/gia-cam/2024/33-UBND_2024-03-19.pdf"
MAX_MUTANT_BYTES = 8 * 1024 * 1024
FINDING_KINDS = ("exception", "crash", "timeout", "malformed", "memory")
# An input whose validation pushes the worker's peak RSS over this share of --memory-mb, or whose
# reason mentions MemoryError (an allocation the address-space limit stopped), is a "memory" finding:
# without the harness's limit it would have taken the machine's memory.
MEMORY_SHARE = 0.5

Mutator = Callable[[random.Random, bytes, list[bytes]], bytes | None]

# --------------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------------


def load_corpus(dirs: list[Path]) -> list[tuple[str, bytes]]:
    """Every PDF under ``dirs`` (ZIP members too), read through sigaudit's own walker, in walk order."""
    from sigaudit.sources.walk import PDF_MAGIC, Candidate, walk

    out = []
    for event in walk(dirs):
        if isinstance(event, Candidate) and event.data is not None and PDF_MAGIC in event.data[:1024]:
            out.append((event.path, event.data))
    return out


# --------------------------------------------------------------------------------------------------
# PDF helpers (byte-level, tolerant: they work on damaged files and return None when not applicable)
# --------------------------------------------------------------------------------------------------

_INT = re.compile(rb"(?<![\w.#/+-])-?\d+(?![\w.])")
_BYTERANGE = re.compile(rb"/ByteRange\s*\[([^\]]*)\]")
_CONTENTS_HEX = re.compile(rb"/Contents\s*<([0-9A-Fa-f\s]*)>")
_OBJ = re.compile(rb"(?<![\d])(\d+)\s+(\d+)\s+obj\b")
_STARTXREF = re.compile(rb"startxref\s+(-?\d+)")
_ROOT = re.compile(rb"/Root\s+(\d+)\s+(\d+)\s+R")
_SIZE = re.compile(rb"/Size\s+(\d+)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R)?")
_PREV = re.compile(rb"/Prev\s+(-?\d+)")
_REF = re.compile(rb"(?<![\d.])(\d+)\s+(\d+)\s+R\b")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_TRAILER = re.compile(rb"trailer\s*<<")

STRUCTURAL_TOKENS = (
    b"%%EOF",
    b"startxref",
    b"trailer",
    b"xref",
    b"endobj",
    b" obj",
    b"stream",
    b"endstream",
    b"/ByteRange",
    b"/Contents",
    b"/AcroForm",
    b"<<",
    b">>",
)
HUGE_NUMBERS = (
    b"2147483647",
    b"2147483648",
    b"4294967296",
    b"9223372036854775807",
    b"18446744073709551616",
    b"99999999999999999999999999999999999999",
    b"-1",
    b"-2147483648",
    b"-9223372036854775808",
    b"0",
    b"00000000000000000000000000000000000001",
    b"1e308",
    b"3.4028235e38",
    b"-0",
    b"+17",
    b".5",
)
INTERESTING_BYTES = b"\x00\xff\x7f\x80()<>[]{}/%\\\r\n \t#"
ENCRYPT_VALUES = (
    b"/Encrypt 99999 0 R",
    b"/Encrypt 0 0 R",
    b"/Encrypt << >>",
    b"/Encrypt (not a dictionary)",
    b"/Encrypt [1 2 3]",
    b"/Encrypt << /Filter /Standard /V 5 /R 6 /Length 256 >>",
    b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>",
    b"/Encrypt << /Filter /Standard /V 4 /R 4 /O <" + b"00" * 32 + b"> /U <" + b"00" * 32 + b"> /P -4"
    b" /CF << /StdCF << /CFM /AESV2 /Length 16 >> >> /StmF /StdCF /StrF /Nowhere >>",
    b"/Encrypt << /Filter /Standard /V 99 /R 99 /O <00> /U <00> /P 0 >>",
    b"/Encrypt << /Filter /FooSecurity /V 2 >>",
    b"/Encrypt << /Filter /Adobe.PubSec /V 5 /SubFilter /adbe.pkcs7.s5 /Recipients [<3000>]"
    b" /CF << /DefaultCryptFilter << /CFM /AESV3 /Recipients [<30>] >> >>"
    b" /StmF /DefaultCryptFilter /StrF /DefaultCryptFilter >>",
    b"/Encrypt << /Filter /Adobe.PubSec /V 4 /SubFilter /adbe.pkcs7.s4 /Recipients [] >>",
)
NAME_SWAPS = (
    (
        b"/adbe.pkcs7.detached",
        (
            b"/ETSI.CAdES.detached",
            b"/adbe.pkcs7.sha1",
            b"/adbe.x509.rsa_sha1",
            b"/ETSI.RFC3161",
            b"/Unknown",
            b"/adbe.pkcs7.detache",
        ),
    ),
    (b"/Type /Sig", (b"/Type /DocTimeStamp", b"/Type /Annot", b"/Type 12", b"/Type (Sig)")),
    (b"/FT /Sig", (b"/FT /Tx", b"/FT /Btn", b"/FT 0", b"/FT []")),
    (
        b"/FlateDecode",
        (
            b"/LZWDecode",
            b"/ASCII85Decode",
            b"/ASCIIHexDecode",
            b"/RunLengthDecode",
            b"/DCTDecode",
            b"/JBIG2Decode",
            b"/Crypt",
            b"/CCITTFaxDecode",
            b"/Nonsense",
            b"[/FlateDecode /FlateDecode]",
            b"[/ASCIIHexDecode /FlateDecode]",
        ),
    ),
    (b"/Filter /Adobe.PPKLite", (b"/Filter /Unknown.Handler", b"/Filter 5", b"/Filter ()")),
    (b"/Fields [", (b"/Fields [[", b"/Fields [1 0 R ", b"/Fields [null ", b"/Fields [/X ")),
    (b"/Kids [", (b"/Kids [1 0 R ", b"/Kids [[", b"/Kids [null ")),
    (b"/Type /Catalog", (b"/Type /Pages", b"/Type /Catalogue", b"")),
    (b"/Type /Page", (b"/Type /Pages", b"/Type /Catalog", b"")),
    (b"/V ", (b"/V 1 0 R ", b"/V null ", b"/V (x) ", b"/V [] ")),
    (b"/Perms", (b"/Perms << /DocMDP 1 0 R >> /X", b"/Perms 0")),
    (b"/Reference", (b"/Reference [<< /TransformMethod /DocMDP /TransformParams << /P 1 >> >>] /X",)),
)


def find_all(data: bytes, token: bytes) -> list[int]:
    out, start = [], 0
    while True:
        i = data.find(token, start)
        if i < 0:
            return out
        out.append(i)
        start = i + 1


def fit(new: bytes, old_len: int) -> bytes:
    """Pad ``new`` with spaces to ``old_len`` (so later offsets stay right); longer values are kept."""
    return new + b" " * (old_len - len(new)) if len(new) < old_len else new


def last_startxref(data: bytes) -> int | None:
    matches = list(_STARTXREF.finditer(data))
    return int(matches[-1].group(1)) if matches else None


def root_ref(data: bytes) -> tuple[int, int] | None:
    matches = list(_ROOT.finditer(data))
    return (int(matches[-1].group(1)), int(matches[-1].group(2))) if matches else None


def next_object_number(data: bytes) -> int:
    numbers = [int(m.group(1)) for m in _SIZE.finditer(data)]
    numbers += [int(m.group(1)) + 1 for m in _OBJ.finditer(data) if len(m.group(1)) < 9]
    return max(numbers, default=1)


def object_span(data: bytes, number: int) -> tuple[int, int] | None:
    """Span of the body (between ``obj`` and ``endobj``) of the last definition of object ``number``."""
    found = None
    for m in re.finditer(rb"(?<![\d])%d\s+\d+\s+obj\b" % number, data):
        end = data.find(b"endobj", m.end())
        if end > 0:
            found = (m.end(), end)
    return found


def object_body(data: bytes, number: int) -> bytes | None:
    span = object_span(data, number)
    return data[span[0] : span[1]].strip() if span else None


def dict_with(body: bytes, extra: bytes) -> bytes:
    """``body`` (a dictionary) with ``extra`` entries added right after its opening ``<<``."""
    i = body.find(b"<<")
    if i < 0:
        return b"<< " + extra + b" >>"
    return body[: i + 2] + b" " + extra + b" " + body[i + 2 :]


def append_update(
    data: bytes,
    objects: dict[int, bytes],
    trailer_extra: bytes = b"",
    prev: int | None = -1,
    root: bytes | None = None,
    empty_table: bool = False,
) -> bytes:
    """Append an incremental update (classic xref table) holding ``objects`` (number -> body).

    ``empty_table`` writes an xref section without any subsection (hostile); otherwise an update
    without objects still lists the free entry 0.
    """
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    if prev == -1:
        prev = last_startxref(data)
    if root is None:
        ref = root_ref(data) or (1, 0)
        root = b"%d %d R" % ref
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n"
    if not objects and not empty_table:
        out += b"0 1\n0000000000 65535 f \n"
    for number in sorted(objects):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    size = max([next_object_number(data), *(n + 1 for n in objects)])
    trailer = b"/Size %d /Root %s" % (size, root)
    if prev is not None:
        trailer += b" /Prev %d" % prev
    out += b"trailer\n<< " + trailer + (b" " + trailer_extra if trailer_extra else b"") + b" >>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def append_xref_stream_update(
    data: bytes,
    objects: dict[int, bytes],
    packed: dict[int, tuple[int, int]] | None = None,
    stream_override: tuple[bytes, bytes] | None = None,
    size_override: int | None = None,
) -> bytes:
    """Append an incremental update whose cross-reference section is an xref *stream*.

    ``packed`` maps object numbers to (object stream number, index) entries of type 2;
    ``stream_override`` replaces the xref stream's data and filter entries (for bombs).
    """
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    prev = last_startxref(data)
    ref = root_ref(data) or (1, 0)
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    packed = packed or {}
    xref_number = max([next_object_number(data), *(n + 1 for n in objects), *(n + 1 for n in packed)])
    xref_at = len(out)
    offsets[xref_number] = xref_at
    entries = {n: (1, off, 0) for n, off in offsets.items()}
    entries.update({n: (2, stm, idx) for n, (stm, idx) in packed.items()})
    rows = b"".join(
        bytes([t]) + f2.to_bytes(4, "big") + f3.to_bytes(2, "big")
        for _, (t, f2, f3) in sorted(entries.items())
    )
    index = b" ".join(b"%d 1" % n for n in sorted(entries))
    if stream_override is None:
        payload, filters = zlib.compress(rows), b"/Filter /FlateDecode"
    else:
        payload, filters = stream_override
    size = size_override if size_override is not None else xref_number + 1
    head = b"<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Root %d %d R %s /Length %d" % (
        size,
        index,
        ref[0],
        ref[1],
        filters,
        len(payload),
    )
    if prev is not None:
        head += b" /Prev %d" % prev
    out += b"%d 0 obj\n" % xref_number + head + b" >>\nstream\n" + payload + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


@cache
def zeros_deflated(mib: int) -> bytes:
    """A zlib stream of ``mib`` MiB of zero bytes (ratio about 1030:1), built without compressing them all.

    Each 1 MiB block is compressed with a full flush, which resets the compressor, so every block after
    the first compresses to the same bytes; the stream ends with an empty final block and the Adler-32
    of ``n`` zero bytes, which is ``(n mod 65521) << 16 | 1``.
    """
    comp = zlib.compressobj(9)
    first = comp.compress(bytes(1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    repeat = comp.compress(bytes(1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    adler = ((mib * (1 << 20)) % 65521) << 16 | 1
    return first + repeat * (mib - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


@cache
def zeros_deflated_twice(mib: int) -> bytes:
    """``mib`` MiB of zeros deflated twice: a few KiB that expand to ``mib`` MiB through two filters."""
    return zlib.compress(zeros_deflated(mib), 9)


def bomb_stream(kind: str) -> tuple[bytes, bytes]:
    """(filter entries, stream data) of a FlateDecode decompression bomb."""
    if kind == "single-300m":
        return b"/Filter /FlateDecode", zeros_deflated(300)
    if kind == "single-64m":
        return b"/Filter /FlateDecode", zeros_deflated(64)
    if kind == "double-1g":
        return b"/Filter [/FlateDecode /FlateDecode]", zeros_deflated_twice(1024)
    if kind == "double-4g":
        return b"/Filter [/FlateDecode /FlateDecode]", zeros_deflated_twice(4096)
    if kind == "predictor-64m":
        # PNG predictors are decoded row by row in Python: cheap bytes, expensive decoding.
        return (
            b"/Filter [/FlateDecode /FlateDecode] /DecodeParms [null << /Predictor 12 /Columns 1 >>]",
            zeros_deflated_twice(64),
        )
    if kind == "predictor-single-8m":
        return b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 1 >>", zeros_deflated(8)
    raise ValueError(kind)


BOMB_KINDS = ("single-64m", "single-300m", "double-1g", "double-4g", "predictor-64m", "predictor-single-8m")


def stream_object(filters: bytes, payload: bytes, extra: bytes = b"") -> bytes:
    return b"<< %s /Length %d %s>>\nstream\n" % (filters, len(payload), extra) + payload + b"\nendstream"


def catalog_with(data: bytes, extra: bytes) -> dict[int, bytes] | None:
    """The catalogue rewritten with ``extra`` entries, as an object for an incremental update."""
    ref = root_ref(data)
    if ref is None:
        return None
    body = object_body(data, ref[0])
    if body is None:
        return None
    return {ref[0]: dict_with(body, extra)}


def nested(kind: str, depth: int) -> bytes:
    if kind == "array":
        return b"[" * depth + b"]" * depth
    if kind == "dict":
        return b"<< /A " * depth + b"1" + b" >>" * depth
    if kind == "array-open":
        return b"[" * depth
    if kind == "dict-open":
        return b"<< /A " * depth
    if kind == "mixed":
        return b"[<< /A " * depth + b"null" + b">>]" * depth
    raise ValueError(kind)


def set_byterange(data: bytes, which: int, values: bytes) -> bytes | None:
    """Replace the array of the ``which``-th /ByteRange (negative counts from the end)."""
    matches = list(_BYTERANGE.finditer(data))
    if not matches:
        return None
    m = matches[which % len(matches)]
    # pyHanko and most signers pad the array with spaces after "]": a longer value eats that padding.
    end = m.end()
    spare = len(data[end:]) - len(data[end:].lstrip(b" "))
    grow = min(max(0, len(values) - len(m.group(1))), spare)
    return data[: m.start(1)] + fit(values, len(m.group(1))) + b"]" + data[end + grow :]


def byterange_values(data: bytes, which: int) -> list[int] | None:
    matches = list(_BYTERANGE.finditer(data))
    if not matches:
        return None
    try:
        return [int(v) for v in matches[which % len(matches)].group(1).split()]
    except ValueError:
        return None


def set_contents(data: bytes, which: int, transform: Callable[[bytes], bytes]) -> bytes | None:
    """Replace the hex digits of the ``which``-th signature /Contents with ``transform(digits)``.

    The result is padded to the original length so every offset in the file stays right.
    """
    matches = list(_CONTENTS_HEX.finditer(data))
    if not matches:
        return None
    m = matches[which % len(matches)]
    new = transform(m.group(1))
    return data[: m.start(1)] + fit(new, len(m.group(1))) + data[m.end(1) :]


def der_length(hexdigits: bytes) -> int:
    """Length in bytes of the DER value at the start of ``hexdigits`` (0 when it cannot be read)."""
    try:
        raw = bytes.fromhex(re.sub(rb"\s", b"", hexdigits).decode())
    except ValueError:
        return 0
    if len(raw) < 2:
        return 0
    first = raw[1]
    if first < 0x80:
        return 2 + first
    n = first & 0x7F
    if n == 0 or len(raw) < 2 + n:
        return 0
    return 2 + n + int.from_bytes(raw[2 : 2 + n], "big")


def replace_in_trailer(data: bytes, extra: bytes) -> bytes | None:
    """Insert ``extra`` entries into the last classic trailer dictionary."""
    matches = list(_TRAILER.finditer(data))
    if not matches:
        return None
    m = matches[-1]
    return data[: m.end()] + b" " + extra + b" " + data[m.end() :]


_XREF_TABLE = re.compile(rb"(?<![a-z])xref[ \t]*\r?\n")
_SUBSECTION = re.compile(rb"[ \t\r\n]*(\d+)[ \t]+(\d+)[ \t]*\r?\n")


def repair_offsets(data: bytes) -> bytes:
    """Point classic xref entries, ``startxref`` and ``/Prev`` at where things now are.

    Mutations that insert or delete bytes would otherwise nearly always stop at "xref table not found";
    after this repair the parser reaches the damaged object itself. Applied to some mutants only.
    """
    out = data
    for _ in range(3):  # startxref/Prev values may change length and shift what follows: iterate
        tables = [m.start() for m in _XREF_TABLE.finditer(out)]
        if not tables:
            return out
        fixes: list[tuple[int, int, bytes]] = []
        for m in _STARTXREF.finditer(out):
            before = [t for t in tables if t < m.start()]
            if before:
                fixes.append((m.start(1), m.end(1), b"%d" % before[-1]))
        for m in _PREV.finditer(out):
            before = [t for t in tables if t < m.start()]
            if len(before) >= 2:
                fixes.append((m.start(1), m.end(1), b"%d" % before[-2]))
        changed = out
        for start, end, value in sorted(fixes, reverse=True):
            changed = changed[:start] + value + changed[end:]
        if changed == out:
            break
        out = changed
    buf = bytearray(out)
    for table in _XREF_TABLE.finditer(out):
        i = table.end()
        while (sub := _SUBSECTION.match(out, i)) is not None:
            first, count = int(sub.group(1)), int(sub.group(2))
            i = sub.end()
            for k in range(min(count, 100_000)):
                entry = _XREF_ENTRY.match(out, i)
                if entry is None:
                    break
                i = entry.end()
                while i < len(out) and out[i] in b" \r\n" and i - entry.end() < 2:
                    i += 1
                if entry.group(3) != b"n":
                    continue
                defs = list(re.finditer(rb"(?<![\d])%d\s+\d+\s+obj\b" % (first + k), out[: table.start()]))
                if defs:
                    buf[entry.start(1) : entry.end(1)] = b"%010d" % (defs[-1].start() % 10**10)
            else:
                continue
            break
    return bytes(buf)


# --------------------------------------------------------------------------------------------------
# Mutators: (rng, data, corpus) -> mutant, or None when the mutator does not apply to ``data``
# --------------------------------------------------------------------------------------------------


def m_bit_flip(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    if not data:
        return None
    out = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 4, 8, 32))):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def m_byte_set(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    if not data:
        return None
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 3, 8, 16))):
        i = rng.randrange(len(out))
        out[i] = rng.choice(INTERESTING_BYTES) if rng.random() < 0.7 else rng.randrange(256)
    return bytes(out)


def m_truncate_random(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    if len(data) < 2:
        return None
    return data[: rng.randrange(1, len(data))]


def m_truncate_structural(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    token = rng.choice(STRUCTURAL_TOKENS)
    places = find_all(data, token)
    if not places:
        return None
    at = rng.choice(places) + rng.choice((-1, 0, 1, len(token), len(token) + 1, rng.randrange(-16, 16)))
    return data[: max(1, at)]


def m_chunk_duplicate(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    if len(data) < 4:
        return None
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice((1, 8, 64, 512, 4096, 32768)))
    at = rng.randrange(len(data) + 1)
    times = rng.choice((1, 1, 2, 10, 100))
    return data[:at] + data[a:b] * times + data[at:]


def m_chunk_delete(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    if len(data) < 4:
        return None
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.choice((1, 8, 64, 512, 4096)))
    return data[:a] + data[b:]


def m_splice(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    other = rng.choice(corpus)
    if len(data) < 4 or len(other) < 4:
        return None
    mode = rng.randrange(3)
    if mode == 0:  # head of one file, tail of another
        return data[: rng.randrange(len(data))] + other[rng.randrange(len(other)) :]
    if mode == 1:  # a chunk of another file inserted
        a = rng.randrange(len(other))
        chunk = other[a : a + rng.choice((16, 256, 4096, 65536))]
        at = rng.randrange(len(data) + 1)
        return data[:at] + chunk + data[at:]
    # the same region of another file overwrites this one (same-generator files share structure)
    a = rng.randrange(min(len(data), len(other)))
    b = a + rng.choice((16, 256, 4096))
    return data[:a] + other[a:b] + data[a + len(other[a:b]) :]


def m_numbers(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    matches = list(_INT.finditer(data))
    if not matches:
        return None
    out = data
    for m in sorted(
        rng.sample(matches, min(len(matches), rng.choice((1, 1, 2, 5)))), key=lambda x: -x.start()
    ):
        new = (
            rng.choice(HUGE_NUMBERS)
            if rng.random() < 0.8
            else str(int(m.group()) + rng.randint(-3, 3)).encode()
        )
        out = out[: m.start()] + fit(new, len(m.group())) + out[m.end() :]
    return out


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


def m_xref(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    choice = rng.randrange(9)
    if choice == 0:  # startxref to elsewhere
        matches = list(_STARTXREF.finditer(data))
        if not matches:
            return None
        m = rng.choice(matches)
        new = rng.choice(
            (
                b"0",
                b"-5",
                b"%d" % (len(data) + 1000),
                b"%d" % rng.randrange(len(data)),
                b"99999999999999999999",
                b"",
            )
        )
        return data[: m.start(1)] + new + data[m.end(1) :]
    if choice == 1:  # entries n <-> f
        entries = list(_XREF_ENTRY.finditer(data))
        if not entries:
            return None
        m = rng.choice(entries)
        flag = b"f" if m.group(3) == b"n" else b"n"
        return data[: m.start(3)] + flag + data[m.end(3) :]
    if choice == 2:  # entry offsets shifted
        entries = list(_XREF_ENTRY.finditer(data))
        if not entries:
            return None
        out = data
        for m in rng.sample(entries, min(len(entries), rng.choice((1, 3, 10)))):
            off = max(0, int(m.group(1)) + rng.choice((-1, 1, 7, -100, 10**6)))
            out = out[: m.start(1)] + b"%010d" % (off % 10**10) + out[m.end(1) :]
        return out
    if choice == 3:  # subsection header
        heads = list(re.finditer(rb"xref\s+(\d+) (\d+)", data))
        if not heads:
            return None
        m = rng.choice(heads)
        new = rng.choice(
            (b"0 999999", b"4294967295 2", b"0 0", b"-1 3", b"5 1", b"0 %d" % (int(m.group(2)) + 5))
        )
        return data[: m.start(1)] + new + data[m.end(2) :]
    if choice == 4:  # xref keyword gone
        places = find_all(data, b"\nxref")
        if not places:
            return None
        at = rng.choice(places) + 1
        return data[:at] + rng.choice((b"xerf", b"    ", b"XREF")) + data[at + 4 :]
    if choice == 5:  # /Prev loops and strays
        matches = list(_PREV.finditer(data))
        if not matches:
            return None
        m = rng.choice(matches)
        own = last_startxref(data[: m.start()] + data[m.start() :]) or 0
        new = rng.choice(
            (b"%d" % own, b"0", b"-1", b"%d" % (len(data) * 3), b"%d" % rng.randrange(len(data)))
        )
        return data[: m.start(1)] + new + data[m.end(1) :]
    if choice == 6:  # /Prev to the last section itself: a cycle
        start = last_startxref(data)
        if start is None:
            return None
        return (
            append_update(data, {}, prev=start)
            if rng.random() < 0.5
            else append_update(append_update(data, {}), {}, prev=len(data) + 1)
        )
    if choice == 7:  # /Size huge or zero
        matches = list(_SIZE.finditer(data))
        if not matches:
            return None
        m = rng.choice(matches)
        new = rng.choice((b"2147483647", b"0", b"1", b"-4", b"100000000"))
        return data[: m.start(1)] + new + data[m.end(1) :]
    # line endings of the table damaged
    entries = list(_XREF_ENTRY.finditer(data))
    if not entries:
        return None
    m = rng.choice(entries)
    return data[: m.end()] + rng.choice((b"", b"\r\r\r", b"xx")) + data[m.end() + 2 :]


def m_xref_stream(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    """Append a cross-reference *stream* section with hostile fields: huge or negative /Index counts,
    /W widths of zero, negative or huge, no or short data, predictors, /Prev pointing at itself."""
    number = next_object_number(data)
    ref = root_ref(data) or (1, 0)
    count = rng.choice((1, 100, 100_000, 10_000_000, 100_000_000, 2**31, -5))
    width = rng.choice(
        (b"[1 4 2]", b"[0 0 0]", b"[1 0 0]", b"[8 8 8]", b"[1 -1 2]", b"[1 100000000 1]", b"[]")
    )
    index = rng.choice(
        (
            b"/Index [0 %d]" % count,
            b"/Index [%d 1 0 %d]" % (number, count),
            b"/Index [5 2 0 2]",
            b"/Index []",
            b"",
        )
    )
    size = rng.choice((number + 1, count, 0))
    payload = rng.choice((b"", bytes(21), rng.randbytes(rng.choice((1, 64, 4096)))))
    filters = rng.choice(
        (b"", b"/Filter /FlateDecode ", b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> ")
    )
    if filters:
        payload = zlib.compress(payload)
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    at = len(out)
    prev = rng.choice((last_startxref(data), at, 0, None))
    head = b"<< /Type /XRef /Size %d /W %s %s /Root %d %d R %s/Length %d" % (
        size,
        width,
        index,
        ref[0],
        ref[1],
        filters,
        len(payload),
    )
    if prev is not None:
        head += b" /Prev %d" % prev
    out += b"%d 0 obj\n" % number + head + b" >>\nstream\n" + payload + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % at
    return bytes(out)


def m_nesting(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    kind = rng.choice(("array", "dict", "array-open", "dict-open", "mixed"))
    depth = rng.choice((500, 1000, 5000, 10000, 100000))
    blob = nested(kind, depth)
    mode = rng.randrange(3)
    if mode == 0:  # inside the catalogue, read at open
        objects = catalog_with(data, b"/SigauditFuzz " + blob)
        return append_update(data, objects) if objects else None
    if mode == 1:  # a new object referenced from the catalogue
        number = next_object_number(data)
        objects = catalog_with(data, b"/SigauditFuzz %d 0 R" % number)
        if not objects:
            return None
        objects[number] = blob
        return append_update(data, objects)
    # written over the body of an existing object, in place
    objs = list(_OBJ.finditer(data))
    if not objs:
        return None
    m = rng.choice(objs)
    return data[: m.end()] + b"\n" + blob + b"\n" + data[m.end() :]


def m_length(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    matches = list(_LENGTH.finditer(data))
    if not matches:
        return None
    m = rng.choice(matches)
    new = rng.choice(
        (
            b"2147483647",
            b"4294967297",
            b"1000000000000000",
            b"-1",
            b"0",
            b"99999 0 R",
            b"%d" % (len(data) * 2),
            b"%d" % (int(m.group(1)) + rng.randint(-5, 5)),
            b"1 0 R",
            b"(12)",
        )
    )
    return data[: m.start(1)] + new + data[m.end() :]


def m_flate_bomb(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    filters, payload = bomb_stream(rng.choice(BOMB_KINDS))
    number = next_object_number(data)
    mode = rng.randrange(4)
    if mode == 0:  # DSS certificate/CRL/OCSP streams, read as revocation evidence
        key = rng.choice((b"/Certs", b"/CRLs", b"/OCSPs"))
        objects = catalog_with(data, b"/DSS %d 0 R" % (number + 1))
        if not objects:
            return None
        objects[number] = stream_object(filters, payload)
        objects[number + 1] = b"<< %s [%d 0 R] >>" % (key, number)
        return append_update(data, objects)
    if mode == 1:  # the cross-reference stream itself
        return append_xref_stream_update(
            data, {}, stream_override=(payload, filters), size_override=rng.choice((None, 100_000_000))
        )
    if mode == 2:  # an object stream holding the new catalogue
        ref = root_ref(data)
        if ref is None:
            return None
        objstm = stream_object(filters, payload, b"/Type /ObjStm /N 1 /First 8 ")
        return append_xref_stream_update(data, {number: objstm}, packed={ref[0]: (number, 0)})
    # a new stream referenced from the catalogue (metadata or a stray object)
    key = rng.choice((b"/Metadata", b"/SigauditFuzz"))
    objects = catalog_with(data, b"%s %d 0 R" % (key, number))
    if not objects:
        return None
    extra = b"/Type /Metadata /Subtype /XML " if key == b"/Metadata" else b""
    objects[number] = stream_object(filters, payload, extra)
    return append_update(data, objects)


def m_trailer_duplicate(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    choice = rng.randrange(4)
    tails = find_all(data, b"trailer")
    if not tails:
        return None
    at = tails[-1]
    end = data.find(b"startxref", at)
    if end < 0:
        return None
    block = data[at:end]
    if choice == 0:  # the trailer dictionary twice
        return data[:end] + block + data[end:]
    if choice == 1:  # the final section (trailer .. %%EOF) appended again
        return data + b"\n" + data[at:]
    if choice == 2:  # a second tail with a different /Root
        return data + b"\ntrailer\n<< /Size 3 /Root 2 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            last_startxref(data) or 0
        )
    # an earlier trailer copied over the last one's /Root
    first = data[tails[0] : data.find(b"startxref", tails[0])] if len(tails) > 1 else block
    return data[:at] + first + data[end:]


def m_after_eof(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    choice = rng.randrange(6)
    if choice == 0:
        return data + rng.randbytes(rng.choice((1, 16, 1024, 100_000)))
    if choice == 1:
        return data + b"\n%%EOF\n" * rng.choice((1, 10, 1000))
    if choice == 2:
        return data + rng.choice(corpus)  # a second whole PDF concatenated
    if choice == 3:
        return data + b"\nstartxref\n0\n%%EOF\n"
    if choice == 4:
        return data + b"\x00" * rng.choice((1, 1024, 1_000_000))
    return data + b"\r\n<html>garbage</html>\r\n" * rng.choice((1, 50))


def m_incremental_update(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    choice = rng.randrange(7)
    number = next_object_number(data)
    if choice == 0:  # catalogue changed
        objects = catalog_with(
            data, rng.choice((b"/Lang (vi-VN)", b"/OpenAction [3 0 R /Fit]", b"/PageMode 5"))
        )
        return append_update(data, objects) if objects else None
    if choice == 1:  # a new, unreferenced object
        return append_update(data, {number: b"<< /Sigaudit (fuzz) >>"})
    if choice == 2:  # an empty update, with or without a subsection
        return append_update(data, {}, empty_table=rng.random() < 0.5)
    objs = [m for m in _OBJ.finditer(data)]
    if not objs:
        return None
    target = int(rng.choice(objs).group(1))
    body = object_body(data, target) or b"null"
    if choice == 3:  # an existing object rewritten (maybe a signature dictionary, a page, a field)
        return append_update(data, {target: dict_with(body, b"/Sigaudit (changed)")})
    if choice == 4:  # an existing object replaced by something of another type
        return append_update(data, {target: rng.choice((b"null", b"42", b"(text)", b"[]", b"/Name"))})
    if choice == 5:  # the signature dictionary rewritten with a different /ByteRange
        sigs = [
            m for m in _OBJ.finditer(data) if b"/ByteRange" in (object_body(data, int(m.group(1))) or b"")
        ]
        if not sigs:
            return None
        sig = int(rng.choice(sigs).group(1))
        sig_body = object_body(data, sig) or b""
        return append_update(
            data, {sig: _BYTERANGE.sub(b"/ByteRange [0 %d 0 0]" % len(data), sig_body, count=1)}
        )
    # the update's trailer lies about /Root (another object, missing, self-referencing)
    return append_update(data, {}, root=rng.choice((b"%d 0 R" % target, b"99999 0 R", b"(root)", b"null")))


def m_encrypt(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    value = rng.choice(ENCRYPT_VALUES)
    ref = root_ref(data)
    if ref is not None and rng.random() < 0.15:
        value = b"/Encrypt %d %d R" % ref  # a dictionary, but not an encryption dictionary
    mode = rng.randrange(5)
    if mode == 0:
        return replace_in_trailer(data, value)
    if mode >= 2 and value.startswith(b"/Encrypt <<"):  # the dictionary as an indirect object
        number = next_object_number(data)
        return append_update(
            data, {number: value[len(b"/Encrypt ") :]}, trailer_extra=b"/Encrypt %d 0 R" % number
        )
    return append_update(data, {}, trailer_extra=value)


def m_ref_retarget(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    refs = list(_REF.finditer(data))
    if not refs:
        return None
    out = data
    for m in sorted(rng.sample(refs, min(len(refs), rng.choice((1, 1, 3)))), key=lambda x: -x.start()):
        new = rng.choice(
            (
                b"%d 0 R" % rng.randrange(1, next_object_number(data) + 1),
                b"99999 0 R",
                b"0 0 R",
                b"%s 65535 R" % m.group(1),
                b"%s 1 R" % m.group(1),
                b"null",
            )
        )
        out = out[: m.start()] + new + out[m.end() :]
    return out


def m_name_swap(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes | None:
    options = [(old, news) for old, news in NAME_SWAPS if old in data]
    if not options:
        return None
    old, news = rng.choice(options)
    places = find_all(data, old)
    at = rng.choice(places)
    return data[:at] + rng.choice(news) + data[at + len(old) :]


# name -> (function, weight). Blind mutators come first; the rest know PDF structure.
MUTATORS: dict[str, tuple[Mutator, int]] = {
    "bit_flip": (m_bit_flip, 6),
    "byte_set": (m_byte_set, 5),
    "truncate_random": (m_truncate_random, 3),
    "truncate_structural": (m_truncate_structural, 4),
    "chunk_duplicate": (m_chunk_duplicate, 3),
    "chunk_delete": (m_chunk_delete, 3),
    "splice": (m_splice, 4),
    "numbers": (m_numbers, 6),
    "byterange": (m_byterange, 8),
    "contents": (m_contents, 8),
    "cms": (m_cms, 6),
    "dss": (m_dss, 4),
    "cms_struct": (m_cms_struct, 5),
    "xref": (m_xref, 6),
    "xref_stream": (m_xref_stream, 4),
    "nesting": (m_nesting, 4),
    "length": (m_length, 4),
    "flate_bomb": (m_flate_bomb, 3),
    "trailer_duplicate": (m_trailer_duplicate, 3),
    "after_eof": (m_after_eof, 3),
    "incremental_update": (m_incremental_update, 6),
    "encrypt": (m_encrypt, 4),
    "ref_retarget": (m_ref_retarget, 5),
    "name_swap": (m_name_swap, 5),
}


# Mutators that move bytes: their mutants get their offsets repaired half of the time.
SHIFTING = {"chunk_duplicate", "chunk_delete", "splice", "numbers", "nesting", "length", "byte_set"}


def make_mutant(seed: int, index: int, corpus: list[tuple[str, bytes]]) -> tuple[bytes, str, list[str]]:
    """Mutant ``index`` of ``seed``: (bytes, source path, mutators applied). Depends only on the inputs."""
    rng = random.Random(f"sigaudit-fuzz/{seed}/{index}")
    path, data = corpus[rng.randrange(len(corpus))]
    others = [d for _, d in corpus]
    names = list(MUTATORS)
    weights = [MUTATORS[n][1] for n in names]
    applied: list[str] = []
    rounds = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    attempts = 0
    while len(applied) < rounds and attempts < 20:
        attempts += 1
        name = rng.choices(names, weights=weights)[0]
        try:
            result = MUTATORS[name][0](rng, data, others)
        except (IndexError, ValueError):  # a mutator tripping over an already mangled file: skip it
            continue
        if result is None or result == data:
            continue
        if name in SHIFTING and rng.random() < 0.5:
            result = repair_offsets(result)
            name += "/repaired"
        data = result[:MAX_MUTANT_BYTES]
        applied.append(name)
    if not applied:  # nothing applied to this file: flip a bit so no input is wasted on the seed itself
        data = m_bit_flip(rng, data, others) or data
        applied.append("bit_flip")
    return data, path, applied


# --------------------------------------------------------------------------------------------------
# Regression files: deterministic hostile inputs for tests/regressions
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Worker process
# --------------------------------------------------------------------------------------------------


def _limit_memory(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def check_outcome(outcome: Any) -> str | None:
    """Why ``outcome`` is malformed, or None. The audit pickles outcomes between processes."""
    from sigaudit.model import Indication, SignatureResult, ValidationOutcome, Verdict

    if not isinstance(outcome, ValidationOutcome):
        return f"not a ValidationOutcome: {type(outcome).__name__}"
    if not isinstance(outcome.verdict, Verdict):
        return f"verdict is not a Verdict: {outcome.verdict!r}"
    if not isinstance(outcome.reason, str) or not outcome.reason.strip():
        return f"empty or non-text reason: {outcome.reason!r}"
    for sig in outcome.signatures:
        if not isinstance(sig, SignatureResult) or not isinstance(sig.indication, Indication):
            return f"malformed signature result: {sig!r}"
    if outcome.verdict == "valid" and (
        not outcome.signatures or any(s.indication != Indication.TOTAL_PASSED for s in outcome.signatures)
    ):
        return "verdict valid without all signatures TOTAL_PASSED"
    if outcome.verdict in ("unsigned", "unreadable") and outcome.signatures:
        return f"verdict {outcome.verdict} with signature results"
    try:
        pickle.loads(pickle.dumps(outcome))
    except Exception as exc:
        return f"outcome cannot be pickled: {type(exc).__name__}: {exc}"
    return None


def check_text(meta: Any) -> str | None:
    """Why the text step's result is malformed, or None: a ``TextMeta`` whose fields are text within the
    limits (no lone surrogate, which no report could encode), that the store's codec writes as JSON and
    reads back unchanged."""
    import json

    from sigaudit.codec import text_meta_from_dict, text_meta_to_dict
    from sigaudit.content import TextLimits
    from sigaudit.model import TextMeta, TextStatus

    if not isinstance(meta, TextMeta) or not isinstance(meta.status, TextStatus):
        return f"text: not a TextMeta: {type(meta).__name__}"
    limits = TextLimits()
    names = [meta.parent, meta.agency, meta.number, meta.notation, meta.place, meta.kind, meta.subject]
    names += [meta.signing, meta.file_copy, *meta.recipients, *meta.upward]
    for value in names:
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > limits.max_field:
            return f"text: a field is not text or over the limit: {value!r:.200}"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"text: a field holds a lone surrogate: {value!r:.200}"
    if len(meta.recipients) > limits.max_recipients:
        return f"text: {len(meta.recipients)} recipients"
    try:
        again = text_meta_from_dict(json.loads(json.dumps(text_meta_to_dict(meta), ensure_ascii=False)))
    except Exception as exc:
        return f"text: the codec fails: {type(exc).__name__}: {exc}"
    if again != meta:
        return "text: the codec does not read back what it wrote"
    return None


def _worker(conn: Connection, trust_files: tuple[str, str], memory_mb: int, text: bool = False) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    from sigaudit.validation.worker import prepare

    prepare()  # as sigaudit's own workers do: engine loaded, speed-ups applied, before the memory limit
    _limit_memory(memory_mb)
    from sigaudit.content import read_text
    from sigaudit.validation.engine import validate_pdf
    from sigaudit.validation.trust import build_trust

    trust = build_trust([Path(trust_files[0])], [Path(trust_files[1])])
    conn.send(("ready",))
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        try:
            outcome = validate_pdf(data, trust)
            problem = check_text(read_text(data)) if text else None  # as the audit's workers do, after
        except BaseException as exc:  # anything escaping is the finding
            detail = "".join(traceback.format_exception(exc))
            conn.send(("exception", f"{type(exc).__name__}: {exc}"[:500], detail, time.monotonic() - started))
            continue
        elapsed = time.monotonic() - started
        problem = check_outcome(outcome) or problem
        verdict = str(getattr(outcome, "verdict", "?"))
        reason = str(getattr(outcome, "reason", ""))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
        if problem:
            conn.send(("malformed", problem, f"{verdict}: {reason}", elapsed))
        elif memory_mb > 0 and (peak_mb > memory_mb * MEMORY_SHARE or "MemoryError" in reason):
            conn.send(("memory", f"peak RSS {peak_mb:.0f} MB; {verdict}: {reason}"[:500], "", elapsed))
            return  # a fresh worker resets the peak
        else:
            conn.send(("ok", verdict, reason, elapsed))


class Runner:
    """One long-lived worker process; restarted after it dies or times out."""

    def __init__(self, timeout: float, memory_mb: int, text: bool = False) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.text = text
        self.ctx = mp.get_context("spawn")
        self.proc: Any = None
        self.conn: Connection | None = None
        self.restarts = 0

    def _start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(
            target=_worker,
            args=(child, (str(DEMO_ROOT), str(DEMO_INTERMEDIATE)), self.memory_mb, self.text),
            daemon=True,
        )
        self.proc.start()
        child.close()
        self.conn = parent
        if not parent.poll(120) or parent.recv()[0] != "ready":
            raise SystemExit("the fuzz worker did not start")

    def _stop(self) -> None:
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(10)
        if self.conn is not None:
            self.conn.close()
        self.proc, self.conn = None, None

    def close(self) -> None:
        self._stop()

    def run(self, data: bytes) -> tuple[str, str, str, float]:
        """(kind, verdict-or-summary, detail, seconds) where kind is "ok" or a finding kind."""
        if self.proc is None or not self.proc.is_alive():
            if self.proc is not None:
                self.restarts += 1
            self._stop()
            self._start()
        assert self.conn is not None
        started = time.monotonic()
        try:
            self.conn.send_bytes(data)
            if self.conn.poll(self.timeout):
                kind, first, detail, elapsed = self.conn.recv()
                if kind == "memory":  # the worker exits to reset its peak; wait for it here
                    self.restarts += 1
                    self._stop()
                return kind, first, detail, elapsed
        except (EOFError, OSError):
            self.proc.join(5)
            code = self.proc.exitcode
            self.restarts += 1
            self._stop()
            died = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return "crash", f"worker died ({died})", "", time.monotonic() - started
        self.restarts += 1
        self._stop()
        return "timeout", f"no verdict within {self.timeout:g} s", "", time.monotonic() - started


# --------------------------------------------------------------------------------------------------
# Campaign
# --------------------------------------------------------------------------------------------------


@dataclass
class Stats:
    inputs: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    mutators: Counter[str] = field(default_factory=Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)


def _save_finding(findings: Path, label: str, kind: str, data: bytes, info: str) -> Path:
    findings.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    target = findings / f"{kind}-{label}-{digest}.pdf"
    target.write_bytes(data)
    target.with_suffix(".txt").write_text(info, encoding="utf-8")
    return target


def _inputs(args: argparse.Namespace, corpus: list[tuple[str, bytes]]) -> Iterator[tuple[str, bytes, str]]:
    """(label, bytes, description) for every input of the run."""
    if args.replay:
        files: list[Path] = []
        for p in args.replay:
            files += sorted(q for q in p.rglob("*.pdf")) if p.is_dir() else [p]
        for f in files:
            yield f.stem, f.read_bytes(), f"replay of {f}"
        return
    for index in range(args.inputs):
        data, source, applied = make_mutant(args.seed, index, corpus)
        yield (
            f"s{args.seed}-i{index}",
            data,
            f"seed {args.seed} index {index}: {'+'.join(applied)} on {source}",
        )


def campaign(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.corpus) if not args.replay else []
    if not corpus and not args.replay:
        raise SystemExit("no PDF in the corpus")
    runner = Runner(args.timeout, args.memory_mb, args.text)
    stats = Stats()
    started = time.monotonic()
    interrupted = False
    print(
        f"fuzz_pdf: seed={args.seed} inputs={args.inputs if not args.replay else 'replay'} "
        f"corpus={len(corpus)} PDFs timeout={args.timeout:g}s memory={args.memory_mb}MB",
        file=sys.stderr,
    )
    try:
        for label, data, description in _inputs(args, corpus):
            if not args.replay:
                for name in description.split(": ", 1)[1].split(" on ", 1)[0].split("+"):
                    stats.mutators[name] += 1
            kind, first, detail, elapsed = runner.run(data)
            stats.inputs += 1
            stats.slowest = sorted([*stats.slowest, (elapsed, description)], reverse=True)[:5]
            if kind == "ok":
                stats.verdicts[first] += 1
            else:
                stats.findings[kind] += 1
                info = f"{kind}: {first}\n{description}\nsize: {len(data)}\n\n{detail}\n"
                saved = _save_finding(args.findings, label, kind, data, info)
                print(f"FINDING {kind}: {first} ({description}) -> {saved}", file=sys.stderr)
            if args.progress and stats.inputs % args.progress == 0:
                rate = stats.inputs / (time.monotonic() - started)
                print(
                    f"  {stats.inputs} inputs, {rate:.1f}/s, findings {dict(stats.findings)}", file=sys.stderr
                )
    except KeyboardInterrupt:
        interrupted = True
    finally:
        runner.close()
    elapsed = time.monotonic() - started
    verdicts = " ".join(f"{v}={stats.verdicts[v]}" for v in sorted(stats.verdicts))
    findings = " ".join(f"{k}={stats.findings[k]}" for k in FINDING_KINDS)
    if not args.replay:
        print("mutators applied: " + " ".join(f"{k}={v}" for k, v in sorted(stats.mutators.items())))
    for seconds, description in stats.slowest:
        print(f"slow: {seconds:.2f}s {description}")
    print(
        f"SUMMARY seed={args.seed} inputs={stats.inputs} verdicts[{verdicts}] findings[{findings}] "
        f"total_findings={sum(stats.findings.values())} worker_restarts={runner.restarts} "
        f"elapsed={elapsed:.1f}s rate={stats.inputs / elapsed if elapsed else 0:.1f}/s"
        + (" INTERRUPTED" if interrupted else "")
    )
    return 1 if stats.findings or interrupted else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inputs", type=int, default=1000, help="number of mutants to run (default 1000)")
    parser.add_argument(
        "--seed", type=int, default=0, help="campaign seed; mutant i depends only on (seed, i)"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help=f"seed folder/file/ZIP, repeatable (default {DEFAULT_CORPUS})",
    )
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per input (default 20)")
    parser.add_argument(
        "--memory-mb", type=int, default=2048, help="worker address-space limit (default 2048)"
    )
    parser.add_argument(
        "--findings", type=Path, default=REPO / "fuzz" / "findings", help="where findings are saved"
    )
    parser.add_argument("--progress", type=int, default=500, help="progress line every N inputs (0: none)")
    parser.add_argument(
        "--text",
        action="store_true",
        help="also read each input's text (content.read_text) and check the result, as the audit does",
    )
    parser.add_argument(
        "--replay", type=Path, action="append", help="run these files/folders instead of mutants"
    )
    parser.add_argument(
        "--show", type=int, metavar="INDEX", help="write mutant INDEX of --seed to stdout and exit"
    )
    parser.add_argument(
        "--write-regressions", type=Path, metavar="DIR", help="write the regression inputs and exit"
    )
    args = parser.parse_args(argv)
    args.corpus = args.corpus or [DEFAULT_CORPUS]
    if args.write_regressions is not None:
        args.write_regressions.mkdir(parents=True, exist_ok=True)
        for name, data in build_regressions(load_corpus([DEFAULT_CORPUS])).items():
            (args.write_regressions / name).write_bytes(data)
            print(f"{len(data):8d}  {args.write_regressions / name}")
        return 0
    if args.show is not None:
        data, source, applied = make_mutant(args.seed, args.show, load_corpus(args.corpus))
        print(f"{'+'.join(applied)} on {source}", file=sys.stderr)
        sys.stdout.buffer.write(data)
        return 0
    return campaign(args)


if __name__ == "__main__":
    # Spawned workers inherit this, so set iteration orders inside pyHanko are the same on every run.
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
