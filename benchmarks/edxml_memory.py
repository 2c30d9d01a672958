#!/usr/bin/env python3
"""Peak memory of the sigaudit process on the worst edXML packages (issue 16, item 8).

Two packages are written in pieces into a scratch folder by scripts/make_attack_files.py and deleted
afterwards: a flat package (a valid header, then N empty elements; 125 M make 500 MB) and a package
with one large attachment (300 MiB make a 420 MB file). Each is scanned by ``sigaudit scan --no-store
-q -j 1`` in its own process; the figure is that process's peak resident memory (``VmHWM``, read from
/proc every 20 ms), the worker being a separate process. Usage::

    .venv/bin/python benchmarks/edxml_memory.py --flat-mb 500 --attachment-mib 300
    # the same with another checkout's code (e.g. before a change): --src /tmp/old/src

It prints one line per package: its size, the peak, the wall time and what the scan made of it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scripts"))

from make_attack_files import write_edxml_attachment, write_flat_edxml  # noqa: E402


def _hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def scan(package: Path, out: Path, src: Path | None) -> tuple[int, float, str]:
    """Scan one package; its peak resident kB, the wall seconds and what the report says of it."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    command = [sys.executable, "-m", "sigaudit", "scan", str(package), "--no-store", "-q", "-j", "1"]
    command += ["--json", str(out)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _hwm_kb(child.pid) or 0)
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
    return peak, elapsed, _outcome(out, child.returncode, stderr)


def _outcome(report: Path, code: int, stderr: str) -> str:
    try:
        data = json.loads(report.read_text("utf-8"))
    except (OSError, ValueError):
        return f"exit {code}, no report: {stderr.strip()[-300:]}"
    said = [f"{s.get('path')}: skipped ({s.get('reason')})" for s in data.get("skipped", [])]
    said += [f"{d.get('path')}: {d.get('verdict')} ({d.get('reason')})" for d in data.get("documents", [])]
    return f"exit {code}; " + "; ".join(said)[:400]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--flat-mb", type=int, default=500, help="size of the flat package in MB (0: none)")
    parser.add_argument("--attachment-mib", type=int, default=300, help="attachment size in MiB (0: none)")
    parser.add_argument("--src", type=Path, help="a sigaudit src/ folder to measure instead of this one")
    parser.add_argument("--tmp", type=Path, default=None, help="scratch folder (default: the system's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sigaudit-edxml-", dir=args.tmp) as scratch:
        folder = Path(scratch)
        packages: list[Path] = []
        if args.flat_mb:
            path = folder / f"flat-{args.flat_mb}MB.xml"
            with path.open("wb") as handle:
                write_flat_edxml(handle, args.flat_mb * 1_000_000 // 4)
            packages.append(path)
        if args.attachment_mib:
            path = folder / f"attachment-{args.attachment_mib}MiB.xml"
            with path.open("wb") as handle:
                write_edxml_attachment(handle, args.attachment_mib * 1024 * 1024)
            packages.append(path)
        for package in packages:
            peak, elapsed, said = scan(package, folder / "report.json", args.src)
            size = package.stat().st_size
            print(f"{package.name}: {size / 1e6:.0f} MB, peak {peak / 1024:.0f} MiB, {elapsed:.1f} s; {said}")
            package.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
