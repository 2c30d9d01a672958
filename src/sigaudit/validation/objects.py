"""Reading pyHanko's PDF objects (``pyhanko.pdf_utils.generic`` only, so a module that merely reads a
file's objects — the attachments ``sigaudit verify`` lists — loads no signature machinery)."""

from __future__ import annotations

from typing import Any

from pyhanko.pdf_utils import generic

__all__ = ["deref", "existed"]


def deref(value: Any) -> Any:
    """The object an indirect reference (or a Reference) points to; a direct object as it is."""
    return value.get_object() if isinstance(value, (generic.IndirectObject, generic.Reference)) else value


def existed(old: Any, ref: generic.Reference) -> bool:
    """Whether ``ref`` names an object (not null) in the earlier revision ``old`` (a historical resolver)."""
    try:
        obj = old(ref)
    except Exception:
        return False
    return obj is not None and not isinstance(obj, generic.NullObject)
