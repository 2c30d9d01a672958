"""The fuzzer's mutators and the mutant of a (seed, index): ``MUTATORS`` and ``make_mutant``.

A mutator is ``(rng, data, corpus) -> mutant``, or None when it does not apply to ``data``. The blind
ones (bit flips, truncation, splicing, numbers) and the structural ones (cross-reference tables and
streams, nesting, /Length, deflate bombs, trailers, incremental updates, /Encrypt, references, names)
are here; those aimed at the signature are in fuzz_sigmutators.py.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable

from fuzz_sigmutators import (
    m_byterange,
    m_cms,
    m_cms_struct,
    m_contents,
    m_dss,
)
from fuzz_surgery import (
    _BYTERANGE,
    _INT,
    _LENGTH,
    _OBJ,
    _PREV,
    _REF,
    _SIZE,
    _STARTXREF,
    _XREF_ENTRY,
    BOMB_KINDS,
    ENCRYPT_VALUES,
    HUGE_NUMBERS,
    INTERESTING_BYTES,
    NAME_SWAPS,
    STRUCTURAL_TOKENS,
    append_update,
    append_xref_stream_update,
    bomb_stream,
    catalog_with,
    dict_with,
    find_all,
    fit,
    last_startxref,
    nested,
    next_object_number,
    object_body,
    repair_offsets,
    replace_in_trailer,
    root_ref,
    stream_object,
)

MAX_MUTANT_BYTES = 8 * 1024 * 1024

Mutator = Callable[[random.Random, bytes, list[bytes]], bytes | None]

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
