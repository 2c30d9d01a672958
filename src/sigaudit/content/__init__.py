"""What a document's own text says: its first and last pages read (pages.py) and the Decree 30 fields
parsed from them (decree30.py), so an archive exported without metadata can still be measured.

Runs in the validation workers, after validation, on the same bytes; ``read_text`` never raises.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from ..model import TextMeta, TextStatus
from .decree30 import parse
from .pages import TextLimits, read_pages

__all__ = ["TEXT_REVISION", "TextLimits", "bounded", "read_text"]

# Bumped when what is read from the same bytes changes: part of the store's verdict fingerprint.
# 2: text typed in TCVN3 (ABC) fonts is converted to Unicode (tcvn3.py).
# 3: a signing block of two authorities keeps its title ("TM. … / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"); Word
# list bullets (Symbol's U+F0B7, "•") start recipients; "(để phối hợp)"-like notes leave their names;
# an entry is split at a comma that opens another agency's name; a "Như Điều N" entry's article is read
# from the pages (articles.py: the bodies it charges, in ``TextMeta.articles``).
# each field cut to TextLimits.max_field characters, the recipients to max_recipients names; words
# outside the page or under TextLimits.min_size points are not read (pages.py).
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
    return bounded(parse(first, last if last is not first else None, read.page_count), limits or TextLimits())


def bounded(meta: TextMeta, limits: TextLimits) -> TextMeta:
    """``meta`` with each text field cut to ``limits.max_field`` characters (ending in "…") and at most
    ``limits.max_recipients`` recipients (and bodies an article charges); ``detail`` says what was cut.
    Each field is shown whole in warnings, ``verify`` and the reports, so a page's 20,000 characters
    must not all land in one."""

    def cut(text: str) -> str:
        return text if len(text) <= limits.max_field else text[: limits.max_field - 1] + "…"

    def names(found: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(cut(name) for name in found[: limits.max_recipients])

    changes: dict[str, Any] = {}
    said: list[str] = []
    for field in fields(TextMeta):
        value = getattr(meta, field.name)
        if field.name != "detail" and isinstance(value, str) and len(value) > limits.max_field:
            changes[field.name] = cut(value)
            said.append(field.name)
        elif field.name in ("recipients", "upward"):
            kept = names(value)
            if kept != value:
                changes[field.name] = kept
                said.append(f"{field.name} ({len(value)} names)")
        elif field.name == "articles":
            # What an article charges stands for recipients: the same limits, body by body.
            kept = tuple(replace(a, bodies=names(a.bodies), left_out=names(a.left_out)) for a in value)
            if kept != value:
                changes[field.name] = kept
                said.append("articles")
    if not changes:
        return meta
    note = (
        f"cut to {limits.max_field} characters a field and {limits.max_recipients} names: {', '.join(said)}"
    )
    return replace(meta, detail="; ".join(p for p in (meta.detail, note) if p), **changes)
