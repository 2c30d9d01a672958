"""One change analysis per document, judged the same from every signature (issue 17, item 1).

pyHanko reviews the changes after a signature against that signature's revision: with a personal then
an agency signature followed by a comment, the comment was compared with two different bases and could
be ``permitted`` for one signature and ``disallowed`` for the other. Here each revision is compared with
the revision just before it, once per document (``ChainedDiffPolicy``, a pyHanko ``DiffPolicy``: the
documented extension point, wrapping a ``StandardDiffPolicy`` whose rules are in change_rules.py), and
classified into categories (model.ChangeCategory). Every signature then judges the revisions after it by
its own permission (model.Permission; FieldMDP locks are passed to the analysis, as pyHanko does), and
the result names the permission that decided it.

Whitelisted changes compose: if each revision is a permitted change of the one before, the file is a
permitted change of the signed revision; a revision the rules cannot explain is UNDEFINED for every
signature it follows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import (
    DiffPolicy,
    DiffResult,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

from ..model import ChangeCategory, Permission
from .change_rules import MARKUP_SUBTYPES, annots, page_refs
from .objects import existed

# What each permission allows (ISO 32000-1 12.8.2.2; validation data: ISO 32000-2 12.8.4.3).
ALLOWED: dict[Permission, frozenset[ChangeCategory]] = {
    Permission.DOCMDP_P1: frozenset({ChangeCategory.DSS, ChangeCategory.DOCUMENT_TIMESTAMP}),
    Permission.DOCMDP_P2: frozenset(
        {
            ChangeCategory.DSS,
            ChangeCategory.DOCUMENT_TIMESTAMP,
            ChangeCategory.FORM_FILL,
            ChangeCategory.SIGNATURE,
        }
    ),
}
ALLOWED[Permission.DOCMDP_P3] = ALLOWED[Permission.DOCMDP_P2] | {
    ChangeCategory.ANNOTATION,
    ChangeCategory.INCOMING_STAMP,
}
ALLOWED[Permission.APPROVAL] = ALLOWED[Permission.DOCMDP_P3]

PERMISSION_WORDS = {
    Permission.APPROVAL: "approval signature (later form filling, signing, comments, validation data)",
    Permission.DOCMDP_P1: "certification DocMDP P=1 (no changes but validation data)",
    Permission.DOCMDP_P2: "certification DocMDP P=2 (form filling and signing)",
    Permission.DOCMDP_P3: "certification DocMDP P=3 (form filling, signing and comments)",
}
_MDP = {MDPPerm.NO_CHANGES: Permission.DOCMDP_P1, MDPPerm.FILL_FORMS: Permission.DOCMDP_P2}
_MDP[MDPPerm.ANNOTATE] = Permission.DOCMDP_P3

# An incoming stamp (dấu đến) carries an incoming number and a date; its text is untrusted and only
# matched, never kept.
_NUMBER = re.compile(r"(?:\bs[oố]\b|\bno\.?|number|đến)\s*(?:đến)?\s*:?\s*\d+", re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b|ngày\s*\d{1,2}\s*tháng\s*\d{1,2}", re.I)
MAX_TEXT = 2_000


@dataclass(frozen=True)
class RevisionChange:
    """One revision after the first signed one, against the revision before it."""

    revision: int
    categories: frozenset[ChangeCategory]
    level: ModificationLevel | None  # pyHanko's level; None when the rules could not explain it
    problem: str | None  # why it is UNDEFINED, in pyHanko's words (named further by the engine)
    # Widgets of fields that were empty before this revision and are filled in it: (1-based page,
    # (left, bottom, right, top)). What they draw is explained by the fill; a field that showed a value
    # and shows another is not (a shadow "replace via overwrite"), so the visual check compares it.
    filled_widgets: tuple[tuple[int, tuple[float, float, float, float]], ...] = ()


@dataclass(frozen=True)
class SignatureChanges:
    """The revisions after one signature, judged by its permission."""

    permission: Permission
    locked_fields: bool  # the signature carries a FieldMDP lock (its locks were applied by the analysis)
    revisions: tuple[RevisionChange, ...]
    refused: tuple[RevisionChange, ...]  # the revisions the permission does not allow

    @property
    def categories(self) -> frozenset[ChangeCategory]:
        return frozenset(c for r in self.revisions for c in r.categories)

    @property
    def allowed(self) -> bool:
        return not self.refused

    def deciding_words(self) -> str:
        """The permission that decided, and what it refused if it refused anything."""
        words = PERMISSION_WORDS[self.permission] + ("; FieldMDP lock" if self.locked_fields else "")
        if not self.refused:
            return words
        refused = sorted({c.value for r in self.refused for c in r.categories})
        return f"{words} does not allow: {', '.join(refused)}"


def permission_of(docmdp: MDPPerm | None) -> Permission:
    """The signature's permission from its DocMDP level (None: an approval signature)."""
    return Permission.APPROVAL if docmdp is None else _MDP.get(docmdp, Permission.DOCMDP_P1)


