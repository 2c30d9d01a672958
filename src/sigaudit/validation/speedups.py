"""Two pure-function speed-ups for pyHanko 0.38 and asn1crypto; every check keeps its strength.

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
"""

from __future__ import annotations

import binascii
import functools
import os
from collections.abc import Callable
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils import generic

PDF_WHITESPACE = b" \n\r\t\f\x00"  # pyhanko.pdf_utils.misc.PDF_WHITESPACE
HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_CHUNK = 1 << 16

_ORIGINAL_HEX_READER: Callable[[Any], Any] = generic.read_hex_string_from_stream
_ORIGINAL_STRING_PREP: Callable[[Any, str], str] = x509.NameTypeAndValue._ldap_string_prep


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


def install() -> None:
    """Apply both in this process (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string_from_stream
    x509.NameTypeAndValue._ldap_string_prep = _memoised_string_prep


def uninstall() -> None:
    """Restore pyHanko's and asn1crypto's own functions (used by the equivalence tests)."""
    generic.read_hex_string_from_stream = _ORIGINAL_HEX_READER  # type: ignore[assignment]
    x509.NameTypeAndValue._ldap_string_prep = _ORIGINAL_STRING_PREP
