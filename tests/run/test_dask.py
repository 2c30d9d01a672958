"""Distributed mode on a real dask.distributed LocalCluster: same verdicts, results in the same store."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sigaudit.cli import main
from sigaudit.model import Verdict
from sigaudit.run.dask import validate_task
from sigaudit.store.results import ResultStore
from sigaudit.validation.trust import TrustConfig

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    # Dask's nannies start workers with PYTHONHASHSEED=6640, the seed the local pool uses too.
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _scan(sample_docs: Path, demo_pki: Path, out: Path, *extra: str) -> dict[str, Any]:
    args = [
        "scan", str(sample_docs), "--trust-roots", str(demo_pki / "demo-root.pem"),
        "--agencies", str(demo_pki.parent / "agencies.csv"), "-q", "--json", str(out), *extra,
    ]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.mark.dask
@pytest.mark.parametrize("ship", ["bytes", "shared-paths"])
def test_dask_gives_the_local_verdicts_and_fills_the_store(
    scheduler: str, sample_docs: Path, demo_pki: Path, tmp_path: Path, ship: str
) -> None:
    local = _scan(sample_docs, demo_pki, tmp_path / "local.json", "--no-store")
    store = tmp_path / "s.sqlite"
    extra = ["--shared-paths"] if ship == "shared-paths" else []
    dask = _scan(
        sample_docs, demo_pki, tmp_path / "dask.json",
        "--executor", "dask", "--scheduler", scheduler, "--store", str(store), *extra,
    )  # fmt: skip
    assert dask["documents"] == local["documents"]
    assert dask["manifest"]["executor"] == "dask"
    # The text step runs on Dask workers too: the bare folder's letters are read and measured.
    bare = [d for d in dask["documents"] if "/thu-muc-khong-metadata/" in d["path"]]
    assert len(bare) == 15 and all(d["text_meta"]["status"] == "read" for d in bare)
    assert {d["agency"]["level"] for d in bare} == {"province", "district", "commune"}
    assert dask["summary"] == local["summary"]
    with ResultStore(store) as s:
        distinct = {d["sha256"] for d in dask["documents"] if not d["reason"].startswith("not a PDF")}
        assert s.count_results() == len(distinct) > 30  # copies of one document are stored once
    again = _scan(sample_docs, demo_pki, tmp_path / "again.json", "--store", str(store))
    assert again["manifest"]["counts"]["validated"] == 0  # the local pool reuses Dask's results
    assert again["documents"] == local["documents"]


def test_dask_without_scheduler_is_a_usage_error(sample_docs: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(sample_docs), "--executor", "dask"])
    assert result.exit_code == 2 and "--scheduler" in result.output


@pytest.mark.dask
def test_dask_workers_receive_the_validation_policy(
    scheduler: str, sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    """A policy that makes missing revocation evidence indeterminate reaches the Dask workers."""
    archive = tmp_path / "archive"
    archive.mkdir()
    rel = "tinh/ubnd-tinh/2024/120-UBND-KGVX_2024-02-05.pdf"  # valid, no revocation evidence
    (archive / "a.pdf").write_bytes((sample_docs / rel).read_bytes())
    policy = tmp_path / "p.toml"
    policy.write_text('name = "strict/1"\n[revocation]\nmissing_revocation = "indeterminate"\n')
    report = _scan(
        archive, demo_pki, tmp_path / "r.json", "--no-store", "--policy", str(policy),
        "--executor", "dask", "--scheduler", scheduler,
    )  # fmt: skip
    [doc] = report["documents"]
    assert doc["verdict"] == "indeterminate" and "no revocation evidence" in doc["reason"]
    assert report["manifest"]["policy"]["name"] == "strict/1"


def test_a_dask_worker_reads_a_shared_path_with_the_walks_guards(
    tmp_path: Path, demo_trust: TrustConfig
) -> None:
    """--shared-paths: the worker opens the path as the walk does; a file swapped for a symbolic link or
    a named pipe after the walk is refused (without waiting for a writer), as is one grown too large."""
    real = tmp_path / "real.pdf"
    real.write_bytes(b"%PDF-1.7\n")
    sha = hashlib.sha256(real.read_bytes()).hexdigest()
    (tmp_path / "link.pdf").symlink_to(real)
    os.mkfifo(tmp_path / "pipe.pdf")
    for name, max_bytes, words in (
        ("link.pdf", 1 << 20, "cannot read"),
        ("pipe.pdf", 1 << 20, "not a regular file (named pipe)"),
        ("real.pdf", 4, "file too large (9 bytes)"),
    ):
        outcome = validate_task(demo_trust, str(tmp_path / name), sha, None, max_file_bytes=max_bytes)
        assert outcome.verdict == Verdict.UNREADABLE and words in outcome.reason, (name, outcome.reason)
