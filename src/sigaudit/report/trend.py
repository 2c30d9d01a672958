"""The dashboard's monthly trend chart (inline SVG geometry) and the share formatting the dashboard uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..aggregate.kpi import LevelCounts
from .i18n import Labels, pct

CHART_WIDTH = 760  # SVG user units (the SVGs scale to the page width)
TREND_HEIGHT = 280
TREND_MARGIN = (20, 24, 56, 52)  # top, right, bottom, left


def share_text(part: int, whole: int, lang: str) -> str:
    """ "84,6% (11/13)": the share with the counts it comes from."""
    return f"{pct(part / whole if whole else None, lang)} ({part}/{whole})"


def tick(fraction: float) -> str:
    """An axis label: a whole percentage, the same in both languages."""
    return f"{round(fraction * 100)}%"


# --- view values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class TrendSeries:
    key: str  # CSS class: signed, valid, complete
    label: str
    segments: tuple[str, ...]  # SVG polyline "points", one per run of consecutive months
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class TrendMonth:
    x: float
    month: str
    counts: LevelCounts
    pct_signed: str
    pct_valid: str
    pct_complete: str


@dataclass(frozen=True)
class TrendGap:
    x: float
    title: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int  # y of the 0 % line
    gridlines: tuple[tuple[float, str], ...]  # y, label
    months: tuple[TrendMonth, ...]
    series: tuple[TrendSeries, ...]
    gaps: tuple[TrendGap, ...]


def _month_index(month: str) -> int | None:
    """``yyyy-mm`` as a count of months, to tell consecutive months apart from gaps."""
    try:
        year, mon = month.split("-")
        return int(year) * 12 + int(mon) - 1
    except ValueError:
        return None


def trend_chart(by_month: Mapping[str, LevelCounts], t: Labels) -> TrendChart | None:
    """Shares per month as lines; a gap of months without documents breaks the lines, marked."""
    if not by_month:
        return None
    top, right_margin, bottom_margin, left = TREND_MARGIN
    right = CHART_WIDTH - right_margin
    bottom = TREND_HEIGHT - bottom_margin
    months = list(by_month)
    step = (right - left) / len(months)
    xs = [round(left + step * (i + 0.5), 2) for i in range(len(months))]

    def y_of(share: float | None) -> float:
        return round(bottom - (bottom - top) * (share or 0.0), 2)

    # Runs of calendar-consecutive months: lines connect only within a run.
    runs: list[list[int]] = []
    gaps: list[TrendGap] = []
    previous: int | None = None
    for i, month in enumerate(months):
        index = _month_index(month)
        if runs and previous is not None and index is not None and index == previous + 1:
            runs[-1].append(i)
        else:
            if runs:
                missing = index - previous - 1 if index is not None and previous is not None else 0
                gap_title = t.text["trend_gap"].replace("{n}", str(missing)) if missing > 0 else ""
                gaps.append(TrendGap(round((xs[i - 1] + xs[i]) / 2, 2), gap_title))
            runs.append([i])
        previous = index

    counts = [by_month[m] for m in months]
    numerators: tuple[tuple[str, str, list[int]], ...] = (
        ("signed", t.text["legend_signed"], [c.signed for c in counts]),
        ("valid", t.text["legend_valid"], [c.valid for c in counts]),
        ("complete", t.terms["legally_complete"], [c.legally_complete for c in counts]),
    )
    series = []
    for key, label, parts in numerators:
        points = tuple(
            TrendPoint(
                xs[i],
                y_of(part / c.documents if c.documents else None),
                f"{months[i]} · {label}: {share_text(part, c.documents, t.lang)}",
            )
            for i, (part, c) in enumerate(zip(parts, counts, strict=True))
        )
        segments = tuple(
            " ".join(f"{points[i].x},{points[i].y}" for i in run) for run in runs if len(run) > 1
        )
        series.append(TrendSeries(key, label, segments, points))

    return TrendChart(
        width=CHART_WIDTH,
        height=TREND_HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        gridlines=tuple((y_of(f), tick(f)) for f in (0, 0.25, 0.5, 0.75, 1)),
        months=tuple(
            TrendMonth(
                xs[i],
                m,
                by_month[m],
                pct(by_month[m].share_signed, t.lang),
                pct(by_month[m].share_valid, t.lang),
                pct(by_month[m].share_complete, t.lang),
            )
            for i, m in enumerate(months)
        ),
        series=tuple(series),
        gaps=tuple(gaps),
    )
