"""The result store: reuse across runs, invalidation, resumption after a kill, concurrent runs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sigaudit.agencies.registry import load_registry
from sigaudit.audit import AuditOptions, run_audit
from sigaudit.cli import main
from sigaudit.codec import facts_of
from sigaudit.errors import StoreError
from sigaudit.model import UNKNOWN_AGENCY, DocumentFacts, ValidationOutcome, Verdict
from sigaudit.report.documents import document_to_dict, stored_document_lines
from sigaudit.store.results import ResultStore, RunRow, StoredDocuments, StoredFacts


def _args(sample_docs: Path, demo_pki: Path, store: Path, out: Path, *extra: str) -> list[str]:
    return [
        "scan", str(sample_docs), "--trust-roots", str(demo_pki / "demo-root.pem"),
        "--agencies", str(demo_pki.parent / "agencies.csv"),
        "--store", str(store), "--json", str(out), "-q", "--jobs", "2", *extra,
    ]  # fmt: skip


def _scan(sample_docs: Path, demo_pki: Path, store: Path, out: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, _args(sample_docs, demo_pki, store, out, *extra))
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.mark.slow
def test_second_scan_reuses_every_result_and_reports_the_same(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    first = _scan(sample_docs, demo_pki, store, tmp_path / "1.json")
    second = _scan(sample_docs, demo_pki, store, tmp_path / "2.json")
    # Copies of one document (same bytes) take the first copy's result in the first scan, whether it
    # was stored already or still in a worker's hands: the counts do not depend on timing.
    # A new store reuses nothing: the copies are counted as copies, not as taken from the store.
    counts = first["manifest"]["counts"]
    assert counts["reused_from_store"] == 0 and counts["copies_in_run"] > 0
    validated = counts["validated"] + counts["copies_in_run"]
    assert validated > 30 and counts["validated"] == len(_validated_hashes(first))
    assert second["manifest"]["counts"] == {**counts, "validated": 0, "copies_in_run": 0,
                                            "reused_from_store": validated}  # fmt: skip
    assert second["documents"] == first["documents"]
    third = _scan(sample_docs, demo_pki, store, tmp_path / "3.json", "--rescan")
    assert third["manifest"]["counts"]["validated"] >= len(_validated_hashes(first))
    assert third["documents"] == first["documents"]


@pytest.mark.slow
def test_a_copied_archive_reuses_the_stored_results_by_digest(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    """Files the store has never seen at these paths (a copy: new paths, new inodes) are read and hashed
    by the workers, which validate none of them: the parent finds every digest in the store first."""
    store = tmp_path / "s.sqlite"
    first = _scan(sample_docs, demo_pki, store, tmp_path / "1.json")
    copy = tmp_path / sample_docs.name
    shutil.copytree(sample_docs, copy)
    second = _scan(copy, demo_pki, store, tmp_path / "2.json")
    counts = first["manifest"]["counts"]
    reused = counts["validated"] + counts["copies_in_run"]
    expected = {**counts, "validated": 0, "copies_in_run": 0, "reused_from_store": reused}
    assert second["manifest"]["counts"] == expected
    assert second["documents"] == first["documents"]


@pytest.mark.slow
def test_changed_trust_configuration_invalidates_stored_results(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    first = _scan(sample_docs, demo_pki, store, tmp_path / "1.json")
    again = _scan(sample_docs, demo_pki, store, tmp_path / "2.json", "--trust-roots",
                  str(demo_pki / "rogue-root.pem"))  # fmt: skip
    assert again["manifest"]["verdict_fingerprint"] != first["manifest"]["verdict_fingerprint"]
    assert again["manifest"]["counts"]["validated"] == first["manifest"]["counts"]["validated"]
    # With the rogue root trusted, the impersonating signature now chains: the verdict changes.
    changed = {d["path"] for d in again["documents"]} - {
        d["path"] for d in again["documents"] if d in first["documents"]
    }
    assert any("102-UBND-NV" in p for p in changed)


@pytest.mark.slow
def test_results_are_rechecked_after_a_signer_certificate_expires(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    store_path = tmp_path / "s.sqlite"
    report = _scan(sample_docs, demo_pki, store_path, tmp_path / "1.json")
    signed = next(d for d in report["documents"] if d["verdict"] == "valid")
    fingerprint = report["manifest"]["verdict_fingerprint"]
    with ResultStore(store_path) as store:
        assert store.get(signed["sha256"], fingerprint) is not None
        later = datetime(2046, 1, 1, tzinfo=UTC)  # the demo certificates end in 2045
        assert store.get(signed["sha256"], fingerprint, now=later) is None


@pytest.mark.slow
def test_stored_runs_rebuild_the_same_documents(sample_docs: Path, demo_pki: Path, tmp_path: Path) -> None:
    store_path = tmp_path / "s.sqlite"
    report = _scan(sample_docs, demo_pki, store_path, tmp_path / "1.json")
    with ResultStore(store_path) as store:
        [run] = store.runs()
        rebuilt = [document_to_dict(d) for d in store.run_documents(run)]
    assert run.documents == len(report["documents"]) and run.id == report["manifest"]["store_run_id"]
    decided_by_the_report = ("inter_agency", "excluded_reason", "document_date")  # not stored: re-derived
    assert rebuilt == [
        {k: v for k, v in d.items() if k not in decided_by_the_report} for d in report["documents"]
    ]
    assert any(d["metadata"]["source"] == "edxml" for d in rebuilt)  # the metadata survives the store


@pytest.mark.slow
def test_a_loaded_run_shares_what_its_documents_have_in_common(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    """Memory: equal signer descriptions, legal checks and reasons are one object across documents."""
    store_path = tmp_path / "s.sqlite"
    _scan(sample_docs, demo_pki, store_path, tmp_path / "1.json")
    with ResultStore(store_path) as store:
        [run] = store.runs()
        documents = list(store.run_documents(run))
    sole_control = [s.checks[-1] for d in documents for s in d.outcome.signatures if s.checks]
    assert len(sole_control) > 20 and all(c is sole_control[0] for c in sole_control)
    by_signer: dict[str, list[Any]] = {}
    for d in documents:
        for sig in d.outcome.signatures:
            if sig.signer is not None:
                by_signer.setdefault(sig.signer.sha256, []).append(sig)
    shared = [sigs for sigs in by_signer.values() if len(sigs) > 1]
    assert shared and all(all(s.signer is sigs[0].signer for s in sigs) for sigs in shared)
    reasons = [s.reason for d in documents for s in d.outcome.signatures]
    assert len({id(r) for r in reasons}) == len(set(reasons)) < len(reasons)


def _validated_hashes(report: dict[str, Any]) -> set[str]:
    """Distinct contents that went through validation (the walker settles what is not a PDF)."""
    return {d["sha256"] for d in report["documents"] if not d["reason"].startswith("not a PDF")}


def _count(store: Path) -> int:
    try:
        with sqlite3.connect(store, timeout=10) as db:
            return int(db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_a_killed_run_loses_nothing_and_the_next_run_resumes(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    store, out = tmp_path / "s.sqlite", tmp_path / "r.json"
    args = _args(sample_docs, demo_pki, store, out)
    args[args.index("2")] = "1"  # one worker, so the run lasts long enough to be killed midway
    proc = subprocess.Popen([sys.executable, "-m", "sigaudit", *args])
    deadline = time.monotonic() + 60
    while _count(store) < 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = _count(store)
    assert kept >= 5 and not out.exists()
    report = _scan(sample_docs, demo_pki, store, out)
    counts = report["manifest"]["counts"]
    assert counts["reused_from_store"] >= kept
    assert counts["documents"] == len(report["documents"]) == len({d["path"] for d in report["documents"]})
    fresh = _scan(sample_docs, demo_pki, tmp_path / "fresh.sqlite", tmp_path / "f.json")
    assert report["documents"] == fresh["documents"]


_HALF_RECORDED_RUN = """
import os
import sys
from pathlib import Path
from sigaudit.codec import facts_of
from sigaudit.model import UNKNOWN_AGENCY, DocumentFacts, ValidationOutcome, Verdict
from sigaudit.store.results import ResultStore, RunRow
store = ResultStore(Path(sys.argv[1]))
run_id = store.begin_run("f" * 64, {"started": "2026-11-29T00:00:00+00:00"})
print(run_id, flush=True)
outcome = ValidationOutcome(Verdict.UNSIGNED, "no signature")
facts = facts_of(outcome)
def rows():
    for i in range(1500):
        if i == 1200:  # the first batch is recorded: the process dies while the second is read
            os._exit(0)
        yield RunRow(DocumentFacts(f"d{i}.pdf", "0" * 64, 1, UNKNOWN_AGENCY, facts), outcome, None)
