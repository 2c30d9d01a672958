"""The validation speed-ups change nothing but speed: same strings, same errors, same verdicts; and they
are applied only where a validating process asks for them, on the library versions they were tested on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509
from pyhanko.pdf_utils.misc import PdfError

import realsign
from revpki import NOW, Pki, sign
from sigaudit.model import Indication, RevocationSource, RevocationStatus, SubIndication, Verdict
from sigaudit.sources.walk import Candidate, walk
from sigaudit.validation import speedups, speedups_gate
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig, build_trust
from tokenizer_pdfs import TOKENIZER_CASES, tokenizer_file


@pytest.fixture(autouse=True)
def with_speedups() -> Iterator[None]:
    """Every test here starts with the speed-ups applied and nothing remembered, and leaves none applied."""
    assert speedups.install(), "the installed libraries are the tested versions"
    speedups.clear_caches()
    try:
        yield
    finally:
        speedups.uninstall()


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
    original = _read(speedups.ORIGINAL_HEX_READER, data)
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
        (speedups.read_until_delimiter, speedups.ORIGINAL_UNTIL_DELIMITER, {}),
        (speedups.read_non_whitespace, speedups.ORIGINAL_NON_WHITESPACE, {}),
        (speedups.read_non_whitespace, speedups.ORIGINAL_NON_WHITESPACE, {"seek_back": True}),
        (speedups.read_non_whitespace, speedups.ORIGINAL_NON_WHITESPACE, {"allow_eof": True}),
        (speedups.read_string_literal_bytes, speedups.ORIGINAL_STRING_LITERAL, {}),
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
                    speedups.ORIGINAL_DECODE_NAME(token)
                continue
            original = speedups.ORIGINAL_DECODE_NAME(token)
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
def without_speedups() -> None:
    speedups.uninstall()


def _outcomes(sample_docs: Path, trust: TrustConfig) -> dict[str, object]:
    return {
        e.path: validate_pdf(e.data, trust)
        for e in walk([sample_docs])
        if isinstance(e, Candidate) and e.data is not None
    }


@pytest.mark.slow
def test_sample_outcomes_are_identical_with_and_without_speedups(
    sample_docs: Path, demo_trust: TrustConfig, request: pytest.FixtureRequest
) -> None:
    fast = _outcomes(sample_docs, demo_trust)
    request.getfixturevalue("without_speedups")
    slow = _outcomes(sample_docs, demo_trust)
    assert fast.keys() == slow.keys() and len(fast) > 30
    for path in fast:
        assert fast[path] == slow[path], path


@pytest.mark.slow
def test_hostile_files_get_identical_outcomes_with_and_without_speedups(
    demo_trust: TrustConfig, request: pytest.FixtureRequest
) -> None:
    files = sorted((Path(__file__).resolve().parents[1] / "regressions").glob("*.pdf"))
    fast = {f.name: validate_pdf(f.read_bytes(), demo_trust) for f in files}
    request.getfixturevalue("without_speedups")
    slow = {f.name: validate_pdf(f.read_bytes(), demo_trust) for f in files}
    assert len(fast) > 15
    for name in fast:
        if "recursion depth" in fast[name].reason + slow[name].reason:
            # Where Python's recursion limit strikes depends on the frames per nesting level, which
            # the faster token readers change: the verdict and its kind stay, the wording may not.
            # (since issue 17 the signed revisions before the damage are judged: invalid, not unreadable)
            assert fast[name].verdict == slow[name].verdict, name
            assert "corrupt PDF" in fast[name].reason and "corrupt PDF" in slow[name].reason, name
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


# --- applied on purpose only ---------------------------------------------------------------------------
# Each of these runs a fresh interpreter: whether importing something applies the speed-ups can only
# be seen in a process where nothing has applied them yet.
_REPLACED = """
from asn1crypto import x509
import pyhanko_certvalidator
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver
def replaced():
    return [
        generic.read_hex_string_from_stream, generic.read_until_delimiter, misc.read_until_delimiter,
        generic.read_non_whitespace, misc.read_non_whitespace, generic._decode_name,
        generic._read_string_literal_bytes, x509.NameTypeAndValue._ldap_string_prep, x509.Name.__eq__,
        x509.Name.__dict__["hashable"], pyhanko_certvalidator.async_validate_path,
        HistoricalResolver._load_reverse_xref_cache,
    ]
