#!/usr/bin/env python3
"""The text step's share of the first-scan time (issue 18: target under 20%).

Scans the same corpus (benchmarks/make_corpus.py) twice from scratch, without a result store, with the
text step (the default) and with ``--no-text``, alternating, and reports the medians and the share:
(with text - without) / with text, in wall-clock time and in the CPU time of the scan and its workers
(steadier on a shared machine). Run from the repository root::

    .venv/bin/python benchmarks/make_corpus.py --n 1000 --out /tmp/corpus
    .venv/bin/python benchmarks/text_share.py /tmp/corpus --rounds 3 --jobs 2
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKI = ROOT / "demo" / "pki"


def scan(corpus: Path, jobs: int, *extra: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, the scan's process and its workers) of one scan."""
    args = [
        sys.executable, "-m", "sigaudit", "scan", str(corpus), "--no-store", "-q", "--jobs", str(jobs),
        "--trust-roots", str(PKI / "demo-root.pem"), "--other-certs", str(PKI / "demo-intermediate.pem"),
        *extra,
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=False, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with_text, without = [], []
    for _ in range(args.rounds):
        with_text.append(scan(args.corpus, args.jobs))
        without.append(scan(args.corpus, args.jobs, "--no-text"))
    for name, index in (("wall-clock", 0), ("CPU", 1)):
        on = statistics.median(t[index] for t in with_text)
        off = statistics.median(t[index] for t in without)
        print(
            f"{name}: first scan with text {on:.2f} s, with --no-text {off:.2f} s (medians of {args.rounds})"
        )
        print(f"{name}: text step share of the first scan: {(on - off) / on:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
