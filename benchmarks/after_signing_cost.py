#!/usr/bin/env python3
"""What the issue-17 change analysis and visual check cost, per document, on the benchmark corpus.

Usage (from the repository root)::

    .venv/bin/python benchmarks/after_signing_cost.py --n 20

On the same in-memory documents of make_corpus.py (two signatures, nothing after: the common case) and
on copies of them with a comment added after the agency signature (pyHanko's incremental writer), in one
process, it times for every signature:

- ``review``: the chained difference analysis (validation/revision_changes.py with change_rules.py);
- ``after``: review plus after_signing (the visual check with PDFium, which runs only when a permitted,
  drawable change follows the signature: never on the plain corpus).

It prints ms per document (median and 90th percentile) and how many visual checks ran.
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks"), str(REPO / "scripts"), str(REPO / "tests")]

from profile_validation import load_documents  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402

from sigaudit.validation.after_signing import after_signing  # noqa: E402
from sigaudit.validation.change_rules import diff_policy  # noqa: E402
from sigaudit.validation.revision_changes import ChainedDiffPolicy  # noqa: E402

logging.disable(logging.CRITICAL)


def run(data: bytes, visual: bool) -> int:
    """Review every signature of ``data`` (and run after_signing when ``visual``); visual checks run."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    policy = ChainedDiffPolicy(diff_policy())
    rendered = 0
    for sig in reader.embedded_signatures:
        changes = policy.review(reader, sig.signed_revision, sig.fieldmdp, sig.docmdp_level)
        if visual:
            _, _, start, length = (int(v) for v in sig.sig_object["/ByteRange"])
            rendered += after_signing(data, start + length, changes).visual is not None
    return rendered


def timed(docs: list[bytes], visual: bool) -> tuple[list[float], int]:
    times, rendered = [], 0
    for data in docs:
        t0 = time.perf_counter()
        rendered += run(data, visual)
        times.append((time.perf_counter() - t0) * 1000)
    return times, rendered


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="documents (default 20)")
    ap.add_argument("--corpus", type=Path, help="an existing make_corpus.py folder")
    args = ap.parse_args()
    from make_legit_changes import add_annotation

    plain = load_documents(args.corpus, args.n)
    commented = [add_annotation(d, "/Text", "Đã xem") for d in plain]
    for name, docs in (("two signatures, nothing after", plain), ("... then a comment", commented)):
        for visual in (False, True):
            times, rendered = timed(docs, visual)
            p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
            label = "review + after_signing" if visual else "review"
            print(
                f"{name:32} {label:24} median {statistics.median(times):7.1f} ms  p90 {p90:7.1f} ms"
                f"  visual checks run: {rendered}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
