"""``sigaudit agencies``: the agencies an archive names, as a terminal table, CSV or JSON.

Codes, names and bases come from manifests, registers and edXML packages: the table shows them as
:func:`.escape.rich_text` (no markup, no control characters), the CSV is RFC 4180 with formula-like
cells neutralised unless ``raw`` (:func:`.escape.csv_cell`).
"""

from __future__ import annotations

import csv
import io
import json

from ..agencies.listing import AgencySeen, Listing
from .escape import RFC4180, csv_cell, rich_text
from .i18n import LEVELS
from .terminal_text import AGENCIES_TEXT, agency_source_text, basis_text

COLUMNS = ("code", "name", "level", "source", "basis", "as_issuer", "as_recipient", "first_date", "last_date")
TEXT_COLUMNS = frozenset({"code", "name", "source", "basis"})  # from the metadata: guarded in the CSV


def _cells(seen: AgencySeen) -> dict[str, str | int | None]:
    a = seen.agency
    return {
        "code": a.code,
        "name": a.name,
        "level": a.level.value,
        "source": a.source,
        "basis": a.basis,
        "as_issuer": seen.as_issuer,
        "as_recipient": seen.as_recipient,
        "first_date": seen.first.isoformat() if seen.first else None,
        "last_date": seen.last.isoformat() if seen.last else None,
    }


def render_agencies_table(listing: Listing, width: int = 160, lang: str = "en") -> str:
    """The agencies as a table for a person, in ``lang`` ("vi": Vietnamese, else English); how a level
    was decided is worded by :func:`.terminal_text.basis_text` (a part of no known form as recorded)."""
    from rich.console import Console
    from rich.table import Table

    lang = "vi" if lang == "vi" else "en"
    words = AGENCIES_TEXT[lang]
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, soft_wrap=False)
    table = Table(title=words["title"].format(rows=listing.rows))
    for key in ("code", "name", "level", "decided_by", "issuer", "recipient", "dates"):
        table.add_column(words[key], justify="right" if key in ("issuer", "recipient") else "left")
    for seen in listing.agencies:
        a = seen.agency
        source = agency_source_text(a.source, lang)
        how = f"{source}: {basis_text(a.basis, lang)}" if a.basis else source
        dates = f"{seen.first} … {seen.last}" if seen.first else words["undated"]
        counts = (str(seen.as_issuer), str(seen.as_recipient))
        level = LEVELS["vi"][a.level] if lang == "vi" else a.level.value
        table.add_row(rich_text(a.code or ""), rich_text(a.name or ""), level, rich_text(how), *counts, dates)
    console.print(table)
    console.print(words["note"])
    for problem in listing.problems:
        console.print(rich_text(words["warning"].format(problem=problem)))
    return buffer.getvalue()


def render_agencies_csv(listing: Listing, raw: bool = False) -> str:
    """RFC 4180 CSV; ``raw``: metadata cells exactly as found, without the spreadsheet-formula guard."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, dialect=RFC4180)
    writer.writeheader()
    for seen in listing.agencies:
        cells = _cells(seen)
        writer.writerow(
            {
                k: csv_cell(str(v), raw) if k in TEXT_COLUMNS and v else ("" if v is None else v)
                for k, v in cells.items()
            }
        )
    return buffer.getvalue()


def render_agencies_json(listing: Listing) -> str:
    body = {
        "metadata_rows": listing.rows,
        "agencies": [_cells(s) for s in listing.agencies],
        "problems": list(listing.problems),
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
