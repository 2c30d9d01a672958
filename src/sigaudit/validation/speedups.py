"""Speed-ups for pyHanko 0.38, pyhanko-certvalidator and asn1crypto; every check keeps its strength.

Measured on 200 of the benchmark's ~500 KB two-signature documents in one process (best of three
passes, 2-core Intel Xeon VM): ``validate_pdf`` takes 34.1 ms per document without them and 13.2 ms
with them all, with identical outcomes (``tests/validation/test_speedups.py``). The first two (hex strings,
name preparation) and the path memory had taken it from ~63 to ~21 ms on an earlier machine; the
token readers and the whole-name memo took it from ~16 to ~13 ms on this one.

* **Hex strings.** pyHanko parses a PDF hex string (``<…>``, as in every signature's ``/Contents``)
  one byte per Python call (``generic.read_hex_string_from_stream`` → ``misc.read_non_whitespace``):
  ~8 ms for a 16 KiB ``/Contents``. The replacement reads up to ``>`` at once and decodes with binascii
  when the string holds only hex digits and PDF whitespace. Anything else — a ``%`` comment, a bad
  digit, no closing ``>`` — goes back to pyHanko's own reader from the same position, so what is
  accepted, what is refused and the error raised stay exactly pyHanko's.
* **PDF tokens.** pyHanko reads a name (``/Type``), a number or a keyword one byte per Python call
  (``misc.read_until_delimiter``), decodes each name byte by byte (``generic._decode_name``), skips
  whitespace one byte per call (``misc.read_non_whitespace``) and reads a literal string one byte per
  call (``generic._read_string_literal_bytes``): together about a fifth of a worker's time on the
  benchmark documents, since the difference analysis reads every object of the signed revision. The
  replacements read a small block and find the end with a regular expression; the bytes returned and
  the stream position after the call are the same. Whatever they do not handle themselves — a
  comment where whitespace is skipped, a backslash escape in a string, a string longer than 64 KiB, the
  end of the data — goes back to pyHanko's own function from the same position, so what is accepted and
  the errors raised stay pyHanko's. Decoded names are memoised by their bytes (names up to 256 bytes;
  a name with a bad escape raises each time).
* **Name comparison.** asn1crypto compares certificate names per RFC 5280 after RFC 4518 string
  preparation (``x509.NameTypeAndValue._ldap_string_prep``, per character, stringprep tables), dozens
  of times per document for the same few names. The function depends only on its string argument
  (it never reads ``self``), so its results are memoised.
* **Whole names.** Even with the string preparation memoised, comparing two names walks both
  structures (every RDN, every attribute, sets of types) — pyHanko does it for every certificate in
  every signature while looking for the signer (``match_issuer_serial``), about a tenth of a worker's
  time. ``Name.__eq__`` and ``Name.hashable`` depend only on the names' encodings, so their results
  are memoised by encoding (a comparison by the pair of encodings). A comparison that raises (a value
  that fails string preparation) is not remembered and raises again each time; names longer than
  4 KiB are not remembered; each memo holds at most 10,000 entries.
* **Certificate paths.** The same few signers sign thousands of documents, and each signature's path
  (signer, intermediate, root) was validated again every time (RFC 5280 path processing: signatures,
  validity, policies, revocation). A path that passed is remembered, per process, keyed by the exact
  certificates (their SHA-256, root included) and a key the engine gives its validation context —
  the trust configuration and the policy — and reused only while the validation time lies within
  every certificate's validity period and within the freshness window of every CRL and OCSP response
  the context holds (after the latest thisUpdate, before the earliest nextUpdate — what
  pyhanko-certvalidator itself requires of revocation data — so that a CRL of ``--revocation-dir``
  that goes stale while a worker lives stops the reuse). The engine gives that key only to contexts
  that carry no revocation data from the document (no CRL, OCSP response or DSS certificate) and
  fetch nothing (no ``--online``): with such data the answer depends on the document or the network
  and is always computed. Revocation data from ``--revocation-dir`` is the same for every document
  and its digests are in the trust fingerprint, hence in the key. The soft failures
  pyhanko-certvalidator reported while validating a remembered path (revocation data it could not
  use) are reported again to each context that reuses the path, so the engine's revocation status is
  the same either way. Failures are never remembered.
* **The reverse-reference walk** of the difference analysis (``HistoricalResolver.
  _load_reverse_xref_cache``): the same walk and the same map, without calling itself for every
  number and name and without linked-list bookkeeping (speedups_paths.py), over skeletons of the
  objects read from their raw bytes (speedups_scan.py: keys, indices and references only; what the
  scanner is not certain of is read by pyHanko, or the file mapped by the tuple walk). On ten-page
  documents with embedded fonts the walk was ~39% of ``validate_pdf``'s CPU time; the scanner takes
  ``validate_pdf`` from 19.8 to 14.8 ms there (benchmarks/RESULTS.md).

Installing is a decision of the process that validates, never a side effect of an import:
``install()`` is called where a validating process starts (``validation/worker.py``, used by the local
pool's workers and by Dask tasks). It applies nothing when ``SIGAUDIT_NO_SPEEDUPS=1`` or when the
installed pyHanko, pyhanko-certvalidator or asn1crypto are not the versions the replacements were
tested on (speedups_gate.py; one warning). The memo dictionaries are shared by the threads of a
process (a Dask worker runs several tasks at once, and how many is the cluster operator's choice, not
ours), so every read and write of them holds one lock. The upstream problems behind them are in
docs/upstream.md.
"""

