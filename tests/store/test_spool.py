"""The run's spool: documents written in batches and manifest rows looked up in batches give what
writing and looking them up one by one gave (issue 22: fewer SQLite statements per document)."""

from __future__ import annotations

from sigaudit.codec import facts_of, facts_to_json
from sigaudit.model import ValidationOutcome, Verdict
from sigaudit.sources.manifest import ManifestEntry
from sigaudit.store.spool import LOOKUP_BATCH, WRITE_BATCH, RunSpool

FACTS = facts_to_json(facts_of(ValidationOutcome(Verdict.UNSIGNED, "no signature")))


def _rows(count: int, agency: str, every: int = 1) -> list[ManifestEntry]:
    return [ManifestEntry(f"d/{i}.pdf", agency, None, None) for i in range(0, count, every)]


def _replay(calls: list[tuple[list[ManifestEntry], str]], one_by_one: bool) -> tuple[list, dict]:
    """The conflicts reported and the row kept per path, given the rows in one call per manifest or
    one call per row."""
    conflicts: list[tuple[str, str]] = []
    with RunSpool() as spool:
        for entries, source in calls:
            if one_by_one:
                for entry in entries:
                    conflicts += spool.add_entries([entry], source)
            else:
                conflicts += spool.add_entries(entries, source)
        for i in range(2 * LOOKUP_BATCH + 7):
            spool.add_document(i, f"d/{i}.pdf", 1, "0" * 64, FACTS, None)
        kept = {done.path: (done.entry.agency_code if done.entry else None) for done in spool.documents()}
    return conflicts, kept


def test_manifest_rows_looked_up_in_batches_give_the_conflicts_and_rows_of_one_by_one() -> None:
    # More rows than one look-up takes; a later manifest re-describes every third path differently and
    # every fifth the same; one manifest names a path twice, differently (the later row wins).
    twice = [ManifestEntry("d/4.pdf", "X", None, None), ManifestEntry("d/4.pdf", "Y", None, None)]
    calls = [
        (_rows(2 * LOOKUP_BATCH + 7, "A"), "m1.csv"),
        (_rows(2 * LOOKUP_BATCH + 7, "B", every=3), "m2.csv"),
        (_rows(2 * LOOKUP_BATCH + 7, "A", every=5), "m3.csv"),
        (twice, "m4.csv"),
    ]
    batched = _replay(calls, one_by_one=False)
    assert batched == _replay(calls, one_by_one=True)
    conflicts, kept = batched
    assert ("d/3.pdf", "m1.csv") in conflicts and ("d/15.pdf", "m2.csv") in conflicts
    assert ("d/4.pdf", "m1.csv") in conflicts and ("d/4.pdf", "m4.csv") in conflicts
    assert kept["d/3.pdf"] == "B" and kept["d/15.pdf"] == "A" and kept["d/4.pdf"] == "Y"


def test_documents_spooled_in_batches_are_all_read_back_in_walk_order() -> None:
    count = 2 * WRITE_BATCH + 3
    with RunSpool() as spool:
        spool.add_entries(
            [ManifestEntry("d/1.pdf", "A", None, None), ManifestEntry("gone.pdf", "A", None, None)], "m"
        )
        for seq in reversed(range(count)):  # results come back in any order
            outcome = ValidationOutcome(Verdict.UNREADABLE, "not a PDF") if seq == 1 else None
            spool.add_document(seq, f"d/{seq}.pdf", seq, "0" * 64, FACTS, outcome)
        assert len(spool) == count
        # Read while some documents still wait to be written: they are written first.
        assert list(spool.unmatched_entries()) == ["gone.pdf"]
        done = list(spool.documents())
    assert [d.seq for d in done] == list(range(count))
    assert done[1].outcome == ValidationOutcome(Verdict.UNREADABLE, "not a PDF")
    assert done[1].entry is not None and done[1].entry.agency_code == "A"
    assert done[2].outcome is None and done[2].entry is None
