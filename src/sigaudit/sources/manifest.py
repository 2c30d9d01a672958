"""Read ``manifest.csv`` files that attribute documents to issuing agencies.

Columns: ``file,agency_code,agency_name,level``. ``file`` is relative to the manifest's own folder;
ZIP members are written ``batch.zip!/2024/cv-12.pdf`` (nested: ``a.zip!/b.zip!/x.pdf``). Empty cells
mean "not stated" and are filled from the agency registry when one is given.
"""

from __future__ import annotations

import csv
import io
import posixpath
import unicodedata
from dataclasses import dataclass

from ..model import Level

MANIFEST_NAME = "manifest.csv"
REQUIRED_COLUMNS = ("file",)
KNOWN_COLUMNS = ("file", "agency_code", "agency_name", "level")


@dataclass(frozen=True)
class ManifestEntry:
    """One manifest row, its ``file`` resolved to the path the scan reports."""

    path: str
    agency_code: str | None
    agency_name: str | None
    level: Level | None


def parse_level(text: str) -> Level | None:
    """Map a level cell to :class:`Level`; empty means not stated. Raises ValueError if unknown."""
    value = text.strip().lower()
    if not value:
        return None
    return Level(value)


def parse_manifest(data: bytes, base: str) -> tuple[list[ManifestEntry], list[str]]:
    """Parse a manifest; return its rows and the problems found (bad rows are reported, not fatal)."""
    problems: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [f"manifest is not UTF-8: {exc}"]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "file" not in header:
        return [], ["manifest has no 'file' column"]
    reader.fieldnames = header
    entries: list[ManifestEntry] = []
    for line_no, row in enumerate(reader, start=2):
        file_cell = (row.get("file") or "").strip().replace("\\", "/")
        if not file_cell:
            problems.append(f"line {line_no}: empty 'file'")
            continue
        try:
            level = parse_level(row.get("level") or "")
        except ValueError:
            problems.append(f"line {line_no}: unknown level {row.get('level')!r}; treated as unknown")
            level = None
        path = posixpath.normpath(f"{base}/{file_cell}") if base else posixpath.normpath(file_cell)
        entries.append(
            ManifestEntry(
                path=path,
                agency_code=_cell(row.get("agency_code")),
                agency_name=_cell(row.get("agency_name")),
                level=level,
            )
        )
    return entries, problems


def _cell(value: str | None) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value.strip())
    return value or None
