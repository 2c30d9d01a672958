"""Reading the text layer of a document's first and last pages with PDFium (pypdfium2).

PDFium gives the page's text runs with their boxes; runs are put back into lines, and each line into
the two columns of the Decree 30 layout (issuing agency, number and ``Nơi nhận`` on the left; national
motto, place-and-date and signing block on the right), so that "UBND HUYỆN X" and "CỘNG HÒA XÃ HỘI…"
printed side by side are not read as one line. A run typed in a TCVN3 (ABC) font is converted to
Unicode before the lines are built (tcvn3.py says how it is recognised). Bounded: at most two pages,
a number of characters per page and a time budget (checked between pages; one page of PDFium work
cannot be interrupted, which is what the worker's own deadline is for).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from ..model import TextStatus
from ..native import PDFIUM_LOCK
from .tcvn3 import convert_runs


@dataclass(frozen=True)
class TextLimits:
    """Bounds on the text step, per document."""

    max_chars: int = 20_000  # per page: a Decree 30 page holds ~3,000
    max_runs: int = 2_000  # text runs per page, for the column layout
    time_s: float = 5.0  # no further page is started past this
    min_size: float = 3.0  # points: smaller text, or text outside the page, cannot be read on it
    max_field: int = 500  # characters per field read (a name, place, subject: a line or two)
    max_recipients: int = 200  # names kept from the Nơi nhận / Kính gửi lists (some dozens in practice)


@dataclass(frozen=True)
class Page:
    """One page's text: its lines in reading order, and the lines of its left and right columns.

    A run spanning the middle of the page (body text) is in ``lines`` only. ``converted`` counts the
    runs (or, from plain text, the lines) read as TCVN3 and converted to Unicode.
    """

    number: int  # 1-based
    lines: tuple[str, ...]
    left: tuple[str, ...]
    right: tuple[str, ...]
    converted: int = 0

    @classmethod
    def single(cls, text: str, number: int = 1) -> Page:
        """A page from plain text with no column information: every line is in both columns; lines
        typed in TCVN3 are converted, each line taken as one run."""
        read, converted = convert_runs([line.strip() for line in text.splitlines() if line.strip()])
        lines = tuple(read)
        return cls(number, lines, lines, lines, converted)

    @property
    def empty(self) -> bool:
        return not self.lines


@dataclass(frozen=True)
class PagesRead:
    """The outcome of reading: the pages, or why none could be read."""

    status: TextStatus
    detail: str
    page_count: int
    pages: tuple[Page, ...]


def read_pages(data: bytes, limits: TextLimits | None = None) -> PagesRead:
    """The first and last pages' text (one page when the document has one); never raises. One PDFium
    user at a time per process (:mod:`sigaudit.native`)."""
    with PDFIUM_LOCK:
        return _read_pages(data, limits)


def _read_pages(data: bytes, limits: TextLimits | None) -> PagesRead:
    import pypdfium2 as pdfium  # loaded in the workers only, where documents are read

    limits = limits or TextLimits()
    started = time.monotonic()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return PagesRead(TextStatus.NOT_READ, f"PDFium cannot open the file: {exc}", 0, ())
    try:
        count = len(pdf)
        wanted = sorted({0, count - 1}) if count else []
        pages: list[Page] = []
        for index in wanted:
            if time.monotonic() - started > limits.time_s:
                return PagesRead(
                    TextStatus.NOT_READ,
                    f"text reading stopped after {limits.time_s:g} s",
                    count,
                    tuple(pages),
                )
            pages.append(_page(pdf, index, limits))
    except pdfium.PdfiumError as exc:
        return PagesRead(TextStatus.NOT_READ, f"PDFium cannot read a page: {exc}", 0, ())
    finally:
        pdf.close()
    if not pages:
        return PagesRead(TextStatus.NOT_READ, "the document has no pages", count, ())
    empty = [p.number for p in pages if p.empty]
    if len(empty) == len(pages):
        words = "page " + " and ".join(str(n) for n in empty)
        return PagesRead(TextStatus.NO_TEXT_LAYER, f"{words}: no text layer (a scan without OCR?)", count, ())
    detail = f"page {empty[0]} has no text layer" if empty else ""
    return PagesRead(TextStatus.READ, detail, count, tuple(pages))


@dataclass(frozen=True)
class _Run:
    left: float
    bottom: float
    right: float
    top: float
    text: str


def _page(pdf: object, index: int, limits: TextLimits) -> Page:
    page = pdf[index]  # type: ignore[index]
    try:
        shown = tuple(float(v) for v in page.get_bbox())  # what a viewer or printer shows (crop box)
        textpage = page.get_textpage()
        try:
            runs = _runs(textpage, limits, shown)
        finally:
            textpage.close()
    finally:
        page.close()
    texts, converted = convert_runs([run.text for run in runs])
    if converted:
        runs = [_Run(r.left, r.bottom, r.right, r.top, text) for r, text in zip(runs, texts, strict=True)]
    # The columns split the crop box in user space, where the words' boxes are: a page turned by its
    # /Rotate has its displayed width (page.get_width()) along the other axis, and read "CHỦ TỊCH" of
    # the signing block as a recipient.
    return _columns(runs, shown[0], shown[2], index + 1, converted)


def _runs(textpage: object, limits: TextLimits, shown: tuple[float, ...] = ()) -> list[_Run]:
    """The page's words put into runs: same baseline, no large gap, in the content's order; a word
    outside ``shown`` (left, bottom, right, top) or under ``limits.min_size`` is left out, as no reader
    sees it (a second "Nơi nhận" above the page made a letter sent to other bodies look internal).

    PDFium's own text rectangles may overlap on tight line spacing (its bounded text then mixes two
    lines), so the words are placed by their characters' boxes and baseline: the first and last
    character of each word (measured: a tenth of the calls of placing every character)."""
    import ctypes

    import pypdfium2.raw as raw

    handle = textpage.raw  # type: ignore[attr-defined]
    count = min(raw.FPDFText_CountChars(handle), limits.max_chars)
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    raw.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: count * 2].decode("utf-16-le", errors="replace")  # one unit per character index
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.byref(x), ctypes.byref(y)
    pl, pr, pb, pt = ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top)
    box_of, origin_of, size_of = raw.FPDFText_GetCharBox, raw.FPDFText_GetCharOrigin, raw.FPDFText_GetFontSize
    runs: list[_Run] = []
    words: list[str] = []
    box: list[float] = []  # left, bottom, right, top of the run being built
    baseline = size = 0.0
    for found in re.finditer(r"[^\s\ufffe]+", text):
        first, last = found.start(), found.end() - 1
        box_of(handle, first, pl, pr, pb, pt)
        word_left, word_bottom, word_top = left.value, bottom.value, top.value
        origin_of(handle, first, px, py)
        box_of(handle, last, pl, pr, pb, pt)
        word_right = max(right.value, word_left)
        tiny = word_top - word_bottom < limits.min_size  # font size asked only then (of every word: +7% CPU)
        if (tiny and 0 < size_of(handle, first) < limits.min_size) or (
            shown and _outside((word_left, word_bottom, word_right, word_top), shown)
        ):
            continue
        if box and (
            abs(y.value - baseline) > 0.3 * size
            or word_left < box[2] - size  # back to the left: another column or line
            or word_left - box[2] > 1.5 * size  # a wide gap: the other column
        ):
            runs.append(_Run(box[0], box[1], box[2], box[3], " ".join(words)))
            words.clear()
            box.clear()
            if len(runs) >= limits.max_runs:
                return runs
        if not box:
            box.extend((word_left, word_bottom, word_right, word_top))
            baseline, size = y.value, size_of(handle, first) or 10.0
        else:
            box[:] = [min(box[0], word_left), min(box[1], word_bottom), max(box[2], word_right),
                      max(box[3], word_top)]  # fmt: skip
        words.append(found.group())
    if words:
        runs.append(_Run(box[0], box[1], box[2], box[3], " ".join(words)))
    return runs


def _outside(box: tuple[float, float, float, float], shown: tuple[float, ...]) -> bool:
    return box[2] < shown[0] or box[3] < shown[1] or box[0] > shown[2] or box[1] > shown[3]


def _columns(runs: list[_Run], page_left: float, page_right: float, number: int, converted: int = 0) -> Page:
    """Group runs into lines (by their vertical overlap) and lines into the two columns."""
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        middle = (run.top + run.bottom) / 2
        line = next((ln for ln in lines if ln[0].bottom <= middle <= ln[0].top), None)
        if line is None:
            lines.append([run])
        else:
            line.append(run)
    width = page_right - page_left
    middle_x = page_left + width / 2
    all_lines, left, right = [], [], []
    for line in lines:
        line.sort(key=lambda r: r.left)
        all_lines.append(" ".join(r.text for r in line))
        lefts = [r.text for r in line if r.right <= middle_x + width * 0.05]
        rights = [r.text for r in line if r.left >= middle_x - width * 0.05 and r.right > middle_x]
        if lefts:
            left.append(" ".join(lefts))
        if rights:
            right.append(" ".join(rights))
    return Page(number, tuple(all_lines), tuple(left), tuple(right), converted)
