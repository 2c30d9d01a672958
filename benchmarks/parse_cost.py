#!/usr/bin/env python3
"""CPU time of the Decree 30 parser (``content.decree30.parse``) per document, on pages read once.

Reads the first and last pages of every PDF in a folder (default: the LibreOffice-made letters of
tests/content/office_letters/), then parses them again and again, and prints the CPU time per document
for the documents whose ``Nơi nhận`` list holds a "Như Điều N" entry (their article is read) and for the
others, beside the CPU time of reading the pages. To compare two versions, put the older one's ``src``
first on ``PYTHONPATH`` and run both in turn. Run from the repository root::

    .venv/bin/python benchmarks/parse_cost.py [FOLDER] [--rounds 1000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sigaudit.content.decree30 import parse, recipient_list
from sigaudit.content.pages import Page, read_pages

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=ROOT / "tests" / "content" / "office_letters")
    parser.add_argument("--rounds", type=int, default=1000, help="parses per group (default 1000)")
    args = parser.parse_args()
    groups: dict[str, list[tuple[Page, Page | None, int]]] = {"with 'Như Điều N'": [], "without": []}
    started = time.process_time()
    files = sorted(args.folder.glob("*.pdf"))
    for path in files:
        read = read_pages(path.read_bytes())
        if not read.pages:
            continue
        first, last = read.pages[0], read.pages[-1]
        entries = recipient_list(last.left or last.lines)[0]
        key = "with 'Như Điều N'" if any(e.lower().startswith("như điều") for e in entries) else "without"
        groups[key].append((first, last if last is not first else None, read.page_count))
    print(f"read_pages: {(time.process_time() - started) / max(len(files), 1) * 1e3:.2f} ms CPU per document")
    for name, pages in groups.items():
        if not pages:
            continue
        n = max(args.rounds // len(pages), 1)
        started = time.process_time()
        for _ in range(n):
            for first, last, count in pages:
                parse(first, last, count)
        spent = (time.process_time() - started) / (n * len(pages))
        print(f"parse, {name} ({len(pages)} documents): {spent * 1e6:.0f} µs CPU per document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
