"""Shared fixtures: the checked-in sample archive, the demo PKI and the expected verdicts."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_docs"
DEMO = REPO / "demo"


@pytest.fixture(scope="session")
def sample_docs() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def demo_pki() -> Path:
    return DEMO / "pki"


@pytest.fixture(scope="session")
def expected() -> dict[str, dict[str, Any]]:
    """demo/expected.json: for each sample document, what it exercises and its expected verdict."""
    data: dict[str, dict[str, Any]] = json.loads((DEMO / "expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def demo_trust(demo_pki: Path) -> Any:
    from sigaudit.validation.trust import build_trust

    return build_trust([demo_pki / "demo-root.pem"], [demo_pki / "demo-intermediate.pem"])


_OPEN_SINKS: list[list[Path]] = []


def _record_opens(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _OPEN_SINKS and isinstance(args[0], str | bytes | os.PathLike):
        path = Path(os.fsdecode(args[0])).absolute()
        for sink in _OPEN_SINKS:
            sink.append(path)


@pytest.fixture
def opened_files() -> Iterator[list[Path]]:
    """Every path this process opens while the test runs, absolute, as Python's ``open`` audit event
    reports it (built-in ``open``, ``os.open``, ``io.open_code``): what a command read, seen from
    outside the code that reads, so a test need not patch a private function to count reads."""
    if not getattr(_record_opens, "installed", False):
        sys.addaudithook(_record_opens)  # cannot be removed; idle while no test listens
        _record_opens.installed = True  # type: ignore[attr-defined]
    sink: list[Path] = []
    _OPEN_SINKS.append(sink)
    try:
        yield sink
    finally:
        _OPEN_SINKS.remove(sink)


def pytest_configure(config: pytest.Config) -> None:
    """Keep the default result store of CLI runs out of the real user's cache directory."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="sigaudit-test-cache-")


# Tests that need an outside program or a cluster take seconds each: they are slow too, so that
# ``pytest -m "not slow"`` (the daily loop) never needs Chromium, Java, pdfsig or Dask.
SLOW_BY_NATURE = ("browser", "foreign_signers", "dask")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW_BY_NATURE):
            item.add_marker(pytest.mark.slow)
