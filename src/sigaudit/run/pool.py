"""A pool of warm validation worker processes with a time limit and a memory limit per document.

Each worker validates one document at a time and keeps pyHanko and the trust configuration loaded
between documents. The parent enforces the limits from outside the validating code:
- a document that runs past its deadline has its worker killed and replaced, and is ``unreadable`` with
  reason ``timeout``;
- each worker runs under an address-space limit (RLIMIT_AS); a document that exhausts it is
  ``unreadable`` with reason ``memory``;
- a worker that dies for any other reason is replaced and its document is ``unreadable``.
With the text step on, a worker sends a document's verdict before it reads the text (PDFium): a worker
that then dies or runs past the deadline costs the document its text only (``not_read``, with why), not
its verdict.
Results come back in completion order with the caller's key, so callers can order them as they like.

A document is handed over as its bytes, or as a :class:`FileToRead` (a PDF on disk): then the worker
reads it with the walk's guards and hashes it, tells the parent what it read (:class:`FileRead`), and
validates it only if the parent says so (the caller may already have its result): reading and hashing
spread over the workers, and the parent copies no document through the pipe.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from ..content import TextLimits, read_text
from ..model import TextMeta, TextStatus, ValidationOutcome, Verdict
from ..sources.walk import FileStamp, WalkLimits, is_pdf_content, read_document
from ..validation import speedups_gate
from ..validation.policy import ValidationPolicy, default_policy
from ..validation.trust import TrustConfig

# The seed dask.distributed's nannies give their workers (distributed/nanny.py), so local and Dask
# runs word pyHanko's reasons identically.
WORKER_HASH_SEED = "6640"


@dataclass(frozen=True)
class FileToRead:
    """A plain file for the worker to read itself (instead of its bytes): its path, the stat the walk
    saw, and the size limit. The worker opens it with the walk's guards (:func:`read_document`)."""

    path: str
    stamp: FileStamp
    max_bytes: int


@dataclass(frozen=True)
class FileRead:
    """What a worker read of a :class:`FileToRead`, before validating it: the SHA-256, size and stat
    of the bytes it will judge (the stat is the open descriptor's, so a file changed since the walk
    is judged, hashed and recorded as it was read), or why it could not read them (then ``error``)."""

    sha256: str
    size: int
    stamp: FileStamp | None
    error: str | None = None


# What the pool answers a worker's FileRead: validate those bytes, or not (their result is known).
@dataclass(frozen=True)
class _Decision:
    key: object
    validate: bool


# Why a file re-sent after its worker died is not judged when the bytes read again differ.
CHANGED_ON_REREAD = (
    "the file changed during the scan: read again after its worker process was replaced, it was no "
    "longer what was first read; not judged, scan again"
)


# The caller's answer to a FileRead without error: True to validate, False when it has the result.
OnRead = Callable[[object, FileRead], bool]


def read_to_validate(job: FileToRead) -> tuple[bytes | None, FileRead]:
    """Read a file as the walk would (read-only, no link followed, regular files only, size limit) and
    hash it; the bytes are None when there is nothing to validate."""
    try:
        data, stamp = read_document(Path(job.path), WalkLimits(max_file_bytes=job.max_bytes))
    except OSError as exc:
        return None, FileRead("", 0, None, f"cannot read file: {exc.strerror or exc}")
    except MemoryError:  # the worker's memory limit (this file, not the one it may be validating)
        return None, FileRead("", 0, None, "memory: the file did not fit in the worker's memory limit")
    read = FileRead(hashlib.sha256(data).hexdigest(), len(data), stamp)
    if not is_pdf_content(data, job.path):
        # Replaced since the walk sniffed it: what it is now was not classified, so it is not judged.
        reason = "the file changed during the scan: it no longer starts as a PDF; scan again"
        return None, dataclasses.replace(read, error=reason)
    return data, read


@dataclass(frozen=True)
class Limits:
    """Per-document limits. ``None`` disables one (for example in a debugger)."""

    timeout_s: float | None = 120.0
    memory_mb: int | None = 2048


