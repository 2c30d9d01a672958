"""The fuzz campaign: the worker process that validates each input, its runner, and the summary.

Every input is validated in a separate, long-lived worker process (spawned, restarted when it dies or
times out) with an address-space limit; ``campaign`` feeds it mutants (fuzz_mutators.py) or replayed
files, saves findings and prints the summary.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import pickle
import resource
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from fuzz_mutators import (
    make_mutant,
)
from fuzz_surgery import (
    REPO,
    load_corpus,
)

DEMO_ROOT = REPO / "demo" / "pki" / "demo-root.pem"
DEMO_INTERMEDIATE = REPO / "demo" / "pki" / "demo-intermediate.pem"
FINDING_KINDS = ("exception", "crash", "timeout", "malformed", "memory")
# An input whose validation pushes the worker's peak RSS over this share of --memory-mb, or whose
# reason mentions MemoryError (an allocation the address-space limit stopped), is a "memory" finding:
# without the harness's limit it would have taken the machine's memory.
MEMORY_SHARE = 0.5


# --------------------------------------------------------------------------------------------------
# Worker process
# --------------------------------------------------------------------------------------------------


def _limit_memory(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def check_outcome(outcome: Any) -> str | None:
    """Why ``outcome`` is malformed, or None. The audit pickles outcomes between processes."""
    from sigaudit.model import Indication, SignatureResult, ValidationOutcome, Verdict

    if not isinstance(outcome, ValidationOutcome):
        return f"not a ValidationOutcome: {type(outcome).__name__}"
    if not isinstance(outcome.verdict, Verdict):
        return f"verdict is not a Verdict: {outcome.verdict!r}"
    if not isinstance(outcome.reason, str) or not outcome.reason.strip():
        return f"empty or non-text reason: {outcome.reason!r}"
    for sig in outcome.signatures:
        if not isinstance(sig, SignatureResult) or not isinstance(sig.indication, Indication):
            return f"malformed signature result: {sig!r}"
    if outcome.verdict == "valid" and (
        not outcome.signatures or any(s.indication != Indication.TOTAL_PASSED for s in outcome.signatures)
    ):
        return "verdict valid without all signatures TOTAL_PASSED"
    if outcome.verdict in ("unsigned", "unreadable") and outcome.signatures:
        return f"verdict {outcome.verdict} with signature results"
    try:
        pickle.loads(pickle.dumps(outcome))
    except Exception as exc:
        return f"outcome cannot be pickled: {type(exc).__name__}: {exc}"
    return None


def check_text(meta: Any) -> str | None:
    """Why the text step's result is malformed, or None: a ``TextMeta`` whose fields are text within the
    limits (no lone surrogate, which no report could encode), that the store's codec writes as JSON and
    reads back unchanged."""
    import json

    from sigaudit.codec import text_meta_from_dict, text_meta_to_dict
    from sigaudit.content import TextLimits
    from sigaudit.model import TextMeta, TextStatus

    if not isinstance(meta, TextMeta) or not isinstance(meta.status, TextStatus):
        return f"text: not a TextMeta: {type(meta).__name__}"
    limits = TextLimits()
    names = [meta.parent, meta.agency, meta.number, meta.notation, meta.place, meta.kind, meta.subject]
    names += [meta.signing, meta.file_copy, *meta.recipients, *meta.upward]
    for value in names:
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > limits.max_field:
            return f"text: a field is not text or over the limit: {value!r:.200}"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"text: a field holds a lone surrogate: {value!r:.200}"
    if len(meta.recipients) > limits.max_recipients:
        return f"text: {len(meta.recipients)} recipients"
    try:
        again = text_meta_from_dict(json.loads(json.dumps(text_meta_to_dict(meta), ensure_ascii=False)))
    except Exception as exc:
        return f"text: the codec fails: {type(exc).__name__}: {exc}"
    if again != meta:
        return "text: the codec does not read back what it wrote"
    return None


def _worker(conn: Connection, trust_files: tuple[str, str], memory_mb: int, text: bool = False) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    from sigaudit.validation.worker import prepare

    prepare()  # as sigaudit's own workers do: engine loaded, speed-ups applied, before the memory limit
    _limit_memory(memory_mb)
    from sigaudit.content import read_text
    from sigaudit.validation.engine import validate_pdf
    from sigaudit.validation.trust import build_trust

    trust = build_trust([Path(trust_files[0])], [Path(trust_files[1])])
    conn.send(("ready",))
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        try:
            outcome = validate_pdf(data, trust)
            problem = check_text(read_text(data)) if text else None  # as the audit's workers do, after
        except BaseException as exc:  # anything escaping is the finding
            detail = "".join(traceback.format_exception(exc))
            conn.send(("exception", f"{type(exc).__name__}: {exc}"[:500], detail, time.monotonic() - started))
            continue
        elapsed = time.monotonic() - started
        problem = check_outcome(outcome) or problem
        verdict = str(getattr(outcome, "verdict", "?"))
        reason = str(getattr(outcome, "reason", ""))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
        if problem:
            conn.send(("malformed", problem, f"{verdict}: {reason}", elapsed))
        elif memory_mb > 0 and (peak_mb > memory_mb * MEMORY_SHARE or "MemoryError" in reason):
            conn.send(("memory", f"peak RSS {peak_mb:.0f} MB; {verdict}: {reason}"[:500], "", elapsed))
            return  # a fresh worker resets the peak
        else:
            conn.send(("ok", verdict, reason, elapsed))


class Runner:
    """One long-lived worker process; restarted after it dies or times out."""

    def __init__(self, timeout: float, memory_mb: int, text: bool = False) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.text = text
        self.ctx = mp.get_context("spawn")
        self.proc: Any = None
        self.conn: Connection | None = None
        self.restarts = 0

    def _start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(
            target=_worker,
            args=(child, (str(DEMO_ROOT), str(DEMO_INTERMEDIATE)), self.memory_mb, self.text),
            daemon=True,
        )
        self.proc.start()
        child.close()
        self.conn = parent
        if not parent.poll(120) or parent.recv()[0] != "ready":
            raise SystemExit("the fuzz worker did not start")

    def _stop(self) -> None:
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(10)
        if self.conn is not None:
            self.conn.close()
        self.proc, self.conn = None, None

    def close(self) -> None:
        self._stop()

    def run(self, data: bytes) -> tuple[str, str, str, float]:
        """(kind, verdict-or-summary, detail, seconds) where kind is "ok" or a finding kind."""
        if self.proc is None or not self.proc.is_alive():
            if self.proc is not None:
                self.restarts += 1
            self._stop()
            self._start()
        assert self.conn is not None
        started = time.monotonic()
        try:
            self.conn.send_bytes(data)
            if self.conn.poll(self.timeout):
                kind, first, detail, elapsed = self.conn.recv()
                if kind == "memory":  # the worker exits to reset its peak; wait for it here
                    self.restarts += 1
                    self._stop()
                return kind, first, detail, elapsed
        except (EOFError, OSError):
            self.proc.join(5)
            code = self.proc.exitcode
            self.restarts += 1
            self._stop()
            died = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return "crash", f"worker died ({died})", "", time.monotonic() - started
        self.restarts += 1
        self._stop()
        return "timeout", f"no verdict within {self.timeout:g} s", "", time.monotonic() - started


# --------------------------------------------------------------------------------------------------
# Campaign
# --------------------------------------------------------------------------------------------------


@dataclass
class Stats:
    inputs: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    mutators: Counter[str] = field(default_factory=Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)


def _save_finding(findings: Path, label: str, kind: str, data: bytes, info: str) -> Path:
    findings.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    target = findings / f"{kind}-{label}-{digest}.pdf"
    target.write_bytes(data)
    target.with_suffix(".txt").write_text(info, encoding="utf-8")
    return target


def _inputs(args: argparse.Namespace, corpus: list[tuple[str, bytes]]) -> Iterator[tuple[str, bytes, str]]:
    """(label, bytes, description) for every input of the run."""
    if args.replay:
        files: list[Path] = []
        for p in args.replay:
            files += sorted(q for q in p.rglob("*.pdf")) if p.is_dir() else [p]
        for f in files:
            yield f.stem, f.read_bytes(), f"replay of {f}"
        return
    for index in range(args.inputs):
        data, source, applied = make_mutant(args.seed, index, corpus)
        yield (
            f"s{args.seed}-i{index}",
            data,
            f"seed {args.seed} index {index}: {'+'.join(applied)} on {source}",
        )


def campaign(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.corpus) if not args.replay else []
    if not corpus and not args.replay:
        raise SystemExit("no PDF in the corpus")
    runner = Runner(args.timeout, args.memory_mb, args.text)
    stats = Stats()
    started = time.monotonic()
    interrupted = False
    print(
        f"fuzz_pdf: seed={args.seed} inputs={args.inputs if not args.replay else 'replay'} "
        f"corpus={len(corpus)} PDFs timeout={args.timeout:g}s memory={args.memory_mb}MB",
        file=sys.stderr,
    )
    try:
        for label, data, description in _inputs(args, corpus):
            if not args.replay:
                for name in description.split(": ", 1)[1].split(" on ", 1)[0].split("+"):
                    stats.mutators[name] += 1
            kind, first, detail, elapsed = runner.run(data)
            stats.inputs += 1
            stats.slowest = sorted([*stats.slowest, (elapsed, description)], reverse=True)[:5]
            if kind == "ok":
                stats.verdicts[first] += 1
            else:
                stats.findings[kind] += 1
                info = f"{kind}: {first}\n{description}\nsize: {len(data)}\n\n{detail}\n"
                saved = _save_finding(args.findings, label, kind, data, info)
                print(f"FINDING {kind}: {first} ({description}) -> {saved}", file=sys.stderr)
            if args.progress and stats.inputs % args.progress == 0:
                rate = stats.inputs / (time.monotonic() - started)
                print(
                    f"  {stats.inputs} inputs, {rate:.1f}/s, findings {dict(stats.findings)}", file=sys.stderr
                )
    except KeyboardInterrupt:
        interrupted = True
    finally:
        runner.close()
    elapsed = time.monotonic() - started
    verdicts = " ".join(f"{v}={stats.verdicts[v]}" for v in sorted(stats.verdicts))
    findings = " ".join(f"{k}={stats.findings[k]}" for k in FINDING_KINDS)
    if not args.replay:
        print("mutators applied: " + " ".join(f"{k}={v}" for k, v in sorted(stats.mutators.items())))
    for seconds, description in stats.slowest:
        print(f"slow: {seconds:.2f}s {description}")
    print(
        f"SUMMARY seed={args.seed} inputs={stats.inputs} verdicts[{verdicts}] findings[{findings}] "
        f"total_findings={sum(stats.findings.values())} worker_restarts={runner.restarts} "
        f"elapsed={elapsed:.1f}s rate={stats.inputs / elapsed if elapsed else 0:.1f}/s"
        + (" INTERRUPTED" if interrupted else "")
    )
    return 1 if stats.findings or interrupted else 0
