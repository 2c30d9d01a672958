"""Workers read and hash the PDFs on disk themselves (issue 22): what they read, with the walk's guards,
is what they judge and what the parent records; the parent decides from the digest whether to validate."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sigaudit.agencies.registry import load_registry
from sigaudit.audit import AuditOptions, run_audit
from sigaudit.cli import main
from sigaudit.model import ValidationOutcome, Verdict
from sigaudit.run.pool import CHANGED_ON_REREAD, FileRead, FileToRead, OnRead, WorkerPool, read_to_validate
from sigaudit.sources.walk import file_stamp
from sigaudit.store.results import ResultStore
from sigaudit.validation.trust import TrustConfig


def _signed(sample_docs: Path, expected: dict[str, Any]) -> Path:
    rel = next(p for p, e in expected.items() if e["kind"] == "two_signature" and "!/" not in p)
    return sample_docs / rel


def _job(path: Path, max_bytes: int = 1 << 30) -> FileToRead:
    return FileToRead(str(path), file_stamp(os.stat(path)), max_bytes)


def test_a_file_is_read_with_the_walks_guards_and_hashed(
    tmp_path: Path, sample_docs: Path, expected: dict[str, Any]
) -> None:
    pdf = tmp_path / "a.pdf"
    shutil.copyfile(_signed(sample_docs, expected), pdf)
    data = pdf.read_bytes()
    got, read = read_to_validate(_job(pdf))
    assert got == data
    assert read == FileRead(hashlib.sha256(data).hexdigest(), len(data), file_stamp(os.stat(pdf)))

    # What the walk refuses, the worker refuses: a link (even to the PDF), a named pipe (without
    # waiting for a writer), a file over the size limit. Nothing is judged; the reason says why.
    (tmp_path / "link.pdf").symlink_to(pdf)
    os.mkfifo(tmp_path / "pipe.pdf")
    for job, reason in (
        (
            FileToRead(str(tmp_path / "link.pdf"), read.stamp or (0,) * 5, 1 << 30),
            "cannot read file: symbolic link not followed",  # not ELOOP's "Too many levels of …"
        ),
        (FileToRead(str(tmp_path / "pipe.pdf"), (0, 0, 0, 0, 0), 1 << 30), "not a regular file (named pipe)"),
        (_job(pdf, max_bytes=len(data) - 1), f"file too large ({len(data)} bytes)"),
    ):
        got, read = read_to_validate(job)
        assert got is None and read.error is not None and reason in read.error
    assert pdf.read_bytes() == data  # never modified


def test_a_file_changed_after_the_walk_is_judged_as_read_or_refused_if_no_longer_a_pdf(
    tmp_path: Path, sample_docs: Path, expected: dict[str, Any]
) -> None:
    pdf = tmp_path / "a.pdf"
    shutil.copyfile(_signed(sample_docs, expected), pdf)
    walked = _job(pdf)
    pdf.write_bytes(pdf.read_bytes() + b"\n% appended after the walk\n")
    got, read = read_to_validate(walked)
    # The bytes read are the ones judged, hashed and recorded, with the stat they were read under.
    assert got == pdf.read_bytes() and read.error is None
    assert read.sha256 == hashlib.sha256(got).hexdigest() and read.stamp == file_stamp(os.stat(pdf))
    assert read.stamp != walked.stamp
    pdf.write_bytes(b"PK\x05\x06" + bytes(18))  # replaced by an (empty) ZIP
    got, read = read_to_validate(walked)
    assert got is None and read.error is not None and "no longer starts as a PDF" in read.error


@pytest.mark.parametrize("lead", [b"\n", b"\xef\xbb\xbf", b"  \r\n"], ids=["newline", "bom", "spaces"])
def test_a_pdf_after_whitespace_or_a_bom_is_read_as_the_walk_reads_it(
    lead: bytes, tmp_path: Path, sample_docs: Path, expected: dict[str, Any], demo_pki: Path
) -> None:
    """The walk reads such a file whole (its first byte could open XML) and takes it for a PDF; the
    worker, re-reading it when its stored result cannot be reused, refused it as "no longer starts as a
    PDF" on every later scan."""
    pdf = tmp_path / "docs" / "a.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(lead + _signed(sample_docs, expected).read_bytes())
    got, read = read_to_validate(_job(pdf))
    assert got == pdf.read_bytes() and read.error is None
    store = tmp_path / "store.sqlite"
    root, helper = str(demo_pki / "demo-root.pem"), str(demo_pki / "demo-intermediate.pem")
    judged = []
    for extra in ([], ["--other-certs", helper]):  # the second trust set: the stored result is not reused
        result = CliRunner().invoke(
            main,
            ["scan", str(pdf.parent), "--store", str(store), "--trust-roots", root, "-q", "--json",
             str(tmp_path / "r.json"), *extra],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        [doc] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["documents"]
        judged.append((doc["verdict"], doc["reason"]))
    # pyHanko's own judgement of such a header, the same on both scans; not a file "changed during the scan"
    assert judged[0] == judged[1] and "no longer starts as a PDF" not in judged[1][1], judged


@pytest.mark.slow
def test_the_pool_validates_what_the_caller_lets_through_and_settles_the_rest(
    tmp_path: Path, sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    pdf = tmp_path / "a.pdf"
    shutil.copyfile(_signed(sample_docs, expected), pdf)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    reads: dict[object, FileRead] = {}

    def on_read(key: object, read: FileRead) -> bool:
        reads[key] = read
        return key != "skip"

    jobs: list[tuple[object, bytes | FileToRead]] = [
        ("skip", _job(pdf)),
        ("file", _job(pdf)),
        ("missing", FileToRead(str(tmp_path / "gone.pdf"), (0, 0, 0, 0, 0), 1 << 30)),
        ("bytes", pdf.read_bytes()),
        ("after", _job(pdf)),
    ]
    with WorkerPool(1, demo_trust) as pool:  # one worker: every decision in order, documents queued
        results = dict(pool.map_unordered(jobs, on_read))
    assert set(results) == {"file", "missing", "bytes", "after"}  # "skip" was settled by the caller
    assert results["file"].verdict == results["bytes"].verdict == results["after"].verdict == Verdict.VALID
    assert results["missing"].verdict == Verdict.UNREADABLE
    assert results["missing"].reason.startswith("cannot read file: ")
    assert reads["skip"].sha256 == reads["file"].sha256 == digest
    assert reads["missing"].error is not None and "bytes" not in reads


def _unsigned(sample_docs: Path, expected: dict[str, Any]) -> Path:
    rel = next(p for p, e in expected.items() if e["kind"] == "unsigned" and "!/" not in p)
    return sample_docs / rel


def _kill_and_swap(pool: WorkerPool, on_read: OnRead, swap: Path, new: Path) -> OnRead:
    """An ``on_read`` that, once the worker has read the first file and (meanwhile, waiting for the
    decision) read ``swap`` ahead, replaces ``swap`` with ``new`` and kills the worker: the next worker
    reads ``swap`` again, and finds other bytes than those the caller decided on."""

    def wrapped(key: object, read: FileRead) -> bool:
        decided = on_read(key, read)
        if read.error is None and len(pool.processes()) == 1 and not getattr(wrapped, "done", False):
            if read.stamp is not None and read.stamp[1] != os.stat(swap).st_ino:
                time.sleep(0.7)  # the first file: the worker reads the next one ahead meanwhile
            else:
                wrapped.done = True  # type: ignore[attr-defined]
                shutil.copyfile(new, swap)
                os.kill(pool.processes()[0].pid or 0, signal.SIGKILL)
        return decided

    return wrapped


@pytest.mark.slow
def test_a_file_that_changed_before_its_dead_workers_replacement_read_it_again_is_not_judged(
    tmp_path: Path, sample_docs: Path, expected: dict[str, Any], demo_trust: TrustConfig
) -> None:
    """A worker read a two-signature PDF, the caller let it through on its digest, then the worker
    died (here killed) and the file was replaced by an unsigned one. The next worker reads it again:
    judging those bytes would put their verdict (unsigned) under the first bytes' digest. The caller is
    told of the new read with the reason, and nothing is validated."""
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    shutil.copyfile(_signed(sample_docs, expected), first)
    shutil.copyfile(_signed(sample_docs, expected), second)
    told: list[tuple[object, FileRead]] = []

    def on_read(key: object, read: FileRead) -> bool:
        told.append((key, read))
        return True

    with WorkerPool(1, demo_trust) as pool:
        jobs: list[tuple[object, bytes | FileToRead]] = [("a", _job(first)), ("b", _job(second))]
        results = dict(
            pool.map_unordered(jobs, _kill_and_swap(pool, on_read, second, _unsigned(sample_docs, expected)))
        )
    assert set(results) == {"a", "b"}
    assert results["a"].verdict == Verdict.UNREADABLE  # the worker died on it
    reads_of_b = [read for key, read in told if key == "b"]
    assert len(reads_of_b) == 2 and reads_of_b[0].error is None
    assert reads_of_b[1].sha256 == hashlib.sha256(second.read_bytes()).hexdigest() != reads_of_b[0].sha256
    assert reads_of_b[1].error == CHANGED_ON_REREAD
    assert results["b"] == ValidationOutcome(Verdict.UNREADABLE, CHANGED_ON_REREAD)


@pytest.mark.slow
def test_a_scan_records_no_verdict_under_the_digest_of_bytes_it_did_not_judge(
    tmp_path: Path,
    sample_docs: Path,
    expected: dict[str, Any],
    demo_pki: Path,
    demo_trust: TrustConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same change in a scan with a store, and a copy of the first bytes in a ZIP found while the
    file is in the workers' hands (it waits for that result): the file and its copy are unreadable with
    the reason, every document has a verdict, and the store keeps no result under the first digest."""
    archive = tmp_path / "archive"
    archive.mkdir()
    signed = _signed(sample_docs, expected)
    shutil.copyfile(signed, archive / "a.pdf")
    shutil.copyfile(signed, archive / "b.pdf")
    (archive / "a.pdf").write_bytes((archive / "a.pdf").read_bytes() + b"\n")  # its own digest
    with zipfile.ZipFile(archive / "z.zip", "w") as z:
        z.writestr("copy.pdf", signed.read_bytes())
    first_digest = hashlib.sha256(signed.read_bytes()).hexdigest()
    unsigned = _unsigned(sample_docs, expected)
    plain = WorkerPool.map_unordered

    def swapping(pool: WorkerPool, items: Any, on_read: OnRead | None = None) -> Any:
        assert on_read is not None
        return plain(pool, items, _kill_and_swap(pool, on_read, archive / "b.pdf", unsigned))

    monkeypatch.setattr(WorkerPool, "map_unordered", swapping)
    options = AuditOptions(
        paths=(archive,), trust=demo_trust, registry=load_registry(demo_pki.parent / "agencies.csv"), jobs=1
    )
    with ResultStore(tmp_path / "s.sqlite") as store:
        run = run_audit(options, store=store)
        verdicts = {d.path.split("/", 1)[1]: (d.verdict, d.reason) for d in run.documents}
    assert set(verdicts) == {"a.pdf", "b.pdf", "z.zip!/copy.pdf"}
    assert verdicts["b.pdf"] == (Verdict.UNREADABLE, CHANGED_ON_REREAD)
    assert verdicts["z.zip!/copy.pdf"][0] == Verdict.UNREADABLE
    assert "b.pdf, a copy of this document" in verdicts["z.zip!/copy.pdf"][1]
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM results WHERE sha256 = ?", (first_digest,)).fetchone()[0] == 0
    assert (archive / "b.pdf").read_bytes() == unsigned.read_bytes()  # as replaced, not written to
