"""``sigaudit agencies``: the agencies an archive names, as a terminal table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

from ..agencies.listing import AgencySeen, Listing

COLUMNS = ("code", "name", "level", "source", "basis", "as_issuer", "as_recipient", "first_date", "last_date")


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
        table.add_row(a.code or "", a.name or "", a.level.value, how, *counts, dates)
    console.print(table)
    console.print(
        "issuer / recipient: metadata rows (manifests, registers, edXML packages) naming the agency as the "
        "issuing agency / as a recipient; a document listed in a sent and a received register counts in "
        "both. "
        "Level: the registry entry valid at the document's date, else the name rules, else unknown."
    )
    for problem in listing.problems:
        console.print(f"warning: {problem}")
    return buffer.getvalue()


def render_agencies_csv(listing: Listing) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for seen in listing.agencies:
        writer.writerow({k: "" if v is None else v for k, v in _cells(seen).items()})
    return buffer.getvalue()


def render_agencies_json(listing: Listing) -> str:
    body = {
        "metadata_rows": listing.rows,
        "agencies": [_cells(s) for s in listing.agencies],
        "problems": list(listing.problems),
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
