#!/usr/bin/env python3
"""The Dask path against the local pool on the same documents: wall time and CPU time of each part.

Usage (from the repository root; needs ``pip install 'sigaudit[dask]'``)::

    .venv/bin/python benchmarks/dask_share.py --corpus /tmp/sigaudit-bench/2000 --rounds 2

Starts a ``dask.distributed.LocalCluster`` in this process (2 worker processes, one thread each, as
``tests/run/test_dask.py`` does; the scheduler runs in this process), then alternates, ``--rounds``
times: a first scan with the local pool (``--jobs 2``) and a first scan on the cluster (``--executor
dask --scheduler ADDRESS --shared-paths`` unless ``--bytes``), each with a fresh store, each command in
its own process. For each scan it prints the wall time and the CPU time of the ``sigaudit`` process and
its children (``os.wait4``: the client, and for the local pool its workers); for Dask, also the CPU
time the two Dask workers spent meanwhile (``getrusage`` run on each worker) and this process's (the
scheduler). Before the first round the cluster's workers are warmed with one scan of 20 documents, so
the Dask figures do not carry the import of pyHanko the local pool pays in every scan (shown apart).

The corpus comes from ``make_corpus.py`` (``bench.py`` writes it to ``WORKDIR/N``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PKI = HERE.parent / "demo" / "pki"


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_scan(corpus: Path, store: Path, extra: list[str]) -> dict[str, Any]:
    """One scan in its own process; its wall time and the CPU time of it and its children."""
    with tempfile.TemporaryDirectory(prefix="sigaudit-dask-bench-") as tmp:
        report = Path(tmp) / "r.json"
        argv = [
            sys.executable, "-m", "sigaudit", "scan", str(corpus),
            "--trust-roots", str(PKI / "demo-root.pem"), "--other-certs", str(PKI / "demo-intermediate.pem"),
            "--store", str(store), "-q", "--json", str(report), *extra,
        ]  # fmt: skip
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        if proc.returncode not in (0, 1):
            raise SystemExit(f"scan failed ({proc.returncode}): {stderr[-2000:]}")
        counts = json.loads(report.read_text(encoding="utf-8"))["manifest"]["counts"]
    return {
        "wall_s": wall,
        "process_cpu_s": usage.ru_utime + usage.ru_stime,
        "validated": counts["validated"],
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--bytes", action="store_true", help="send documents as bytes (no --shared-paths)")
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args(argv)
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)

    def worker_cpu() -> float:
        return sum(client.run(_cpu_self).values())

    dask_args = ["--executor", "dask", "--scheduler", cluster.scheduler_address]
    dask_args += [] if args.bytes else ["--shared-paths"]
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="sigaudit-dask-stores-") as tmp:
        warm = Path(tmp) / "warm"
        warm.mkdir()
        for pdf in sorted(args.corpus.rglob("*.pdf"))[:20]:
            shutil.copyfile(pdf, warm / pdf.name)
        w0 = worker_cpu()
        run_scan(warm, Path(tmp) / "warm.sqlite", dask_args)
        print(
            f"warm-up: the Dask workers' first 20 documents took {worker_cpu() - w0:.2f} s CPU",
            file=sys.stderr,
        )
        for i in range(args.rounds):
            local = run_scan(args.corpus, Path(tmp) / f"local-{i}.sqlite", ["--jobs", "2"])
            w0, s0 = worker_cpu(), _cpu_self()
            dask = run_scan(args.corpus, Path(tmp) / f"dask-{i}.sqlite", dask_args)
            dask["workers_cpu_s"] = worker_cpu() - w0
            dask["scheduler_cpu_s"] = _cpu_self() - s0
            rounds.append({"local": local, "dask": dask, "load": os.getloadavg()})
            print(f"round {i + 1}: local {local}; dask {dask}", file=sys.stderr)
    client.close()
    cluster.close()
    summary = {
        kind: {
            figure: round(statistics.median(r[kind][figure] for r in rounds), 2)
            for figure in rounds[0][kind]
            if figure != "validated"
        }
        for kind in ("local", "dask")
    }
    print(json.dumps({"median": summary, "rounds": rounds}, indent=1))
    if args.json_out:
        args.json_out.write_text(json.dumps({"median": summary, "rounds": rounds}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