from __future__ import annotations

import binascii
import functools
import os
import re
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, NamedTuple

import pyhanko_certvalidator
from asn1crypto import x509
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko_certvalidator.authority import AuthorityWithCert
from pyhanko_certvalidator.policy_decl import FRESHNESS_FALLBACK_VALIDITY_DEFAULT

from . import speedups_paths, speedups_scan
from .speedups_gate import allowed

PDF_WHITESPACE = b" \n\r\t\f\x00"  # pyhanko.pdf_utils.misc.PDF_WHITESPACE
HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_CHUNK = 1 << 16

ORIGINAL_HEX_READER: Callable[[Any], Any] = generic.read_hex_string_from_stream
ORIGINAL_UNTIL_DELIMITER: Callable[[Any], bytes] = misc.read_until_delimiter
ORIGINAL_NON_WHITESPACE: Callable[..., bytes] = misc.read_non_whitespace
ORIGINAL_DECODE_NAME: Callable[[bytes], Any] = generic._decode_name
ORIGINAL_STRING_LITERAL: Callable[[Any], bytes] = generic._read_string_literal_bytes
ORIGINAL_STRING_PREP: Callable[[Any, str], str] = x509.NameTypeAndValue._ldap_string_prep
ORIGINAL_NAME_EQ: Callable[[Any, Any], bool] = x509.Name.__eq__
ORIGINAL_NAME_HASHABLE: property = x509.Name.hashable
ORIGINAL_VALIDATE_PATH: Callable[..., Any] = getattr(pyhanko_certvalidator, "async_validate_path")  # noqa: B009

_PATH_CACHE_ATTRIBUTE = "_sigaudit_path_cache_key"
_PATH_CACHE_LIMIT = 10_000
_validated_paths: dict[tuple[str, tuple[bytes, ...]], tuple[Any, Any, Any, tuple[Exception, ...]]] = {}

# One lock for every memo dictionary below (see the module docstring); never held while validating.
_memo_lock = threading.Lock()


