#!/usr/bin/env python3
"""validate_pdf against the plain pyHanko API loop, interleaved in one process: the ratio, not the speed.

Usage (from the repository root)::

    .venv/bin/python benchmarks/ratio.py --corpus /tmp/sigaudit-bench/2000 --n 150 --passes 5

On a shared or throttled machine absolute times move by tens of percent within minutes, so this
script measures what does not depend on the machine's speed at the moment: in ONE process, on the
same in-memory documents, it alternates a pass of ``sigaudit.validation.engine.validate_pdf`` (with
the speed-ups installed, as in a worker) and a pass of the plain pyHanko API loop of ``bench.py``
(``PdfFileReader(strict=False)`` + ``validate_pdf_signature`` on every signature, one
``ValidationContext``) with the speed-ups *uninstalled* — pyHanko exactly as installed — and reports
the best and the median ms per document of each and their ratio. Pass ``--both-patched`` to run the
API loop with the speed-ups too (what ``profile_validation.py`` does), which shows how much of the
ratio is the engine's own work rather than the patches.

Every document must be ``valid`` for sigaudit and accepted by the API loop (a check before timing).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from profile_validation import INTER_PEM, ROOT_PEM, api_validator, load_documents  # noqa: E402


def one_pass(fn: Any, docs: list[bytes]) -> tuple[float, float]:
    """(wall, CPU) ms per document of one pass over ``docs``."""
    w0, c0 = time.perf_counter(), time.process_time()
    for d in docs:
        fn(d)
    return (time.perf_counter() - w0) / len(docs) * 1000, (time.process_time() - c0) / len(docs) * 1000


def show(kind: str, ours: list[float], theirs: list[float], label: str) -> None:
    """Best, median and every pass of each, and the ratios."""
    print(f"  {kind}:")
    for name, times in (("sigaudit validate_pdf", ours), (label, theirs)):
        shown = " ".join(f"{t:.1f}" for t in times)
        best, median = min(times), statistics.median(times)
        print(f"    {name:34s} best {best:6.1f}  median {median:6.1f} ms/doc  ({shown})")
    print(
        f"    ratio (API ÷ validate_pdf): best {min(theirs) / min(ours):.2f}x, "
        f"median {statistics.median(theirs) / statistics.median(ours):.2f}x, "
        f"pairwise median {statistics.median(t / o for t, o in zip(theirs, ours, strict=True)):.2f}x"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, help="a make_corpus.py folder (default /tmp/sigaudit-bench/<n>)")
    ap.add_argument("--n", type=int, default=100, help="documents (default 100)")
    ap.add_argument("--passes", type=int, default=5, help="passes of each, alternating (default 5)")
    ap.add_argument("--both-patched", action="store_true", help="the API loop with the speed-ups too")
    args = ap.parse_args()

    from sigaudit.model import Verdict
    from sigaudit.validation import speedups
    from sigaudit.validation.engine import validate_pdf
    from sigaudit.validation.trust import build_trust
    from sigaudit.validation.worker import prepare

    if not prepare():
        raise SystemExit("the speed-ups are not applied (SIGAUDIT_NO_SPEEDUPS or untested versions)")
    docs = load_documents(args.corpus, args.n)
    trust = build_trust([ROOT_PEM], [INTER_PEM])
    api = api_validator()
    bad = [i for i, d in enumerate(docs) if validate_pdf(d, trust).verdict != Verdict.VALID]
    if bad:
        raise SystemExit(f"{len(bad)} documents are not valid for sigaudit (first: #{bad[0]})")
    if not all(api(d) for d in docs):
        raise SystemExit("the API loop does not accept every document")

    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for _ in range(args.passes):
        speedups.install(warn=False)
        ours.append(one_pass(lambda d: validate_pdf(d, trust), docs))
        if not args.both_patched:
            speedups.uninstall()
        theirs.append(one_pass(api, docs))
    speedups.install(warn=False)
    label = "API loop (speed-ups applied too)" if args.both_patched else "plain pyHanko API loop"
    mean_kb = sum(map(len, docs)) / len(docs) / 1000
    print(f"{len(docs)} documents, mean {mean_kb:.0f} KB, {args.passes} passes:")
    # CPU time of this process is what a loaded machine disturbs least (no waiting for a core).
    show("CPU time", [c for _, c in ours], [c for _, c in theirs], label)
    show("wall time", [w for w, _ in ours], [w for w, _ in theirs], label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
