"""Read the CSV files that describe documents: ``manifest.csv`` and registers of sent/received documents.

A *manifest* attributes files to issuing agencies; a *register* (sổ đăng ký văn bản đi/đến, docs/domain.md)
is the office's list of outgoing or incoming documents with their metadata. Both are a CSV whose rows
point to files, relative to the CSV's own folder (ZIP members written ``batch.zip!/2024/cv-12.pdf``), so
one reader serves both. Column names are matched after lower-casing and removing accents against the
aliases in :data:`COLUMN_ALIASES` (English names, Vietnamese register headings, Circular 02/2019 field
names); a configuration may add aliases. Any ``.csv`` whose header names a file column is read this way;
``manifest.csv`` always is. Empty cells mean "not stated". Bad rows are reported, never fatal.

Direction: a ``direction`` column (sent/received, đi/đến) wins; otherwise the CSV's file name decides
(``so-van-ban-di.csv``, ``outgoing.csv`` → sent; ``so-van-ban-den.csv``, ``incoming.csv`` → received);
otherwise it is unknown.

A CSV describes only files at or below its own folder: a row reaching elsewhere (``../a/x.pdf``, an
absolute path) is reported and ignored, so a folder's manifest cannot rewrite what another folder's
manifest says about its documents.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import posixpath
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..model import BusinessType, Direction, DocumentMeta, Level, Party, StatusEvent
from .edxml import STATUS_MEANINGS, parse_date

MANIFEST_NAME = "manifest.csv"

# Canonical column -> accepted headings (compared by :func:`fold`). Order of canonical names is the
# order of the table in docs/inputs.md.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "file": ("file", "path", "tep", "tep tin", "ten tep", "duong dan", "file dinh kem", "tep dinh kem"),
    "agency_code": (
        "agency_code",
        "sender_code",
        "ma co quan ban hanh",
        "ma dinh danh co quan ban hanh",
        "ma co quan gui",
        "ma noi gui",
    ),
    "agency_name": (
        "agency_name",
        "sender",
        "sender_name",
        "issuing agency",
        "co quan ban hanh",
        "ten co quan to chuc ban hanh van ban",
        "ten co quan ban hanh",
        "co quan gui",
        "noi gui",
    ),
    "level": ("level", "cap"),
    "date": ("date", "issue_date", "issue date", "ngay van ban", "ngay ban hanh", "ngay thang van ban"),
    "number": ("number", "code_number", "codenumber", "so", "so van ban", "so cua van ban"),
    "notation": (
        "notation",
        "code_notation",
        "codenotation",
        "ky hieu",
        "ky hieu van ban",
        "ky hieu cua van ban",
    ),
    "number_notation": ("number_notation", "so ky hieu", "so va ky hieu", "so/ky hieu", "so, ky hieu"),
    "recipient_codes": (
        "recipient_codes",
        "recipients_codes",
        "ma noi nhan",
        "ma co quan nhan",
        "ma don vi nhan",
    ),
    "recipient_names": ("recipients", "recipient_names", "noi nhan", "co quan nhan", "don vi nhan"),
    "direction": ("direction", "huong", "loai so", "chieu"),
    "business": ("business", "business_type", "nghiep vu", "loai nghiep vu"),
    "status": ("status", "status_codes", "trang thai", "ma trang thai"),
    "document_id": ("document_id", "documentid", "ma van ban"),
    "document_type": ("document_type", "type_name", "ten loai van ban", "loai van ban"),
    "subject": ("subject", "trich yeu", "trich yeu noi dung"),
}

_SENT_WORDS = {"di", "sent", "outgoing", "out", "send", "gui"}
_RECEIVED_WORDS = {"den", "received", "incoming", "in", "nhan"}
_BUSINESS_WORDS = {
    "0": BusinessType.NEW,
    "new": BusinessType.NEW,
    "moi": BusinessType.NEW,
    "1": BusinessType.RECALL,
    "recall": BusinessType.RECALL,
    "thu hoi": BusinessType.RECALL,
    "2": BusinessType.UPDATE,
    "update": BusinessType.UPDATE,
    "cap nhat": BusinessType.UPDATE,
    "3": BusinessType.REPLACE,
    "replace": BusinessType.REPLACE,
    "thay the": BusinessType.REPLACE,
}


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One row, its ``file`` resolved to the path the scan reports, with the issuing agency as stated."""

    path: str
    agency_code: str | None
    agency_name: str | None
    level: Level | None
    meta: DocumentMeta = field(default_factory=DocumentMeta)


