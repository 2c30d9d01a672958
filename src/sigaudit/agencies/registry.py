"""The agency registry: agency code -> name, level and the dates the entry is valid for.

CSV columns ``code,name,level,parent_code,valid_from,valid_to`` (extra columns are allowed and kept
out of the way). Dates are ISO ``yyyy-mm-dd`` and may be empty (open-ended). A code may have several
rows with different validity periods, for instance before and after the 2025-07-01 reform.
"""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..codec import share_agency
from ..errors import ConfigError
from ..model import UNKNOWN_AGENCY, Agency, Level, Party
from ..sources.manifest import ManifestEntry, parse_level
from ..text import name_key
from .names import level_from_name, level_of_group

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
        """The entry for ``code`` valid on ``on`` (default today); None when no entry covers that day.

        An entry that has ended is never used for a later document: before and after the 2025-07-01
        reform the same code can stand for agencies at different levels.
        """
        day = on or date.today()
        for entry in self.entries.get(code.strip(), ()):
            if entry.valid_on(day):
                return entry
        return None

    @functools.cached_property
    def _by_name(self) -> dict[str, tuple[RegistryEntry, ...]]:
        found: dict[str, list[RegistryEntry]] = {}
        for entries in self.entries.values():
            for entry in entries:
                if entry.name:
                    found.setdefault(name_key(entry.name), []).append(entry)
        return {k: tuple(v) for k, v in found.items()}

    def find_name(self, name: str, on: date | None = None) -> RegistryEntry | None:
        """The entry whose name is ``name`` (without case, accents or punctuation, abbreviations
        written out) valid on ``on``; None when none is, or when two agencies share the name."""
        day = on or date.today()
        valid = [e for e in self._by_name.get(name_key(name), ()) if e.valid_on(day)]
        return valid[0] if len({e.code for e in valid}) == 1 else None

    def knows(self, code: str) -> bool:
        return code.strip() in self.entries

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
    """Decide a document's issuing agency and level from its metadata row and the registry.

    What the manifest or register states wins; the registry entry valid at the document's date fills
    what it leaves empty; then the name rules (regulations.md); else ``unknown``. ``Agency.basis`` says which.
    """
    if entry is None:
        return UNKNOWN_AGENCY
    # One value per distinct attribution: a run keeps every document's.
    return share_agency(resolve(entry.agency_code, entry.agency_name, entry.level, entry.meta.date, registry))


def party_level(party: Party, on: date | None, registry: Registry) -> Agency:
    """A recipient's agency and level on the document's date (registry, then name rules); a group
    without a code ("UBND các huyện, thành, thị") has the level of the agencies it names."""
    group = level_of_group(party.name, on) if not party.code else None
    if group is not None:
        return Agency(None, party.name, group.level, "name-rule", group.basis)
    return resolve(party.code, party.name, None, on, registry)


def resolve(
    code: str | None, name: str | None, stated: Level | None, on: date | None, registry: Registry
) -> Agency:
    """An agency's name and level on the day ``on``, and in words how the level was decided."""
    found = registry.lookup(code, on=on) if code else None
    filled = name or (found.name if found else None)
    if stated is not None:
        source = "manifest+registry" if found and not name else "manifest"
        return Agency(code, filled, stated, source, "level stated by the manifest or register")
    if found is not None:
        source = "manifest+registry" if name else "registry"
        return Agency(code, filled, found.level, source, _entry_words(found, registry))
    if code and registry.knows(code):
        # The registry speaks about this code, only not for this day (an agency merged or abolished,
        # or a date outside the entries): a level read from the name would contradict it.
        day = (on or date.today()).isoformat()
        return Agency(
            code, name, Level.UNKNOWN, "none", f"the registry lists {code} but no entry is valid on {day}"
        )
    rule = level_from_name(name, on)
    absent = f"{code} is not in the registry" if code and len(registry) else ""
    if rule is not None:
        return Agency(code, name, rule.level, "name-rule", "; ".join(w for w in (absent, rule.basis) if w))
    if code is None and name is None:
        return UNKNOWN_AGENCY
    return Agency(
        code, name, Level.UNKNOWN, "none", "; ".join(w for w in (absent, "no name rule matches") if w)
    )


def _entry_words(entry: RegistryEntry, registry: Registry) -> str:
    start, end = entry.valid_from, entry.valid_to
    if start and end:
        when = f"valid {start.isoformat()} to {end.isoformat()}"
    elif start or end:
        when = f"valid from {start.isoformat()}" if start else f"valid until {end.isoformat() if end else ''}"
    else:
        when = "without validity dates"
    where = f" of {registry.source}" if registry.source else ""
    return f"registry entry{where} {when}"
