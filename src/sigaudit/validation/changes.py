"""Changes after signing: what later revisions changed, and whether the signature permits it.

pyHanko's difference analysis (pyhanko.sign.diff_analysis) does the judging, with one rule added
through its documented extension point (``AddedCommentRule``, a whitelist rule for comments). This
module turns its answer into a Changes value with words, and names the objects it could not explain
(``suspicious_words``), so that an incremental-saving or shadow attack reads as what it changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    ModificationLevel,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from ..model import Changes, Coverage
from .words import exception_words

# Comments added after signing (see AddedCommentRule).
COMMENT_SUBTYPES = frozenset(
    "/" + s
    for s in [
        "Text",
        "FreeText",
        "Highlight",
        "Underline",
        "Squiggly",
        "StrikeOut",
        "Caret",
        "Ink",
        "Popup",
        "Square",
        "Circle",
        "Line",
        "Polygon",
        "PolyLine",
    ]
)


class AddedCommentRule(QualifiedWhitelistRule):
    """Explain comments (markup annotations) added to pages after a signature, at ANNOTATIONS level.

    pyHanko 0.38's default difference analysis never uses ModificationLevel.ANNOTATIONS: a sticky note
    added after an approval signature, or after a certification with DocMDP P=3, was an "unexplained"
    change and made the document invalid, although ISO 32000 allows exactly that. This rule clears a
    revision's update of a page (or of its /Annots array) only when nothing but /Annots changed, the
    earlier annotations are all still there in the same order, and every added one is a new object of a
    comment subtype (never a widget, link, stamp or attachment), together with its new appearance
    streams and pop-up. Anything else stays unexplained, so pyHanko still reports it. Whether the
    signature allows annotations (DocMDP P=1 or 2 do not) is still decided by pyHanko.
    """

    def apply_qualified(self, old: Any, new: Any) -> Iterable[tuple[ModificationLevel, Any]]:
        changed = set(new.explicit_refs_in_revision())
        try:
            pages = _page_refs(new.root.raw_get("/Pages"), depth=0)
        except Exception:
            return
        for page_ref in pages:
            try:
                yield from self._page(old, new, page_ref, changed)
            except Exception:  # whatever cannot be read is left unexplained
                continue

    def _page(
        self, old: Any, new: Any, page_ref: Any, changed: set[Any]
    ) -> Iterable[tuple[ModificationLevel, Any]]:
        ref = _ref(page_ref)
        old_page, new_page = old(ref), new(ref)
        old_raw, new_raw = old_page.raw_get("/Annots"), new_page.raw_get("/Annots")
        if ref in changed:
            if {k: v for k, v in old_page.items() if k != "/Annots"} != {
                k: v for k, v in new_page.items() if k != "/Annots"
            }:
                return
            updated = ref
        elif isinstance(new_raw, generic.IndirectObject) and _ref(new_raw) in changed:
            updated = _ref(new_raw)
            if not isinstance(old_raw, generic.IndirectObject) or _ref(old_raw) != updated:
                return
        else:
            return
        before = [_ref(a) for a in _raw_items(old_raw)]
        after = [_ref(a) for a in _raw_items(new_raw)]
        added = after[len(before) :]
        if after[: len(before)] != before or not added:
            return
        explained = [updated]
        for annot_ref in added:
            if not _is_new(old, annot_ref):
                return
            annot = new(annot_ref)
            if annot.get("/Subtype") not in COMMENT_SUBTYPES or "/FT" in annot:
                return
            explained.append(annot_ref)
            explained.extend(_new_dependencies(old, annot))
        for item in explained:
            yield ModificationLevel.ANNOTATIONS, ReferenceUpdate(item)


def _deref(value: Any) -> Any:
    """The object an indirect reference (or a Reference) points to; a direct object as it is."""
    return value.get_object() if isinstance(value, (generic.IndirectObject, generic.Reference)) else value


def _ref(indirect: Any) -> generic.Reference:
    return generic.Reference(indirect.idnum, indirect.generation)


def _raw_items(raw: Any) -> list[Any]:
    """The entries of an /Annots array as written (indirect references; a direct one is refused)."""
    if raw is None:
        return []
    items = _deref(raw)
    entries = [items.raw_get(i) for i in range(len(items))]
    if not all(isinstance(a, generic.IndirectObject) for a in entries):
        raise ValueError("direct annotation")
    return entries


def _is_new(old: Any, ref: Any) -> bool:
    try:
        obj = old(ref)
    except Exception:
        return True
    return obj is None or isinstance(obj, generic.NullObject)


def _new_dependencies(old: Any, annot: Any) -> list[Any]:
    """The annotation's pop-up and appearance streams that are new in this revision."""
    refs = []
    candidates = [annot.raw_get("/Popup")] if "/Popup" in annot else []
    appearance = annot.get("/AP")
    if isinstance(appearance, generic.DictionaryObject):
        for key in ("/N", "/R", "/D"):
            if key in appearance:
                value = appearance.raw_get(key)
                candidates.append(value)
                inner = value.get_object()
                if isinstance(inner, generic.DictionaryObject) and not isinstance(
                    inner, generic.StreamObject
                ):
                    candidates.extend(inner.raw_get(k) for k in inner)
    for value in candidates:
        if isinstance(value, generic.IndirectObject) and _is_new(old, _ref(value)):
            refs.append(_ref(value))
    return refs


DIFF_POLICY = StandardDiffPolicy(
    global_rules=[*DEFAULT_DIFF_POLICY.global_rules, AddedCommentRule()],
    form_rule=DEFAULT_DIFF_POLICY.form_rule,
)