def _memory_outcome(limit_mb: int | None) -> ValidationOutcome:
    return ValidationOutcome(
        Verdict.UNREADABLE, f"memory: validation needed more than the {limit_mb} MB limit per document"
    )


def validate_guarded(
    data: bytes, trust: TrustConfig, memory_mb: int | None, policy: ValidationPolicy | None = None
) -> ValidationOutcome:
    """Validate in the current process; a MemoryError anywhere becomes the ``memory`` verdict."""
    from ..validation.engine import validate_pdf  # loads pyHanko: only where documents are validated

    try:
        outcome = validate_pdf(data, trust, policy=policy)
    except MemoryError:
        return _memory_outcome(memory_mb)
    except Exception as exc:  # validate_pdf should not raise; if it does, the document still gets a verdict
        return ValidationOutcome(Verdict.UNREADABLE, f"validation failed unexpectedly: {type(exc).__name__}")
    if "MemoryError" in outcome.reason:  # swallowed inside a parser: still the memory limit
        return _memory_outcome(memory_mb)
    return outcome


def text_follows(outcome: ValidationOutcome) -> bool:
    """Whether the text is read after this outcome (when the text step is on): not after memory ran out."""
    return not outcome.reason.startswith("memory:")


def examine(
    data: bytes,
    trust: TrustConfig,
    memory_mb: int | None,
    policy: ValidationPolicy | None = None,
    text: TextLimits | None = None,
) -> ValidationOutcome:
    """Validate, then (unless ``text`` is None, or memory ran out) read the first and last pages' text:
    the worker that holds the bytes reads them once, within the same per-document limits. (The pool's
    own workers do the two steps apart, the verdict sent before the text is read: see _worker_main.)"""
    outcome = validate_guarded(data, trust, memory_mb, policy)
    if text is None or not text_follows(outcome):
        return outcome
    return dataclasses.replace(outcome, text=read_text(data, text))


def _worker_main(
    conn: Connection,
    trust: TrustConfig,
    memory_mb: int | None,
    policy: ValidationPolicy,
    text: TextLimits | None = None,
) -> None:
    # The parent decides when to stop: Ctrl-C reaches the whole process group, and a service manager
    # sends SIGTERM to every process of the service; a worker that died of it would be taken for one
    # that died on its document.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Load pyHanko and apply the speed-ups before the memory limit applies: the limit is for
    # documents, not for the engine. The parent has already warned about untested library versions.
    from ..validation.worker import prepare

    prepare(warn=False)

    if memory_mb is not None:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    queue = _Queue(conn)
    while True:
        try:
            message = queue.next()
            if message is None:
                _leave()
            key, payload = message
            if isinstance(payload, FileToRead):
                data = queue.file(key, payload)  # read, announced, decided; None: nothing to validate
                if data is None:
                    continue
            else:
                queue.done()
                data = payload
            outcome = validate_guarded(data, trust, memory_mb, policy)
        except (EOFError, OSError):  # the parent is gone
            _leave()
        except MemoryError:
            # Even receiving (or reading) the document did not fit. The parent knows which one it was;
            # the rest of that message may still be in the pipe, so this worker says so and stops, to
            # be replaced.
            with contextlib.suppress(OSError):
                conn.send((None, _memory_outcome(memory_mb)))
            return
        # The verdict goes to the parent before the text is read: if PDFium then kills the worker (a
        # page of millions of text objects aborts it inside the memory limit) or runs past the
        # deadline, the parent keeps the verdict and only the text is lost.
        sent = _answer(conn, key, outcome, _memory_outcome(memory_mb))
        if sent is None:
            return
        if (
            text is not None
            and text_follows(sent)
            and _answer(conn, key, read_text(data, text), _TEXT_MEMORY) is None
        ):
            return


_TEXT_MEMORY = TextMeta(TextStatus.NOT_READ, "memory: the text read did not fit in the worker's memory limit")


