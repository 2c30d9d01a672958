#!/usr/bin/env python3
"""How the parent process's memory grows with the number of documents in a run.

Validation memory lives in the workers and does not depend on the archive's size; what could grow is
what the parent keeps per document until the reports are written. This measures it on archives far
larger than the benchmark corpus without signing hundreds of thousands of PDFs: an archive of K copies
of a benchmark corpus (hard links, so no disk space; every copy under its own folder with its own
manifest) is scanned with a store that already holds the corpus's results. Every document is read
and hashed in full, found in the store, attributed, aggregated and written to the JSON report — a
scan in which nothing needs validating. Then the same scan again (files unchanged, not read).

The figure is the parent's peak resident memory (``VmHWM`` of the sigaudit process, read from /proc
every 20 ms); the workers are separate processes. Usage (after ``bench.py`` made the corpus)::

    .venv/bin/python benchmarks/memory_scale.py --corpus /tmp/sigaudit-bench/10000 --copies 1,5,10

It prints one line per archive and the growth per document between the smallest and largest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PKI = HERE.parent / "demo" / "pki"


def link_tree(corpus: Path, target: Path, copies: int) -> int:
    """``target/copy-i`` for i < copies, each a hard-linked copy of ``corpus``; returns the PDF count."""
    if target.exists():
        shutil.rmtree(target)
    pdfs = 0
    for i in range(copies):
        for folder, _, names in os.walk(corpus):
            rel = Path(folder).relative_to(corpus)
            dest = target / f"copy-{i:03d}" / rel
            dest.mkdir(parents=True, exist_ok=True)
            for name in names:
                os.link(Path(folder) / name, dest / name)
                pdfs += name.lower().endswith(".pdf")
    return pdfs


def _hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def run(argv: list[str]) -> dict[str, Any]:
    """Run sigaudit; its wall time and the last peak-memory reading of its own process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _hwm_kb(proc.pid) or 0)
        time.sleep(0.02)
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"sigaudit failed (exit {proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return {"wall_s": round(time.perf_counter() - started, 2), "parent_peak_mb": round(peak / 1024, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="a corpus made by make_corpus.py")
    ap.add_argument("--copies", default="1,5,10", help="archive sizes, in copies of the corpus")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/sigaudit-scale"))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--json-out", type=Path)
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    store = args.workdir / "store.sqlite"
    base = [
        args.python, "-m", "sigaudit", "scan", "--trust-roots", str(PKI / "demo-root.pem"),
        "--other-certs", str(PKI / "demo-intermediate.pem"), "--store", str(store), "--jobs", "2", "-q",
    ]  # fmt: skip
    report = args.workdir / "report.json"
    if not store.exists():
        print(f"-- validating the corpus once into {store}", file=sys.stderr)
        run([*base, str(args.corpus), "--json", str(report)])
    rows = []
    for copies in (int(c) for c in args.copies.split(",")):
        archive = args.workdir / f"x{copies}"
        documents = link_tree(args.corpus, archive, copies)
        print(f"-- {documents} documents ({copies} copies)", file=sys.stderr)
        row: dict[str, Any] = {"copies": copies, "documents": documents}
        for key in ("read_all", "unchanged"):
            row[key] = run([*base, str(archive), "--json", str(report)])
            counts = json.loads(report.read_text(encoding="utf-8"))["manifest"]["counts"]
            if counts["documents"] != documents or counts["validated"] != 0:
                raise SystemExit(f"unexpected counts {counts} for {documents} documents")
        report.unlink()
        shutil.rmtree(archive)
        rows.append(row)
        print(
            f"{documents:>8} documents: every file read {row['read_all']['wall_s']:>7.1f} s, parent peak "
            f"{row['read_all']['parent_peak_mb']:>6.1f} MB; unchanged {row['unchanged']['wall_s']:>6.1f} s, "
            f"parent peak {row['unchanged']['parent_peak_mb']:>6.1f} MB"
        )
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        extra = large["documents"] - small["documents"]
        for key in ("read_all", "unchanged"):
            grew = (large[key]["parent_peak_mb"] - small[key]["parent_peak_mb"]) * 1024 * 1024 / extra
            print(f"{key}: the parent grows {grew:.0f} bytes per document")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
