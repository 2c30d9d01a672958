"""The plan's second measure counts receptions the archive shows, not recipients a sender listed.

Built from constructed documents (the classification and the measure are pure functions of them): the
same sent document once with recipients stated by a register of sent documents, once with the same
recipients read from its own ``Nơi nhận`` list (a bare folder, as ``audit.meta_from_text`` leaves it).
"""

from __future__ import annotations

from datetime import date

from sigaudit.aggregate.exchange import classify
from sigaudit.aggregate.processing import measure
from sigaudit.model import (
    Agency,
    Decree30,
    Direction,
    DocumentFacts,
    DocumentMeta,
    Level,
    OutcomeFacts,
    Party,
    Verdict,
)

SENDER = Agency("000.00.01.H44", "Văn phòng UBND tỉnh Phú Thọ", Level.PROVINCE, "registry", "test")
RECIPIENTS = (
    Party("000.00.30.H44", "UBND thành phố Việt Trì", Level.DISTRICT),
    Party(None, "UBND các xã, thị trấn"),
)


def _sent(n: int, source: str) -> DocumentFacts:
    outcome = OutcomeFacts(Verdict.VALID, "ok", True, Decree30.COMPLETE, (), None)
    meta = DocumentMeta(
        source=source,
        direction=Direction.UNKNOWN if "text" in source else Direction.SENT,
        date=date(2024, 3, n),
        number=str(n),
        notation="UBND-VP",
        recipients=RECIPIENTS,
    )
    return DocumentFacts(f"doc-{n}.pdf", f"{n:064d}", 1000, SENDER, outcome, meta)


def test_recipients_read_from_the_document_are_not_receptions() -> None:
    """A register of sent documents states two receptions; the same list read from the page states
    none (it is still in the KPI: the document was meant for other agencies)."""
    for source, receptions in (("register", 2), ("manifest", 2), ("text", 0), ("manifest+text", 0)):
        with classify([_sent(1, source)]) as exchanges:
            assert [e.counts for e in exchanges] == [True]
            measured = measure(exchanges)
        assert sum(c.receptions for c in measured.values()) == receptions, source
        assert all(c.with_trail == 0 for c in measured.values())


def test_a_stated_copy_still_counts_beside_a_read_one() -> None:
    """Two files of one document: the copy whose recipients the export states makes the receptions."""
    read, stated = _sent(2, "text"), _sent(2, "manifest")
    with classify([read, stated]) as exchanges:
        measured = measure(exchanges)
    assert {lv: c.receptions for lv, c in measured.items()} == {Level.DISTRICT: 1, Level.UNKNOWN: 1}
