"""Compare what a signed revision shows with what the file shows now, page by page, with PDFium.

A difference analysis of objects can explain every changed object and still miss what a reader sees
(a shadow attack swaps content through an object the analysis accepts), so, as EU DSS does, the pages
are also rendered: once from the signed revision (the file's bytes up to the end of the signature's
ByteRange) and once from the file as it is now, with pypdfium2 (PDFium, the renderer of Chromium), in
grey at a modest resolution. Pixels are compared outside the rectangles of annotations added after
signing (a comment or an incoming stamp is meant to be seen; what it covers is reported separately).

The check is bounded: at most ``max_pages`` pages, at most ``max_pixels`` pixels per page (the scale is
lowered for big pages), and ``time_limit_s`` per document; what was not compared is reported as such,
never as "same". It is meant to run only when a signature is followed by changes that can be drawn.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import ShownCheck
from ..native import PDFIUM_LOCK  # PDFium is not thread-safe; Dask workers run threads

# The renderer's anti-aliasing can bleed a pixel or two past an annotation's rectangle.
MARGIN_PX = 2
WHITE = 0xFF
# A grey pixel counts as ink below this value (anti-aliased page edges stay near white).
INK_BELOW = 0xF0


@dataclass(frozen=True)
class VisualLimits:
    """Bounds of one document's visual check."""

    max_pages: int = 20
    max_pixels: int = 600_000  # per page and revision: an A4 page at ~72 dpi
    dpi: float = 72.0
    time_limit_s: float = 10.0


@dataclass(frozen=True)
class Rect:
    """A rectangle in PDF user space (points): left, bottom, right, top."""

    left: float
    bottom: float
    right: float
    top: float


@dataclass(frozen=True)
class AddedAnnotation:
    """An annotation the current file draws on a page and the signed revision does not have."""

    subtype: str  # e.g. "Stamp", "FreeText"
    rect: Rect
    covers_signed_content: bool  # signed ink under its rectangle, and it draws over it


@dataclass(frozen=True)
class PageVisual:
    """One page compared."""

    page: int  # 1-based
    differs: bool  # pixels outside the added annotations differ
    changed_pixels: int
    added: tuple[AddedAnnotation, ...]


@dataclass(frozen=True)
class VisualCheck:
    """The outcome for one signature: per page, and the words an auditor reads."""

    status: ShownCheck
    pages: tuple[PageVisual, ...]
    reason: str
    seconds: float

    @property
    def covers_signed_content(self) -> bool:
        return any(a.covers_signed_content for p in self.pages for a in p.added)


def compare_revisions(
    signed: bytes,
    current: bytes,
    limits: VisualLimits | None = None,
    explained: Sequence[tuple[int, Rect]] = (),
) -> VisualCheck:
    """Render ``signed`` (a signed revision) and ``current`` and compare them page by page.

    ``explained``: (1-based page, rectangle) pairs whose change a permitted change explains besides the
    added annotations (a form field filled after signing), excluded from the comparison too.
    """
    limits = limits or VisualLimits()
    start = time.monotonic()
    try:
        with PDFIUM_LOCK, _open(signed) as old_doc, _open(current) as new_doc:
            return _compare(old_doc, new_doc, limits, explained, start)
    except pdfium.PdfiumError as exc:
        return VisualCheck(
            ShownCheck.NOT_RENDERED,
            (),
            f"the pages could not be rendered ({exc})",
            time.monotonic() - start,
        )


@contextmanager
def _open(data: bytes) -> Iterator[pdfium.PdfDocument]:
    doc = pdfium.PdfDocument(data)
    doc.init_forms()  # without a form environment PDFium leaves widgets (form fields) undrawn
    try:
        yield doc
    finally:
        doc.close()


def _compare(
    old_doc: pdfium.PdfDocument,
    new_doc: pdfium.PdfDocument,
    limits: VisualLimits,
    explained: Sequence[tuple[int, Rect]],
    start: float,
) -> VisualCheck:
    old_count, new_count = len(old_doc), len(new_doc)
    pages: list[PageVisual] = []
    words: list[str] = []
    if old_count != new_count:
        words.append(f"the page count changed from {old_count} to {new_count}")
    complete = True
    for index in range(min(old_count, new_count)):
        if index >= limits.max_pages or time.monotonic() - start > limits.time_limit_s:
            complete = False
            break
        extra = [r for p, r in explained if p == index + 1]
        pages.append(_compare_page(old_doc[index], new_doc[index], limits, extra, index + 1))
    differing = [p.page for p in pages if p.differs]
    if differing:
        words.append(
            "what is shown differs from what was signed on page(s) " + ", ".join(map(str, differing))
        )
    covering = [p.page for p in pages if any(a.covers_signed_content for a in p.added)]
    if covering:
        words.append(
            "an annotation added after signing covers signed content on page(s) "
            + ", ".join(map(str, covering))
        )
    seconds = time.monotonic() - start
    if old_count != new_count or differing:
        return VisualCheck(ShownCheck.DIFFERS, tuple(pages), "; ".join(words), seconds)
    if not complete:
        words.append(f"compared {len(pages)} of {old_count} page(s) within the limits; the rest not checked")
        return VisualCheck(ShownCheck.INCOMPLETE, tuple(pages), "; ".join(words), seconds)
    words.insert(0, f"{len(pages)} page(s) show the same as signed outside the added annotations")
    return VisualCheck(ShownCheck.SAME, tuple(pages), "; ".join(words), seconds)


