#!/usr/bin/env python3
"""The parent's share of a scan: its CPU time against the workers', and where its own time goes.

Usage (from the repository root)::

    .venv/bin/python benchmarks/parent_share.py --corpus /tmp/sigaudit-bench/2000 --repeat 3
    .venv/bin/python benchmarks/parent_share.py --corpus /tmp/sigaudit-bench/2000 --profile /tmp/p.txt

Each round runs, in THIS process (the parent), ``sigaudit scan CORPUS --store FRESH --jobs 2 -q --json
REPORT`` (a first scan), then the same command again (a re-scan of the unchanged folder), through the
CLI's own entry point with ``standalone_mode=False``. For each it prints the wall time, the parent's CPU
time (``getrusage(RUSAGE_SELF)``: every thread of the parent, the hashing thread and the threads that
feed the workers included) and the workers' (``RUSAGE_CHILDREN``: the pool joins its workers before
the command returns). On a shared machine the CPU times move much less than the wall times.

``--profile FILE`` profiles the parent's main thread with cProfile in the first round's first scan (the
other threads are not in it; their CPU time is in the RUSAGE_SELF figure) and writes the 40 costliest
functions by internal time to FILE, then the callers of SQLite's ``execute`` (and of ``executemany``,
``commit``) with the time each spent in it. The profile's own overhead inflates the parent's figures of that
round, which are therefore not among the medians.

The corpus comes from ``make_corpus.py`` (``bench.py`` writes it to ``WORKDIR/N``).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PKI = HERE.parent / "demo" / "pki"


def _usage() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def scan_once(
    corpus: Path, store: Path, report: Path, jobs: int, profile: cProfile.Profile | None
) -> dict[str, float]:
    from sigaudit.cli import main

    argv = [
        "scan",
        str(corpus),
        "--trust-roots",
        str(PKI / "demo-root.pem"),
        "--other-certs",
        str(PKI / "demo-intermediate.pem"),
        "--store",
        str(store),
        "--jobs",
        str(jobs),
        "-q",
        "--json",
        str(report),
    ]
    parent0, kids0 = _usage()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        if profile is not None:
            profile.enable()
        try:
            main(argv, standalone_mode=False)
        except SystemExit as exc:  # the command ends with its exit code
            if exc.code not in (0, None):
                raise
        finally:
            if profile is not None:
                profile.disable()
    wall = time.perf_counter() - t0
    parent1, kids1 = _usage()
    counts = json.loads(report.read_text(encoding="utf-8"))["manifest"]["counts"]
    return {
        "wall_s": wall,
        "parent_cpu_s": parent1 - parent0,
        "workers_cpu_s": kids1 - kids0,
        "validated": counts["validated"],
        "reused": counts["reused_from_store"],
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True, help="a make_corpus.py folder")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--profile", type=Path, help="write the first scan's main-thread profile here")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="sigaudit-parent-") as tmp:
        for rep in range(args.repeat):
            store = Path(tmp) / f"store-{rep}.sqlite"
            report = Path(tmp) / "report.json"
            profile = cProfile.Profile() if (args.profile and rep == 0) else None
            first = scan_once(args.corpus, store, report, args.jobs, profile)
            again = scan_once(args.corpus, store, report, args.jobs, None)
            rounds.append({"first_scan": first, "rescan": again, "profiled": profile is not None})
            print(
                f"round {rep + 1}{' (profiled)' if profile else ''}: first scan {first['wall_s']:.2f} s, "
                f"parent {first['parent_cpu_s']:.2f} s CPU, workers {first['workers_cpu_s']:.2f} s CPU "
                f"({first['validated']} validated); re-scan {again['wall_s']:.2f} s wall, parent "
                f"{again['parent_cpu_s']:.2f} s CPU ({again['reused']} reused)",
                file=sys.stderr,
            )
            if profile is not None:
                out = io.StringIO()
                stats = pstats.Stats(profile, stream=out).sort_stats("tottime")
                stats.print_stats(40)
                stats.print_callers("execute|commit")  # which statements the store's time goes to
                args.profile.write_text(out.getvalue(), encoding="utf-8")
    plain = [r for r in rounds if not r["profiled"]] or rounds
    summary = {
        key: {
            figure: round(statistics.median(r[key][figure] for r in plain), 3)
            for figure in ("wall_s", "parent_cpu_s", "workers_cpu_s")
        }
        for key in ("first_scan", "rescan")
    }
    print(json.dumps({"median_of_unprofiled": summary, "rounds": rounds}, indent=1))
    if args.json_out:
        args.json_out.write_text(json.dumps({"summary": summary, "rounds": rounds}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