@functools.lru_cache(maxsize=4096)  # levels, directions, headings: the same few words on every row
def fold(text: str) -> str:
    """Lower case without accents (đ → d), inner spaces and underscores collapsed: for matching names."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[\s_]+", " ", bare).strip()


def parse_level(text: str) -> Level | None:
    """Map a level cell to :class:`Level`; empty means not stated. Raises ValueError if unknown."""
    value = fold(text)
    if not value:
        return None
    vietnamese = {"tinh": "province", "huyen": "district", "xa": "commune", "trung uong": "central"}
    return Level(vietnamese.get(value, value))


def direction_from_name(name: str) -> Direction:
    """``so-van-ban-di.csv`` → sent, ``incoming.csv`` → received, else unknown."""
    stem = fold(name.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    words = set(re.split(r"[^a-z0-9]+", stem))
    sent, received = bool(words & _SENT_WORDS), bool(words & _RECEIVED_WORDS)
    if sent != received:
        return Direction.SENT if sent else Direction.RECEIVED
    return Direction.UNKNOWN


def parse_direction(text: str) -> Direction | None:
    value = fold(text)
    if not value:
        return None
    words = set(re.split(r"[^a-z0-9]+", value))
    if words & _SENT_WORDS:
        return Direction.SENT
    if words & _RECEIVED_WORDS:
        return Direction.RECEIVED
    raise ValueError(value)


def split_number_notation(text: str) -> tuple[str | None, str | None]:
    """``12/UBND-VP`` → ("12", "UBND-VP"); a cell without a slash is a notation-less number."""
    value = text.strip()
    if "/" not in value:
        return (value or None), None
    number, notation = value.split("/", 1)
    return number.strip() or None, notation.strip() or None


def header_map(header: list[str], extra: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Canonical column name → the CSV's own heading, for every heading that is recognised."""
    aliases = {k: set(map(fold, v)) for k, v in COLUMN_ALIASES.items()}
    for key, more in (extra or {}).items():
        aliases.setdefault(key, set()).update(map(fold, more))
    found: dict[str, str] = {}
    for heading in header:
        folded = fold(heading)
        for key, names in aliases.items():
            if folded in names and key not in found:
                found[key] = heading
    return found


def is_document_csv(name: str, data: bytes, extra: Mapping[str, tuple[str, ...]] | None = None) -> bool:
    """True for manifest.csv and for any CSV whose first line names a file column."""
    if name.lower() == MANIFEST_NAME:
        return True
    if not name.lower().endswith(".csv"):
        return False
    first = data[:4096].split(b"\n", 1)[0].decode("utf-8-sig", "replace")
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return False
    return "file" in header_map(header, extra)


def parse_manifest(
    data: bytes,
    base: str,
    name: str = MANIFEST_NAME,
    extra: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[list[ManifestEntry], list[str]]:
    """Parse a manifest or register; return its rows and the problems found (bad rows are reported)."""
    problems: list[str] = []
    entries = list(iter_manifest(data, base, problems, name, extra))
    return entries, problems


def iter_manifest(
    data: bytes,
    base: str,
    problems: list[str],
    name: str = MANIFEST_NAME,
    extra: Mapping[str, tuple[str, ...]] | None = None,
) -> Iterator[ManifestEntry]:
    """The rows of a manifest or register, parsed as they are read (a register may list a year of a
    province's documents); the problems found are appended to ``problems`` on the way."""
    error = _utf8_error(data)
    if error is not None:
        problems.append(f"CSV is not UTF-8: {error}")
        return
    # newline="\n": lines end at LF only, as csv.reader sees them in a str (CRLF stays in the line).
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="\n"))
    try:
        header = next(reader)
    except (csv.Error, StopIteration):
        problems.append("CSV has no header line")
        return
    columns = header_map(header, extra)
    if "file" not in columns:
        problems.append("CSV has no file column (file, tệp, đường dẫn …)")
        return
    index = {key: header.index(heading) for key, heading in columns.items()}
    is_register = name.lower() != MANIFEST_NAME
    default_direction = direction_from_name(name)
    line_no = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {line_no + 1}: unreadable CSV ({exc}); the rest of the file is ignored")
            break
        line_no = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        row = _Row(cells, index, line_no, problems)
        entry = row.entry(base, "register" if is_register else "manifest", default_direction)
        if entry is not None:
            yield entry


_UTF8_BLOCK = 1 << 20