@dataclass(frozen=True)
class _Raster:
    """A grey rendering: one byte per pixel, ``stride`` bytes per row."""

    width: int
    height: int
    stride: int
    pixels: bytes


def _compare_page(
    old_page: pdfium.PdfPage, new_page: pdfium.PdfPage, limits: VisualLimits, extra: list[Rect], number: int
) -> PageVisual:
    width, height = new_page.get_size()
    scale = min(limits.dpi / 72.0, (limits.max_pixels / max(width * height, 1.0)) ** 0.5)
    old_annots = set(_annotations(old_page))
    added_annots = [a for a in _annotations(new_page) if a not in old_annots]
    old_full, new_full = _render(old_page, scale, True), _render(new_page, scale, True)
    boxes = [_to_pixels(new_page, new_full, r) for _, r in added_annots] + [
        _to_pixels(new_page, new_full, r) for r in extra
    ]
    changed = _changed_outside(old_full, new_full, boxes)
    added: list[AddedAnnotation] = []
    if added_annots:
        old_bare = _render(old_page, scale, False)
        for (subtype, rect), box in zip(added_annots, boxes, strict=False):
            covers = _has_ink(old_bare, box) and _changed_inside(old_full, new_full, box)
            added.append(AddedAnnotation(subtype, rect, covers))
    return PageVisual(number, changed > 0, changed, tuple(added))


def _render(page: pdfium.PdfPage, scale: float, annotations: bool) -> _Raster:
    bitmap = page.render(scale=scale, grayscale=True, draw_annots=annotations, may_draw_forms=annotations)
    try:
        return _Raster(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer))
    finally:
        bitmap.close()


_SUBTYPES = {
    getattr(pdfium_c, name): name.removeprefix("FPDF_ANNOT_").title().replace("text", "Text")
    for name in dir(pdfium_c)
    if name.startswith("FPDF_ANNOT_") and isinstance(getattr(pdfium_c, name), int)
}


def _annotations(page: pdfium.PdfPage) -> list[tuple[str, Rect]]:
    """The page's annotations as (subtype, rectangle), in PDF user space."""
    found: list[tuple[str, Rect]] = []
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            rect = pdfium_c.FS_RECTF()
            if pdfium_c.FPDFAnnot_GetRect(annot, ctypes.byref(rect)):
                subtype = _SUBTYPES.get(pdfium_c.FPDFAnnot_GetSubtype(annot), "Unknown")
                box = Rect(
                    min(rect.left, rect.right),
                    min(rect.bottom, rect.top),
                    max(rect.left, rect.right),
                    max(rect.bottom, rect.top),
                )
                found.append((subtype, box))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return found


def _to_pixels(page: pdfium.PdfPage, raster: _Raster, rect: Rect) -> tuple[int, int, int, int]:
    """The rectangle in the raster's pixels (x0, y0, x1, y1; end exclusive), widened by MARGIN_PX."""
    xs, ys = [], []
    for px, py in ((rect.left, rect.bottom), (rect.right, rect.top)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(
            page.raw, 0, 0, raster.width, raster.height, 0, px, py, ctypes.byref(dx), ctypes.byref(dy)
        )
        xs.append(dx.value)
        ys.append(dy.value)
    x0, x1 = max(min(xs) - MARGIN_PX, 0), min(max(xs) + MARGIN_PX + 1, raster.width)
    y0, y1 = max(min(ys) - MARGIN_PX, 0), min(max(ys) + MARGIN_PX + 1, raster.height)
    return x0, y0, x1, y1


def _row(raster: _Raster, y: int) -> bytes:
    return raster.pixels[y * raster.stride : y * raster.stride + raster.width]


def _changed_outside(old: _Raster, new: _Raster, boxes: list[tuple[int, int, int, int]]) -> int:
    """How many pixels differ outside ``boxes`` (a different page size counts every pixel)."""
    if (old.width, old.height) != (new.width, new.height):
        return new.width * new.height
    changed = 0
    for y in range(new.height):
        a, b = _row(old, y), _row(new, y)
        if a == b:
            continue
        masked = sorted((x0, x1) for x0, y0, x1, y1 in boxes if y0 <= y < y1)
        x = 0
        for x0, x1 in [*masked, (new.width, new.width)]:
            if x0 > x:
                changed += sum(1 for p, q in zip(a[x:x0], b[x:x0], strict=True) if p != q)
            x = max(x, x1)
    return changed


def _changed_inside(old: _Raster, new: _Raster, box: tuple[int, int, int, int]) -> bool:
    if (old.width, old.height) != (new.width, new.height):
        return True
    x0, y0, x1, y1 = box
    return any(_row(old, y)[x0:x1] != _row(new, y)[x0:x1] for y in range(y0, y1))


def _has_ink(raster: _Raster, box: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = box
    return any(min(_row(raster, y)[x0:x1], default=WHITE) < INK_BELOW for y in range(y0, y1))