def read_hex_string_from_stream(stream: Any) -> Any:
    """Drop-in for pyHanko's reader (stream positioned on ``<``); same result, same errors."""
    start = stream.tell()
    parts: list[bytes] = []
    while True:
        block = stream.read(_CHUNK)
        if not block:  # no closing '>': pyHanko raises its own error
            stream.seek(start)
            return ORIGINAL_HEX_READER(stream)
        end = block.find(b">")
        if end >= 0:
            parts.append(block[:end])
            overshoot = len(block) - end - 1
            break
        parts.append(block)
    digits = b"".join(parts)[1:].translate(None, PDF_WHITESPACE)  # [1:] drops the opening '<'
    if not HEX_DIGITS.issuperset(digits):  # a comment, a bad digit…: pyHanko decides
        stream.seek(start)
        return ORIGINAL_HEX_READER(stream)
    stream.seek(-overshoot, os.SEEK_CUR)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


_TOKEN_BLOCK = 64
_REGULAR_RUN = re.compile(rb"[^ \n\r\t\f\x00()<>\[\]{}/%]*")  # misc.PDF_WHITESPACE + PDF_DELIMITERS
_NOT_WHITESPACE = re.compile(rb"[^ \n\r\t\f\x00]")
_PAREN_OR_BACKSLASH = re.compile(rb"[()\\]")
_STRING_BLOCK = 4096
_STRING_LIMIT = 1 << 16
_NAME_CACHE_BYTES = 256


def read_until_delimiter(stream: Any) -> bytes:
    """Drop-in for ``misc.read_until_delimiter``: the bytes up to the next whitespace or delimiter,
    the stream left on that delimiter (or at the end of the data)."""
    start = stream.tell()
    parts: list[bytes] = []
    offset = start
    while True:
        block = stream.read(_TOKEN_BLOCK)
        if not block:  # the end of the data ends the token; the stream stays at the end
            return b"".join(parts)
        run = _REGULAR_RUN.match(block)
        end = run.end() if run is not None else 0
        if end < len(block):
            parts.append(block[:end])
            stream.seek(offset + end)
            return b"".join(parts)
        parts.append(block)
        offset += len(block)


def read_non_whitespace(stream: Any, seek_back: bool = False, allow_eof: bool = False) -> bytes:
    """Drop-in for ``misc.read_non_whitespace``; comments and the end of the data go to pyHanko's."""
    start = stream.tell()
    block: bytes = stream.read(_TOKEN_BLOCK)
    found = _NOT_WHITESPACE.search(block)
    if found is None or block[found.start()] == 0x25:  # only whitespace here, or a '%' comment
        stream.seek(start)
        return ORIGINAL_NON_WHITESPACE(stream, seek_back=seek_back, allow_eof=allow_eof)
    at = found.start()
    stream.seek(start + at + (0 if seek_back else 1))
    return block[at : at + 1]


@functools.lru_cache(maxsize=4096)
def _name_text(name_bytes: bytes) -> str:
    return str(ORIGINAL_DECODE_NAME(name_bytes))  # raises PdfReadError for a bad name: not cached


def decode_name(name_bytes: bytes) -> Any:
    """Drop-in for ``generic._decode_name``: a new NameObject each time (pyHanko sets attributes on
    the objects it reads), its text memoised."""
    if len(name_bytes) > _NAME_CACHE_BYTES:
        return ORIGINAL_DECODE_NAME(name_bytes)
    return generic.NameObject(_name_text(name_bytes))


def read_string_literal_bytes(stream: Any) -> bytes:
    """Drop-in for ``generic._read_string_literal_bytes`` (stream on ``(``) for strings without
    backslash escapes: the bytes between the balanced parentheses, taken as they are."""
    start = stream.tell()
    buffer: bytes = stream.read(_STRING_BLOCK)
    depth, position = 1, 1  # the opening '(' is consumed without looking, as pyHanko does
    while True:
        found = _PAREN_OR_BACKSLASH.search(buffer, position)
        if found is None:
            more = stream.read(_STRING_BLOCK) if len(buffer) < _STRING_LIMIT else b""
            if not more:  # very long, or no end: pyHanko's reader decides
                stream.seek(start)
                return ORIGINAL_STRING_LITERAL(stream)
            position = len(buffer)
            buffer += more
            continue
        at = found.start()
        byte = buffer[at]
        if byte == 0x5C:  # an escape: pyHanko's reader
            stream.seek(start)
            return ORIGINAL_STRING_LITERAL(stream)
        depth += 1 if byte == 0x28 else -1
        if depth == 0:
            stream.seek(start + at + 1)
            return buffer[1:at]
        position = at + 1