store.end_run(run_id, rows(), {"ended": "2026-11-29T00:01:00+00:00"})
"""


def _rows_per_run(path: Path) -> dict[int, int]:
    """What the store file holds, read as an outside reader would."""
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT run_id, COUNT(*) FROM run_documents GROUP BY run_id").fetchall())


def test_rows_left_by_a_run_whose_process_died_are_purged_and_a_live_run_is_kept(tmp_path: Path) -> None:
    # The state a run killed while recording its documents leaves: rows of a run that never ended.
    path = tmp_path / "s.sqlite"
    child = subprocess.run(
        [sys.executable, "-c", _HALF_RECORDED_RUN, str(path)], capture_output=True, text=True, check=True
    )
    dead = int(child.stdout)
    assert _rows_per_run(path) == {dead: 1000}
    outcome = ValidationOutcome(Verdict.UNSIGNED, "no signature")
    purged: list[list[int]] = []
    with ResultStore(path) as store:
        live = store.begin_run("f" * 64, {"started": "2026-11-29T01:00:00+00:00"})  # purges the dead one

        def rows() -> Iterator[RunRow]:
            for i in range(1500):
                if i == 1200:  # the live run's first batch is recorded: a purge must leave it alone
                    purged.append(store.purge_abandoned_runs())
                yield RunRow(
                    DocumentFacts(f"d{i}.pdf", "0" * 64, 1, UNKNOWN_AGENCY, facts_of(outcome)), outcome, None
                )

        store.end_run(live, rows(), {"ended": "2026-11-29T01:01:00+00:00"})  # fails if rows were lost
        assert purged == [[]]  # this process is alive: its rows stay
    with sqlite3.connect(path) as db:
        runs = db.execute("SELECT id, ended IS NOT NULL FROM runs ORDER BY id").fetchall()
    assert _rows_per_run(path) == {live: 1500}
    assert runs == [(dead, 0), (live, 1)]  # the dead run is still listed as never ended


def test_a_run_whose_rows_vanish_while_it_is_recorded_fails_loudly_and_does_not_end(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    outcome = ValidationOutcome(Verdict.UNSIGNED, "no signature")
    facts = facts_of(outcome)

    with ResultStore(path) as store:
        run_id = store.begin_run("f" * 64, {"started": "2026-11-29T00:00:00+00:00"})

        def rows() -> Iterator[RunRow]:
            for i in range(1500):
                if i == 1200:  # after the first batch: another process deletes this run's rows
                    with sqlite3.connect(path) as other:
                        other.execute("DELETE FROM run_documents WHERE run_id = ?", (run_id,))
                yield RunRow(DocumentFacts(f"d{i}.pdf", "0" * 64, 1, UNKNOWN_AGENCY, facts), outcome, None)

        with pytest.raises(StoreError, match="lost rows of run"):
            store.end_run(run_id, rows(), {"ended": "2026-11-29T00:01:00+00:00"})
        assert store.runs() == []  # not ended, so never read


@pytest.mark.slow
def test_two_runs_on_one_store_at_once_stay_consistent(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.sqlite"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sigaudit", *_args(sample_docs, demo_pki, store, tmp_path / f"{i}.json")]
        )
        for i in range(2)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    a, b = (json.loads((tmp_path / f"{i}.json").read_text(encoding="utf-8")) for i in range(2))
    assert a["documents"] == b["documents"]
    with ResultStore(store) as s:
        assert len(s.runs()) == 2
        assert s.count_results() == len(_validated_hashes(a))


@pytest.mark.slow
def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(
    sample_docs: Path, demo_pki: Path, tmp_path: Path, opened_files: list[Path]
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(sample_docs, archive)
    store = tmp_path / "s.sqlite"

    def read() -> set[str]:
        return {p.name for p in opened_files if p.is_relative_to(archive)}

    first = _scan(archive, demo_pki, store, tmp_path / "1.json")
    pdfs = {Path(d["path"]).name for d in first["documents"] if "!/" not in d["path"]}
    assert pdfs <= read()
    opened_files.clear()
    second = _scan(archive, demo_pki, store, tmp_path / "2.json")
    validated_files = {
        Path(d["path"]).name
        for d in first["documents"]
        if "!/" not in d["path"] and not d["reason"].startswith("not a PDF")
    }
    assert validated_files and not validated_files & read()  # only containers, registers, non-PDFs
    assert second["documents"] == first["documents"]
    # Same size, modification time put back: the change time still gives the edit away.
    target = next(p for p in archive.rglob("*.pdf") if p.name == "25-UBND_2024-02-02.pdf")
    before = target.stat()
    data = bytearray(target.read_bytes())
    data[-10] ^= 0x01
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    opened_files.clear()
    third = _scan(archive, demo_pki, store, tmp_path / "3.json")
    assert "25-UBND_2024-02-02.pdf" in read()
    changed = next(
        d for d in third["documents"] if d["path"].endswith("/gia-cam/2024/25-UBND_2024-02-02.pdf")
    )
    assert changed["sha256"] != next(d for d in first["documents"] if d["path"] == changed["path"])["sha256"]
    opened_files.clear()
    _scan(archive, demo_pki, store, tmp_path / "4.json", "--rehash")
    assert validated_files <= read()


@pytest.mark.slow
def test_a_run_with_a_store_reads_its_documents_back_and_its_facts_agree_with_them(
    sample_docs: Path, demo_pki: Path, demo_trust: Any, tmp_path: Path
) -> None:
    """Memory: a run keeps compact facts per document; the documents themselves come from the store,
    and everything aggregation reads of the facts is what the full results say."""
    options = AuditOptions(
        paths=(sample_docs,),
        trust=demo_trust,
        registry=load_registry(demo_pki.parent / "agencies.csv"),
        jobs=2,
    )
    with ResultStore(tmp_path / "s.sqlite") as store:
        run = run_audit(options, store=store)
        assert isinstance(run.documents, StoredDocuments) and isinstance(run.facts, StoredFacts)
        documents, facts = list(run.documents), list(run.facts)
        assert len(documents) == len(run.documents) == len(run.facts) > 40
        assert run.documents[3] == documents[3] == run.documents[3 - len(documents)]
        assert run.facts[3] == facts[3] == run.facts[-1 - len(documents) + 4]
        assert list(run.documents[2:5]) == documents[2:5] and list(run.facts[2:5]) == facts[2:5]
        with pytest.raises(IndexError):
            run.documents[len(documents)]
        with pytest.raises(IndexError):
            run.facts[len(documents)]
    assert {d.verdict for d in documents} >= {Verdict.VALID, Verdict.INVALID, Verdict.UNSIGNED}
    assert any(d.legally_complete for d in documents) and not all(d.legally_complete for d in documents)
    for doc, fact in zip(documents, facts, strict=True):
        asked = ("path", "sha256", "agency", "meta", "verdict", "reason", "signed", "latest_time")
        assert [getattr(doc, a) for a in asked] == [getattr(fact, a) for a in asked]
        assert doc.legally_complete == fact.legally_complete, doc.path
    # Without a store the same run is held in memory, and is the same.
    held = run_audit(options)
    assert held.facts is not None and list(held.facts) == facts and list(held.documents) == documents


@pytest.mark.slow
def test_the_json_report_from_stored_rows_is_what_the_values_give(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    """The JSON report takes stored results without decoding them: it must write the very same text
    (keys in the same order) as decoding them and encoding the values again."""
    store_path = tmp_path / "s.sqlite"
    _scan(sample_docs, demo_pki, store_path, tmp_path / "1.json")
    with ResultStore(store_path) as store:
        [run] = store.runs()
        stored = store.documents(run.id, run.fingerprint)

        def exchange(n: int) -> dict[str, Any]:
            return {"inter_agency": n % 2 == 0, "excluded_reason": None, "document_date": str(n)}

        fast = list(stored_document_lines(stored.stored_rows(), exchange))
        slow = [document_to_dict(d, exchange(n)) for n, d in enumerate(store.run_documents(run))]
    assert all(isinstance(d, str) for d in fast)  # each document's line, spliced from stored text
    assert fast == [json.dumps(d, ensure_ascii=False) for d in slow]
    assert {d["verdict"] for d in slow} >= {"valid", "invalid", "unsigned", "unreadable"}
    assert any(d["signatures"] for d in slow)


@pytest.mark.slow
def test_a_store_written_before_facts_were_kept_reads_the_same(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    """An older store (no facts columns) is upgraded in place; its runs report the same, from the
    decoded results, and a re-scan reuses every result."""
    store = tmp_path / "s.sqlite"
    first = _scan(sample_docs, demo_pki, store, tmp_path / "1.json")
    with sqlite3.connect(store) as db:
        db.execute("ALTER TABLE results DROP COLUMN facts")
        db.execute("ALTER TABLE run_documents DROP COLUMN facts")
    rebuilt = tmp_path / "rebuilt.json"
    result = CliRunner().invoke(main, ["report", "--store", str(store), "--json", str(rebuilt), "-q"])
    assert result.exit_code == 0, result.output
    old = json.loads(rebuilt.read_text(encoding="utf-8"))
    assert old["documents"] == first["documents"] and old["summary"] == first["summary"]
    again = _scan(sample_docs, demo_pki, store, tmp_path / "2.json")
    assert again["manifest"]["counts"]["validated"] == 0
    assert again["documents"] == first["documents"] and again["summary"] == first["summary"]
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM run_documents WHERE facts IS NOT NULL").fetchone()[0] == len(
            first["documents"]
        )


def test_results_recorded_since_a_moment_are_counted_from_the_store(tmp_path: Path) -> None:
    """What a stopped run says it kept is counted from the store: rows recorded before the run began
    (or under another fingerprint) are not the run's."""
    store = ResultStore(tmp_path / "s.sqlite")
    outcome = ValidationOutcome(Verdict.UNSIGNED, "no signature")
    store.put("a" * 64, "fp", outcome)
    started = datetime.now(UTC)
    assert store.count_recorded_since("fp", started) == 0
    store.put("b" * 64, "fp", outcome)
    store.put("c" * 64, "other", outcome)
    store.put("a" * 64, "fp", outcome)  # validated again by this run (--rescan)
    assert store.count_recorded_since("fp", started) == 2
    assert store.count_recorded_since("other", started) == 1
