"""Changes after signing: what later revisions changed, and whether the signature permits it.

pyHanko's difference analysis (pyhanko.sign.diff_analysis) does the judging, with sigaudit's rules added
through its documented extension points (change_rules.py) and each revision analysed once per document
(revision_changes.py, ``document_policy``). This module turns the answer, the categories of the changes,
the permission that judged them and the visual check (after_signing.py) into a Changes value with
words, and names the objects pyHanko could not explain (``suspicious_words``), so that an
incremental-saving or shadow attack reads as what it changed.
"""

from __future__ import annotations

import re

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from ..model import ChangeCategory, Changes, Coverage
from .after_signing import SHOWN_DIFFERS_WORDS, UNREADABLE_AFTER_WORDS, AfterSigning
from .change_rules import MARKUP_SUBTYPES, diff_policy, page_refs
from .objects import deref
from .revision_changes import PERMISSION_WORDS, ChainedDiffPolicy
from .words import exception_words


def document_policy() -> ChainedDiffPolicy:
    """The difference analysis for one document: pyHanko's policy with sigaudit's rules (change_rules.py),
    each revision analysed once against the one before it (revision_changes.py). Make one per document
    and pass it to every signature's validation."""
    return ChainedDiffPolicy(diff_policy())


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


CATEGORY_WORDS = {
    ChangeCategory.SIGNATURE: "a later signature",
    ChangeCategory.FORM_FILL: "form fields filled",
    ChangeCategory.ANNOTATION: "comments (annotations) added",
    ChangeCategory.INCOMING_STAMP: "an incoming stamp (annotation with a number and a date)",
    ChangeCategory.DSS: "validation data (DSS) added",
    ChangeCategory.DOCUMENT_TIMESTAMP: "a document timestamp (validation data) added",
    ChangeCategory.UNDEFINED: "an unexplained change",
}


def judge_changes(
    status: PdfSignatureStatus, covered: Coverage, reader: PdfFileReader, after: AfterSigning | None = None
) -> tuple[Changes, str]:
    """Whether what was changed after the signature is none, permitted or disallowed, what it was
    (categories) and which permission decided; ``after`` is the review and visual check, when made."""
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
    words = _category_words(after) or MODIFICATION_WORDS.get(level, str(level))
    if not status.docmdp_ok:
        refused = f" ({after.changes.deciding_words()})" if after is not None else ""
        return Changes.DISALLOWED, f"{words}, beyond what the signature permits{refused}"
    if after is not None and after.shown_differs and after.visual is not None:
        return Changes.DISALLOWED, f"{words}, but {SHOWN_DIFFERS_WORDS}: {after.visual.reason}"
    if level == ModificationLevel.NONE:
        return Changes.NONE, "later revisions change nothing"
    if after is not None:
        words += f"; permitted by the {PERMISSION_WORDS[after.changes.permission]}"
    return Changes.PERMITTED, words


def _category_words(after: AfterSigning | None) -> str:
    if after is None:
        return ""
    categories = after.changes.categories
    return "; ".join(CATEGORY_WORDS[c] for c in ChangeCategory if c in categories)


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
    if "cannot be read" in text:  # a later revision pyHanko could not parse (revision_changes.py)
        return f"{UNREADABLE_AFTER_WORDS} ({text})"
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
        for page_ref in list(page_refs(reader.root.raw_get("/Pages"))):  # the whole tree read first
            contents = page_ref.get_object().raw_get("/Contents")
            items = deref(contents)
            if isinstance(items, generic.ArrayObject):
                ids.update(c.idnum for c in items if isinstance(c, generic.IndirectObject))
            if isinstance(contents, generic.IndirectObject):
                ids.add(contents.idnum)
    except Exception:  # a damaged page tree: the kinds stay generic
        pass
    return ids


def _object_kind(reader: PdfFileReader, idnum: int, generation: int, content_streams: set[int]) -> str:
    try:
        obj = deref(generic.Reference(idnum, generation, reader))
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


_ANNOTATION_SUBTYPES = MARKUP_SUBTYPES | {"/Link", "/FileAttachment", "/Widget", "/Redact"}