class ChainedDiffPolicy(DiffPolicy):
    """A document's difference analysis: each revision against the one before it, analysed once.

    Make one per document (it remembers the revisions it analysed) and pass it as pyHanko's
    ``diff_policy``; ``review`` gives the classified revisions for a signature.
    """

    def __init__(self, inner: StandardDiffPolicy) -> None:
        self.inner = inner
        self._done: dict[tuple[int, str, Any], DiffResult | SuspiciousModification] = {}
        self._categories: dict[int, Classified] = {}

    @property
    def revisions_analysed(self) -> int:
        """How many (revision, permission) analyses ran: the cost the cache saves is visible here."""
        return len(self._done)

    def apply(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult:
        return self.inner.apply(old, new, field_mdp_spec, doc_mdp)

    def review_file(
        self,
        reader: PdfFileReader,
        base_revision: int | HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult | SuspiciousModification:
        base = base_revision if isinstance(base_revision, int) else base_revision.revision
        level, fields = ModificationLevel.NONE, set()
        for revision in range(base + 1, reader.xrefs.total_revisions):
            outcome = self._revision(reader, revision, field_mdp_spec, doc_mdp)
            if isinstance(outcome, SuspiciousModification):
                return outcome
            level = max(level, outcome.modification_level)
            fields |= outcome.changed_form_fields
        return DiffResult(level, fields)

    def review(
        self,
        reader: PdfFileReader,
        base: int,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> SignatureChanges:
        """The revisions after ``base`` (a signature's revision), classified and judged."""
        permission = permission_of(doc_mdp)
        revisions = []
        for revision in range(base + 1, reader.xrefs.total_revisions):
            outcome = self._revision(reader, revision, field_mdp_spec, doc_mdp)
            if isinstance(outcome, SuspiciousModification):
                change = RevisionChange(revision, frozenset({ChangeCategory.UNDEFINED}), None, str(outcome))
            else:
                categories, filled = self._classify(reader, revision, outcome)
                change = RevisionChange(revision, categories, outcome.modification_level, None, filled)
            revisions.append(change)
        refused = tuple(r for r in revisions if not r.categories <= ALLOWED[permission])
        return SignatureChanges(permission, field_mdp_spec is not None, tuple(revisions), refused)

    def _revision(
        self, reader: PdfFileReader, revision: int, spec: FieldMDPSpec | None, doc_mdp: MDPPerm | None
    ) -> DiffResult | SuspiciousModification:
        key = (revision, repr(spec), doc_mdp)
        if key not in self._done:
            try:
                old = reader.get_historical_resolver(revision - 1)
                new = reader.get_historical_resolver(revision)
                self._done[key] = self.inner.apply(old, new, spec, doc_mdp)
            except SuspiciousModification as exc:
                self._done[key] = exc
            except Exception as exc:  # a revision pyHanko cannot read is never a permitted change
                self._done[key] = SuspiciousModification(f"revision {revision} cannot be read: {exc}")
        return self._done[key]

    def _classify(self, reader: PdfFileReader, revision: int, result: DiffResult) -> Classified:
        if revision not in self._categories:
            self._categories[revision] = classify(reader, revision, result)
        return self._categories[revision]


Box = tuple[float, float, float, float]
Classified = tuple[frozenset[ChangeCategory], tuple[tuple[int, Box], ...]]


def classify(reader: PdfFileReader, revision: int, result: DiffResult) -> Classified:
    """The categories of an explained revision, from pyHanko's level and the objects it wrote, and the
    widgets of the fields it filled from empty."""
    old: Any = reader.get_historical_resolver(revision - 1)
    new: Any = reader.get_historical_resolver(revision)
    found: set[ChangeCategory] = set()
    filled: list[tuple[int, Box]] = []
    pages: dict[tuple[int, int], int] | None = None  # the annotations' pages, read once if a field is filled
    for ref in new.explicit_refs_in_revision():
        try:
            obj = new(ref)
        except Exception:  # explained by the rules, so readable; be safe anyway
            continue
        if not isinstance(obj, generic.DictionaryObject):
            continue
        kind = obj.get("/Type")
        if kind == "/DocTimeStamp":
            found.add(ChangeCategory.DOCUMENT_TIMESTAMP)
        elif kind == "/Sig" and "/ByteRange" in obj:
            found.add(ChangeCategory.SIGNATURE)
        elif obj.get("/Subtype") in MARKUP_SUBTYPES and not existed(old, ref):
            found.add(ChangeCategory.INCOMING_STAMP if _is_incoming_stamp(obj) else ChangeCategory.ANNOTATION)
        elif ("/FT" in obj or "/Parent" in obj) and existed(old, ref) and _value_changed(old(ref), obj):
            found.add(ChangeCategory.FORM_FILL)  # (pyHanko's changed_form_fields also lists untouched ones)
            if _was_empty(old(ref)):
                widgets = _widgets(ref, obj)
                pages = _annotation_pages(new) if pages is None else pages
                filled.extend(_widget_boxes(pages, widgets))
    if _dss_changed(old, new):
        found.add(ChangeCategory.DSS)
    if ChangeCategory.SIGNATURE in found:
        found.discard(ChangeCategory.FORM_FILL)  # the signature field's /V is its value
    if ChangeCategory.INCOMING_STAMP in found and ChangeCategory.ANNOTATION in found:
        found.discard(ChangeCategory.ANNOTATION)  # a stamp's pop-up or a comment beside it
    categories = frozenset(found) if found else frozenset({ChangeCategory.DSS})  # bookkeeping: LTA level
    return categories, tuple(dict.fromkeys(filled))


_EMPTY = (None, "", "/Off")


def _was_empty(field: Any) -> bool:
    """A field (or kid widget) showed no value: no /V (or an empty one) and no "on" state."""
    value = field.get("/V")
    empty_value = value in _EMPTY or (isinstance(value, generic.ArrayObject) and not value)
    return empty_value and field.get("/AS") in _EMPTY


def _widgets(ref: Any, field: Any) -> list[tuple[Any, Any]]:
    """A field's widgets (reference, dictionary): itself when it has a /Rect, and its /Kids."""
    widgets = [(ref, field)] if "/Rect" in field else []
    if "/Kids" in field:
        kids = field["/Kids"]
        widgets += [(kids.raw_get(i), kids[i]) for i in range(min(len(kids), 1_000))]
    return widgets


def _widget_boxes(pages: dict[tuple[int, int], int], widgets: list[tuple[Any, Any]]) -> list[tuple[int, Box]]:
    """The (page, rectangle) of each widget; ``pages`` is :func:`_annotation_pages` of the revision."""
    boxes = []
    for widget_ref, widget in widgets:
        page = pages.get((widget_ref.idnum, widget_ref.generation))
        rect = widget.get("/Rect")
        if page is not None and isinstance(rect, generic.ArrayObject) and len(rect) == 4:
            x0, y0, x1, y1 = (float(v) for v in rect)
            boxes.append((page, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))))
    return boxes


def _annotation_pages(new: Any) -> dict[tuple[int, int], int]:
    """Which (1-based) page lists each annotation reference in its /Annots."""
    found: dict[tuple[int, int], int] = {}
    for number, page_ref in enumerate(page_refs(new.root.raw_get("/Pages")), start=1):
        for annot in annots(page_ref.get_object()):
            found.setdefault((annot.idnum, annot.generation), number)
    return found


def _value_changed(old: Any, new: Any) -> bool:
    """Whether a field's (or a kid widget's) value, state or appearance changed."""
    return any(_raw(old, k) != _raw(new, k) for k in _VALUE_KEYS)


def _raw(obj: Any, key: str) -> Any:
    return obj.raw_get(key) if key in obj else None


_VALUE_KEYS = ("/V", "/AS", "/I", "/AP")


def _dss_changed(old: Any, new: Any) -> bool:
    try:
        return bool(old.root.raw_get("/DSS") != new.root.raw_get("/DSS")) if "/DSS" in new.root else False
    except Exception:
        return False


def _is_incoming_stamp(annot: Any) -> bool:
    if annot.get("/Subtype") not in ("/Stamp", "/FreeText"):
        return False
    text = " ".join(_texts(annot.get(k) for k in ("/Contents", "/Subj", "/NM")))
    text = unicodedata.normalize("NFC", text[:MAX_TEXT])
    return bool(_NUMBER.search(text) and _DATE.search(text))


def _texts(values: Iterable[Any]) -> list[str]:
    return [
        str(v) for v in values if isinstance(v, (generic.TextStringObject, generic.ByteStringObject, str))
    ]
