"""Whether the speed-ups (speedups.py) may be applied here: the off switch and the tested versions.

The speed-ups replace functions of pyHanko, pyhanko-certvalidator and asn1crypto, some of them private,
and were proven equivalent (tests/test_speedups.py) on the versions in ``TESTED_VERSIONS`` only. With
other versions installed, or with ``SIGAUDIT_NO_SPEEDUPS=1``, none is applied and validation runs on
the libraries' own code. This module reads only the environment and the packages' metadata, so the
CLI's own process can ask (and warn once) without loading pyHanko.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Mapping
from importlib import metadata

NO_SPEEDUPS_ENV = "SIGAUDIT_NO_SPEEDUPS"

# The versions the speed-ups were written for and tested against; raise them after checking the
# replaced functions in the new versions (see speedups.py) and running tests/test_speedups.py.
TESTED_VERSIONS: Mapping[str, str] = {
    "pyhanko": "0.38.0",
    "pyhanko-certvalidator": "0.33.0",
    "asn1crypto": "1.5.1",
}


class SpeedupsNotApplied(UserWarning):
    """The speed-ups were not applied because the installed libraries are not the tested versions."""


def switched_off() -> bool:
    """Whether ``SIGAUDIT_NO_SPEEDUPS`` asks for none (any value but empty or ``0``)."""
    return os.environ.get(NO_SPEEDUPS_ENV, "").strip() not in ("", "0")


def untested_versions(installed: Mapping[str, str | None] | None = None) -> str | None:
    """Which installed library is not at its tested version, in words (None: all are).

    ``installed`` maps package names to versions (None: not installed); default: this environment's.
    """
    if installed is None:
        installed = {name: _version(name) for name in TESTED_VERSIONS}
    differ = [
        f"{name} {installed.get(name) or 'not installed'} (tested: {tested})"
        for name, tested in TESTED_VERSIONS.items()
        if installed.get(name) != tested
    ]
    return ", ".join(differ) or None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


_warned = False
_warn_lock = threading.Lock()


def allowed(warn: bool = True) -> bool:
    """Whether the speed-ups may be applied in this process. When they may not because of the
    versions, and ``warn``, warn once per process (SpeedupsNotApplied); switching them off says nothing."""
    global _warned
    if switched_off():
        return False
    problem = untested_versions()
    if problem is None:
        return True
    with _warn_lock:
        if warn and not _warned:
            _warned = True
            warnings.warn(
                f"sigaudit: validation speed-ups not applied, untested library versions: {problem}",
                SpeedupsNotApplied,
                stacklevel=2,
            )
    return False
