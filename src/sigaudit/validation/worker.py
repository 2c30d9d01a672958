"""Preparing a process that validates documents in bulk: a local pool worker, a Dask worker.

Loading the engine, applying the speed-ups and quieting pyHanko's loggers are decisions for such a
process, taken where it starts (run/pool.py, run/dask.py), never side effects of importing the engine:
a program that imports sigaudit as a library keeps pyHanko as it is, loggers included.
"""

from __future__ import annotations

import logging
import threading
import warnings

_prepared = False
_lock = threading.Lock()


def prepare(warn: bool = True) -> bool:
    """Load the engine (pyHanko), apply the speed-ups unless refused (see speedups_gate.py; ``warn``:
    warn once when the library versions are the reason) and quiet pyHanko's loggers. Idempotent and
    thread-safe, cheap after the first call (Dask calls it at the start of every task). True when the
    speed-ups are applied."""
    global _prepared
    if _prepared:  # Dask calls this at the start of every task
        from . import speedups

        return speedups.installed()
    # pyHanko imports cryptography's DSA classes to recognise such keys; cryptography announces their
    # deprecation at that import, once per worker, onto the operator's progress line. Known, harmless.
    warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")
    from . import engine, speedups  # noqa: F401  # engine: pyHanko loaded before any memory limit

    with _lock:
        if not _prepared:
            speedups.install(warn=warn)
            # pyHanko logs expected validation failures at WARNING/ERROR; the verdicts carry them.
            for name in ("pyhanko", "pyhanko_certvalidator"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
            _prepared = True
    return speedups.installed()
