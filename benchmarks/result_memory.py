"""How much memory the parent's Python objects take while it aggregates and reports a stored run.

A run keeps nothing per document in memory: the documents and their facts are read back from the
result store each time a stage goes through them, copy detection and reconciliation work in a
temporary SQLite database, and reports are written in chunks. This rebuilds a stored run's figures
and JSON report as ``sigaudit report`` does, under tracemalloc, and prints the peak of Python
allocations — which should not depend on the number of documents — and, for comparison, what holding
every full result would take. SQLite's page caches (about 2 MB per database) are allocated outside
Python and not counted here; ``memory_scale.py`` measures the whole process. Usage:

    .venv/bin/python -m sigaudit scan /tmp/sigaudit-bench/10000 --trust-roots demo/pki/demo-root.pem \\
        --other-certs demo/pki/demo-intermediate.pem --store /tmp/m10k.sqlite -q --json /tmp/m10k.json
    .venv/bin/python benchmarks/result_memory.py /tmp/m10k.sqlite
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc
from pathlib import Path

from sigaudit.report.build import report_context
from sigaudit.report.json_report import iter_json
from sigaudit.store.results import ResultStore


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path, help="a result store holding the run")
    ap.add_argument("--run", type=int, default=None, help="run id (default: the latest)")
    args = ap.parse_args()
    with ResultStore(args.store) as store:
        info = store.find_run(args.run)
        n = max(1, info.documents)
        gc.collect()
        tracemalloc.start()
        run = store.load_run(info)
        written = 0
        with report_context(run) as ctx:  # as `sigaudit report` builds it
            for chunk in iter_json(ctx):
                written += len(chunk)
            findings = len(ctx.reconciliation)
        _, peak = tracemalloc.get_traced_memory()
        print(
            f"{info.documents} documents: aggregation and a {written / 1e6:.0f} MB JSON report peaked at "
            f"{peak / 1e6:.1f} MB of Python objects ({peak / n:.0f} bytes per document, if it grew with "
            f"them); {findings} reconciliation findings"
        )
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        documents = list(run.documents)
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
        full = after - before
        print(f"holding every full result instead: {full / 1e6:.1f} MB ({full / n:.0f} bytes per document)")
        del documents


if __name__ == "__main__":
    main()