def _utf8_error(data: bytes) -> UnicodeDecodeError | None:
    """Why ``data`` is not UTF-8 (BOM allowed), checked a megabyte at a time without keeping the text."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for start in range(0, len(data), _UTF8_BLOCK):
            decoder.decode(data[start : start + _UTF8_BLOCK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:  # decoded whole, for the error's usual wording and position
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return exc
        raise  # pragma: no cover - the whole decoding cannot succeed where a part failed
    return None


class _Row:
    """One CSV row read through the header map; problems are collected with the line number."""

    def __init__(self, cells: list[str], index: dict[str, int], line: int, problems: list[str]) -> None:
        self.cells, self.index, self.line, self.problems = cells, index, line, problems

    def get(self, key: str) -> str | None:
        pos = self.index.get(key)
        if pos is None or pos >= len(self.cells):
            return None
        value = unicodedata.normalize("NFC", self.cells[pos].strip())
        # Interned: agency codes and names repeat on every row, and a run keeps each row's metadata.
        return sys.intern(value) if value else None

    def problem(self, text: str) -> None:
        self.problems.append(f"line {self.line}: {text}")

    def entry(self, base: str, source: str, default_direction: Direction) -> ManifestEntry | None:
        file_cell = (self.get("file") or "").replace("\\", "/")
        if not file_cell:
            self.problem("empty 'file' cell")
            return None
        path = posixpath.normpath(f"{base}/{file_cell}") if base else posixpath.normpath(file_cell)
        if not _below(path, base) or file_cell.startswith("/"):
            self.problem(f"file {file_cell!r} is outside the CSV's folder; row ignored")
            return None
        try:
            level = parse_level(self.get("level") or "")
        except ValueError:
            self.problem(f"unknown level {self.get('level')!r}; treated as unknown")
            level = None
        number, notation = self.get("number"), self.get("notation")
        if (combined := self.get("number_notation")) is not None:
            split = split_number_notation(combined)
            number, notation = number or split[0], notation or split[1]
        return ManifestEntry(
            path=path,
            agency_code=self.get("agency_code"),
            agency_name=self.get("agency_name"),
            level=level,
            meta=DocumentMeta(
                source=source,
                direction=self.direction(default_direction),
                date=self.date(),
                number=number,
                notation=notation,
                recipients=self.recipients(),
                business=self.business(),
                document_id=self.get("document_id"),
                document_type=self.get("document_type"),
                subject=self.get("subject"),
                statuses=self.statuses(source, path),
            ),
        )

    def direction(self, default: Direction) -> Direction:
        cell = self.get("direction")
        if cell is None:
            return default
        try:
            return parse_direction(cell) or default
        except ValueError:
            self.problem(f"unknown direction {cell!r} (expected sent/received, đi/đến)")
            return default

    def date(self) -> date | None:
        cell = self.get("date")
        if cell is None:
            return None
        day = parse_date(cell)
        if day is None:
            self.problem(f"date {cell!r} is not a date in a known form (yyyy-mm-dd, dd/mm/yyyy …); unknown")
        return day

    def recipients(self) -> tuple[Party, ...]:
        codes = _split_list(self.get("recipient_codes"))
        names = _split_list(self.get("recipient_names"))
        if codes and names and len(codes) != len(names):
            self.problem("recipient codes and names differ in number; names ignored")
            names = []
        if codes:
            return tuple(Party(code, names[n] if names else None) for n, code in enumerate(codes))
        return tuple(Party(None, name) for name in names)

    def business(self) -> BusinessType | None:
        cell = self.get("business")
        if cell is None:
            return None
        found = _BUSINESS_WORDS.get(fold(cell))
        if found is None:
            self.problem(f"unknown business type {cell!r} (expected new/recall/update/replace or 0–3)")
        return found

    def statuses(self, source: str, path: str) -> tuple[StatusEvent, ...]:
        events = []
        for code in _split_list(self.get("status")):
            normal = f"0{code}" if re.fullmatch(r"\d", code) else code
            if not re.fullmatch(r"\d\d", normal):
                self.problem(f"status {code!r} is not a status code (01–16)")
                continue
            events.append(StatusEvent(normal, STATUS_MEANINGS.get(normal), None, f"{source}:{path}"))
        return tuple(events)


def _below(path: str, base: str) -> bool:
    """Whether a normalised row path lies in ``base`` (the CSV's folder) or under it."""
    if not base:
        return path != ".." and not path.startswith(("../", "/"))
    return path.startswith(f"{base}/")


def _split_list(cell: str | None) -> list[str]:
    """Cells holding several values separate them with ``;`` (or ``|``)."""
    if not cell:
        return []
    return [part.strip() for part in re.split(r"[;|]", cell) if part.strip()]
