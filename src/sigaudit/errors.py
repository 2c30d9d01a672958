"""sigaudit's error types. Each one explains itself to the person running the tool."""

from __future__ import annotations


class SigauditError(Exception):
    """Base class: a problem sigaudit reports in words, never as a traceback."""


class ConfigError(SigauditError):
    """The options or configuration files are wrong (exit code 2)."""


class StoreError(SigauditError):
    """The result store is not as this run left it (exit code 3): nothing is reported from it."""