MODIFICATION_WORDS = {
    ModificationLevel.NONE: "no changes",
    ModificationLevel.LTA_UPDATES: "validation data (DSS/LTV) or document timestamps added",
    ModificationLevel.FORM_FILLING: "form fields filled or later signatures added",
    ModificationLevel.ANNOTATIONS: "annotations (comments) added",
    ModificationLevel.OTHER: "content or structure changed",
}


def coverage(status: PdfSignatureStatus) -> Coverage:
    """How much of the file the signature covers, as pyHanko found it."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return Coverage.ENTIRE_FILE
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        return Coverage.ENTIRE_REVISION
    return Coverage.PARTIAL


def judge_changes(
    status: PdfSignatureStatus, covered: Coverage, reader: PdfFileReader
) -> tuple[Changes, str]:
    """Whether what was changed after the signature is none, permitted or disallowed, and what it was."""
    if covered == Coverage.ENTIRE_FILE:
        return Changes.NONE, "the signature covers the entire file"
    if covered == Coverage.PARTIAL:
        return Changes.DISALLOWED, "the ByteRange does not cover a complete revision"
    diff = status.diff_result
    if isinstance(diff, SuspiciousModification):
        return Changes.DISALLOWED, suspicious_words(diff, reader)
    level = status.modification_level
    if level is None or status.docmdp_ok is None:
        return Changes.DISALLOWED, "later revisions could not be analysed"
    words = MODIFICATION_WORDS.get(level, str(level))
    if not status.docmdp_ok:
        return Changes.DISALLOWED, f"{words}, beyond what the signature permits"
    if level == ModificationLevel.NONE:
        return Changes.NONE, "later revisions change nothing"
    return Changes.PERMITTED, words


_UNEXPLAINED_REF = re.compile(r"Reference\(idnum=(\d+), generation=(\d+)\)")


def suspicious_words(diff: SuspiciousModification, reader: PdfFileReader) -> str:
    """What pyHanko's difference analysis refused, in words an auditor can act on.

    pyHanko names the objects it cannot explain only as references ("There are unexplained xrefs in
    revision 3: Reference(idnum=5, generation=0)"). Each is looked up in the file as it is now and
    named for what it is (a page, a page's content stream, a form XObject, a font, the page tree, an
    annotation…), so that an incremental-saving or shadow attack reads as what it changed. Other
    messages (a locked field changed, an update a certification forbids) are already words.
    """
    text = exception_words(diff)
    refs = list(dict.fromkeys(_UNEXPLAINED_REF.findall(str(diff))))
    if not refs or "unexplained" not in text:
        return _UNEXPLAINED_REF.sub(r"object \1 \2 R", text)
    content_streams = _page_content_ids(reader)
    kinds: list[str] = []
    for idnum, generation in refs:
        kind = _object_kind(reader, int(idnum), int(generation), content_streams)
        if kind not in kinds:
            kinds.append(kind)
    numbers = ", ".join(f"{i} {g} R" for i, g in refs)
    return f"content or structure changed after signing: {'; '.join(kinds)} (objects {numbers})"


def _page_content_ids(reader: PdfFileReader) -> set[int]:
    ids: set[int] = set()
    try:
        for page_ref in _page_refs(reader.root.raw_get("/Pages"), depth=0):
            contents = page_ref.get_object().raw_get("/Contents")
            items = _deref(contents)
            if isinstance(items, generic.ArrayObject):
                ids.update(c.idnum for c in items if isinstance(c, generic.IndirectObject))
            if isinstance(contents, generic.IndirectObject):
                ids.add(contents.idnum)
    except Exception:  # a damaged page tree: the kinds stay generic
        pass
    return ids


def _page_refs(node: Any, depth: int) -> list[Any]:
    if depth > 32 or not isinstance(node, generic.IndirectObject):
        return []
    obj = _deref(node)
    if obj.get("/Type") == "/Page":
        return [node]
    return (
        [ref for kid in obj.get("/Kids", []) for ref in _page_refs(kid, depth + 1)] if "/Kids" in obj else []
    )


def _object_kind(reader: PdfFileReader, idnum: int, generation: int, content_streams: set[int]) -> str:
    try:
        obj = _deref(generic.Reference(idnum, generation, reader))
    except Exception:
        return "an unreadable object"
    if idnum in content_streams:
        return "a page's content stream"
    if not isinstance(obj, generic.DictionaryObject):
        return "an array or value object" if obj is not None else "an object"
    kind = obj.get("/Type")
    subtype = obj.get("/Subtype")
    if kind == "/Page":
        return "a page (its content, resources or annotations)"
    if kind == "/Pages":
        return "the page tree (pages added, removed or reordered)"
    if kind == "/Catalog":
        return "the document catalogue"
    if kind == "/Font" or "/BaseFont" in obj:
        return "a font"
    if kind == "/XObject" or subtype in ("/Form", "/Image"):
        return "an image XObject" if subtype == "/Image" else "a form XObject"
    if "/FT" in obj:
        return "a form field"
    if kind == "/Annot" or subtype in _ANNOTATION_SUBTYPES:
        return f"an annotation ({str(subtype).lstrip('/') or 'unknown type'})"
    if isinstance(obj, generic.StreamObject):
        return "a stream object"
    return "a dictionary object"


_ANNOTATION_SUBTYPES = COMMENT_SUBTYPES | {"/Link", "/Stamp", "/FileAttachment", "/Widget", "/Redact"}
