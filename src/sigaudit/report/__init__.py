"""Report formatters. Each is pure (data in, text out) and chosen from ``FORMATTERS``."""

from __future__ import annotations

from collections.abc import Callable

from .context import ReportContext
from .csv_report import render_csv
from .html import render_html
from .json_report import render_json
from .table import render_table

Formatter = Callable[[ReportContext], str]

FORMATTERS: dict[str, Formatter] = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "html": render_html,
}

__all__ = ["FORMATTERS", "Formatter", "ReportContext"]