@functools.lru_cache(maxsize=8192)
def _string_prep(value: str) -> str:
    return ORIGINAL_STRING_PREP(None, value)


def _memoised_string_prep(self: Any, value: str) -> str:
    return _string_prep(value)


_NAME_MEMO_LIMIT = 10_000
_NAME_BYTES_LIMIT = 4096
_names_equal: dict[tuple[bytes, bytes], bool] = {}
_name_keys: dict[bytes, str] = {}


def _name_eq(self: Any, other: Any) -> bool:
    if not isinstance(other, x509.Name):
        return False
    key = (self.dump(), other.dump())
    with _memo_lock:
        known = _names_equal.get(key)
    if known is None:
        known = ORIGINAL_NAME_EQ(self, other)  # raises for a value that fails string preparation
        if len(key[0]) + len(key[1]) <= _NAME_BYTES_LIMIT:
            with _memo_lock:
                if len(_names_equal) < _NAME_MEMO_LIMIT:
                    _names_equal[key] = known
    return known


def _name_hashable(self: Any) -> str:
    encoded = self.dump()
    with _memo_lock:
        known = _name_keys.get(encoded)
    if known is None:
        known = ORIGINAL_NAME_HASHABLE.fget(self)  # type: ignore[misc]
        assert isinstance(known, str)
        if len(encoded) <= _NAME_BYTES_LIMIT // 2:
            with _memo_lock:
                if len(_name_keys) < _NAME_MEMO_LIMIT:
                    _name_keys[encoded] = known
    return known


def allow_path_cache(context: Any, key: str) -> None:
    """Let paths validated under ``context`` be remembered under ``key`` (see the module docstring)."""
    setattr(context, _PATH_CACHE_ATTRIBUTE, key)


async def _validate_path_remembered(context: Any, path: Any, parameters: Any = None) -> Any:
    key = getattr(context, _PATH_CACHE_ATTRIBUTE, None)
    if (
        key is None
        or parameters is not None
        or not isinstance(path.trust_anchor.authority, AuthorityWithCert)
    ):
        return await ORIGINAL_VALIDATE_PATH(context, path, parameters)
    certs = tuple(path.iter_certs(include_root=True))
    entry = (key, tuple(c.sha256 for c in certs))
    moment = context.moment
    with _memo_lock:
        known = _validated_paths.get(entry)
    if known is not None and known[0] <= moment <= known[1]:
        for soft_failure in known[3]:
            context._report_soft_fail(soft_failure)
        return known[2]
    before = len(context.soft_fail_exceptions)
    result = await ORIGINAL_VALIDATE_PATH(context, path, parameters)  # raises when the path fails
    soft_failures = tuple(context.soft_fail_exceptions[before:])
    window = _reuse_window(certs, context.crls, context.ocsps)
    if window is not None:
        with _memo_lock:
            if len(_validated_paths) >= _PATH_CACHE_LIMIT:
                _validated_paths.clear()
            _validated_paths[entry] = (*window, result, soft_failures)
    return result


def _reuse_window(
    certs: Iterable[Any], crls: Iterable[Any], ocsps: Iterable[Any]
) -> tuple[datetime, datetime] | None:
    """When a path validated with these certificates and this revocation data may be reused: from the
    latest start to the earliest end of every certificate's validity and every CRL's and OCSP
    response's freshness (thisUpdate to nextUpdate; without nextUpdate, pyhanko-certvalidator's own
    fallback of thisUpdate + 30 minutes). None when a date cannot be read or the window is empty."""
    try:
        windows = [
            (v["not_before"].native, v["not_after"].native)
            for v in (c["tbs_certificate"]["validity"] for c in certs)
        ]
        for item in crls:
            tbs = item["tbs_cert_list"]
            windows.append(_freshness(tbs["this_update"].native, tbs["next_update"].native))
        for response in ocsps:
            basic = response["response_bytes"]["response"].parsed
            for single in basic["tbs_response_data"]["responses"]:
                windows.append(_freshness(single["this_update"].native, single["next_update"].native))
    except Exception:  # a damaged date: not remembered
        return None
    start, end = max(w[0] for w in windows), min(w[1] for w in windows)
    return (start, end) if start <= end else None


