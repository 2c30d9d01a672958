"""Issue 17: pyHanko difference-analysis rules for the changes real exchanges make after signing.

Only pyHanko's documented extension points are used: ``QualifiedWhitelistRule`` for annotations,
field rules (``FieldMDPRule`` and the constructor options of pyHanko's own field rules) for forms, and
``StandardDiffPolicy`` to hold them. pyHanko's own analysis is not copied; it still decides anything
these rules do not clear, and whether the signature's DocMDP level / FieldMDP locks allow the level at
which a change is cleared.

What the rules clear, and at which level (ModificationLevel):
- a markup annotation added to a page (Text, FreeText, Ink, Stamp, Highlight and the other comment
  subtypes; never a widget, link, file attachment, screen, movie or 3D annotation) with every new object
  its appearance streams use (fonts, images, form XObjects) and its pop-up: ANNOTATIONS. The page may only
  change its /Annots, by appending; earlier annotations stay in place;
- a choice field (list or combo box) filled with its option index /I: FORM_FILLING (pyHanko 0.38 allows
  /V, /AS, /AP but not /I, which every viewer writes for a choice field);
- a radio button or check box whose widgets are the field's /Kids switched to another state (a kid's /AS
  set to one of its own appearance states): FORM_FILLING;
- a new visible signature field after a certification signature that allows signing (DocMDP P=2/3; ISO
  32000-1 12.8.2.2 "filling in forms … and signing"): as pyHanko clears it after an approval signature.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    FieldComparisonContext,
    FieldMDPRule,
    FormUpdate,
    FormUpdatingRule,
    GenericFieldModificationRule,
    ModificationLevel,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
)
from pyhanko.sign.diff_analysis.commons import compare_dicts
from pyhanko.sign.diff_analysis.constants import VALUE_UPDATE_KEYS

from .objects import deref, existed

# Markup annotations (ISO 32000-1 12.5.6) a reader adds as comments or stamps; Popup travels with them.
MARKUP_SUBTYPES = frozenset(
    "/" + s
    for s in (
        "Text",
        "FreeText",
        "Line",
        "Square",
        "Circle",
        "Polygon",
        "PolyLine",
        "Highlight",
        "Underline",
        "Squiggly",
        "StrikeOut",
        "Stamp",
        "Caret",
        "Ink",
        "Popup",
    )
)
MAX_PAGES = 10_000


def _ref(indirect: Any) -> generic.Reference:
    return generic.Reference(indirect.idnum, indirect.generation)


def page_refs(node: Any, depth: int = 0) -> Iterator[Any]:
    """The page objects (as indirect references) under a page-tree node, depth- and count-bounded."""
    if depth > 32 or not isinstance(node, generic.IndirectObject):
        return
    obj: Any = deref(node)
    if obj.get("/Type") == "/Page":
        yield node
    elif "/Kids" in obj:
        kids = obj["/Kids"]
        for i in range(min(len(kids), MAX_PAGES)):
            yield from page_refs(kids.raw_get(i), depth + 1)


def annots(page: Any) -> list[Any]:
    """The entries of a page's /Annots as written; a direct annotation dictionary is refused."""
    raw = page.raw_get("/Annots") if "/Annots" in page else None
    if raw is None:
        return []
    items = raw.get_object()
    entries = [items.raw_get(i) for i in range(len(items))]
    if not all(isinstance(a, generic.IndirectObject) for a in entries):
        raise ValueError("direct annotation")
    return entries


