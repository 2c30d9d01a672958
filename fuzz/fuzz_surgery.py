"""PDF surgery for the fuzzer (fuzz_pdf.py): the seed corpus and byte-level helpers.

The helpers are tolerant: they work on damaged files and return None when a structure is missing.
They find and rewrite objects, byte ranges, /Contents, trailers and cross-reference tables, append
incremental updates (classic or cross-reference stream), build nested arrays/dictionaries and deflate
bombs, and repair the offsets of a file whose bytes moved. The mutators (fuzz_mutators.py,
fuzz_sigmutators.py) and the regression builders (fuzz_regressions.py) are made of them.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / "sample_docs"

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
