"""How much memory a run's results take per document, once held by the parent process.

sigaudit keeps every document's result until the reports are written (see the README's Performance
section); this measures that cost on a real stored run, by loading it back from the result store under
tracemalloc. Usage:

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
    tracemalloc.start()
    with ResultStore(args.store) as store:
        run = store.load_run(store.find_run(args.run))
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    n = max(1, len(run.documents))
    print(f"{len(run.documents)} documents: {held / 1e6:.1f} MB held ({held / n:.0f} bytes per document)")
    print(f"peak while loading {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
