"""Workers read and hash the PDFs on disk themselves (issue 22): what they read, with the walk's guards,
is what they judge and what the parent records; the parent decides from the digest whether to validate."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from sigaudit.model import Verdict
from sigaudit.run.pool import FileRead, FileToRead, WorkerPool, read_to_validate
from sigaudit.sources.walk import file_stamp
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
        (FileToRead(str(tmp_path / "link.pdf"), read.stamp or (0,) * 5, 1 << 30), "cannot read file: "),
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
