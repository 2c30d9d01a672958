"""How much memory a run keeps per document in the parent process, measured on a stored run.

A run keeps, per document, only what aggregation needs (its facts: path, digest, agency, metadata,
verdict, reason, signature pattern, latest signing time); the full results stay in the result store
and reports read them back one at a time. This loads a stored run under tracemalloc and prints what
its facts take, and for comparison what holding every full result would take. Usage:

    .venv/bin/python -m sigaudit scan /tmp/sigaudit-bench/10000 --trust-roots demo/pki/demo-root.pem \\
        --other-certs demo/pki/demo-intermediate.pem --store /tmp/m10k.sqlite -q --json /tmp/m10k.json
    .venv/bin/python benchmarks/result_memory.py /tmp/m10k.sqlite
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc
from pathlib import Path

from sigaudit.store.results import ResultStore


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path, help="a result store holding the run")
    ap.add_argument("--run", type=int, default=None, help="run id (default: the latest)")
    args = ap.parse_args()
    with ResultStore(args.store) as store:
        info = store.find_run(args.run)
        n = max(1, info.documents)
        tracemalloc.start()
        run = store.load_run(info)
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
        per_doc = held / n
        print(f"{info.documents} documents: facts kept {held / 1e6:.1f} MB ({per_doc:.0f} bytes each)")
        documents = list(run.documents)
        gc.collect()
        both, _ = tracemalloc.get_traced_memory()
        full = both - held
        print(f"holding every full result instead: {full / 1e6:.1f} MB ({full / n:.0f} bytes per document)")
        del documents


if __name__ == "__main__":
    main()