"""


REPLACED = 12  # functions in _REPLACED's list


def _fresh(code: str, **env: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter (after _REPLACED); it prints one JSON value, returned."""
    environment = {k: v for k, v in os.environ.items() if k != speedups_gate.NO_SPEEDUPS_ENV}
    completed = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", _REPLACED + code],
        capture_output=True,
        text=True,
        env={**environment, **env},
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_importing_and_using_the_engine_changes_nothing_in_pyhanko(
    sample_docs: Path, expected: dict[str, Any], demo_pki: Path
) -> None:
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    roots = [str(demo_pki / "demo-root.pem")], [str(demo_pki / "demo-intermediate.pem")]
    result = _fresh(
        f"""
import json, logging
from pathlib import Path
before = replaced()
from sigaudit.validation import engine, speedups
from sigaudit.validation.trust import build_trust
trust = build_trust(*[[Path(p) for p in ps] for ps in {roots!r}])
verdict = engine.validate_pdf(Path({str(sample_docs / rel)!r}).read_bytes(), trust).verdict.value
print(json.dumps({{
    "verdict": verdict,
    "same": [a is b for a, b in zip(before, replaced())],
    "installed": speedups.installed(),
    "log_levels": [logging.getLogger(n).level for n in ("pyhanko", "pyhanko_certvalidator")],
}}))
"""
    )
    assert result == {"verdict": "valid", "same": [True] * REPLACED, "installed": False, "log_levels": [0, 0]}


@pytest.mark.slow
def test_a_worker_applies_them_once_and_quiets_pyhanko() -> None:
    result = _fresh(
        """
import json, logging
original = replaced()
from sigaudit.validation import speedups
from sigaudit.validation.worker import prepare
first = prepare(); applied = replaced(); again = prepare()
speedups.uninstall(); restored = replaced()
print(json.dumps({
    "first": first, "again": again,
    "replaced": [a is not b for a, b in zip(original, applied)],
    "restored": [a is b for a, b in zip(original, restored)],
    "log_levels": [logging.getLogger(n).level for n in ("pyhanko", "pyhanko_certvalidator")],
}))
"""
    )
    assert result["first"] is True and result["again"] is True
    assert result["replaced"] == [True] * REPLACED and result["restored"] == [True] * REPLACED
    assert result["log_levels"] == [50, 50]  # CRITICAL


_UNTESTED = """
import json, warnings
from sigaudit.validation import speedups, speedups_gate
speedups_gate.TESTED_VERSIONS = {**speedups_gate.TESTED_VERSIONS, "pyhanko": "0.0.1"}
original = replaced()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    applied = [speedups.install(), speedups.install(), speedups_gate.allowed()]
print(json.dumps({
    "applied": applied,
    "untouched": [a is b for a, b in zip(original, replaced())],
    "warnings": [str(w.message) for w in caught if issubclass(w.category, speedups_gate.SpeedupsNotApplied)],
}))
"""


def test_untested_library_versions_apply_none_with_one_warning() -> None:
    result = _fresh(_UNTESTED)
    assert result["applied"] == [False, False, False]
    assert result["untouched"] == [True] * REPLACED
    [warning] = result["warnings"]
    assert "pyhanko 0.38.0 (tested: 0.0.1)" in warning


def test_the_versions_are_compared_exactly() -> None:
    tested = dict(speedups_gate.TESTED_VERSIONS)
    assert speedups_gate.untested_versions(tested) is None
    assert speedups_gate.untested_versions({**tested, "asn1crypto": "1.5.2"}) == (
        "asn1crypto 1.5.2 (tested: 1.5.1)"
    )
    assert "not installed" in (speedups_gate.untested_versions({**tested, "pyhanko": None}) or "")


def test_sigaudit_no_speedups_turns_them_off_silently() -> None:
    code = _UNTESTED.replace('"pyhanko": "0.0.1"', '"pyhanko": "0.38.0"')  # tested: only the switch
    result = _fresh(code, SIGAUDIT_NO_SPEEDUPS="1")
    assert result == {"applied": [False, False, False], "untouched": [True] * REPLACED, "warnings": []}
    assert _fresh(code, SIGAUDIT_NO_SPEEDUPS="0")["applied"] == [True, True, True]


