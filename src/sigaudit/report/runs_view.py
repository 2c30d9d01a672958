"""The stored runs (``sigaudit runs``): which runs a store holds, what each scanned and what it found,
so an operator can pick the run ids ``report --run`` and ``diff`` take.

Inputs are paths as the scan was given them: untrusted text, printed through :func:`.escape.rich_text`.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..aggregate.kpi import Summary
from ..model import Level
from ..store.results import RunInfo
from .escape import rich_text
from .i18n import LEVELS, pct
from .terminal_text import RUNS_TEXT


@dataclass(frozen=True)
class StoredRunSummary:
    """One completed run and the counts per level of every document it found."""

    info: RunInfo
    summary: Summary


def _inputs(info: RunInfo) -> list[str]:
    inputs = info.manifest.get("inputs")
    return [str(p) for p in inputs] if isinstance(inputs, list) else []


def _levels(summary: Summary) -> dict[str, float | None]:
    return {level.value: summary.by_level[level].share_valid for level in summary.levels_with_documents()}


def render_runs_table(runs: list[StoredRunSummary], store: Path, width: int = 150, lang: str = "en") -> str:
    """The runs as a table for a person: id, start, inputs, documents, % valid per level; in ``lang``
    ("vi": Vietnamese, else English)."""
    words = RUNS_TEXT["vi" if lang == "vi" else "en"]
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, soft_wrap=False)
    if not runs:
        console.print(rich_text(words["empty"].format(store=store)))
        return buffer.getvalue()
    table = Table(title=rich_text(words["title"].format(store=store)), title_justify="left")
    table.add_column(words["run"], justify="right", no_wrap=True)
    table.add_column(words["started"], no_wrap=True)
    table.add_column(words["inputs"])
    table.add_column(words["documents"], justify="right")
    table.add_column(words["shares"])
    for run in runs:
        shares = ", ".join(
            f"{LEVELS['vi'][Level(level)] if lang == 'vi' else level} {pct(share)}"
            for level, share in _levels(run.summary).items()
        )
        table.add_row(
            str(run.info.id),
            run.info.started[:19].replace("T", " "),
            Text("\n").join(rich_text(p) for p in _inputs(run.info)),
            str(run.info.documents),
            shares or "—",
        )
    console.print(table)
    console.print(words["hint"])
    return buffer.getvalue()


def render_runs_json(runs: list[StoredRunSummary]) -> str:
    """The runs for programs: the same fields, shares as fractions (null: no signed document)."""
    payload = [
        {
            "run": run.info.id,
            "started": run.info.started,
            "ended": run.info.ended,
            "inputs": _inputs(run.info),
            "documents": run.info.documents,
            "share_valid_by_level": _levels(run.summary),
        }
        for run in runs
    ]
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
