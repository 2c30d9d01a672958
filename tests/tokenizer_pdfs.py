"""Hand-made PDFs aimed at the reference scanner's tokenizer (validation/speedups_scan.py): each holds
one odd object (object 3, reached from the catalogue's /X) that pyHanko reads, refuses or reads in its
own way. tests/validation/test_speedups_paths.py checks the scanner's map against pyHanko's on them,
and tests/validation/test_speedups.py the outcome, signed, with and without the speed-ups."""

from __future__ import annotations

import zlib
from io import BytesIO


def raw_pdf(objects: dict[int, bytes]) -> bytes:
    """A one-revision file of these object bodies (``N 0 obj`` … ``endobj``), catalogue first."""
    out = BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


# Object 3's bodies; object 4 (a dictionary pointing back at the page tree) is what they refer to.
TOKENIZER_CASES = {
    "every escape form": b"[(\\n\\r\\t\\b\\f\\(\\)\\\\ \\0\\07\\101\\1011 \\\n\\\r\n\\\r e) 4 0 R]",
    "an escape pyHanko refuses": b"[(\\q) 4 0 R]",
    "a line continuation by CR alone": b"[(a\\\rb) 4 0 R]",
    "nested parentheses": b"[(a(b(c)d)e) (()) ((\\))) 4 0 R]",
    "an escaped parenthesis unbalancing": b"[(a\\(b) 4 0 R]",
    "% inside a string": b"[(50% off) 4 0 R]",
    "% ending a name": b"<< /A%B\n /C 4 0 R >>",
    "% hiding a reference's R": b"<< /A 5%0 R\n /C 4 0 R >>",
    "#-escapes in names": b"<< /A#20B 4 0 R /#41 4 0 R >>",
    "a # at a name's end": b"<< /A# 4 0 R >>",
    "a # with one digit": b"<< /A#4 4 0 R >>",
    "a # with no hex digits": b"<< /A#zz 4 0 R >>",
    "an escaped key equal to another": b"<< /A 4 0 R /#41 2 0 R >>",
    "R on the next lines": b"[4\n0\nR]",
    "R after CR LF": b"[4 0\r\nR]",
    "NUL between a reference's numbers": b"[4\x000 R]",
    "form feeds in a reference": b"[4\f0\fR]",
    "a vertical tab in a reference": b"[4\x0b0 R]",
    "references against delimiters": b"<< /A 4 0 R/B 4 0 R>>",
    "R followed by a letter": b"[4 0 Rx]",
    "a signed object number": b"[+4 0 R]",
    "leading zeros": b"[0004 00 R]",
    "a 5000-digit integer": b"[" + b"9" * 5000 + b" 4 0 R]",
    "a 5000-digit object number": b"[" + b"9" * 5000 + b" 0 R 4 0 R]",
    "a 5000-digit decimal": b"[1." + b"5" * 5000 + b" 4 0 R]",
    "a 20-digit object number": b"[99999999999999999999 0 R 4 0 R]",
    "a 20-digit generation": b"[4 99999999999999999999 R]",
    "/Length past endstream into the next object": b"<< /Length 60 /K 4 0 R >>\nstream\nabcde\nendstream",
    "/Length short of endstream": b"<< /Length 2 /K 4 0 R >>\nstream\nabcde\nendstream",
    "a negative /Length": b"<< /Length -5 /K 4 0 R >>\nstream\nabcde\nendstream",
    "a /Length past the file": b"<< /Length 99999999999 /K 4 0 R >>\nstream\nabcde\nendstream",
    "stream keyword then CR alone": b"<< /Length 5 /K 4 0 R >>\nstream\rabcde\nendstream",
    "hex strings odd and spaced": b"[<414> <4 1\n4> 4 0 R]",
    "a hex string with a non-hex digit": b"[<41G> 4 0 R]",
    "keywords glued together": b"[truefalse null4 0 R]",
    "a dictionary with a key and no value": b"<< /A 4 0 R /B >>",
    "a number as a key": b"<< 1 4 0 R >>",
    "the empty name": b"<< / 4 0 R >>",
}


def tokenizer_file(body: bytes, shift: int = 0, endobj: bool = True, page: bool = False) -> bytes:
    """Object 3 is ``body``; its xref entry moved by ``shift`` bytes, or its ``endobj`` left out; with
    ``page``, the page tree holds one page (object 5), so that pyHanko can sign the file."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /X 3 0 R >>",
        2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>" if page else b"<< /Type /Pages /Kids [] /Count 0 >>",
        3: body,
        4: b"<< /Y 2 0 R >>",
    }
    if page:
        objects[5] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    data = raw_pdf(objects)
    if not endobj:
        data = data.replace(body + b"\nendobj", body + b"\n", 1)
    if shift:
        xref = data.rindex(b"\nxref\n") + 1
        row = xref + len(b"xref\n0 %d\n" % (len(objects) + 1)) + 3 * 20  # object 3's entry
        offset = int(data[row : row + 10]) + shift
        data = data[:row] + b"%010d" % offset + data[row + 10 :]
    return data


def object_stream_file(header: bytes, first: int | None = None, count: int = 2) -> bytes:
    """Objects 3 and 4 in object stream 5 (an xref stream points at them) behind ``header``."""
    members = b"[2 0 R] << /Q 1 0 R >>"
    content = header + members
    first = len(header) if first is None else first
    out = BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number, body in (
        (1, b"<< /Type /Catalog /Pages 2 0 R /X 3 0 R /Z 4 0 R >>"),
        (2, b"<< /Type /Pages /Kids [] >>"),
    ):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    offsets[5] = out.tell()
    packed = zlib.compress(content)
    out.write(
        b"5 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (count, first, len(packed))
    )
    out.write(packed + b"\nendstream\nendobj\n")
    offsets[6] = out.tell()
    rows = b"\x00" * 6
    for number in range(1, 7):
        if number in (3, 4):
            rows += b"\x02" + (5).to_bytes(4, "big") + bytes([number - 3])
        else:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00"
    out.write(b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 1] /Root 1 0 R /Length %d >>\nstream\n" % len(rows))
    out.write(rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6])
    return out.getvalue()


def tokenizer_files() -> dict[str, bytes]:
    """The hand-made files, by what each exercises (also validated signed in test_speedups.py)."""
    files = {name: tokenizer_file(body) for name, body in TOKENIZER_CASES.items()}
    files["xref offset one byte early"] = tokenizer_file(b"[4 0 R]", shift=-1)
    files["xref offset one byte late"] = tokenizer_file(b"[4 0 R]", shift=1)
    files["endobj missing"] = tokenizer_file(b"[4 0 R]", endobj=False)
    after = len(b"[2 0 R]") + 1
    for name, header, first, count in (
        ("plain", b"3 0 4 %d " % after, None, 2),
        ("NUL separators", b"3\x000\x004\x00%d\x00" % after, None, 2),
        ("offsets decreasing", b"4 %d 3 0 " % after, None, 2),
        ("the same offset twice", b"3 0 4 0 ", None, 2),
        ("/N larger than its pairs", b"3 0 4 %d " % after, None, 5),
        ("/First inside the header", b"3 0 4 %d " % after, 3, 2),
        ("signed numbers", b"+3 0 4 +%d " % after, None, 2),
        ("a comment", b"3 0 %%c\n4 %d " % after, None, 2),
        ("a 5000-digit offset", b"3 0 4 " + b"0" * 5000 + b"%d " % after, None, 2),
        ("garbage after the pairs", b"3 0 4 %d xyz " % after, None, 2),
    ):
        files[f"object stream header: {name}"] = object_stream_file(header, first, count)
    return files
