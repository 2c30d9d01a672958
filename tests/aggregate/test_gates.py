"""Gates (--fail-on, --fail-under) decided from a summary, without a scan.

The summaries are made by the real classification and KPI code (``classify``, ``summarize``) from
documents written here as aggregation sees them; tests/cli/test_cli.py keeps one end-to-end scan per
exit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sigaudit.aggregate.exchange import classify
from sigaudit.aggregate.gates import Gates, evaluate
from sigaudit.aggregate.kpi import Summary, summarize
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

PROVINCE = Agency("000.00.01.H44", "Văn phòng UBND tỉnh", Level.PROVINCE, "registry", "test")
DISTRICT = Agency("000.00.30.H44", "UBND thành phố Việt Trì", Level.DISTRICT, "registry", "test")


def _doc(n: int, verdict: Verdict, sender: Agency = PROVINCE, to: Agency | None = DISTRICT) -> DocumentFacts:
    """Document ``n`` with its own bytes; sent by ``sender`` to ``to`` (None: no exchange data)."""
    outcome = OutcomeFacts(verdict, "why", verdict != Verdict.UNSIGNED, Decree30.COMPLETE, (), None)
    meta = (
        DocumentMeta(
            source="register",
            direction=Direction.SENT,
            date=date(2024, 3, 1),
            number=str(n),
            notation="UBND-VP",
            recipients=(Party(to.code, to.name, to.level),),
        )
        if to is not None
        else DocumentMeta()
    )
    return DocumentFacts(f"doc-{n}.pdf", f"{n:064x}", 1000, sender, outcome, meta)


def _kpi(documents: Iterable[DocumentFacts]) -> Summary:
    """The summary ``scan`` gates on: the inter-agency KPI over the classified documents."""
    with classify(iter(documents)) as exchanges:
        return summarize(exchanges)


def test_no_gate_never_fails() -> None:
    summary = _kpi([_doc(0, Verdict.INVALID), _doc(1, Verdict.UNREADABLE)])
    assert evaluate(Gates(), summary) == []


def test_fail_on_names_each_verdict_found_with_its_count_in_verdict_order() -> None:
    summary = _kpi(
        [_doc(0, Verdict.VALID), _doc(1, Verdict.UNREADABLE), *(_doc(n, Verdict.INVALID) for n in (2, 3))]
    )
    gates = Gates(fail_on=frozenset({Verdict.UNREADABLE, Verdict.INVALID, Verdict.UNSIGNED}))
    assert evaluate(gates, summary) == [
        "--fail-on invalid: 2 document(s) are invalid",
        "--fail-on unreadable: 1 document(s) are unreadable",
    ]


def test_fail_on_counts_every_document_found_even_those_the_kpi_leaves_out() -> None:
    # An invalid document without exchange data is outside the KPI, but --fail-on still sees it.
    summary = _kpi([_doc(0, Verdict.VALID), _doc(1, Verdict.INVALID, to=None)])
    assert summary.total.documents == 1
    assert evaluate(Gates(fail_on=frozenset({Verdict.INVALID})), summary) == [
        "--fail-on invalid: 1 document(s) are invalid"
    ]


def test_fail_under_checks_every_level_with_kpi_documents() -> None:
    documents = [
        _doc(0, Verdict.VALID),
        _doc(1, Verdict.INVALID),  # province: 1 of 2 valid
        _doc(2, Verdict.VALID, sender=DISTRICT, to=PROVINCE),  # district: 1 of 1 valid
    ]
    summary = _kpi(documents)
    assert evaluate(Gates(fail_under=50), summary) == []
    assert evaluate(Gates(fail_under=50.5), summary) == ["--fail-under 50.5: level province has 50.0% valid"]
    assert evaluate(Gates(fail_under=100), summary) == ["--fail-under 100: level province has 50.0% valid"]
    assert evaluate(Gates(fail_under=0), summary) == []


def test_fail_under_with_nothing_exchanged_fails_as_nothing_to_measure_unless_zero() -> None:
    summary = _kpi([_doc(0, Verdict.VALID, to=None), _doc(1, Verdict.VALID, to=None)])
    [failure] = evaluate(Gates(fail_under=100), summary)
    assert failure.startswith("--fail-under 100: nothing to measure: none of the 2 document(s)")
    assert evaluate(Gates(fail_under=0), summary) == []


def test_fail_under_on_a_summary_of_every_document_measures_them_all() -> None:
    # A summary of every document (no classification, as ``diff`` makes) has no KPI scope to be empty.
    summary = summarize([_doc(0, Verdict.VALID, to=None), _doc(1, Verdict.INVALID, to=None)])
    assert not summary.kpi
    assert evaluate(Gates(fail_under=60), summary) == ["--fail-under 60: level province has 50.0% valid"]


def test_every_gate_set_fails_when_nothing_was_found() -> None:
    # An empty or unmounted share: a nightly job must not report success on nothing.
    empty = _kpi([])
    assert evaluate(Gates(), empty) == []
    for gates in (Gates(fail_under=95), Gates(fail_on=frozenset({Verdict.INVALID})), Gates(fail_under=0)):
        [failure] = evaluate(gates, empty)
        assert "nothing found" in failure


def test_the_summary_gives_documents_found_and_the_flows_levels_once_for_every_report() -> None:
    """``found`` (every document, in the KPI or not) and the flows' sender and recipient levels, in
    level order, as the gates, the table, the dashboard and the PDF report read them."""
    commune = Agency("000.00.40.H44", "UBND xã Sơn Vi", Level.COMMUNE, "registry", "test")
    documents = [
        _doc(0, Verdict.VALID, DISTRICT, PROVINCE),
        _doc(1, Verdict.VALID, PROVINCE, commune),
        _doc(2, Verdict.INVALID, PROVINCE, DISTRICT),
        _doc(3, Verdict.VALID, to=None),  # no exchange data: found, not in the KPI
    ]
    summary = _kpi(documents)
    assert summary.kpi and summary.total.documents == 3 and summary.found == 4
    assert summary.flow_senders == [Level.PROVINCE, Level.DISTRICT]
    assert summary.flow_recipients == [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
    everything = summarize(documents)  # not a KPI: every document is counted
    assert not everything.kpi and everything.found == everything.total.documents == 4
    assert everything.flow_senders == everything.flow_recipients == []
