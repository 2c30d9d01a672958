"""What happened after one signature: the change review, and the visual check when it is needed.

The visual check (visual.py) runs only when the revisions after the signature are all permitted and at
least one of them can draw something: a form fill, a comment, an incoming stamp. Validation data and
document timestamps draw nothing, and a later signature's own appearance is covered by that later
signature, so a document signed twice with nothing after (the common case, and the benchmark's)
renders nothing. A refused change needs no rendering to be refused.

The check compares the pages outside the added annotations and outside the widgets of fields filled
from empty (revision_changes.RevisionChange.filled_widgets): whatever else differs is a change the
permitted categories do not explain.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import ChangeCategory
from .revision_changes import SignatureChanges
from .visual import Rect, VisualCheck, VisualLimits, VisualStatus, compare_revisions

# Categories whose revisions can change what a page shows.
DRAWABLE = frozenset(
    {
        ChangeCategory.FORM_FILL,
        ChangeCategory.ANNOTATION,
        ChangeCategory.INCOMING_STAMP,
        ChangeCategory.UNDEFINED,
    }
)
SHOWN_DIFFERS_WORDS = "what is shown differs from what was signed"


@dataclass(frozen=True)
class AfterSigning:
    """One signature's later changes: the review and, if it ran, the visual check."""

    changes: SignatureChanges
    visual: VisualCheck | None  # None: not needed (nothing drawable follows, or a change is refused)

    @property
    def shown_differs(self) -> bool:
        """A visible difference that the permitted changes do not explain (the signature is invalid)."""
        return self.visual is not None and self.visual.status == VisualStatus.DIFFERS


def needs_visual_check(changes: SignatureChanges) -> bool:
    """Whether rendering can tell anything the review has not: permitted changes that can draw."""
    return changes.allowed and any(r.categories & DRAWABLE for r in changes.revisions)


def after_signing(
    data: bytes, signed_end: int, changes: SignatureChanges, limits: VisualLimits | None = None
) -> AfterSigning:
    """``changes`` for the signature whose signed revision is ``data[:signed_end]``, with the visual
    check of that revision against ``data`` when :func:`needs_visual_check` says so."""
    if not needs_visual_check(changes) or not 0 < signed_end <= len(data):
        return AfterSigning(changes, None)
    explained = [(page, Rect(*box)) for r in changes.revisions for page, box in r.filled_widgets]
    visual = compare_revisions(data[:signed_end], data, limits, explained)
    return AfterSigning(changes, visual)
