"""A run's warnings, bounded: each kind keeps its first examples and counts the rest.

A register with a million bad rows, or a manifest naming a million missing files, would otherwise hold
a million strings in memory and write them into every report (a 99 MB dashboard was measured). What a
reader needs is which kinds of problem there are, how many of each, and a few examples to look at.
"""

from __future__ import annotations

import enum
import re

EXAMPLES_PER_KIND = 100


class WarningKind(enum.StrEnum):
    """What a warning is about; the words are those of the summary line of a kind cut short."""

    TRUST = "trust configuration"
    NAME = "names shown escaped"
    DUPLICATE_PATH = "documents sharing a path"
    MANIFEST_ROW = "manifest and register problems"
    MANIFEST_CONFLICT = "documents described differently by two rows"
    UNMATCHED = "manifest rows naming files that are not in the archive"
    ATTRIBUTION = "sources that name different agencies"
    OTHER = "other warnings"


class WarningLog:
    """Collects warnings in the order they come, at most ``examples`` of each kind; :meth:`lines`
    gives them with one line per kind that had more, saying how many were left out."""

    def __init__(self, examples: int = EXAMPLES_PER_KIND) -> None:
        self._examples = examples
        self._kept: list[str] = []
        self._lines: dict[WarningKind, int] = {}  # lines kept, per kind
        self._counts: dict[WarningKind, int] = {}  # warnings added, per kind
        self._shown: dict[WarningKind, int] = {}  # warnings the kept lines stand for, per kind

    def add(self, kind: WarningKind, text: str, count: int = 1) -> None:
        """One warning, or a line standing for ``count`` of them (e.g. "… and 900 more in this CSV")."""
        self._counts[kind] = self._counts.get(kind, 0) + count
        # A line standing for many is kept beyond the examples: there is one per file at most.
        if self._lines.get(kind, 0) < self._examples or count > 1:
            self._lines[kind] = self._lines.get(kind, 0) + 1
            self._shown[kind] = self._shown.get(kind, 0) + count
            self._kept.append(text)

    def count(self, kind: WarningKind) -> int:
        """How many warnings of this kind were added, listed or not."""
        return self._counts.get(kind, 0)

    def lines(self) -> tuple[str, ...]:
        more = [
            summary_line(kind, count - self._shown[kind])
            for kind, count in self._counts.items()
            if count > self._shown[kind]
        ]
        return (*self._kept, *more)


def summary_line(kind: WarningKind, count: int) -> str:
    """The line saying that ``count`` more warnings of ``kind`` were not listed (English: the run
    records its warnings as text, and the JSON report prints them so)."""
    return f"… and {count:,} more warnings of this kind ({kind.value}), not listed"


_SUMMARY = re.compile(r"… and ([0-9,]+) more warnings of this kind \((.+)\), not listed")


def summarized(line: str) -> tuple[WarningKind, int] | None:
    """(kind, count) when ``line`` is a :func:`summary_line`, else None: how a report written in
    another language tells the summary lines of a stored run from the warnings themselves."""
    match = _SUMMARY.fullmatch(line)
    if match is None or match.group(2) not in {k.value for k in WarningKind}:
        return None
    return WarningKind(match.group(2)), int(match.group(1).replace(",", ""))
