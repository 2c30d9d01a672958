"""Every agency an archive's metadata names, with its level and how that level was decided.

``sigaudit agencies ARCHIVE`` reads only metadata (manifests, registers, edXML packages): it validates
nothing, and plain document files are not even read. An agency appears once per way its level was
decided, so an agency seen before and after the 2025-07-01 reform shows both rows with their dates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from ..model import Agency, Level
from ..sources.manifest import ManifestEntry
from ..sources.walk import OTHER_DOCUMENT_SUFFIXES, FileStamp, ManifestFound, WalkLimits, walk
from .registry import Registry, attribute, party_level

__all__ = ["AgencySeen", "Listing", "list_agencies"]

_LEVEL_ORDER = {level: i for i, level in enumerate(Level)}


@dataclass(frozen=True)
class AgencySeen:
    """One agency with one level decision, and the metadata rows that name it."""

    agency: Agency
    as_issuer: int  # metadata rows (manifest, register, edXML) naming it as the issuing agency
    as_recipient: int  # rows naming it as a recipient
    first: date | None  # earliest and latest document date among those rows
    last: date | None


@dataclass(frozen=True)
class Listing:
    agencies: tuple[AgencySeen, ...]
    rows: int  # metadata rows read
    problems: tuple[str, ...]  # per-manifest/package problems, as the scan reports them


@dataclass
class _Tally:
    issuer: int = 0
    recipient: int = 0
    first: date | None = None
    last: date | None = None

    def add(self, day: date | None, issuer: bool) -> None:
        if issuer:
            self.issuer += 1
        else:
            self.recipient += 1
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)


def _never_read(path: str, stamp: FileStamp) -> str | None:
    """Stands in for the stat cache: a plain file named as a document counts as known, so its bytes
    are not read (its metadata comes from manifests, registers and packages, which are read)."""
    suffix = PurePosixPath(path).suffix.lower()
    return "-" if suffix == ".pdf" or suffix in OTHER_DOCUMENT_SUFFIXES else None


def list_agencies(paths: Iterable[Path], registry: Registry, limits: WalkLimits | None = None) -> Listing:
    tallies: dict[Agency, _Tally] = {}
    rows = 0
    problems: list[str] = []
    for event in walk(list(paths), limits, known=_never_read):
        if not isinstance(event, ManifestFound):
            continue
        problems.extend(f"{event.path}: {p}" for p in event.problems)
        if event.more_problems:
            problems.append(f"{event.path}: … and {event.more_problems:,} more problems, not listed")
        for entry in event.entries:
            rows += 1
            _tally(entry, registry, tallies)
    seen = [
        AgencySeen(agency, t.issuer, t.recipient, t.first, t.last)
        for agency, t in tallies.items()
        if agency.code or agency.name
    ]
    seen.sort(
        key=lambda s: (
            _LEVEL_ORDER[s.agency.level],
            s.agency.code or "",
            s.agency.name or "",
            s.first or date.min,
        )
    )
    return Listing(tuple(seen), rows, tuple(problems))


def _order(s: AgencySeen) -> tuple[int, str, str, date]:
    return (_LEVEL_ORDER[s.agency.level], s.agency.code or "", s.agency.name or "", s.first or date.min)


def _tally(entry: ManifestEntry, registry: Registry, tallies: dict[Agency, _Tally]) -> None:
    day = entry.meta.date
    tallies.setdefault(_key(attribute(entry, registry)), _Tally()).add(day, issuer=True)
    for party in entry.meta.recipients:
        tallies.setdefault(_key(party_level(party, day, registry)), _Tally()).add(day, issuer=False)


def _key(agency: Agency) -> Agency:
    """One row per level decision: a row whose name came from the metadata is not told apart."""
    return dataclasses.replace(agency, source=agency.source.removeprefix("manifest+"))
