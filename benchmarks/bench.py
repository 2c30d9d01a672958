#!/usr/bin/env python3
"""Throughput and peak-memory benchmark: sigaudit against the plain pyHanko API and the pyHanko CLI.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench.py --n 1000
    .venv/bin/python benchmarks/bench.py --sizes 1000,10000 --json-out /tmp/sigaudit-bench/result.json

For every size N it ensures the corpus ``WORKDIR/N`` (``make_corpus.py``; reused when cached), warms
the page cache, then measures on the SAME files, each command in its own fresh measuring subprocess:

a. sigaudit first scan  ``python -m sigaudit scan DIR ... --store <fresh sqlite> --jobs 2 -q --json``
b. sigaudit re-scan     the same command again, same store (nothing changed in the archive)
                        (with ``--repeat R``, a + b are done R times, each pair with a fresh store, and
                        the run with the median time of each is reported, with all R times beside it)
c. pyHanko API loop     one warm process: PdfFileReader(strict=False) + validate_pdf_signature on every
                        embedded signature with one ValidationContext(trust_roots, other_certs,
                        allow_fetching=False) built once
d. pyHanko CLI          ``pyhanko sign validate --trust … --trust-replace --other-certs …
                        --no-revocation-check FILE``, one process per file, on K files

Throughput is documents / wall-clock seconds of the measured command(s) (interpreter start-up included
for a, b and d; for c the timed loop starts after imports and the context are built, the API's best
case). Peak memory is reported twice: the maximum RSS of any single process (exact, from
``getrusage(RUSAGE_CHILDREN)`` in the measuring subprocess) and the peak of the summed RSS of the whole
process tree (sampled from /proc every 50 ms; an upper bound because shared pages count once per
process). The targets use the tree figure.

Before measuring, the sigaudit package is byte-compiled (``compileall``), as ``pip install`` does for
a regular installation: an editable checkout under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile
every module from source in each measured process.

sigaudit must report every document ``valid`` and the re-scan must reuse every result from the
store; the API loop and the CLI must accept every signature. Otherwise the benchmark fails (exit 1).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PKI = REPO / "demo" / "pki"
ROOT_PEM = PKI / "demo-root.pem"
INTER_PEM = PKI / "demo-intermediate.pem"
SAMPLE_INTERVAL_S = 0.05
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

TARGETS = {
    "first_scan_vs_api": 3.0,  # first scan (2 workers) >= 3x the single-process API loop
    "first_scan_vs_cli": 40.0,  # >= 40x the CLI one file per process
    "rescan_vs_first_scan": 20.0,  # re-scan >= 20x faster than the first scan
    "peak_tree_rss_mb_at_10000": 400.0,  # peak memory <= 400 MB on 10,000 documents
    "throughput_drift": 0.10,  # first-scan docs/s within 10% between the smallest and largest size
}


# --------------------------------------------------------------------------------------------------
# Measuring subprocess: runs commands one after the other, samples the tree's RSS, reports rusage.
# --------------------------------------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss_kb) for every process visible in /proc."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        fields = raw[raw.rindex(b")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * PAGE_KB)
    return table


def _tree_rss_kb(root: int) -> int:
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            total += table[pid][1]
        stack.extend(children.get(pid, ()))
    return total


def measure_main(spec_path: str) -> int:
    """Hidden sub-command: run ``spec["commands"]`` sequentially and print one JSON result line."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    env = {**os.environ, **spec.get("env", {})}
    runs = []
    peak_tree = 0
    started = time.perf_counter()
    for argv in spec["commands"]:
        t0 = time.perf_counter()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(argv, cwd=spec.get("cwd"), env=env, stdout=out, stderr=err)
            while proc.poll() is None:
                peak_tree = max(peak_tree, _tree_rss_kb(proc.pid))
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(SAMPLE_INTERVAL_S)
            wall = time.perf_counter() - t0
            out.seek(0)
            err.seek(0)
            runs.append(
                {
                    "returncode": proc.returncode,
                    "wall_s": wall,
                    "stdout_tail": out.read()[-4000:].decode("utf-8", "replace"),
                    "stderr_tail": err.read()[-4000:].decode("utf-8", "replace"),
                }
            )
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "wall_s": time.perf_counter() - started,
        "runs": runs,
        "max_rss_single_process_kb": usage.ru_maxrss,  # KiB on Linux: the largest single descendant
        "peak_tree_rss_kb": max(peak_tree, usage.ru_maxrss),
        "cpu_user_s": usage.ru_utime,
        "cpu_sys_s": usage.ru_stime,
    }
    print(json.dumps(result))
    return 0


