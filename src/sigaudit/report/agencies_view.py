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


def render_agencies_table(listing: Listing, width: int = 160) -> str:
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, soft_wrap=False)
    table = Table(title=f"Agencies named by {listing.rows} metadata row(s)")
    for heading in ("code", "name", "level", "decided by", "issuer", "recipient", "dates"):
        table.add_column(heading, justify="right" if heading in ("issuer", "recipient") else "left")
    for seen in listing.agencies:
        a = seen.agency
        how = f"{a.source}: {a.basis}" if a.basis else a.source
        dates = f"{seen.first} … {seen.last}" if seen.first else "undated"
        counts = (str(seen.as_issuer), str(seen.as_recipient))
        table.add_row(
            rich_text(a.code or ""), rich_text(a.name or ""), a.level.value, rich_text(how), *counts, dates
        )
    console.print(table)
    console.print(
        "issuer / recipient: metadata rows (manifests, registers, edXML packages) naming the agency as the "
        "issuing agency / as a recipient; a document listed in a sent and a received register counts in "
        "both. "
        "Level: the registry entry valid at the document's date, else the name rules, else unknown."
    )
    for problem in listing.problems:
        console.print(rich_text(f"warning: {problem}"))
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
