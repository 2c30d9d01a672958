"""The validation speed-ups change nothing but speed: same strings, same errors, same verdicts."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509
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


def _call(function: Any, data: bytes, start: int, **kwargs: Any) -> tuple[str, object, int]:
    """What a token reader returns (or raises) and where it leaves the stream."""
    stream = BytesIO(data)
    stream.seek(start)
    try:
        value = function(stream, **kwargs)
    except Exception as exc:
        return ("error", f"{type(exc).__name__}: {exc}", stream.tell())
    return ("ok", (type(value).__name__, bytes(value) if isinstance(value, bytes) else value), stream.tell())


# Bytes that steer the token readers: whitespace, delimiters, comments, escapes, hex digits, high bytes.
_ALPHABET = b" \n\r\t\f\x00()<>[]{}/%\\#0123456789abcdefABCDEFxyzR.+-\x80\xe1\xff"


def _token_samples(count: int = 3000) -> list[tuple[bytes, int]]:
    generator = random.Random(20261129)
    samples: list[tuple[bytes, int]] = []
    for _ in range(count):
        length = generator.choice([0, 1, 2, 5, 20, 63, 64, 65, 130, 300])
        data = bytes(generator.choice(_ALPHABET) for _ in range(length))
        samples.append((data, generator.randint(0, length) if length else 0))
    # Long runs across the block sizes, and strings past the fast reader's limit.
    samples += [(b"/" + b"A" * 5000 + b" ", 0), (b"(" + b"x" * 70_000 + b")", 0), (b"(" * 3 + b")" * 3, 0)]
    samples += [(b"(a(b)c)" + b"y" * 5000, 0), (b" " * 200 + b"x", 0), (b" " * 200 + b"%c\nx", 0)]
    return samples


def test_token_readers_match_pyhanko_on_random_bytes() -> None:
    cases = [
        (speedups.read_until_delimiter, speedups._ORIGINAL_UNTIL_DELIMITER, {}),
        (speedups.read_non_whitespace, speedups._ORIGINAL_NON_WHITESPACE, {}),
        (speedups.read_non_whitespace, speedups._ORIGINAL_NON_WHITESPACE, {"seek_back": True}),
        (speedups.read_non_whitespace, speedups._ORIGINAL_NON_WHITESPACE, {"allow_eof": True}),
        (speedups.read_string_literal_bytes, speedups._ORIGINAL_STRING_LITERAL, {}),
    ]
    for fast, original, kwargs in cases:
        for data, start in _token_samples():
            expected = _call(original, data, start, **kwargs)
            assert _call(fast, data, start, **kwargs) == expected, (fast.__name__, kwargs, data, start)


def test_decoded_names_match_pyhanko_and_are_fresh_objects() -> None:
    for data, _ in _token_samples():
        token = data.split(b" ")[0]
        for attempt in range(2):  # the second time comes from the memo
            try:
                fast = speedups.decode_name(token)
            except Exception as exc:
                with pytest.raises(type(exc), match=re.escape(str(exc))):
                    speedups._ORIGINAL_DECODE_NAME(token)
                continue
            original = speedups._ORIGINAL_DECODE_NAME(token)
            assert (type(fast), fast) == (type(original), original), (token, attempt)
    first, second = speedups.decode_name(b"Type"), speedups.decode_name(b"Type")
    assert first == second and first is not second  # pyHanko sets container_ref on each object it reads


def test_name_comparison_matches_asn1crypto() -> None:
    def name(**attributes: str) -> x509.Name:
        return x509.Name.build(attributes)

    pairs = [
        (name(common_name="Sở Nội vụ"), name(common_name="sở  nội VỤ")),  # RFC 4518: case and spaces
        (name(common_name="A", country_name="VN"), name(common_name="A", country_name="VN")),
        (name(common_name="A"), name(common_name="B")),
        (name(common_name="A", organization_name="X"), name(common_name="A")),
    ]
    for a, b in pairs:
        speedups.uninstall()
        try:
            expected = (a == b, b == a, a != b, a.hashable, b.hashable)
        finally:
            speedups.install()
        for _ in range(2):
            assert (a == b, b == a, a != b, a.hashable, b.hashable) == expected
    assert (name(common_name="A") == "A") is False


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


def test_hostile_files_get_identical_outcomes_with_and_without_speedups(
    demo_trust: TrustConfig, request: pytest.FixtureRequest
) -> None:
    files = sorted((Path(__file__).resolve().parent / "regressions").glob("*.pdf"))
    fast = {f.name: validate_pdf(f.read_bytes(), demo_trust) for f in files}
    request.getfixturevalue("without_speedups")
    slow = {f.name: validate_pdf(f.read_bytes(), demo_trust) for f in files}
    assert len(fast) > 15
    for name in fast:
        if "recursion depth" in fast[name].reason + slow[name].reason:
            # Where Python's recursion limit strikes depends on the frames per nesting level, which
            # the faster token readers change: the verdict and its kind stay, the wording may not.
            assert fast[name].verdict == slow[name].verdict == Verdict.UNREADABLE, name
            assert fast[name].reason.startswith("corrupt PDF") and slow[name].reason.startswith(
                "corrupt PDF"
            ), name
            continue
        assert fast[name] == slow[name], name


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
