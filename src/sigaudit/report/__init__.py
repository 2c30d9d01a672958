"""Report formatters. Each is pure (data in, text out) and chosen from ``FORMATTERS``.

The JSON and CSV formatters give their text in chunks, so reports on large audits are written as
they are made rather than held whole in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .context import ReportContext
from .csv_report import iter_csv
from .json_report import iter_json

Formatter = Callable[[ReportContext], str | Iterator[str]]


def render_table(ctx: ReportContext) -> str:
    """The terminal table; its module (and rich) is loaded only when a table is printed."""
    from .table import render_table as render

    return render(ctx)


def render_html(ctx: ReportContext) -> str:
    """The HTML dashboard; its module (and Jinja2) is loaded only when a dashboard is asked for."""
    from .html import render_html as render

    return render(ctx)


FORMATTERS: dict[str, Formatter] = {
    "table": render_table,
    "json": iter_json,
    "csv": iter_csv,
    "html": render_html,
}

__all__ = ["FORMATTERS", "Formatter", "ReportContext"]
