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

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from pyhanko.pdf_utils.reader import PdfFileReader

from ..model import ChangeCategory, Changes, Indication, ShownCheck, SignatureResult, SubIndication
from .guards import xref_overclaim
from .revision_changes import SignatureChanges

if TYPE_CHECKING:  # visual.py loads PDFium (~60 ms, ~9 MB): only when a visual check runs
    from .visual import VisualCheck, VisualLimits

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
UNREADABLE_AFTER_WORDS = (
    "the file after the signed revision cannot be read: what a reader shows cannot be checked against what "
    "was signed"
)
OBJECT_AFTER_WORDS = (
    "an object is defined after the file's last revision, outside every cross-reference section: readers "
    "that rebuild the cross-reference table show it instead of what was signed"
)
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]")
_OBJECT = re.compile(rb"(?<![0-9])\d{1,10}\s+\d{1,5}\s+obj\b")
_EOF = b"%%EOF"
MAX_CANDIDATES = 8  # signed revisions tried, longest first (each is parsed)


@dataclass(frozen=True)
class AfterSigning:
    """One signature's later changes: the review and, if it ran, the visual check."""

    changes: SignatureChanges
    visual: VisualCheck | None  # None: not needed (nothing drawable follows, or a change is refused)

    @property
    def shown_differs(self) -> bool:
        """A visible difference that the permitted changes do not explain (the signature is invalid)."""
        return self.visual is not None and self.visual.status == ShownCheck.DIFFERS


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
    from .visual import Rect, compare_revisions

    explained = [(page, Rect(*box)) for r in changes.revisions for page, box in r.filled_widgets]
    visual = compare_revisions(data[:signed_end], data, limits, explained)
    return AfterSigning(changes, visual)


def object_after_last_revision(data: bytes) -> bool:
    """Whether an object definition (``N G obj``) follows the file's last %%EOF (an incremental-saving
    attack without a cross-reference section: pyHanko never sees it, a repairing reader does)."""
    end = data.rfind(_EOF)
    return end >= 0 and _OBJECT.search(data, end + len(_EOF)) is not None


def readable_signed_revisions(data: bytes) -> list[int]:
    """Where the signed revisions of a file that cannot be read whole end, for those that can be read
    alone: the end (second range's end) of each /ByteRange found in the bytes, shorter than the file,
    whose prefix pyHanko reads; longest first. For a file whose later revisions are broken, these are
    the revisions whose signatures can still be judged (and the change after them refused)."""
    return list(iter_readable_signed_revisions(data))


def iter_readable_signed_revisions(data: bytes) -> Iterator[int]:
    """:func:`readable_signed_revisions` one at a time (the engine stops at the first it can judge). A
    prefix whose cross-reference stream over-claims is skipped unparsed, as the engine's own opening
    refuses it (guards.xref_overclaim: a lenient parse of it can take gigabytes)."""
    ends = sorted(
        {int(m.group(3)) + int(m.group(4)) for m in _BYTE_RANGE.finditer(data)},
        reverse=True,
    )
    for end in [e for e in ends if 0 < e < len(data)][:MAX_CANDIDATES]:
        if xref_overclaim(data[:end]) is not None:
            continue
        try:
            _ = PdfFileReader(BytesIO(data[:end]), strict=False).root
        except Exception:
            continue
        yield end


def refused_after(result: SignatureResult, words: str) -> SignatureResult:
    """``result`` with what follows its signed revision refused (TOTAL_FAILED / FORMAT_FAILURE, as EU DSS
    treats a modification failure), unless it already failed for its own reason."""
    if result.indication == Indication.TOTAL_FAILED:
        return result
    return dataclasses.replace(
        result,
        changes=Changes.DISALLOWED,
        changes_reason=words,
        change_categories=(*result.change_categories, ChangeCategory.UNDEFINED),
        indication=Indication.TOTAL_FAILED,
        sub_indication=SubIndication.FORMAT_FAILURE,
        reason=f"disallowed change after signing: {words}",
    )