def measure(
    commands: list[list[str]], tmp: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Any:
    """Run ``commands`` in a fresh measuring subprocess; return its JSON result."""
    spec = tmp / f"spec-{time.monotonic_ns()}.json"
    spec.write_text(json.dumps({"commands": commands, "cwd": str(cwd) if cwd else None, "env": env or {}}))
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_measure", str(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"measuring subprocess failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------------
# The API baseline (c), run as a hidden sub-command inside the measured process.
# --------------------------------------------------------------------------------------------------


def api_loop_main(list_path: str, root: str, inter: str, out_path: str) -> int:
    """What a user would write with pyHanko's API: one context, every signature of every file."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def load(path: str) -> x509.Certificate:
        data = Path(path).read_bytes()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        return x509.Certificate.load(data)

    files = Path(list_path).read_text(encoding="utf-8").splitlines()
    vc = ValidationContext(trust_roots=[load(root)], other_certs=[load(inter)], allow_fetching=False)
    docs = sigs = ok = 0
    failures: list[str] = []
    t0 = time.perf_counter()
    for path in files:
        with open(path, "rb") as f:
            reader = PdfFileReader(f, strict=False)
            doc_ok = True
            for sig in reader.embedded_signatures:
                status = validate_pdf_signature(sig, vc)
                sigs += 1
                if status.bottom_line:
                    ok += 1
                else:
                    doc_ok = False
            if not doc_ok or not reader.embedded_signatures:
                failures.append(path)
        docs += 1
    loop_s = time.perf_counter() - t0
    Path(out_path).write_text(
        json.dumps(
            {
                "docs": docs,
                "signatures": sigs,
                "signatures_ok": ok,
                "loop_s": loop_s,
                "failures": failures[:20],
            }
        )
    )
    return 0


# --------------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass

    def version(name: str) -> str:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as v

        try:
            return v(name)
        except PackageNotFoundError:
            return "not installed"

    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain"], capture_output=True, text=True
    ).stdout
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sigaudit": version("sigaudit"),
        "pyhanko": version("pyhanko"),
        "pyhanko-certvalidator": version("pyhanko-certvalidator"),
        "pyhanko-cli": version("pyhanko-cli"),
        "git_commit": commit,
        "git_dirty": bool(dirty.strip()),
        "loadavg_at_start": os.getloadavg(),
    }


def cli_command(python: str) -> tuple[list[str], str]:
    """The pyHanko CLI if installed (0.38 ships it as ``pyhanko-cli``), else the documented substitute."""
    exe = Path(python).parent / "pyhanko"
    candidates = [[str(exe)]] if exe.exists() else []
    candidates.append([python, "-m", "pyhanko"])
    for base in candidates:
        probe = subprocess.run(
            [*base, "sign", "validate", "--help"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0 and "--trust" in probe.stdout:
            return [
                *base,
                "sign",
                "validate",
                "--trust",
                str(ROOT_PEM),
                "--trust-replace",
                "--other-certs",
                str(INTER_PEM),
                "--no-revocation-check",
            ], "pyhanko-cli"
    # Substitute: one interpreter per file, the API loop's code on that single file.
    return [
        python,
        str(Path(__file__).resolve()),
        "_api_one",
        str(ROOT_PEM),
        str(INTER_PEM),
    ], "python-api-per-process"


def api_one_main(root: str, inter: str, path: str) -> int:
    """Substitute for the CLI when pyhanko-cli is missing: validate one file in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        lst = Path(tmp) / "one.txt"
        lst.write_text(path)
        out = Path(tmp) / "out.json"
        api_loop_main(str(lst), root, inter, str(out))
        result = json.loads(out.read_text())
    return 0 if not result["failures"] else 1


def subset(files: list[str], k: int) -> list[str]:
    if k >= len(files):
        return list(files)
    step = len(files) / k
    return [files[int(i * step)] for i in range(k)]


def byte_compile(python: str) -> None:
    """Compile the sigaudit package as a regular install would (see the module text)."""
    code = (
        "import compileall, pathlib, sigaudit; "
        "compileall.compile_dir(pathlib.Path(sigaudit.__file__).parent, quiet=1)"
    )
    subprocess.run([python, "-c", code], check=True)


def warm_page_cache(files: list[str]) -> None:
    for path in files:
        with open(path, "rb") as f:
            while f.read(1 << 20):
                pass


def check_report(report_path: Path, n: int, label: str, expect_reused: bool) -> dict[str, Any]:
    report = json.loads(report_path.read_text(encoding="utf-8"))
    docs = report["documents"]
    bad = [d for d in docs if d["verdict"] != "valid"]
    if len(docs) != n or bad:
        examples = "; ".join(f"{d['path']}: {d['verdict']} ({d['reason']})" for d in bad[:5])
        raise SystemExit(
            f"FAIL ({label}): sigaudit reported {len(docs)} documents (expected {n}), "
            f"{len(bad)} not valid. {examples}"
        )
    counts = report["manifest"].get("counts", {})
    if expect_reused and counts.get("reused_from_store") != n:
        raise SystemExit(
            f"FAIL ({label}): the re-scan reused {counts.get('reused_from_store')} of {n} results"
        )
    if not expect_reused and counts.get("validated") != n:
        raise SystemExit(
            f"FAIL ({label}): the first scan validated {counts.get('validated')} of {n} documents"
        )
    from datetime import datetime

    started = datetime.fromisoformat(report["manifest"]["started"])
    ended = datetime.fromisoformat(report["manifest"]["ended"])
    return {"internal_s": (ended - started).total_seconds(), "counts": counts}


def _figure(label: str, docs: int, m: dict[str, Any], wall: float | None = None) -> dict[str, Any]:
    wall = m["wall_s"] if wall is None else wall
    return {
        "label": label,
        "docs": docs,
        "wall_s": round(wall, 3),
        "docs_per_s": round(docs / wall, 3) if wall > 0 else None,
        "peak_tree_rss_mb": round(m["peak_tree_rss_kb"] / 1024, 1),
        "max_rss_single_process_mb": round(m["max_rss_single_process_kb"] / 1024, 1),
        "cpu_s": round(m["cpu_user_s"] + m["cpu_sys_s"], 2),
    }


def validation_rate(store: Path) -> float | None:
    """Documents per second between the first and the last result the scan wrote to its store: the
    rate of the run's middle, without the start-up before the first result and the reports after."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(store)) as db:
        first, last, count = db.execute(
            "SELECT MIN(validated_at), MAX(validated_at), COUNT(*) FROM results"
        ).fetchone()
    if count < 2:
        return None
    from datetime import datetime

    span = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    return round((count - 1) / span, 1) if span > 0 else None


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time (the lower middle one of an even number)."""
    return sorted(runs, key=lambda f: f["wall_s"])[(len(runs) - 1) // 2]


def run_size(n: int, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    from make_corpus import make_corpus

    corpus = (args.workdir / str(n)).resolve()
    meta = make_corpus(n, corpus, jobs=args.gen_jobs, quiet=False)
    files = [str(corpus / f["path"]) for f in meta["files"]]
    total_mb = meta["total_bytes"] / 1e6
    print(f"\n== {n} documents, {total_mb:.0f} MB in {corpus}", file=sys.stderr)
    warm_page_cache(files)
    byte_compile(args.python)
    python = args.python
    env = {"PYTHONUNBUFFERED": "1"}
    out: dict[str, Any] = {"n": n, "corpus": str(corpus), "corpus_mb": round(total_mb, 1), "figures": {}}
    problems: list[str] = []

    # a + b: sigaudit first scan, then re-scan with the same store; --repeat R does the pair R times
    # (a fresh store each time) and keeps the median run of each, with every run's time beside it
    runs: dict[str, list[dict[str, Any]]] = {"first_scan": [], "rescan": []}
    for rep in range(args.repeat):
        store = tmp / f"store-{n}-{rep}-{time.monotonic_ns()}.sqlite"  # sizes may repeat
        for key, label, reused in (
            ("first_scan", "sigaudit first scan", False),
            ("rescan", "sigaudit re-scan", True),
        ):
            report = tmp / f"{key}-{n}.json"
            cmd = [
                python,
                "-m",
                "sigaudit",
                "scan",
                str(corpus),
                "--trust-roots",
                str(ROOT_PEM),
                "--other-certs",
                str(INTER_PEM),
                "--store",
                str(store),
                "--jobs",
                str(args.jobs),
                "-q",
                "--json",
                str(report),
            ]
            print(f"-- {label} ({rep + 1}/{args.repeat}): {' '.join(cmd)}", file=sys.stderr)
            m = measure([cmd], tmp, env=env)
            run = m["runs"][0]
            if run["returncode"] != 0:
                raise SystemExit(f"FAIL ({label}): exit {run['returncode']}\n{run['stderr_tail']}")
            check = check_report(report, n, label, expect_reused=reused)
            figure = {**_figure(label, n, m), "sigaudit_internal_s": round(check["internal_s"], 3)}
            if not reused:
                figure["validation_docs_per_s"] = validation_rate(store)
            runs[key].append(figure)
            report.unlink()
    for key, measured in runs.items():
        out["figures"][key] = {
            **_median(measured),
            "runs_wall_s": [f["wall_s"] for f in measured],
            # the largest of the runs: memory is a limit, not a typical value
            "peak_tree_rss_mb": max(f["peak_tree_rss_mb"] for f in measured),
            "max_rss_single_process_mb": max(f["max_rss_single_process_mb"] for f in measured),
        }

    # c: the pyHanko API loop in one warm process
    api_files = files if not args.api_limit else subset(files, args.api_limit)
    lst = tmp / f"files-{n}.txt"
    lst.write_text("\n".join(api_files), encoding="utf-8")
    api_out = tmp / f"api-{n}.json"
    print(f"-- pyHanko API loop on {len(api_files)} documents", file=sys.stderr)
    m = measure(
        [
            [
                python,
                str(Path(__file__).resolve()),
                "_api_loop",
                str(lst),
                str(ROOT_PEM),
                str(INTER_PEM),
                str(api_out),
            ]
        ],
        tmp,
        env=env,
    )
    if m["runs"][0]["returncode"] != 0:
        raise SystemExit(f"FAIL (API loop): {m['runs'][0]['stderr_tail']}")
    api = json.loads(api_out.read_text())
    out["figures"]["api_loop"] = {
        **_figure("pyHanko API loop (1 process)", api["docs"], m, wall=api["loop_s"]),
        "process_wall_s": round(m["wall_s"], 3),
        "signatures": api["signatures"],
        "signatures_ok": api["signatures_ok"],
    }
    if api["failures"] or api["signatures_ok"] != api["signatures"] or api["signatures"] != 2 * api["docs"]:
        problems.append(
            f"API loop: {api['signatures_ok']}/{api['signatures']} signatures ok; e.g. {api['failures'][:3]}"
        )

    # d: the pyHanko CLI, one process per file
    if args.cli_subset > 0:
        base, kind = cli_command(python)
        cli_files = subset(files, args.cli_subset)
        cwd = tmp / "cli-cwd"  # no pyhanko.yml here
        cwd.mkdir(exist_ok=True)
        print(
            f"-- pyHanko CLI ({kind}) on {len(cli_files)} documents: {' '.join(base)} FILE", file=sys.stderr
        )
        m = measure([[*base, f] for f in cli_files], tmp, cwd=cwd, env=env)
        failed = [(f, r) for f, r in zip(cli_files, m["runs"], strict=True) if r["returncode"] != 0]
        out["figures"]["cli"] = {**_figure(f"pyHanko CLI per file ({kind})", len(cli_files), m), "kind": kind}
        out["cli_command"] = [*base, "FILE"]
        out["cli_sample_output"] = m["runs"][0]["stdout_tail"][-1500:]
        if failed:
            f, r = failed[0]
            problems.append(
                f"CLI: {len(failed)} file(s) failed, e.g. {f}: "
                f"{r['stdout_tail'][-400:]} {r['stderr_tail'][-400:]}"
            )

    fig = out["figures"]
    ratios: dict[str, float | None] = {}
    first = fig["first_scan"]["docs_per_s"]
    ratios["first_scan_vs_api"] = round(first / fig["api_loop"]["docs_per_s"], 2)
    ratios["first_scan_vs_cli"] = round(first / fig["cli"]["docs_per_s"], 2) if "cli" in fig else None
    ratios["rescan_vs_first_scan"] = round(fig["rescan"]["docs_per_s"] / first, 2)
    out["ratios"] = ratios
    out["problems"] = problems
    return out


def print_table(result: dict[str, Any]) -> None:
    print(f"\nN = {result['n']} documents ({result['corpus_mb']} MB)")
    head = (
        f"{'measurement':<44} {'docs':>6} {'wall s':>9} {'docs/s':>9} "
        f"{'peak tree MB':>13} {'max proc MB':>12}"
    )
    print(head)
    print("-" * len(head))
    for key in ("first_scan", "rescan", "api_loop", "cli"):
        f = result["figures"].get(key)
        if f is None:
            continue
        print(
            f"{f['label']:<44} {f['docs']:>6} {f['wall_s']:>9.2f} {f['docs_per_s']:>9.1f} "
            f"{f['peak_tree_rss_mb']:>13.1f} {f['max_rss_single_process_mb']:>12.1f}"
        )
    for key in ("first_scan", "rescan"):
        f = result["figures"][key]
        if len(f["runs_wall_s"]) > 1:
            walls = ", ".join(f"{w:.2f}" for w in f["runs_wall_s"])
            spread = (max(f["runs_wall_s"]) - min(f["runs_wall_s"])) / f["wall_s"]
            print(
                f"  {f['label']}: median of {len(f['runs_wall_s'])} runs ({walls} s; "
                f"spread {spread:.0%} of the median: the same command on the same files)"
            )
    r = result["ratios"]

    def show(name: str, value: float | None, target: float) -> str:
        if value is None:
            return f"  {name:<34} n/a"
        verdict = "meets" if value >= target else "BELOW"
        return f"  {name:<34} {value:>8.1f}x   (target >= {target:g}x: {verdict})"

    print("ratios (docs/s):")
    print(show("first scan / API loop", r["first_scan_vs_api"], TARGETS["first_scan_vs_api"]))
    print(show("first scan / CLI per file", r["first_scan_vs_cli"], TARGETS["first_scan_vs_cli"]))
    print(show("re-scan / first scan", r["rescan_vs_first_scan"], TARGETS["rescan_vs_first_scan"]))
    for p in result["problems"]:
        print(f"  PROBLEM: {p}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["_measure"]:
        return measure_main(argv[1])
    if argv[:1] == ["_api_loop"]:
        return api_loop_main(*argv[1:5])
    if argv[:1] == ["_api_one"]:
        return api_one_main(*argv[1:4])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = ap.add_mutually_exclusive_group(required=True)
    size.add_argument("--n", type=int, help="number of documents")
    size.add_argument("--sizes", help="comma-separated sizes, e.g. 1000,10000 (one corpus each)")
    ap.add_argument(
        "--cli-subset", type=int, default=30, help="files for the CLI measurement (default 30; 0 skips)"
    )
    ap.add_argument("--api-limit", type=int, default=0, help="documents for the API loop (default 0 = all)")
    ap.add_argument(
        "--workdir", type=Path, default=Path("/tmp/sigaudit-bench"), help="corpora live in WORKDIR/N"
    )
    ap.add_argument("--jobs", type=int, default=2, help="sigaudit --jobs (default 2)")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="sigaudit first scan + re-scan pairs per size; the median of each is reported (default 1)",
    )
    ap.add_argument("--gen-jobs", type=int, default=2, help="corpus generator processes (default 2)")
    ap.add_argument(
        "--python", default=sys.executable, help="interpreter with sigaudit and pyHanko installed"
    )
    ap.add_argument("--json-out", type=Path, help="write all figures as JSON here")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the stores and reports of the run")
    args = ap.parse_args(argv)
    sizes = [args.n] if args.n else [int(s) for s in args.sizes.split(",") if s.strip()]
    if any(s < 1 for s in sizes):
        ap.error("sizes must be positive")
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    args.workdir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="run-", dir=args.workdir))
    info = machine_info()
    results = []
    try:
        for n in sizes:
            result = run_size(n, args, tmp)
            results.append(result)
            print_table(result)
    finally:
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    info["loadavg_at_end"] = os.getloadavg()
    summary: dict[str, Any] = {"machine": info, "targets": TARGETS, "results": results}
    if len(results) > 1:
        small, large = results[0], results[-1]
        a = small["figures"]["first_scan"]["docs_per_s"]
        b = large["figures"]["first_scan"]["docs_per_s"]
        drift = round(abs(b - a) / a, 3)
        # The API loop does the same work per document at every size: how far its rate moves between
        # the sizes is how far the machine's own speed moved between the two measurements.
        api_a = small["figures"]["api_loop"]["docs_per_s"]
        api_b = large["figures"]["api_loop"]["docs_per_s"]
        ra, rb = small["ratios"]["first_scan_vs_api"], large["ratios"]["first_scan_vs_api"]
        va = small["figures"]["first_scan"].get("validation_docs_per_s")
        vb = large["figures"]["first_scan"].get("validation_docs_per_s")
        # Not a target, a reading aid: the rate of the documents the larger run adds, and the time each
        # first scan spends whatever its size (start-up, reports) if that rate held throughout.
        t_small, t_large = small["figures"]["first_scan"]["wall_s"], large["figures"]["first_scan"]["wall_s"]
        marginal = (large["n"] - small["n"]) / (t_large - t_small) if t_large > t_small else None
        fixed = t_small - small["n"] / marginal if marginal else None
        summary["scaling"] = {
            "sizes": [small["n"], large["n"]],
            "first_scan_docs_per_s": [a, b],
            "drift": drift,
            "peak_tree_rss_mb_at_largest": large["figures"]["first_scan"]["peak_tree_rss_mb"],
            "marginal_docs_per_s": round(marginal, 1) if marginal else None,
            "fixed_s": round(fixed, 2) if fixed is not None else None,
            "api_loop_docs_per_s": [api_a, api_b],
            "api_loop_drift": round((api_b - api_a) / api_a, 3),
            "first_scan_vs_api": [ra, rb],
            "validation_docs_per_s": [va, vb],
            "validation_drift": round(abs(vb - va) / va, 3) if va and vb else None,
        }
        print(
            f"\nscaling: first scan {a:.1f} docs/s at {small['n']} vs {b:.1f} docs/s at {large['n']} "
            f"(drift {drift:.1%}, target <= {TARGETS['throughput_drift']:.0%}); "
            f"peak tree RSS at {large['n']}: "
            f"{summary['scaling']['peak_tree_rss_mb_at_largest']:.0f} MB (target <= 400 MB at 10,000)"
        )
        if marginal and fixed is not None:
            print(
                f"         the {large['n'] - small['n']} documents the larger run adds went at "
                f"{marginal:.1f} docs/s; at that rate each first scan also spends {fixed:.2f} s whatever "
                "its size (start-up, reports)"
            )
        print(
            f"         the pyHanko API loop (same work per document) went at {api_a:.1f} vs {api_b:.1f} "
            f"docs/s ({(api_b - api_a) / api_a:+.1%}): the machine's own speed between the two sizes"
        )
        print(
            f"         against that loop, measured beside each: {ra:.2f}x vs {rb:.2f}x the API loop "
            f"({(rb - ra) / ra:+.1%})"
        )
        if va and vb:
            print(
                f"         from the first result to the last (start-up and reports left out) the first "
                f"scans went at {va:.1f} vs {vb:.1f} docs/s (drift {abs(vb - va) / va:.1%})"
            )
    print(
        f"machine: {info['nproc']} CPUs ({info['cpu_model']}), {info['ram_gb']} GB RAM; load average "
        f"{info['loadavg_at_start'][0]:.2f} at start, {info['loadavg_at_end'][0]:.2f} at end"
    )
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"figures written to {args.json_out}")
    if any(r["problems"] for r in results):
        print("FAIL: see PROBLEM lines above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
