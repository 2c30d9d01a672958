"""Distributed validation on a Dask cluster (optional: ``pip install 'sigaudit[dask]'``).

The client (this process) walks the archive, consults the result store and writes results as they
come back; Dask workers only validate. A document travels as its bytes, or — with shared paths, when
every worker sees the archive at the same path — as the path of the file plus its SHA-256: the worker
opens the path as the walk does (``read_document``) and checks the digest before validating (a file
that changed meanwhile is ``unreadable`` with that reason).
ZIP members always travel as bytes. At most a few documents per worker thread are in flight, so the
client's memory does not grow with the archive.

Limits: a document whose result has not come back within the time limit is reported ``unreadable``
(timeout) and its task is released; Dask cannot interrupt a running task, so its thread finishes on
its own. Memory is bounded by the Dask workers' own memory limits (nanny restarts).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..content import TextLimits
from ..errors import ConfigError
from ..model import ValidationOutcome, Verdict
from ..sources.walk import Candidate, WalkLimits, read_document
from ..validation.policy import ValidationPolicy, default_policy
from ..validation.trust import TrustConfig
from .pool import Limits, examine


def validate_task(
    trust: TrustConfig,
    payload: bytes | str,
    sha256: str,
    memory_mb: int | None,
    policy: ValidationPolicy | None = None,
    text: TextLimits | None = None,
    max_file_bytes: int = WalkLimits.max_file_bytes,
) -> ValidationOutcome:
    """Runs on a Dask worker: read the document if given a path (with the walk's guards: read-only, no
    symbolic link followed, regular files only, ``max_file_bytes``), check its hash, validate it (and
    read its text, unless ``text`` is None).

    The worker process is prepared (engine loaded, speed-ups applied unless refused, pyHanko's loggers
    quieted) by its first task; a Dask worker runs several tasks at once in threads, which the
    speed-ups' memos allow (they hold a lock)."""
    from ..validation.worker import prepare

    prepare(warn=True)
    if isinstance(payload, str):
        try:
            data, _ = read_document(Path(payload), WalkLimits(max_file_bytes=max_file_bytes))
        except OSError as exc:
            return ValidationOutcome(
                Verdict.UNREADABLE, f"the Dask worker cannot read {payload}: {exc.strerror or exc}"
            )
        if hashlib.sha256(data).hexdigest() != sha256:
            return ValidationOutcome(
                Verdict.UNREADABLE, "the file changed between reading and validation (SHA-256 differs)"
            )
    else:
        data = payload
    return examine(data, trust, memory_mb, policy, text)


class DaskExecutor:
    """Validate on a dask.distributed cluster; use as a context manager. The client reads and hashes
    every document (``reads_files`` False): the store is consulted before a task is sent."""

    reads_files = False

    def __init__(
        self,
        scheduler: str,
        trust: TrustConfig,
        limits: Limits,
        shared_paths: bool,
        policy: ValidationPolicy | None = None,
        text: TextLimits | None = None,
        max_file_bytes: int = WalkLimits.max_file_bytes,
    ) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ConfigError("--executor dask needs Dask: pip install 'sigaudit[dask]'") from exc
        try:
            self._client: Any = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        self._trust: Any = self._client.scatter(trust, broadcast=True)
        self._policy: Any = self._client.scatter(policy or default_policy(), broadcast=True)
        self._limits = limits
        self._text = text
        self._shared = shared_paths
        self._max_file_bytes = max_file_bytes
        threads = sum(self._client.nthreads().values()) or 1
        self._window = max(4, threads * 4)

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def map_unordered(
        self, items: Iterable[tuple[object, Candidate, str]], on_read: object = None
    ) -> Iterator[tuple[object, ValidationOutcome]]:
        """Validate each ``(key, candidate, sha256)``; yield ``(key, outcome)`` as results arrive.
        ``on_read`` is not used: no candidate comes unread (``reads_files`` is False)."""
        from distributed import wait

        pending: dict[Any, tuple[object, float]] = {}
        source = iter(items)
        exhausted = False
        timeout = self._limits.timeout_s
        while True:
            while not exhausted and len(pending) < self._window:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                key, cand, sha = item
                payload: bytes | str = (
                    str(cand.file) if self._shared and cand.file is not None else cand.data or b""
                )
                future = self._client.submit(
                    validate_task,
                    self._trust,
                    payload,
                    sha,
                    self._limits.memory_mb,
                    self._policy,
                    self._text,
                    self._max_file_bytes,
                    pure=False,
                )
                pending[future] = (key, time.monotonic())
            if not pending:
                return
            oldest = min(start for _, start in pending.values())
            wait_s = None if timeout is None else max(0.05, oldest + timeout - time.monotonic())
            done, _ = wait(list(pending), timeout=wait_s, return_when="FIRST_COMPLETED")
            now = time.monotonic()
            for future in list(pending):
                key, start = pending[future]
                if future in done:
                    del pending[future]
                    try:
                        outcome = future.result()
                    except Exception as exc:
                        outcome = ValidationOutcome(
                            Verdict.UNREADABLE, f"the Dask task failed: {type(exc).__name__}: {exc}"
                        )
                    yield key, outcome
                elif timeout is not None and now - start >= timeout:
                    del pending[future]
                    future.release()
                    yield (
                        key,
                        ValidationOutcome(
                            Verdict.UNREADABLE,
                            f"timeout: no result from the Dask cluster within {timeout:g} s",
                        ),
                    )
