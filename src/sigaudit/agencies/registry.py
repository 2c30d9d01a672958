"""The agency registry: agency code -> name, level and the dates the entry is valid for.

CSV columns ``code,name,level,parent_code,valid_from,valid_to`` (extra columns are allowed and kept
out of the way). Dates are ISO ``yyyy-mm-dd`` and may be empty (open-ended). A code may have several
rows with different validity periods, for instance before and after the 2025-07-01 reform.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import ConfigError
from ..model import UNKNOWN_AGENCY, Agency, Level, Party
from ..sources.manifest import ManifestEntry, parse_level

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code", "valid_from", "valid_to")


@dataclass(frozen=True)
class RegistryEntry:
    """One row of the registry."""

    code: str
    name: str
    level: Level
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class Registry:
    """All registry entries by code. An empty registry knows no agency."""

    entries: dict[str, tuple[RegistryEntry, ...]]
    source: str | None = None

    def lookup(self, code: str, on: date | None = None) -> RegistryEntry | None:
        """The entry for ``code`` valid on ``on`` (default today); else the most recent one."""
        candidates = self.entries.get(code.strip())
        if not candidates:
            return None
        day = on or date.today()
        for entry in candidates:
            if entry.valid_on(day):
                return entry
        # No entry covers the day: fall back to the latest-starting one, which the caller reports.
        return max(candidates, key=lambda e: e.valid_from or date.min)

    def __len__(self) -> int:
        return sum(len(v) for v in self.entries.values())


EMPTY_REGISTRY = Registry(entries={})


def load_registry(path: Path) -> Registry:
    """Read a registry CSV; any malformed row is a configuration error naming the line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read agency registry {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"agency registry {path} is not UTF-8: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ConfigError(f"agency registry {path} lacks column(s): {', '.join(missing)}")
    reader.fieldnames = header
    by_code: dict[str, list[RegistryEntry]] = {}
    for line_no, row in enumerate(reader, start=2):
        where = f"{path}, line {line_no}"
        code = (row.get("code") or "").strip()
        if not code:
            raise ConfigError(f"{where}: empty code")
        try:
            level = parse_level(row.get("level") or "") or Level.UNKNOWN
        except ValueError as exc:
            raise ConfigError(f"{where}: unknown level {row.get('level')!r}") from exc
        entry = RegistryEntry(
            code=code,
            name=unicodedata.normalize("NFC", (row.get("name") or "").strip()),
            level=level,
            parent_code=(row.get("parent_code") or "").strip() or None,
            valid_from=_date(row.get("valid_from"), where),
            valid_to=_date(row.get("valid_to"), where),
        )
        by_code.setdefault(code, []).append(entry)
    return Registry(entries={k: tuple(v) for k, v in by_code.items()}, source=str(path))


def _date(text: str | None, where: str) -> date | None:
    value = (text or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: bad date {value!r} (expected yyyy-mm-dd)") from exc


def attribute(entry: ManifestEntry | None, registry: Registry) -> Agency:
    """Decide a document's agency and level from its manifest row and the registry.

    What the manifest states wins; the registry fills what it leaves empty. Nothing known gives
    ``unknown`` — the level is never guessed from a name or a code's shape here.
    """
    if entry is None:
        return UNKNOWN_AGENCY
    found = registry.lookup(entry.agency_code, on=entry.meta.date) if entry.agency_code else None
    name = entry.agency_name or (found.name if found else None)
    level = entry.level or (found.level if found else None) or Level.UNKNOWN
    if found and (entry.agency_name is None or entry.level is None):
        source = "registry" if entry.agency_name is None and entry.level is None else "manifest+registry"
    else:
        source = "manifest"
    return Agency(code=entry.agency_code, name=name, level=level, source=source)


def party_level(party: Party, on: date | None, registry: Registry) -> Agency:
    """A recipient's agency and level, from the registry entry valid on the document's date."""
    found = registry.lookup(party.code, on=on) if party.code else None
    if found is None:
        return Agency(code=party.code, name=party.name, level=Level.UNKNOWN, source="none")
    return Agency(code=party.code, name=party.name or found.name, level=found.level, source="registry")