class AddedAnnotationRule(QualifiedWhitelistRule):
    """Markup annotations appended to a page's /Annots, with their new dependencies: ANNOTATIONS."""

    def apply_qualified(self, old: Any, new: Any) -> Iterable[tuple[ModificationLevel, ReferenceUpdate]]:
        changed = set(new.explicit_refs_in_revision())
        try:
            pages = list(page_refs(new.root.raw_get("/Pages")))
        except Exception:
            return
        for page_ref in pages:
            try:
                cleared = self._page(old, new, _ref(page_ref), changed)
            except Exception:  # whatever cannot be read stays unexplained
                continue
            for ref in cleared:
                yield ModificationLevel.ANNOTATIONS, ReferenceUpdate(ref)

    @staticmethod
    def _page(old: Any, new: Any, ref: generic.Reference, changed: set[Any]) -> list[generic.Reference]:
        if not existed(old, ref):
            return []  # a new page is never an annotation
        old_page, new_page = old(ref), new(ref)
        old_raw, new_raw = old_page.get("/Annots"), new_page.get("/Annots")
        updated: list[generic.Reference] = []
        if ref in changed:
            compare_dicts(old_page, new_page, frozenset({"/Annots"}))  # raises if anything else changed
            updated.append(ref)
        raw = new_page.raw_get("/Annots") if "/Annots" in new_page else None
        if isinstance(raw, generic.IndirectObject) and _ref(raw) in changed:
            updated.append(_ref(raw))
        if not updated or (old_raw is None and new_raw is None):
            return []
        before = [_ref(a) for a in annots(old_page)]
        after = [_ref(a) for a in annots(new_page)]
        added = after[len(before) :]
        if after[: len(before)] != before or not added:
            return []
        cleared = list(updated)
        for annot_ref in added:
            if existed(old, annot_ref):
                return []
            annot = new(annot_ref)
            if annot.get("/Subtype") not in MARKUP_SUBTYPES or "/FT" in annot:
                return []
            cleared.append(annot_ref)
            for key in ("/AP", "/Popup"):
                if key in annot:
                    deps = new.collect_dependencies(annot.raw_get(key), since_revision=old.revision + 1)
                    cleared.extend(deps)
        return cleared


class ChildWidgetStateRule(FieldMDPRule):
    """A button field's kid widgets switched to another of their own appearance states: FORM_FILLING."""

    def apply(self, context: FieldComparisonContext) -> Iterable[tuple[ModificationLevel, FormUpdate]]:
        new: Any = context.new
        changed = set(new.explicit_refs_in_revision())
        for fq_name, spec in context.field_specs.items():
            if spec.field_type != "/Btn" or not spec.old_field_ref or not spec.new_field_ref:
                continue
            new_field = spec.new_field
            if new_field is None or "/Kids" not in new_field:
                continue
            for kid in new_field["/Kids"]:
                kid_ref = _ref(kid) if isinstance(kid, generic.IndirectObject) else None
                if kid_ref is None or kid_ref not in changed or not existed(context.old, kid_ref):
                    continue
                old_kid, new_kid = context.old(kid_ref), context.new(kid_ref)
                if "/T" in new_kid:
                    continue  # a field of its own, judged by the other rules
                compare_dicts(old_kid, new_kid, frozenset({"/AS"}))
                states = new_kid.get("/AP", {}).get("/N", {})
                if new_kid.get("/AS") not in (*states.keys(), "/Off"):
                    continue
                yield (
                    ModificationLevel.FORM_FILLING,
                    FormUpdate(updated_ref=kid_ref, field_name=fq_name),
                )


def diff_policy(legacy_rules: Iterable[QualifiedWhitelistRule] = ()) -> StandardDiffPolicy:
    """pyHanko's default policy with the rules above (and ``legacy_rules``, e.g. the engine's own)."""
    return StandardDiffPolicy(
        global_rules=[*DEFAULT_DIFF_POLICY.global_rules, *legacy_rules, AddedAnnotationRule()],
        form_rule=FormUpdatingRule(
            field_rules=[
                SigFieldCreationRule(allow_new_visible_after_certify=True),  # type: ignore[no-untyped-call]
                SigFieldModificationRule(),
                GenericFieldModificationRule(value_update_keys=VALUE_UPDATE_KEYS | {"/I"}),
                ChildWidgetStateRule(),
            ],
        ),
    )
