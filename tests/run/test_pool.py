"""The worker pool enforces per-document limits from outside the validating code."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

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
