#!/usr/bin/env python3
"""Fuzz ``sigaudit.validation.engine.validate_pdf`` with mutants of real signed PDFs.

    python fuzz/fuzz_pdf.py --inputs 2500 --seed 1
    python fuzz/fuzz_pdf.py --replay fuzz/findings            # re-run saved findings
    python fuzz/fuzz_pdf.py --write-regressions tests/regressions

Every input is validated in a separate, long-lived worker process (restarted when it dies or times
out) with an address-space limit. A finding is an exception escaping ``validate_pdf``, a worker that
dies, a timeout, or a malformed result (verdict not a ``Verdict``, empty reason, an outcome that
contradicts itself or cannot be pickled). Mutant ``i`` of seed ``S`` depends only on ``(S, i)`` and the
corpus, so any input can be regenerated. See fuzz/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# The parts live beside this script (fuzz_surgery, fuzz_sigmutators, fuzz_mutators, fuzz_regressions,
# fuzz_campaign); its folder is on sys.path when it runs, and is put there when it is loaded by path.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_campaign import campaign
from fuzz_mutators import MUTATORS, make_mutant
from fuzz_regressions import REGRESSION_BASE, REGRESSION_REVOKED_DSS, build_regressions
from fuzz_surgery import DEFAULT_CORPUS, REPO, load_corpus

__all__ = [
    "DEFAULT_CORPUS",
    "MUTATORS",
    "REGRESSION_BASE",
    "REGRESSION_REVOKED_DSS",
    "REPO",
    "build_regressions",
    "campaign",
    "load_corpus",
    "main",
    "make_mutant",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inputs", type=int, default=1000, help="number of mutants to run (default 1000)")
    parser.add_argument(
        "--seed", type=int, default=0, help="campaign seed; mutant i depends only on (seed, i)"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help=f"seed folder/file/ZIP, repeatable (default {DEFAULT_CORPUS})",
    )
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per input (default 20)")
    parser.add_argument(
        "--memory-mb", type=int, default=2048, help="worker address-space limit (default 2048)"
    )
    parser.add_argument(
        "--findings", type=Path, default=REPO / "fuzz" / "findings", help="where findings are saved"
    )
    parser.add_argument("--progress", type=int, default=500, help="progress line every N inputs (0: none)")
    parser.add_argument(
        "--text",
        action="store_true",
        help="also read each input's text (content.read_text) and check the result, as the audit does",
    )
    parser.add_argument(
        "--replay", type=Path, action="append", help="run these files/folders instead of mutants"
    )
    parser.add_argument(
        "--show", type=int, metavar="INDEX", help="write mutant INDEX of --seed to stdout and exit"
    )
    parser.add_argument(
        "--write-regressions", type=Path, metavar="DIR", help="write the regression inputs and exit"
    )
    args = parser.parse_args(argv)
    args.corpus = args.corpus or [DEFAULT_CORPUS]
    if args.write_regressions is not None:
        args.write_regressions.mkdir(parents=True, exist_ok=True)
        for name, data in build_regressions(load_corpus([DEFAULT_CORPUS])).items():
            (args.write_regressions / name).write_bytes(data)
            print(f"{len(data):8d}  {args.write_regressions / name}")
        return 0
    if args.show is not None:
        data, source, applied = make_mutant(args.seed, args.show, load_corpus(args.corpus))
        print(f"{'+'.join(applied)} on {source}", file=sys.stderr)
        sys.stdout.buffer.write(data)
        return 0
    return campaign(args)


if __name__ == "__main__":
    # Spawned workers inherit this, so set iteration orders inside pyHanko are the same on every run.
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