def _freshness(this_update: datetime, next_update: datetime | None) -> tuple[datetime, datetime]:
    return this_update, next_update or this_update + FRESHNESS_FALLBACK_VALIDITY_DEFAULT


def _replacements() -> list[tuple[Any, str, Any, Any]]:
    """(where, name, library's own, replacement) for every function replaced."""
    return [
        (generic, "read_hex_string_from_stream", ORIGINAL_HEX_READER, read_hex_string_from_stream),
        # generic binds these two by name; xref.py and reader.py call them through misc.
        (generic, "read_until_delimiter", ORIGINAL_UNTIL_DELIMITER, read_until_delimiter),
        (misc, "read_until_delimiter", ORIGINAL_UNTIL_DELIMITER, read_until_delimiter),
        (generic, "read_non_whitespace", ORIGINAL_NON_WHITESPACE, read_non_whitespace),
        (misc, "read_non_whitespace", ORIGINAL_NON_WHITESPACE, read_non_whitespace),
        (generic, "_decode_name", ORIGINAL_DECODE_NAME, decode_name),
        (generic, "_read_string_literal_bytes", ORIGINAL_STRING_LITERAL, read_string_literal_bytes),
        (x509.NameTypeAndValue, "_ldap_string_prep", ORIGINAL_STRING_PREP, _memoised_string_prep),
        (x509.Name, "__eq__", ORIGINAL_NAME_EQ, _name_eq),
        (x509.Name, "hashable", ORIGINAL_NAME_HASHABLE, property(_name_hashable)),
        # find_valid_path (which pyHanko calls for every signer) looks the function up in this module.
        (pyhanko_certvalidator, "async_validate_path", ORIGINAL_VALIDATE_PATH, _validate_path_remembered),
        (
            HistoricalResolver,
            "_load_reverse_xref_cache",
            speedups_paths.ORIGINAL_LOAD_REVERSE_XREF_CACHE,
            speedups_scan.load_reverse_xref_cache,
        ),
    ]


_install_lock = threading.Lock()
_installed = False


def install(warn: bool = True) -> bool:
    """Apply them all in this process, unless switched off or the libraries are not the tested versions
    (then apply none; with ``warn``, say so once). Idempotent and thread-safe. True when applied."""
    global _installed
    if not allowed(warn=warn):
        return False
    with _install_lock:
        if not _installed:
            for where, name, _, replacement in _replacements():
                setattr(where, name, replacement)
            _installed = True
    return True


def installed() -> bool:
    """Whether the speed-ups are applied in this process."""
    return _installed


def uninstall() -> None:
    """Restore the libraries' own functions and forget everything remembered (for the equivalence tests)."""
    global _installed
    with _install_lock:
        for where, name, original, _ in _replacements():
            setattr(where, name, original)
        _installed = False
    clear_caches()


class CacheInfo(NamedTuple):
    """How many entries each memo holds (see the module docstring)."""

    paths: int
    names_equal: int
    name_keys: int


def cache_info() -> CacheInfo:
    """The sizes of the memos, for tests and measurements."""
    with _memo_lock:
        return CacheInfo(len(_validated_paths), len(_names_equal), len(_name_keys))


def clear_caches() -> None:
    """Forget every remembered path, name comparison and decoded name."""
    with _memo_lock:
        _validated_paths.clear()
        _names_equal.clear()
        _name_keys.clear()
    _name_text.cache_clear()
    _string_prep.cache_clear()
