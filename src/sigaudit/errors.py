"""sigaudit's error types. Each one explains itself to the person running the tool."""

from __future__ import annotations

import errno
import signal


class SigauditError(Exception):
    """Base class: a problem sigaudit reports in words, never as a traceback."""


class ConfigError(SigauditError):
    """The options or configuration files are wrong (exit code 2)."""


class StoreError(SigauditError):
    """The result store is not as this run left it (exit code 3): nothing is reported from it."""


class OutputError(SigauditError):
    """A report or the result store could not be written for a reason of the machine, not of the
    options: a full disk, a quota, an I/O error (exit code 3)."""


# errno values saying the path named cannot be written by this user (fix the options: exit code 2);
# any other failure to write an output (ENOSPC, EDQUOT, EIO, EFBIG …) is the machine's (exit code 3).
PATH_ERRNOS = frozenset(
    {
        errno.ENOTDIR,
        errno.EISDIR,
        errno.ENOENT,
        errno.EEXIST,
        errno.ENAMETOOLONG,
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
    }
)


def output_error(what: str, exc: OSError) -> SigauditError:
    """The error to raise when writing ``what`` failed with ``exc``."""
    message = f"cannot write {what}: {exc.strerror or exc}"
    return ConfigError(message) if exc.errno in PATH_ERRNOS else OutputError(message)


class Stopped(KeyboardInterrupt):
    """The person or the scheduler asked the run to stop (Ctrl-C: SIGINT, or SIGTERM). A
    KeyboardInterrupt, so that no ``except Exception`` on the way up mistakes it for a failure."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class ScanInterrupted(Stopped):
    """A scan stopped part-way: ``saved`` documents validated by it are in the result store at
    ``store`` (None: a scratch store, nothing kept), and the next scan reuses them."""

    def __init__(self, signum: int, saved: int, store: str | None) -> None:
        super().__init__(signum)
        self.saved = saved
        self.store = store
