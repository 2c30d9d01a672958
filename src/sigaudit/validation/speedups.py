"""Three speed-ups for pyHanko 0.38, pyhanko-certvalidator and asn1crypto; every check keeps its strength.

Measured with ``benchmarks/profile_validation.py`` on ~500 KB two-signature documents: validation went
from about 63 to 21 ms per document with both installed, with identical outcomes.

* **Hex strings.** pyHanko parses a PDF hex string (``<…>``, as in every signature's ``/Contents``)
  one byte per Python call (``generic.read_hex_string_from_stream`` → ``misc.read_non_whitespace``):
  ~8 ms for a 16 KiB ``/Contents``. The replacement reads up to ``>`` at once and decodes with binascii
  when the string holds only hex digits and PDF whitespace. Anything else — a ``%`` comment, a bad
  digit, no closing ``>`` — goes back to pyHanko's own reader from the same position, so what is
  accepted, what is refused and the error raised stay exactly pyHanko's.
* **Name comparison.** asn1crypto compares certificate names per RFC 5280 after RFC 4518 string
  preparation (``x509.NameTypeAndValue._ldap_string_prep``, per character, stringprep tables), dozens
  of times per document for the same few names. The function depends only on its string argument
  (it never reads ``self``), so its results are memoised.
* **Certificate paths.** The same few signers sign thousands of documents, and each signature's path
  (signer, intermediate, root) was validated again every time (RFC 5280 path processing: signatures,
  validity, policies, revocation). A path that passed is remembered, per process, keyed by the exact
  certificates (their SHA-256, root included) and a key the engine gives its validation context —
  the trust configuration and the policy — and reused only while the validation time lies within
  every certificate's validity period. The engine gives that key only to contexts that carry no
  revocation data from the document (no CRL, OCSP response or DSS certificate) and fetch nothing
  (no ``--online``): with such data the answer depends on the document or the network and is always
  computed. Revocation data from ``--revocation-dir`` is the same for every document and its digests
  are in the trust fingerprint, hence in the key. The soft failures pyhanko-certvalidator reported
  while validating a remembered path (revocation data it could not use) are reported again to each
  context that reuses the path, so the engine's revocation status is the same either way. Failures
  are never remembered.
"""

from __future__ import annotations

import binascii
import functools
import os
from collections.abc import Callable
from typing import Any

import pyhanko_certvalidator
from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko_certvalidator.authority import AuthorityWithCert

PDF_WHITESPACE = b" \n\r\t\f\x00"  # pyhanko.pdf_utils.misc.PDF_WHITESPACE
HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_CHUNK = 1 << 16

_ORIGINAL_HEX_READER: Callable[[Any], Any] = generic.read_hex_string_from_stream
_ORIGINAL_STRING_PREP: Callable[[Any, str], str] = x509.NameTypeAndValue._ldap_string_prep
_ORIGINAL_VALIDATE_PATH: Callable[..., Any] = getattr(pyhanko_certvalidator, "async_validate_path")  # noqa: B009

_PATH_CACHE_ATTRIBUTE = "_sigaudit_path_cache_key"
_PATH_CACHE_LIMIT = 10_000
_validated_paths: dict[tuple[str, tuple[bytes, ...]], tuple[Any, Any, Any, tuple[Exception, ...]]] = {}


def read_hex_string_from_stream(stream: Any) -> Any:
    """Drop-in for pyHanko's reader (stream positioned on ``<``); same result, same errors."""
    start = stream.tell()
    parts = []
    while True:
        block = stream.read(_CHUNK)
        if not block:  # no closing '>': pyHanko raises its own error
            stream.seek(start)
            return _ORIGINAL_HEX_READER(stream)
        end = block.find(b">")
        if end >= 0:
            parts.append(block[:end])
            overshoot = len(block) - end - 1
            break
        parts.append(block)
    digits = b"".join(parts)[1:].translate(None, PDF_WHITESPACE)  # [1:] drops the opening '<'
    if not HEX_DIGITS.issuperset(digits):  # a comment, a bad digit…: pyHanko decides
        stream.seek(start)
        return _ORIGINAL_HEX_READER(stream)
    stream.seek(-overshoot, os.SEEK_CUR)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


@functools.lru_cache(maxsize=8192)
def _string_prep(value: str) -> str:
    return _ORIGINAL_STRING_PREP(None, value)


def _memoised_string_prep(self: Any, value: str) -> str:
    return _string_prep(value)


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
        return await _ORIGINAL_VALIDATE_PATH(context, path, parameters)
    certs = tuple(path.iter_certs(include_root=True))
    entry = (key, tuple(c.sha256 for c in certs))
    moment = context.moment
    known = _validated_paths.get(entry)
    if known is not None and known[0] <= moment <= known[1]:
        for soft_failure in known[3]:
            context._report_soft_fail(soft_failure)
        return known[2]
    before = len(context.soft_fail_exceptions)
    result = await _ORIGINAL_VALIDATE_PATH(context, path, parameters)  # raises when the path fails
    soft_failures = tuple(context.soft_fail_exceptions[before:])
    validity = [c["tbs_certificate"]["validity"] for c in certs]
    start = max(v["not_before"].native for v in validity)
    end = min(v["not_after"].native for v in validity)
    if len(_validated_paths) >= _PATH_CACHE_LIMIT:
        _validated_paths.clear()
    _validated_paths[entry] = (start, end, result, soft_failures)
    return result


def install() -> None:
    """Apply all three in this process (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string_from_stream
    x509.NameTypeAndValue._ldap_string_prep = _memoised_string_prep
    # find_valid_path (which pyHanko calls for every signer) looks the function up in this module.
    setattr(pyhanko_certvalidator, "async_validate_path", _validate_path_remembered)  # noqa: B010


def uninstall() -> None:
    """Restore the libraries' own functions (used by the equivalence tests)."""
    generic.read_hex_string_from_stream = _ORIGINAL_HEX_READER  # type: ignore[assignment]
    x509.NameTypeAndValue._ldap_string_prep = _ORIGINAL_STRING_PREP
    setattr(pyhanko_certvalidator, "async_validate_path", _ORIGINAL_VALIDATE_PATH)  # noqa: B010
    _validated_paths.clear()
