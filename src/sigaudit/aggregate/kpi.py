"""Counts and shares per administrative level, per agency, per period and per flow between levels.

``by_level``, ``total``, ``by_agency``, ``by_period`` and ``flow`` count the documents of the
inter-agency KPI (see :mod:`.exchange`: documents an agency sent to another agency, recalled, replaced,
internal and duplicate copies left out); ``all_by_level`` and ``all_total`` count every document found.
Summarised from documents rather than from the run's classification (:class:`.exchange.Exchanges`),
every document counts.

Definitions (also printed by the reports):
- ``documents``: the documents counted for the level, whatever their verdict (unreadable included);
- ``signed``: documents that carry at least one filled signature field, whatever its verdict;
- ``legally_complete``: valid documents signed by the competent person then the agency (Decree 30);
- ``share_signed`` = signed / documents; ``share_valid`` = valid / documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..model import Counted, Level, Verdict
from .exchange import Exchanges, Exclusion
from .processing import ProcessingCounts, measure

LEVEL_ORDER = (Level.CENTRAL, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.UNKNOWN)


@dataclass
class _Tally:
    documents: int = 0
    signed: int = 0
    complete: int = 0
    verdicts: dict[Verdict, int] = field(default_factory=lambda: dict.fromkeys(Verdict, 0))

    def add(self, counts: tuple[bool, bool, Verdict]) -> None:
        """Count a document: whether it is signed, legally complete, and its verdict."""
        signed, complete, verdict = counts
        self.documents += 1
        self.signed += signed
        self.complete += complete
        self.verdicts[verdict] += 1

    def freeze(self) -> LevelCounts:
        v = self.verdicts
        return LevelCounts(
            documents=self.documents,
            signed=self.signed,
            valid=v[Verdict.VALID],
            invalid=v[Verdict.INVALID],
            indeterminate=v[Verdict.INDETERMINATE],
            unsigned=v[Verdict.UNSIGNED],
            unreadable=v[Verdict.UNREADABLE],
            legally_complete=self.complete,
        )


@dataclass(frozen=True)
class LevelCounts:
    """Document counts for one group of documents (a level, an agency, a month, or all)."""

    documents: int
    signed: int
    valid: int
    invalid: int
    indeterminate: int
    unsigned: int
    unreadable: int
    legally_complete: int

    @property
    def share_signed(self) -> float | None:
        return self.signed / self.documents if self.documents else None

    @property
    def share_valid(self) -> float | None:
        return self.valid / self.documents if self.documents else None

    @property
    def share_complete(self) -> float | None:
        return self.legally_complete / self.documents if self.documents else None

    def as_dict(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "signed": self.signed,
            "valid": self.valid,
            "invalid": self.invalid,
            "indeterminate": self.indeterminate,
            "unsigned": self.unsigned,
            "unreadable": self.unreadable,
            "legally_complete": self.legally_complete,
        }


@dataclass(frozen=True)
class AgencyCounts:
    """Counts for one issuing agency (documents with no agency are grouped under code ``None``)."""

    code: str | None
    name: str | None
    level: Level
    counts: LevelCounts


PERIOD_KINDS = ("month", "quarter", "year")


def period_key(day: date, kind: str) -> str:
    """``2024-03``, ``2024-Q1`` or ``2024``."""
    if kind == "year":
        return f"{day.year}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True)
class Summary:
    """Counts per level (fixed order), per agency (best first), per period and per month of signing."""

    by_level: Mapping[Level, LevelCounts]
    total: LevelCounts
    by_agency: tuple[AgencyCounts, ...] = ()
    by_month: Mapping[str, LevelCounts] = field(default_factory=dict)
    all_by_level: Mapping[Level, LevelCounts] = field(default_factory=dict)
    all_total: LevelCounts | None = None
    exclusions: Mapping[Exclusion, int] = field(default_factory=dict)
    flow: Mapping[tuple[Level, Level], LevelCounts] = field(default_factory=dict)
    by_period: Mapping[str, LevelCounts] = field(default_factory=dict)
    period_kind: str | None = None
    processing: Mapping[Level, ProcessingCounts] = field(default_factory=dict)
    kpi: bool = False  # True when exchanges were classified (the inter-agency KPI applies)

    def levels_with_documents(self) -> list[Level]:
        return [lv for lv in LEVEL_ORDER if self.by_level[lv].documents]

    @property
    def found(self) -> int:
        """Every document found, in the KPI or not (without a KPI, every document is counted)."""
        return self.all_total.documents if self.all_total else self.total.documents

    @property
    def flow_senders(self) -> list[Level]:
        """The issuing levels of at least one flow, in :data:`LEVEL_ORDER`."""
        return [lv for lv in LEVEL_ORDER if any(k[0] == lv for k in self.flow)]

    @property
    def flow_recipients(self) -> list[Level]:
        """The recipient levels of at least one flow, in :data:`LEVEL_ORDER`."""
        return [lv for lv in LEVEL_ORDER if any(k[1] == lv for k in self.flow)]


def summarize(source: Exchanges | Iterable[Counted], period_kind: str | None = None) -> Summary:
    """Count documents per level, agency, period and flow (see the module text for what counts).

    Given the run's :class:`Exchanges`, the inter-agency KPI applies (``kpi``); given documents, every
    one counts. The counts are read from the classification's table in one pass.
    """
    if isinstance(source, Exchanges):
        return _summarize(source, period_kind, kpi=True)
    with Exchanges(source) as table:
        return _summarize(table, None, kpi=False)


def _summarize(table: Exchanges, period_kind: str | None, kpi: bool) -> Summary:
    levels = {lv: _Tally() for lv in LEVEL_ORDER}
    everything = {lv: _Tally() for lv in LEVEL_ORDER}
    total, all_total = _Tally(), _Tally()
    agencies: dict[tuple[str | None, str | None, Level], _Tally] = {}
    months: dict[str, _Tally] = {}
    periods: dict[str, _Tally] = {}
    flow: dict[tuple[Level, Level], _Tally] = {}
    exclusions = dict.fromkeys(Exclusion, 0)
    for doc in table.tallies():
        counts = doc.counts
        everything[doc.level].add(counts)
        all_total.add(counts)
        if doc.month:
            months.setdefault(doc.month, _Tally()).add(counts)
        if kpi and doc.excluded is not None:
            exclusions[doc.excluded] += 1
            continue
        levels[doc.level].add(counts)
        total.add(counts)
        agencies.setdefault((doc.code, doc.name, doc.level), _Tally()).add(counts)
        if not kpi:
            continue
        if period_kind and doc.day:
            periods.setdefault(period_key(doc.day, period_kind), _Tally()).add(counts)
        for to_level in sorted(set(doc.to_levels) or {Level.UNKNOWN}, key=LEVEL_ORDER.index):
            flow.setdefault((doc.level, to_level), _Tally()).add(counts)
    ranked = sorted(
        (AgencyCounts(code, name, level, t.freeze()) for (code, name, level), t in agencies.items()),
        key=lambda a: (
            -(a.counts.share_valid or 0.0),
            -(a.counts.share_complete or 0.0),
            -a.counts.documents,
            a.code or "~",
        ),
    )
    return Summary(
        by_level={lv: t.freeze() for lv, t in levels.items()},
        total=total.freeze(),
        by_agency=tuple(ranked),
        by_month={m: months[m].freeze() for m in sorted(months)},
        all_by_level={lv: t.freeze() for lv, t in everything.items()},
        all_total=all_total.freeze(),
        exclusions={k: v for k, v in exclusions.items() if v},
        flow={
            k: flow[k].freeze()
            for k in sorted(flow, key=lambda k: (LEVEL_ORDER.index(k[0]), LEVEL_ORDER.index(k[1])))
        },
        by_period={p: periods[p].freeze() for p in sorted(periods)},
        period_kind=period_kind,
        processing=measure(table) if kpi else {},
        kpi=kpi,
    )
