"""Text folded for matching, character for character: the parser's positions in it are the text's."""

from __future__ import annotations

import unicodedata

__all__ = ["folded"]


def _fold_table() -> dict[int, str]:
    """Each Latin letter with or without marks (Vietnamese's included) to its bare lower-case letter."""
    table = {ord("đ"): "d", ord("Đ"): "d"}
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFD", chr(code))[0].lower()
        if len(base) == 1 and base.isascii() and base.isalpha():
            table[code] = base
    return table


_FOLD = _fold_table()


def folded(text: str) -> str:
    """``text`` lower-cased without accents, character for character (đ → d; NFC first), so a match's
    position in it is the position in the NFC text. A table, not a per-character normalisation: the
    parser folds every line it looks at (measured: most of its time before)."""
    return unicodedata.normalize("NFC", text).translate(_FOLD)
