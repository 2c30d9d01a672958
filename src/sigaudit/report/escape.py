"""One escaping function per sink for text that comes from documents: terminal, CSV, XML, HTML.

Everything a document or its metadata supplies (file and member names, signature field names, signer
names, manifest and register cells, reasons that quote them) is untrusted to the last byte. Each sink
has its own danger, so each has its own function here, and every formatter routes such text through it:

- **terminal** (:func:`terminal`, :func:`rich_text`): C0/C1 control characters start ANSI/OSC escape
  sequences (colours, cursor moves, hyperlinks, window titles), bidi controls reorder what is shown and
  zero-width characters hide a difference, so all are replaced by a *visible* escape (``\\x1b``,
  ``\\u202e``, ``\\u200b``). Visible rather than U+FFFD: the reader sees what the name really holds,
  and two names that differ only there stay different. Text given to rich is also a
  :class:`rich.text.Text`, never markup, so ``[/x]`` or ``[link=…]`` is text.
- **CSV/spreadsheet** (:func:`csv_cell`, :class:`RFC4180`): RFC 4180 (CRLF line ends; a field with
  CR, LF, a quote or the delimiter is quoted), so a CR in a cell cannot start a forged row; and a cell
  a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR — the
  OWASP list) gets a leading ``'`` unless the caller asks for raw cells.
- **XML** (:func:`xml_text`, :func:`xml_bytes`): characters XML 1.0 cannot hold at all (most C0
  controls, lone surrogates, U+FFFE/U+FFFF) become visible escapes; a CR is written as ``&#13;`` so a
  parser reads it back as CR, not as a line end.
- **HTML** (:func:`html_text`): Jinja's autoescape handles ``<&>"'``; this replaces the controls,
  zero-width characters and bidi overrides that HTML shows invisibly or lets reorder a name (Jinja's
  ``finalize`` applies it).
- **Excel workbook** (:func:`xlsx_text`): the cell is always written as a string (the workbook
  formatter sets its type, so ``=HYPERLINK(…)`` stays text); this makes visible the controls and bidi
  characters a sheet cannot hold or would reorder, and cuts text at Excel's 32,767 characters a cell.
"""

from __future__ import annotations

import csv
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is loaded only when something is printed with it
    from rich.text import Text

__all__ = [
    "FORMULA_START",
    "RFC4180",
    "csv_cell",
    "html_text",
    "pdf_text",
    "rich_text",
    "terminal",
    "visible",
    "xlsx_text",
    "xml_bytes",
    "xml_text",
]

# Bidirectional formatting characters (Unicode UAX #9): embeddings and overrides U+202A–202E, isolates
# U+2066–2069, the marks U+200E/U+200F and U+061C; with the line and paragraph separators U+2028/2029,
# which some terminals and viewers take for line ends.
_BIDI = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# Characters that take no width (zero-width space, joiners, word joiner, invisible operators, BOM, soft
# hyphen, Mongolian vowel separator): "Sơn\u200b Vi" looks like "Sơn Vi" and is another name.
_INVISIBLE = "\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff"
_TERMINAL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}]")
_HTML = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}]"
)  # tab and LF are plain whitespace there
# What XML 1.0 (§2.2 Char) cannot hold, even as a character reference.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV Injection"
XLSX_CELL_MAX = 32767  # characters Excel shows in one cell (a longer one makes it "repair" the file)
_XLSX_MORE = "…[cut]"


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str, pattern: re.Pattern[str] = _TERMINAL) -> str:
    """``text`` with every character ``pattern`` matches written as Python writes it in a string:
    ``\\t``, ``\\n``, ``\\r``, else ``\\xHH`` or ``\\uHHHH``."""
    return pattern.sub(_escape, text)


def terminal(text: str) -> str:
    """Untrusted text made safe to print on a terminal: no control or bidi character reaches it."""
    return visible(text, _TERMINAL)


def rich_text(text: str, style: str = "") -> Text:
    """Untrusted text for rich: its controls made visible, and a ``Text`` so no markup is parsed."""
    from rich.text import Text

    return Text(terminal(text), style=style)


def csv_cell(value: str, raw: bool = False) -> str:
    """A cell for a spreadsheet: a leading ``'`` when it would start a formula, unless ``raw``."""
    if not raw and value.startswith(FORMULA_START):
        return "'" + value
    return value


class RFC4180(csv.excel):
    """RFC 4180 CSV: comma, CRLF line ends, and any field holding CR, LF, a quote or a comma quoted.

    Python's ``excel`` dialect already is this; the point is never to override its line terminator
    (with ``"\\n"``, a field holding a bare CR is written unquoted and an RFC 4180 reader sees a new row).
    """

    lineterminator = "\r\n"


def xml_text(text: str) -> str:
    """Untrusted text for an XML element or attribute: what XML 1.0 forbids becomes a visible escape."""
    return visible(text, _XML_FORBIDDEN)


def xml_bytes(serialized: bytes) -> bytes:
    """An ElementTree serialisation with the CRs of text content as ``&#13;``, so a parser reads them
    back as CR (a raw CR would be normalised to a line feed, XML 1.0 §2.11). Attributes are already
    escaped by ElementTree; the document itself writes no CR of its own."""
    return serialized.replace(b"\r", b"&#13;")


def html_text(text: str) -> str:
    """Untrusted text for an HTML page (before Jinja's autoescape): controls and bidi made visible."""
    return visible(text, _HTML)


def xlsx_text(text: str) -> str:
    """Untrusted text for a workbook cell written as a string: the characters openpyxl refuses (C0
    controls but tab, LF, CR), bidi controls and zero-width characters made visible, and at most
    :data:`XLSX_CELL_MAX`."""
    shown = visible(text, _HTML)
    if len(shown) > XLSX_CELL_MAX:
        shown = shown[: XLSX_CELL_MAX - len(_XLSX_MORE)] + _XLSX_MORE
    return shown


def pdf_text(text: str) -> str:
    """Untrusted text for the PDF report: controls, bidi and zero-width characters made visible, as in
    HTML."""
    return visible(text, _HTML)
