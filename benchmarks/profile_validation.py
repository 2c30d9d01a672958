#!/usr/bin/env python3
"""Where does validation time go? cProfile of sigaudit's validate_pdf over benchmark documents.

Usage (from the repository root)::

    .venv/bin/python benchmarks/profile_validation.py --n 100
    .venv/bin/python benchmarks/profile_validation.py --corpus /tmp/sigaudit-bench/1000 --profile-api

In ONE process, on the same in-memory documents (read once, so disk time is excluded):

1. times, without the profiler, ``sigaudit.validation.engine.validate_pdf(data, trust)`` with
   ``trust = build_trust([demo-root], [demo-intermediate])``, and the plain pyHanko API loop of
   ``bench.py`` (PdfFileReader(strict=False) + validate_pdf_signature on every signature, one
   ValidationContext built once), and prints ms per document for both;
2. profiles validate_pdf with cProfile and prints the top functions by cumulative and by own time,
   plus own time grouped by area (PDF parsing, difference analysis, certificate path validation,
   CMS/crypto, ASN.1, hashing …);
3. with ``--profile-api``, does the same for the API loop;

The process is prepared as sigaudit's workers are (``sigaudit.validation.worker.prepare``): the speed-ups
(``src/sigaudit/validation/speedups.py``) are applied unless ``SIGAUDIT_NO_SPEEDUPS=1`` or the library
versions are untested, which the output says; the plain API loop runs in the same process, so it
benefits from them too.

The corpus defaults to ``/tmp/sigaudit-bench/<n>`` and is generated (or reused) by make_corpus.py.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ROOT_PEM = REPO / "demo" / "pki" / "demo-root.pem"
INTER_PEM = REPO / "demo" / "pki" / "demo-intermediate.pem"

# (area, substring of the profiled function's file path or name), first match wins
AREAS = [
    ("hex decoding of /Contents etc.", "binascii"),
    ("hex decoding of /Contents etc.", "unhexlify"),
    ("hex decoding of /Contents etc.", "fromhex"),
    ("difference analysis", "pyhanko/sign/diff_analysis"),
    ("certificate path building/validation", "pyhanko_certvalidator"),
    ("CMS signature checks (pyHanko)", "pyhanko/sign/validation"),
    ("CMS signature checks (pyHanko)", "pyhanko/sign/general"),
    ("CMS signature checks (pyHanko)", "pyhanko/sign/"),
    ("PDF parsing (reader, xref, objects)", "pyhanko/pdf_utils"),
    ("public-key crypto (cryptography/oscrypto)", "cryptography"),
    ("public-key crypto (cryptography/oscrypto)", "oscrypto"),
    ("hashing (hashlib)", "hashlib"),
    ("hashing (hashlib)", "openssl_sha"),
    ("hashing (hashlib)", "'update' of '_hashlib"),
    ("ASN.1 (asn1crypto)", "asn1crypto"),
    ("asyncio plumbing", "asyncio"),
    ("sigaudit itself", "sigaudit/"),
    ("regular expressions", "re.py"),
    ("regular expressions", "_sre"),
    ("io/bytes builtins", "BytesIO"),
]


def area_of(key: tuple[str, int, str]) -> str:
    filename, _, func = key
    text = f"{filename}:{func}"
    for area, needle in AREAS:
        if needle in text:
            return area
    return "other (builtins, stdlib)"


def by_area(stats: pstats.Stats) -> list[tuple[str, float]]:
    totals: dict[str, float] = defaultdict(float)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for key, (_, _, tottime, _, _) in raw.items():
        totals[area_of(key)] += tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


def load_documents(corpus: Path | None, n: int) -> list[bytes]:
    sys.path.insert(0, str(HERE))
    from make_corpus import make_corpus

    target = corpus or Path("/tmp/sigaudit-bench") / str(n)
    if corpus is None:
        meta = make_corpus(n, target.resolve(), quiet=False)
    else:
        import json

        meta = json.loads((target / ".sigaudit-bench-corpus.json").read_text(encoding="utf-8"))
    files = [target / f["path"] for f in meta["files"]][:n]
    return [p.read_bytes() for p in files]


def api_validator() -> Any:
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def load(path: Path) -> x509.Certificate:
        data = path.read_bytes()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        return x509.Certificate.load(data)

    vc = ValidationContext(trust_roots=[load(ROOT_PEM)], other_certs=[load(INTER_PEM)], allow_fetching=False)

    def validate(data: bytes) -> bool:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
        return bool(sigs) and all(validate_pdf_signature(s, vc).bottom_line for s in sigs)

    return validate


def time_loop(fn: Any, docs: list[bytes]) -> float:
    t0 = time.perf_counter()
    for d in docs:
        fn(d)
    return (time.perf_counter() - t0) / len(docs) * 1000


def print_profile(title: str, prof: cProfile.Profile, top: int, docs: int) -> None:
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = out.getvalue()
        start = text.find("   ncalls")
        print(f"\n=== {title}: top {top} by {order} time ({docs} documents, times under the profiler) ===")
        print(text[start:].rstrip())
    stats = pstats.Stats(prof)
    total = sum(v for _, v in by_area(stats))
    print(f"\n=== {title}: own time by area (under the profiler; total {total:.2f} s) ===")
    for area, secs in by_area(stats):
        print(f"  {area:<44} {secs:8.3f} s  {secs / total:6.1%}  {secs / docs * 1000:8.2f} ms/doc")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100, help="documents to validate (default 100)")
    ap.add_argument(
        "--corpus", type=Path, help="an existing make_corpus.py folder (default /tmp/sigaudit-bench/N)"
    )
    ap.add_argument("--top", type=int, default=25, help="functions to list (default 25)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes without the profiler; best is kept")
    ap.add_argument("--profile-api", action="store_true", help="also profile the plain pyHanko API loop")
    ap.add_argument("--save", type=Path, help="save the validate_pdf profile (pstats format) here")
    args = ap.parse_args()

    from sigaudit.model import Verdict
    from sigaudit.validation.engine import validate_pdf
    from sigaudit.validation.trust import build_trust
    from sigaudit.validation.worker import prepare

    applied = prepare()  # as a worker: speed-ups applied, pyHanko's loggers quieted
    docs = load_documents(args.corpus, args.n)
    trust = build_trust([ROOT_PEM], [INTER_PEM])
    api = api_validator()

    # warm-up (lazy imports, first-use caches) and a correctness check
    bad = [i for i, d in enumerate(docs) if validate_pdf(d, trust).verdict != Verdict.VALID]
    if bad:
        raise SystemExit(f"{len(bad)} documents are not valid for sigaudit (first: #{bad[0]})")
    if not all(api(d) for d in docs[:5]):
        raise SystemExit("the API loop does not accept the documents")

    sig_ms = min(time_loop(lambda d: validate_pdf(d, trust), docs) for _ in range(args.repeat))
    api_ms = min(time_loop(api, docs) for _ in range(args.repeat))
    print(
        f"{len(docs)} documents, mean {sum(map(len, docs)) / len(docs) / 1000:.0f} KB, "
        f"best of {args.repeat} passes, speed-ups {'applied' if applied else 'NOT applied'}:"
    )
    print(f"  sigaudit validate_pdf : {sig_ms:7.1f} ms/doc  ({1000 / sig_ms:5.1f} docs/s in one process)")
    print(f"  plain pyHanko API loop: {api_ms:7.1f} ms/doc  ({1000 / api_ms:5.1f} docs/s in one process)")

    prof = cProfile.Profile()
    prof.enable()
    for d in docs:
        validate_pdf(d, trust)
    prof.disable()
    if args.save:
        prof.dump_stats(str(args.save))
    print_profile("sigaudit validate_pdf", prof, args.top, len(docs))

    if args.profile_api:
        prof = cProfile.Profile()
        prof.enable()
        for d in docs:
            api(d)
        prof.disable()
        print_profile("plain pyHanko API loop", prof, args.top, len(docs))

    return 0


if __name__ == "__main__":
    sys.exit(main())
