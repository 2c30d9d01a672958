"""The validation speed-ups change nothing but speed: same strings, same errors, same verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.misc import PdfError

from sigaudit.sources.walk import Candidate, walk
from sigaudit.validation import speedups
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig


def _read(reader: object, data: bytes) -> tuple[str, object, int]:
    stream = BytesIO(data)
    try:
        value = reader(stream)  # type: ignore[operator]
    except PdfError as exc:
        return ("error", type(exc).__name__ + str(exc), stream.tell())
    return ("ok", (type(value).__name__, value.original_bytes), stream.tell())


@pytest.mark.parametrize(
    "data",
    [
        b"<48656C6C6F> rest",
        b"<48 65\n6C\t6C\r6F\x00> rest",
        b"<486>",  # odd length: padded with 0
        b"<>",
        b"<FEFF00410042>",  # UTF-16BE text
        b"<48656C6C6F",  # no closing '>'
        b"<48656G6C6F>",  # not a hex digit
        b"<4865 % comment\n6C6C6F>",  # a comment inside: pyHanko's own reader decides
        b"<" + b"ab" * 40000 + b">tail",  # longer than one read block
    ],
)
def test_hex_reader_matches_pyhanko(data: bytes) -> None:
    fast = _read(speedups.read_hex_string_from_stream, data)
    original = _read(speedups._ORIGINAL_HEX_READER, data)
    assert fast == original


@pytest.fixture
def without_speedups() -> Iterator[None]:
    speedups.uninstall()
    try:
        yield
    finally:
        speedups.install()


def _outcomes(sample_docs: Path, trust: TrustConfig) -> dict[str, object]:
    return {
        e.path: validate_pdf(e.data, trust)
        for e in walk([sample_docs])
        if isinstance(e, Candidate) and e.data is not None
    }


def test_sample_outcomes_are_identical_with_and_without_speedups(
    sample_docs: Path, demo_trust: TrustConfig, request: pytest.FixtureRequest
) -> None:
    fast = _outcomes(sample_docs, demo_trust)
    request.getfixturevalue("without_speedups")
    slow = _outcomes(sample_docs, demo_trust)
    assert fast.keys() == slow.keys() and len(fast) > 30
    for path in fast:
        assert fast[path] == slow[path], path
