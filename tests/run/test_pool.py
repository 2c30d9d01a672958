"""The worker pool enforces per-document limits from outside the validating code."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from realsign import issue, load_issuer, sign
from sigaudit.model import Verdict
from sigaudit.run.pool import Limits, WorkerPool
from sigaudit.validation.trust import TrustConfig


def _signed_pdf(sample_docs: Path, expected: dict[str, Any]) -> bytes:
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    return (sample_docs / rel).read_bytes()


@pytest.mark.slow
def test_documents_get_the_same_verdicts_through_the_pool(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    data = _signed_pdf(sample_docs, expected)
    with WorkerPool(2, demo_trust) as pool:
        results = dict(pool.map_unordered((i, data) for i in range(6)))
        processes = pool.processes()
    assert sorted(results) == list(range(6))
    assert {o.verdict for o in results.values()} == {Verdict.VALID}
    # Let go at the end, each worker leaves by itself (exit code 0), not killed for being late.
    assert [p.exitcode for p in processes] == [0, 0]


@pytest.mark.slow
def test_a_document_past_its_deadline_is_a_timeout_and_the_pool_goes_on(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    data = _signed_pdf(sample_docs, expected)
    with WorkerPool(1, demo_trust, Limits(timeout_s=0.001)) as pool:
        results = dict(pool.map_unordered((i, data) for i in range(3)))
    assert len(results) == 3
    assert all(o.verdict == Verdict.UNREADABLE and o.reason.startswith("timeout") for o in results.values())


@pytest.mark.slow
def test_with_documents_queued_behind_timeouts_every_document_gets_exactly_one_verdict(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    # Two workers, each with a document queued behind the one it is on; every worker is stopped at its
    # deadline, and what waited behind goes to the replacement: seven documents, seven verdicts.
    data = _signed_pdf(sample_docs, expected)
    with WorkerPool(2, demo_trust, Limits(timeout_s=0.001)) as pool:
        results = list(pool.map_unordered((i, data) for i in range(7)))
    assert sorted(key for key, _ in results) == list(range(7))
    assert all(o.reason.startswith("timeout") for _, o in results)


@pytest.mark.slow
def test_a_document_over_the_memory_limit_is_unreadable_with_reason_memory(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    # A loaded worker already maps more than 48 MB, so a 100 MB document cannot fit under that limit:
    # the worker must say so rather than crash and be replaced, and the pool must go on; under a normal
    # limit the documents are validated.
    data = _signed_pdf(sample_docs, expected)
    big = data + b"\n%" + b"x" * (100 * 1024 * 1024)
    with WorkerPool(1, demo_trust, Limits(memory_mb=48)) as pool:
        results = dict(pool.map_unordered([(0, big), (1, data), (2, big)]))
    assert results[0].verdict == Verdict.UNREADABLE and results[0].reason.startswith("memory"), results[0]
    assert results[2].verdict == Verdict.UNREADABLE and results[2].reason.startswith("memory"), results[2]
    # Under 48 MB the small document may or may not fit anywhere in the worker: it gets a verdict.
    assert results[1].verdict in (Verdict.VALID, Verdict.UNREADABLE), results[1]
    with WorkerPool(1, demo_trust, Limits(memory_mb=2048)) as pool:
        assert dict(pool.map_unordered([(0, data)]))[0].verdict == Verdict.VALID


@pytest.mark.slow
def test_a_worker_that_dies_is_replaced_and_its_document_reported(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    data = _signed_pdf(sample_docs, expected)
    with WorkerPool(1, demo_trust, Limits(timeout_s=60)) as pool:

        def kill_when_busy() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                pid = next((pid for pid, key in pool.validating().items() if key == 0), None)
                if pid is not None:
                    # A crash in native code (PDFium, a C extension): workers ignore SIGINT/SIGTERM,
                    # which the parent handles, so a signal they cannot ignore stands in for it.
                    os.kill(pid, signal.SIGSEGV)
                    return
                time.sleep(0.001)

        # The first document is slowed by a large padding so the kill lands while it is in the worker.
        slow = data + b"\n%" + b"x" * (200 * 1024 * 1024)
        threading.Thread(target=kill_when_busy).start()
        results = dict(pool.map_unordered([(0, slow), (1, data)]))
    assert results[0].verdict == Verdict.UNREADABLE and "died" in results[0].reason
    assert results[1].verdict == Verdict.VALID


@pytest.mark.slow
def test_the_workers_read_the_text_only_when_asked(
    sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    """The text is read in the worker that validates, beside the verdict; without ``text`` (--no-text)
    the outcome carries none."""
    from sigaudit.content import TextLimits
    from sigaudit.model import TextStatus

    data = _signed_pdf(sample_docs, expected)
    with WorkerPool(1, demo_trust, text=TextLimits()) as pool:
        [(_, read)] = list(pool.map_unordered([(0, data)]))
    with WorkerPool(1, demo_trust) as pool:
        [(_, unread)] = list(pool.map_unordered([(0, data)]))
    assert read.verdict == unread.verdict == Verdict.VALID
    assert read.text is not None and read.text.status == TextStatus.READ and read.text.number
    assert unread.text is None


# A page of 3 million one-letter text objects: a 40 kB signed file. Validating it fits in a worker
# under 512 MB (measured), while PDFium reading its text aborts the worker even under the default
# 2048 MB (measured: exit code -6): 1024 MB leaves a factor of two either way.
HOSTILE_OBJECTS = 3_000_000
HOSTILE_MEMORY_MB = 1024


def _page_of_text_objects(count: int) -> bytes:
    """An unsigned one-page PDF whose page shows ``count`` text objects (a letter each, one ``Tj``
    apiece), its content stream Flate-compressed: a small file that PDFium parses into ``count``
    objects when its text is read."""
    content = zlib.compress(b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj " * count + b"ET", 9)
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page + b"/Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.slow
def test_a_document_whose_text_step_kills_the_worker_keeps_its_signatures_verdict(
    sample_docs: Path, expected: dict[str, Any], demo_pki: Path, demo_trust: TrustConfig
) -> None:
    """A validly signed PDF whose page holds millions of text objects: validating it takes little
    memory, but PDFium reading its text runs out of the worker's address space and takes the worker
    down with it. The verdict was sent before the text was read: the document keeps it (the same as
    without the text step), its text is not read with the reason, and the next document is read in
    full by the replacement worker."""
    from sigaudit.content import TextLimits
    from sigaudit.model import TextStatus

    hostile = sign(_page_of_text_objects(HOSTILE_OBJECTS), issue(load_issuer(demo_pki)))
    normal = _signed_pdf(sample_docs, expected)
    limits = Limits(memory_mb=HOSTILE_MEMORY_MB)
    with WorkerPool(1, demo_trust, limits, text=TextLimits()) as pool:
        results = dict(pool.map_unordered([(0, hostile), (1, normal)]))
        processes = pool.processes()
    with WorkerPool(1, demo_trust, limits) as pool:  # --no-text: the verdict alone
        [(_, alone)] = list(pool.map_unordered([(0, hostile)]))
    kept, after = results[0], results[1]
    assert alone.verdict == Verdict.VALID, alone.reason
    assert dataclasses.replace(kept, text=None) == alone
    assert kept.text is not None and kept.text.status == TextStatus.NOT_READ, kept.text
    assert kept.text.detail.startswith("the worker stopped while reading the text (the verdict was given")
    assert "died" in kept.text.detail or "memory" in kept.text.detail, kept.text.detail
    assert after.verdict == Verdict.VALID and after.text is not None and after.text.status == TextStatus.READ
    assert processes[0].exitcode == 0  # the replacement, let go at the end; the first one died
