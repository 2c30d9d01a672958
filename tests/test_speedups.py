"""The validation speed-ups change nothing but speed: same strings, same errors, same verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.misc import PdfError

from sigaudit.model import SubIndication, Verdict
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


def test_a_remembered_certificate_path_is_not_used_outside_its_validity(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    data = (sample_docs / rel).read_bytes()
    now = validate_pdf(data, demo_trust)  # validates (and remembers) the signers' paths
    assert now.verdict == Verdict.VALID
    # The signer certificates end on 2045-01-01: in 2046 the same paths must be validated again and fail.
    later = validate_pdf(data, demo_trust, moment=datetime(2046, 1, 1, tzinfo=UTC))
    assert later.verdict == Verdict.INDETERMINATE, later.reason
    assert {s.sub_indication for s in later.signatures} <= {
        SubIndication.EXPIRED,
        SubIndication.OUT_OF_BOUNDS_NO_POE,
    }
    # Before the certificates' start, the same holds.
    earlier = validate_pdf(data, demo_trust, moment=datetime(2019, 6, 1, tzinfo=UTC))
    assert earlier.verdict == Verdict.INDETERMINATE, earlier.reason


def test_a_path_is_remembered_only_for_contexts_without_document_evidence(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    # The revoked signer's file carries the CRL that revokes it: whatever was remembered before, its
    # signature must come out revoked.
    for path in expected:
        if "!/" not in path:
            validate_pdf((sample_docs / path).read_bytes(), demo_trust)
    for path, exp in expected.items():
        if exp["kind"] == "revoked" and "!/" not in path:
            outcome = validate_pdf((sample_docs / path).read_bytes(), demo_trust)
            assert outcome.verdict == Verdict.INVALID, (path, outcome.reason)
