"""Shared fixtures: the checked-in sample archive, the demo PKI and the expected verdicts."""

from __future__ import annotations

import json
import os
import tempfile
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


def pytest_configure(config: pytest.Config) -> None:
    """Keep the default result store of CLI runs out of the real user's cache directory."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="sigaudit-test-cache-")