_Answer = TypeVar("_Answer", ValidationOutcome, TextMeta)


def _answer(conn: Connection, key: object, answer: _Answer, instead: _Answer) -> _Answer | None:
    """Send a worker's answer; what was sent, or None when the worker must stop."""
    try:
        conn.send((key, answer))
    except OSError:  # the parent stopped (Ctrl-C, SIGTERM) and no longer listens: nothing to say
        _leave()
    except MemoryError:
        # The answer did not fit while being pickled (nothing was written yet): say memory, in as few
        # bytes as possible, and go on; if even that does not fit, stop (the parent sees the worker
        # end and reports this document).
        try:
            conn.send((key, instead))
        except (MemoryError, OSError):
            return None
        return instead
    return answer


class _Queue:
    """A worker's side of the pipe: the documents in the order the parent sent them, and for a file to
    read, the parent's decision. While the parent decides on one file, the worker reads and announces
    the next one if it has come (one ahead), so that its decision is usually there by the time the
    first is validated: the worker does not wait for the parent between documents."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.inbox: deque[Any] = deque()  # messages taken from the pipe, not yet done with
        self.decided: dict[object, bool] = {}
        self.held: dict[object, bytes] = {}  # files read and announced, waiting for their decision

    def _receive(self) -> None:
        message = self.conn.recv()
        if isinstance(message, _Decision):
            self.decided[message.key] = message.validate
        else:
            self.inbox.append(message)

    def next(self) -> Any:
        """The next document (or None, the end), left in the inbox until done with."""
        while not self.inbox:
            self._receive()
        return self.inbox[0]

    def done(self) -> None:
        """The first document (its bytes sent through the pipe) is taken up."""
        self.inbox.popleft()

    def _announce(self, key: object, job: FileToRead) -> bool:
        """Read a file and tell the parent what was read; False when there is nothing to validate."""
        data, read = read_to_validate(job)
        self.conn.send((key, read))
        if data is not None:
            self.held[key] = data
        return data is not None

    def file(self, key: object, job: FileToRead) -> bytes | None:
        """The bytes of the first document, a file, once the parent said to validate them."""
        if key not in self.held and not self._announce(key, job):
            self.inbox.popleft()
            return None
        while key not in self.decided:
            while self.conn.poll():
                self._receive()
            if key not in self.decided and not self._read_ahead():
                self._receive()
        self.inbox.popleft()
        data = self.held.pop(key)
        return data if self.decided.pop(key) else None

    def _read_ahead(self) -> bool:
        """Read and announce the document after the first, if it is a file not read yet."""
        if len(self.inbox) < 2 or self.inbox[1] is None:
            return False
        key, job = self.inbox[1]
        if not isinstance(job, FileToRead) or key in self.held:
            return False
        if not self._announce(key, job):
            del self.inbox[1]  # unreadable: the parent has its reason, nothing more to do with it
        return True


def _leave() -> NoReturn:
    """End the worker at once. Every answer was written before the parent let it go (or the parent
    is gone), and a worker holds nothing else: tearing down the interpreter with pyHanko loaded would
    only add ~0.1 s to the end of every run."""
    os._exit(0)


@dataclass(slots=True)
class _Job:
    key: object
    # Kept while the document waits behind another, to re-send it if the worker dies.
    data: bytes | FileToRead | None
    big: bool  # its bytes went through the pipe (not a FileToRead): until answered, may be in the pipe
    decision: bool | None = None  # what the caller decided on its FileRead: kept for a re-send
    sha256: str = ""  # the digest of the FileRead it decided on: a re-read must find the same bytes
    verdict: ValidationOutcome | None = None  # answered, its text being read: kept if the worker stops


class _Worker:
    """One worker process, the documents handed to it (the first is being validated), and a thread
    that writes documents to it: a document larger than the pipe's buffer is written while the parent
    goes on collecting results, and the next document waits in the pipe while the current one is
    validated, so the worker never waits for the parent between documents."""

    def __init__(
        self,
        ctx: Any,
        trust: TrustConfig,
        limits: Limits,
        policy: ValidationPolicy,
        text: TextLimits | None = None,
    ) -> None:
        parent, child = ctx.Pipe()
        self.conn: Connection = parent
        self.process: BaseProcess = ctx.Process(
            target=_worker_main, args=(child, trust, limits.memory_mb, policy, text), daemon=True
        )
        self.process.start()
        child.close()
        self.jobs: deque[_Job] = deque()
        self.deadline: float | None = None  # for the first job
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sigaudit-send")
        self._writes: list[Future[None]] = []

    def send(self, message: object, small: bool = False) -> None:
        """Queue ``message`` for the writing thread (messages are written in order). A worker that
        dies while receiving is seen by its process sentinel, or by its last words on the pipe.

        A ``small`` message (a path, a decision: well under the pipe's buffer) is written at once, from
        this thread, when nothing is queued and no document's bytes may still be in the pipe (the
        worker answered for every one): then the write cannot block, and no thread hand-over is paid."""
        self._writes = [w for w in self._writes if not w.done()]
        if small and not self._writes and not any(job.big for job in self.jobs):
            with contextlib.suppress(OSError):  # a worker gone is seen by its sentinel
                self.conn.send(message)
            return
        self._writes.append(self._writer.submit(self.conn.send, message))

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        # The peer is gone, so a write in progress ends (broken pipe); only then may the connection
        # close, or the thread could write into a descriptor reused by a new worker.
        for write in self._writes:
            with contextlib.suppress(Exception):
                write.result(timeout=5)
        self._writer.shutdown(wait=True)
        self.conn.close()


class WorkerPool:
    """Warm worker processes fed from a stream; use as a context manager."""

    # Documents handed to one worker at a time: the one it validates and the next, already on its way.
    DEPTH = 2

    def __init__(
        self,
        jobs: int,
        trust: TrustConfig,
        limits: Limits | None = None,
        policy: ValidationPolicy | None = None,
        text: TextLimits | None = None,
    ) -> None:
        """``text``: read each document's first and last pages too, within these bounds (None: not)."""
        self.jobs = max(1, jobs)
        self.text = text
        self.trust = trust
        self.limits = limits or Limits()
        self.policy = policy if policy is not None else default_policy()
        # Fresh interpreters with a fixed hash seed: pyHanko's difference analysis reports the first
        # difference it meets while iterating dictionaries, so the seed decides the reason's wording.
        # A fixed seed makes reasons identical across runs, machines and numbers of workers.
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        # Workers start when the first document needs them: a re-scan served by the store starts none.
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:  # every answer is in: let the workers go
            for worker in self._workers:
                worker.send(None)
            for worker in self._workers:
                worker.process.join(2)
        # Stopped part-way (Ctrl-C, SIGTERM, an error): the documents in the workers' hands are
        # abandoned, so the workers are killed at once rather than left to finish them.
        for worker in self._workers:
            worker.kill()
        self._workers = []

    def processes(self) -> tuple[BaseProcess, ...]:
        """The worker processes, in worker order: a snapshot (a worker replaced later is not in it).
        For monitoring and tests; a process's ``exitcode`` stays readable after the pool closes."""
        return tuple(worker.process for worker in self._workers)

    def validating(self) -> dict[int, object]:
        """The key of the document each busy worker is on, by the worker's process id: a snapshot,
        safe to take from another thread while the pool runs."""
        current: dict[int, object] = {}
        for worker in list(self._workers):
            try:
                key = worker.jobs[0].key
            except IndexError:  # idle, or finished between the two reads
                continue
            if worker.process.pid is not None:
                current[worker.process.pid] = key
        return current

    def _spawn(self) -> _Worker:
        speedups_gate.allowed(warn=True)  # one warning per run, here, rather than one per worker
        saved = os.environ.get("PYTHONHASHSEED")
        os.environ["PYTHONHASHSEED"] = WORKER_HASH_SEED
        try:
            return _Worker(self._ctx, self.trust, self.limits, self.policy, self.text)
        finally:
            if saved is None:
                del os.environ["PYTHONHASHSEED"]
            else:
                os.environ["PYTHONHASHSEED"] = saved

    def _replace(self, worker: _Worker, lost: _Job | None = None) -> None:
        """Replace a stopped worker; the documents it held but the ``lost`` one (the first unless
        said) go to the new one."""
        worker.kill()
        fresh = self._spawn()
        self._workers[self._workers.index(worker)] = fresh
        lost = lost or worker.jobs[0]
        for job in worker.jobs:
            if job is not lost:
                assert job.data is not None
                self._send(fresh, job.key, job.data)
                fresh.jobs[-1].decision, fresh.jobs[-1].sha256 = job.decision, job.sha256

    def map_unordered(
        self, items: Iterable[tuple[object, bytes | FileToRead]], on_read: OnRead | None = None
    ) -> Iterator[tuple[object, ValidationOutcome]]:
        """Validate each ``(key, data)``; yield ``(key, outcome)`` as results arrive.

        ``data`` may be a :class:`FileToRead`: the worker reads and hashes the file, and ``on_read(key,
        read)`` is called (in this thread) with what it read before it validates: True has it validated,
        False settles the document without an outcome here (the caller has its result). A file the
        worker could not read is not validated: ``on_read`` is told, and its outcome is ``unreadable``
        with ``read.error`` as reason. Without ``on_read`` every file read is validated. A file whose
        worker died after ``on_read`` let it through is read again by the next worker; if the bytes
        differ from those ``on_read`` was told of, ``on_read`` is told again, with CHANGED_ON_REREAD as
        ``read.error``, and the file is not validated."""
        told: OnRead = on_read or (lambda key, read: True)
        source = iter(items)
        first = next(source, None)
        if first is None:
            return
        if not self._workers:
            self._workers = [self._spawn() for _ in range(self.jobs)]
        source = itertools.chain([first], source)
        exhausted = False
        while True:
            for depth in range(1, self.DEPTH + 1):  # every worker busy before any gets a second one
                for worker in self._workers:
                    if len(worker.jobs) < depth and not exhausted:
                        item = next(source, None)
                        if item is None:
                            exhausted = True
                            break
                        self._send(worker, *item)
            busy = [w for w in self._workers if w.jobs]
            if not busy:
                if exhausted:
                    return
                continue
            yield from self._collect(busy, told)

    def _send(self, worker: _Worker, key: object, data: bytes | FileToRead) -> None:
        """Hand a document to a worker; the first one's deadline runs from now."""
        big = not isinstance(data, FileToRead)
        worker.send((key, data), small=not big)
        if worker.jobs:
            worker.jobs.append(_Job(key, data, big))
        else:  # a path is kept even for the first document (see _collect: the bytes behind it)
            worker.jobs.append(_Job(key, None if big else data, big))
            self._start_clock(worker)

    def _start_clock(self, worker: _Worker) -> None:
        timeout = self.limits.timeout_s
        worker.deadline = time.monotonic() + timeout if timeout is not None else None

    def _drop(self, worker: _Worker, job: _Job) -> None:
        """A document the worker will not validate (unreadable, or settled by the caller)."""
        if worker.jobs[0] is job:
            self._finished(worker)
        else:
            worker.jobs = deque(j for j in worker.jobs if j is not job)

    def _finished(self, worker: _Worker) -> object:
        """The worker answered for its first document: the next one becomes its first."""
        key = worker.jobs.popleft().key
        worker.deadline = None
        if worker.jobs:
            if worker.jobs[0].big:
                worker.jobs[0].data = None  # from now on it is this document that the worker is on
            self._start_clock(worker)
        return key

    def _collect(self, busy: list[_Worker], on_read: OnRead) -> Iterator[tuple[object, ValidationOutcome]]:
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        wait_s = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        waitables: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        ready = multiprocessing.connection.wait(waitables, timeout=wait_s)
        now = time.monotonic()
        for worker in busy:
            key = worker.jobs[0].key
            if worker.conn in ready:
                try:
                    got_key, outcome = worker.conn.recv()
                except (EOFError, OSError):
                    outcome = self._death_outcome(worker)
                    self._replace(worker)
                    yield key, outcome
                    continue
                if isinstance(outcome, FileRead):  # read, not yet validated (perhaps the one after the first)
                    job = next(j for j in worker.jobs if j.key == got_key)
                    if job.decision is not None and outcome.sha256 != job.sha256 and outcome.error is None:
                        # Read again after its worker died, and no longer the bytes the caller decided
                        # on (and may have let copies wait for): not judged, or their result would be
                        # recorded under the digest of other bytes.
                        worker.send(_Decision(got_key, False), small=True)
                        outcome = dataclasses.replace(outcome, error=CHANGED_ON_REREAD)
                    if outcome.error is not None:
                        self._drop(worker, job)
                        on_read(got_key, outcome)
                        yield got_key, ValidationOutcome(Verdict.UNREADABLE, outcome.error)
                        continue
                    if job.decision is None:  # (a document re-sent after its worker died: decided)
                        job.decision = on_read(got_key, outcome)
                        job.sha256 = outcome.sha256
                    worker.send(_Decision(got_key, job.decision), small=True)
                    if not job.decision:
                        self._drop(worker, job)
                    continue
                if got_key is None:  # the worker could not even receive a document and has stopped
                    # The first, or, while it waited for a decision on a file, the bytes behind it.
                    first = worker.jobs[0]
                    lost = first if first.big else next((j for j in worker.jobs if j.big), first)
                    self._replace(worker, lost)
                    yield lost.key, outcome
                    continue
                assert got_key == key, "a worker answers for its documents in order"
                first = worker.jobs[0]
                if isinstance(outcome, TextMeta):  # the text read after the verdict
                    assert first.verdict is not None
                    outcome = dataclasses.replace(first.verdict, text=outcome)
                elif self.text is not None and text_follows(outcome):
                    first.verdict = outcome  # its text is being read (same deadline)
                    continue
                self._finished(worker)
                yield key, outcome
            elif worker.process.sentinel in ready:
                outcome = self._death_outcome(worker)
                self._replace(worker)
                yield key, outcome
            elif worker.deadline is not None and now >= worker.deadline:
                outcome = self._kept(
                    worker,
                    ValidationOutcome(
                        Verdict.UNREADABLE,
                        f"timeout: validation took longer than {self.limits.timeout_s:g} s; "
                        "the worker was stopped",
                    ),
                )
                self._replace(worker)
                yield key, outcome

    def _death_outcome(self, worker: _Worker) -> ValidationOutcome:
        worker.process.join(1)
        code = worker.process.exitcode
        if code is not None and code < 0 and -code == signal.SIGKILL:
            return self._kept(
                worker,
                ValidationOutcome(
                    Verdict.UNREADABLE,
                    "memory: the validating worker was killed (SIGKILL) on this file, most likely by the "
                    "system's out-of-memory killer",
                ),
            )
        return self._kept(
            worker,
            ValidationOutcome(
                Verdict.UNREADABLE, f"the validating worker process died on this file (exit code {code})"
            ),
        )

    @staticmethod
    def _kept(worker: _Worker, lost: ValidationOutcome) -> ValidationOutcome:
        """The outcome of the document a worker stopped on: ``lost``, or, when its verdict had come
        and the worker stopped while reading its text, that verdict with the text not read and why."""
        verdict = worker.jobs[0].verdict
        if verdict is None:
            return lost
        why = f"the worker stopped while reading the text (the verdict was given before): {lost.reason}"
        return dataclasses.replace(verdict, text=TextMeta(TextStatus.NOT_READ, why))


def default_jobs() -> int:
    """Number of CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
