"""Hostile inputs from the fuzzing campaign (fuzz/README.md) keep getting a verdict and the right one.

Every file in tests/regressions/ is written, deterministically, by
``python fuzz/fuzz_pdf.py --write-regressions tests/regressions`` from the sample archive. Each is
validated in a child process with an address-space limit and a deadline, so an input that hangs the
engine or exhausts memory fails its test instead of the test run.
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import os
import resource
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sigaudit.model import RevocationStatus, ValidationOutcome, Verdict
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig

REPO = Path(__file__).resolve().parents[2]
REGRESSIONS = REPO / "tests" / "regressions"
FUZZER = REPO / "fuzz" / "fuzz_pdf.py"
DEADLINE_S = 60
HEADROOM = 2 * 1024**3  # address space the child may add to what it inherits from pytest


@dataclass(frozen=True)
class Expect:
    verdicts: frozenset[Verdict]
    words: tuple[str, ...] = ()  # each must appear in the reason
    notes: tuple[str, ...] = ()  # each must appear in one of the notes
    like_base: bool = False  # the verdict of the unmodified sample the file was derived from
    revocation: frozenset[RevocationStatus] | None = None  # allowed for every signature
    max_seconds: float | None = None  # generous: the fixed engine needs well under a second


INVALID = frozenset({Verdict.INVALID})
DIGEST = ("Sig_CoQuan", "digest does not match")
BYTE_RANGE = "ByteRange does not cover the file except the signature value"
CONTAINER = ("Sig_CoQuan", "signature container cannot be parsed")
AFTER = "the file after the signed revision cannot be read"
WHOLE = "the whole file cannot be read"

EXPECTED: dict[str, Expect] = {
    # /ByteRange of the agency signature: an anomalous ByteRange (FORMAT_FAILURE), and the signed bytes
    # are no longer what was signed
    "byterange-beyond-eof.pdf": Expect(INVALID, (*DIGEST, BYTE_RANGE, "beyond the end of the file")),
    "byterange-gap.pdf": Expect(INVALID, (*DIGEST, BYTE_RANGE, "not exactly the signature value")),
    "byterange-overlap.pdf": Expect(INVALID, (*DIGEST, BYTE_RANGE, "overlap")),
    "byterange-negative.pdf": Expect(INVALID, (*DIGEST, BYTE_RANGE, "negative number")),
    # was indeterminate (pyHanko's "List has odd number of elements") until the ByteRange check
    "byterange-three-numbers.pdf": Expect(INVALID, ("Sig_CoQuan", BYTE_RANGE, "3 numbers instead of 4")),
    # /Contents of the agency signature (issue 17: the revision holding it cannot be read, so the
    # personal signature before it is invalid too, and named first)
    "contents-not-hex.pdf": Expect(
        INVALID, ("Sig_CaNhan", AFTER, "Unexpected token in hex string", "+1 more")
    ),
    "contents-odd-length.pdf": Expect(INVALID, CONTAINER),
    "contents-truncated-der.pdf": Expect(INVALID, CONTAINER),
    "contents-der-2000-deep.pdf": Expect(INVALID, CONTAINER),
    # parser defences: the damage lies after the signed revisions, which still read on their own
    # (issue 17, item 4: invalid, "the file after the signed revision cannot be read"; was unreadable)
    "nesting-10000-deep.pdf": Expect(INVALID, (AFTER, "corrupt PDF"), notes=(WHOLE,)),
    "dict-nesting-10000-deep.pdf": Expect(INVALID, (AFTER, "corrupt PDF"), notes=(WHOLE,)),
    "flate-bomb-xref-stream.pdf": Expect(
        INVALID, (AFTER, "corrupt PDF", "exceeds the limit"), notes=(WHOLE,)
    ),
    "encrypt-nowhere.pdf": Expect(INVALID, (AFTER, "corrupt PDF"), notes=(WHOLE,)),
    "prev-cycle.pdf": Expect(INVALID, (AFTER, "corrupt PDF", "loop"), notes=(WHOLE,)),
    "startxref-beyond-eof.pdf": Expect(INVALID, (AFTER, "corrupt PDF"), notes=(WHOLE,)),
    "garbage-after-eof.pdf": Expect(INVALID, (AFTER, "EOF marker"), notes=(WHOLE,)),
    # a 4 GiB bomb in the DSS is not decoded: the DSS is ignored, the signatures are judged as before
    "flate-bomb-dss.pdf": Expect(frozenset(Verdict), like_base=True),
    # campaign bug 1: a damaged DSS certificate made validate_pdf raise; the revoked signer's CRL, also
    # in the DSS, must still be used
    "dss-certificate-bad-extension-tag.pdf": Expect(
        INVALID, ("Sig_CaNhan", "revoked"), notes=("damaged certificate",)
    ),
    # campaign bug 2: a signer certificate that only cryptography's strict parser refuses made
    # validate_pdf raise (reachable when the CMS has no ESS signing-certificate attribute)
    "signer-certificate-bad-spki-tag.pdf": Expect(
        INVALID, ("Sig_CoQuan", "signer certificate cannot be parsed")
    ),
    # campaign bug 3: a DSS CRL whose issuer name is not valid UTF-8 made validate_pdf raise while the
    # revocation status was summarised; such a CRL can never vouch for a certificate ("good")
    "dss-crl-issuer-not-utf8.pdf": Expect(
        frozenset({Verdict.VALID, Verdict.INDETERMINATE, Verdict.INVALID}),
        ("Sig_CaNhan",),
        revocation=frozenset(
            {RevocationStatus.UNKNOWN, RevocationStatus.REVOKED, RevocationStatus.NOT_CHECKED}
        ),
    ),
    # campaign bug 5: a predictor-encoded DSS stream was decoded row by row in Python for ~30 s
    "dss-predictor-bomb.pdf": Expect(frozenset(Verdict), like_base=True, max_seconds=15),
    # campaign bug 4: a cross-reference stream declaring 10^8 objects it holds no data for made pyHanko
    # build 10^8 entries (24 GB, killed by the kernel); now refused before parsing
    # (the signed revisions before the declaration are judged, as above)
    "xref-stream-1e8-objects-no-data.pdf": Expect(
        INVALID, (AFTER, "corrupt PDF", "declares 100000000 objects"), notes=(WHOLE,)
    ),
    "xref-stream-1e8-objects-zero-widths.pdf": Expect(
        INVALID, (AFTER, "corrupt PDF", "declares 100000000 objects"), notes=(WHOLE,)
    ),
}


def _load_fuzzer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_pdf", FUZZER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_pdf"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _address_space() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _child(path: str, trust: TrustConfig, conn: Connection) -> None:
    limit = _address_space() + HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        started = time.monotonic()
        outcome: Any = validate_pdf(Path(path).read_bytes(), trust)
        conn.send(("ok", (outcome, time.monotonic() - started)))
    except BaseException as exc:
        conn.send(("raised", f"{type(exc).__name__}: {exc}"))


def _validate_isolated(path: Path, trust: TrustConfig) -> tuple[ValidationOutcome, float]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(str(path), trust, child))
    proc.start()
    child.close()
    try:
        if not parent.poll(DEADLINE_S):
            pytest.fail(f"{path.name}: no verdict within {DEADLINE_S} s")
        try:
            kind, value = parent.recv()
        except EOFError:
            proc.join(5)
            pytest.fail(f"{path.name}: the validating process died (exit code {proc.exitcode})")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        parent.close()
    assert kind == "ok", f"{path.name}: validate_pdf raised {value}"
    outcome, seconds = value
    assert isinstance(outcome, ValidationOutcome)
    return outcome, seconds


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input_gets_its_verdict(name: str, demo_trust: TrustConfig, sample_docs: Path) -> None:
    expect = EXPECTED[name]
    outcome, seconds = _validate_isolated(REGRESSIONS / name, demo_trust)
    if expect.max_seconds is not None:
        assert seconds < expect.max_seconds, f"{name}: {seconds:.1f} s"
    assert isinstance(outcome.verdict, Verdict) and outcome.reason.strip()
    if expect.like_base:
        fuzzer = _load_fuzzer()
        base = validate_pdf((sample_docs / fuzzer.REGRESSION_BASE).read_bytes(), demo_trust)
        assert (outcome.verdict, len(outcome.signatures)) == (base.verdict, len(base.signatures))
    assert outcome.verdict in expect.verdicts, (outcome.verdict, outcome.reason)
    for word in expect.words:
        assert word in outcome.reason, (word, outcome.reason)
    if expect.revocation is not None:
        assert outcome.signatures and all(s.revocation in expect.revocation for s in outcome.signatures)
    for word in expect.notes:
        assert any(word in note for note in outcome.notes), (word, outcome.notes)


def test_regression_files_are_what_the_fuzzer_writes(sample_docs: Path) -> None:
    """Anyone can regenerate the files: same names, same bytes (rerun --write-regressions if the sample
    archive was regenerated)."""
    fuzzer = _load_fuzzer()
    built = fuzzer.build_regressions(fuzzer.load_corpus([sample_docs]))
    on_disk = {p.name for p in REGRESSIONS.glob("*.pdf")}
    assert set(built) == on_disk == set(EXPECTED)
    stale = [name for name, data in built.items() if (REGRESSIONS / name).read_bytes() != data]
    assert not stale, (
        f"regenerate with: python fuzz/fuzz_pdf.py --write-regressions tests/regressions ({stale})"
    )
    assert all(len(data) < 200 * 1024 for data in built.values())
