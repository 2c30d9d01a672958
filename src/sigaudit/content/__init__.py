"""What a document's own text says: its first and last pages read (pages.py) and the Decree 30 fields
parsed from them (decree30.py), so an archive exported without metadata can still be measured.

Runs in the validation workers, after validation, on the same bytes; ``read_text`` never raises.
"""

from __future__ import annotations

from ..model import TextMeta, TextStatus
from .decree30 import parse
from .pages import TextLimits, read_pages

__all__ = ["TEXT_REVISION", "TextLimits", "read_text"]

# Bumped when what is read from the same bytes changes: part of the store's verdict fingerprint.
# 2: text typed in TCVN3 (ABC) fonts is converted to Unicode (tcvn3.py).
# 3: a signing block of two authorities keeps its title ("TM. … / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"); Word
# list bullets (Symbol's U+F0B7, "•") start recipients; "(để phối hợp)"-like notes leave their names;
# an entry is split at a comma that opens another agency's name; a "Như Điều N" entry's article is read
# from the pages (articles.py: the bodies it charges, in ``TextMeta.articles``).
TEXT_REVISION = 3


def read_text(data: bytes, limits: TextLimits | None = None) -> TextMeta:
    """The Decree 30 fields of the document's first and last pages, or why there are none."""
    try:
        read = read_pages(data, limits)
    except MemoryError:
        return TextMeta(TextStatus.NOT_READ, "memory: the text layer did not fit in the limit")
    except Exception as exc:  # PDFium is C: whatever it raises, the document keeps its verdict
        return TextMeta(TextStatus.NOT_READ, f"text reading failed: {type(exc).__name__}")
    if read.status != TextStatus.READ:
        return TextMeta(read.status, read.detail, read.page_count)
    first, last = read.pages[0], read.pages[-1]
    return parse(first, last if last is not first else None, read.page_count)
