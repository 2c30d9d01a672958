"""A sequence whose items are read from a database when asked for, not held in memory.

The result store's runs (:mod:`.store.results`), a run's classification (:mod:`.aggregate.exchange`)
and its findings (:mod:`.aggregate.reconcile`) are such sequences: a subclass gives the number of
items and reads one by its position (and may go through them all faster than one at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class Rows(Sequence[T]):
    """Indexing and slicing (negative positions included) for a subclass that reads item ``n``."""

    _count: int

    def __len__(self) -> int:
        return self._count

    def _read(self, position: int) -> T:
        """The item at ``position`` (0 <= position < len)."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[T]:
        return (self._read(n) for n in range(self._count))

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return [self._read(n) for n in range(*index.indices(self._count))]
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        return self._read(position)