def test_cache_info_counts_remembered_paths(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    assert speedups.cache_info().paths == 0
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    assert validate_pdf((sample_docs / rel).read_bytes(), demo_trust).verdict == Verdict.VALID
    remembered = speedups.cache_info()
    assert remembered.paths >= 1 and remembered.names_equal >= 1
    speedups.clear_caches()
    assert speedups.cache_info() == (0, 0, 0)


def test_a_remembered_path_is_not_reused_once_a_folder_crl_is_stale(tmp_path: Path) -> None:
    """The path cache's key covers the --revocation-dir CRLs: past their nextUpdate pyhanko-certvalidator
    refuses the CRL as stale, and a path remembered while it was fresh must not pass instead."""
    pki = Pki()
    signer = pki.issue(crl_url="http://127.0.0.1:9/never")  # revocation must be checked; never fetched
    folder = tmp_path / "revocation"
    folder.mkdir()
    (folder / "root.crl").write_bytes(pki.crl(next_update=NOW + dt.timedelta(days=1)))
    trust = build_trust([pki.root_pem(tmp_path)], use_shipped=False, revocation_dir=folder)
    pdf = sign(signer, pki)
    [fresh] = validate_pdf(pdf, trust).signatures
    assert (fresh.revocation, fresh.revocation_source) == (RevocationStatus.GOOD, RevocationSource.LOCAL)
    assert speedups.cache_info().paths == 1
    later = NOW + dt.timedelta(days=3)  # the signer's certificate is still valid; the CRL is stale
    [stale] = validate_pdf(pdf, trust, moment=later).signatures
    assert (stale.indication, stale.sub_indication) == (Indication.INDETERMINATE, SubIndication.TRY_LATER)
    speedups.uninstall()
    [expected] = validate_pdf(pdf, trust, moment=later).signatures
    assert stale == expected


@pytest.mark.slow
def test_attack_shadow_and_legit_change_files_get_identical_outcomes_with_and_without_speedups(
    demo_trust: TrustConfig, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The reference scanner and the other speed-ups read every file of the change corpora the way
    pyHanko does: the same outcome (verdict, reason, signatures, change analysis) with them as without."""
    scripts = Path(__file__).resolve().parents[2] / "scripts"
    sys.path.insert(0, str(scripts))
    import make_attack_files as attacks
    import make_foreign_corpus
    import make_legit_changes as legit
    import shadow_attacks

    files = {c.name: c.data for c in attacks.build_cases()}
    files |= {c.name: c.data for c in shadow_attacks.build_shadow_cases()}
    if not make_foreign_corpus.missing_tools():
        files |= {c.name: c.data for c in legit.build_legit_cases(tmp_path)}
    assert speedups.installed()
    fast = {name: validate_pdf(data, demo_trust) for name, data in files.items()}
    request.getfixturevalue("without_speedups")
    slow = {name: validate_pdf(data, demo_trust) for name, data in files.items()}
    assert len(fast) > 30
    for name in fast:
        assert fast[name] == slow[name], name


@pytest.mark.slow
def test_hand_made_tokens_signed_get_identical_outcomes_with_and_without_speedups(
    demo_pki: Path, demo_trust: TrustConfig, request: pytest.FixtureRequest
) -> None:
    """Each odd object of tokenizer_pdfs.py in a signed revision, then a second signature: the
    difference analysis maps the first signed revision with the reference scanner. A 5000-digit integer
    in it (which pyHanko's int() refuses, so its analysis fails: invalid) was skipped by the scanner,
    and the file came out valid with the speed-ups."""
    cred = realsign.issue(realsign.load_issuer(demo_pki))
    files = {}
    for name, body in TOKENIZER_CASES.items():
        data = realsign.sign(tokenizer_file(body, page=True), cred, field="Sig_CaNhan")
        files[name] = realsign.sign(data, cred, field="Sig_CoQuan")
    assert speedups.installed()
    fast = {name: validate_pdf(data, demo_trust) for name, data in files.items()}
    request.getfixturevalue("without_speedups")
    slow = {name: validate_pdf(data, demo_trust) for name, data in files.items()}
    assert {o.verdict for o in slow.values()} == {Verdict.VALID, Verdict.INVALID}
    for name in fast:
        assert fast[name] == slow[name], name
    assert slow["a 5000-digit integer"].verdict == Verdict.INVALID
