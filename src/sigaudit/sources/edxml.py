"""Read edXML packages (QCVN 102:2016 message format) safely and leniently.

Documents travel between document-management systems as edXML packages: a ``MessageHeader`` (sender,
recipients, number and notation, date, type, subject, signer, DocumentId), a ``TraceHeaderList`` with
the business type (new, recall, update, replace) and the attachments, base64 in the XML (the PDFs).
No public XSD is known and producers differ, so elements are found by local name whatever their
namespace or prefix, and anything missing or malformed becomes a *problem* of the package — never an
exception. See docs/domain.md#edxml-packages-between-systems.

Packages come from archives under audit and may be hostile. The XML is parsed by ``defusedxml`` with
DTDs forbidden: no DTD, no entity expansion (billion laughs), no external entity or DTD is ever read
or fetched. The parse streams: only the small tree around the attachments is built, and a package
with more elements than :data:`MAX_ELEMENTS` or more text than :data:`MAX_TEXT_CHARS` outside the
attachments is refused as soon as it passes the budget (a 500 MB file of empty elements once took
11.3 GB as a tree). Each attachment's base64 is decoded while it streams by, never held as text,
bounded by ``WalkLimits.max_file_bytes`` (counting goes on past the limit, decoding does not), and
never written to disk; attachment names are only shown.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..model import BusinessType

if TYPE_CHECKING:
    from .walk import WalkLimits

EDXML_NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
ROOT_NAME = "edXML"
# How far into a file the prologue (BOM, XML declaration, comments, DOCTYPE) may reach before the root.
SNIFF_BYTES = 64 * 1024
# Budgets of the XML around the attachments. A real package has tens to a few thousand elements (one
# To per recipient) and kilobytes of text; past these it is refused before it is read further.
MAX_ELEMENTS = 100_000
MAX_TEXT_CHARS = 8 * 1024 * 1024  # character data and attribute values, attachments' base64 excepted
# Bytes handed to the parser at a time; also expat's text buffer, so base64 arrives in pieces this big.
FEED_BYTES = 1024 * 1024


BUSINESS_CODES = {
    0: BusinessType.NEW,
    1: BusinessType.RECALL,
    2: BusinessType.UPDATE,
    3: BusinessType.REPLACE,
}

# Status messages (văn bản trạng thái): the codes docs/domain.md names. Other codes are kept as given.
STATUS_MEANINGS = {
    "01": "arrived",
    "02": "refused",
    "03": "accepted",
    "04": "awaiting assignment",
    "05": "being processed",
    "06": "done",
    "13": "recalled",
    "15": "recall/update accepted",
    "16": "recall/update refused",
}


@dataclass(frozen=True)
class Organ:
    """An agency as a package names it: its identifier code (mã định danh) and name."""

    organ_id: str | None
    name: str | None


@dataclass(frozen=True)
class Signer:
    """``SignerInfo``: the competence (e.g. TM., KT.), position and full name of who signed."""

    competence: str | None
    position: str | None
    full_name: str | None


@dataclass(frozen=True)
class StatusInfo:
    """A status message: which document it answers, the status code, its meaning and description."""

    document_id: str | None
    code: str | None
    meaning: str | None  # from STATUS_MEANINGS; None for a code docs/domain.md does not list
    description: str | None
    organ: Organ | None = None  # the agency reporting the status (the recipient of the document)


@dataclass(frozen=True)
class Attachment:
    """One ``Attachment``: its declared metadata and decoded bytes, or why there are none.

    ``name`` is what the producer wrote (untrusted); ``safe_name`` is what sigaudit shows.
    """

    index: int  # 1-based, in document order
    content_id: str | None
    name: str | None
    content_type: str | None
    description: str | None
    data: bytes | None
    problem: str | None  # why ``data`` is None (too large, not base64, no content)

    @property
    def safe_name(self) -> str:
        return safe_attachment_name(self.name or self.content_id)


@dataclass(frozen=True)
class EdxmlPackage:
    """What one edXML package says. ``parsed`` is False when the XML was refused or not well-formed;
    ``problems`` then holds the reason, and otherwise lists every missing or malformed field."""

    parsed: bool
    sender: Organ | None = None
    recipients: tuple[Organ, ...] = ()
    code_number: str | None = None
    code_notation: str | None = None
    promulgation_date: date | None = None
    promulgation_date_raw: str | None = None  # the text as written, also when it could not be parsed
    document_type: str | None = None  # DocumentType/TypeName (type codes vary between producers)
    subject: str | None = None
    signer: Signer | None = None
    document_id: str | None = None
    business_type: BusinessType | None = None
    status: StatusInfo | None = None  # set for a status message
    attachments: tuple[Attachment, ...] = ()
    problems: tuple[str, ...] = ()


# --- recognising a package ------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_NAME = re.compile(r"[^\s/>!?\[]+")


def may_open_xml(data: bytes) -> bool:
    """Whether ``data``'s first byte could open an XML prologue (a "<", a BOM or whitespace)."""
    return data[:1] in (b"<", b"\xef", b"\xff", b"\xfe") or data[:1].isspace()


def looks_like_edxml(data: bytes) -> bool:
    """True when the document element (or the DOCTYPE's declared root) is ``edXML``, any prefix.

    Only the prologue is read: an optional BOM, whitespace, the XML declaration, comments, processing
    instructions and a DOCTYPE. Content decides, not the file name.
    """
    if not may_open_xml(data):
        return False  # the common case (a PDF, a ZIP) decided without decoding anything
    head = data[:SNIFF_BYTES]
    encoding = "utf-8"
    for bom, codec in _BOMS:
        if head.startswith(bom):
            head, encoding = head[len(bom) :], codec
            break
    text = head.decode(encoding, errors="replace")
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if text.startswith("<?", pos):
            end, closer = text.find("?>", pos), "?>"
        elif text.startswith("<!--", pos):
            end, closer = text.find("-->", pos + 4), "-->"
        elif text.startswith("<!DOCTYPE", pos):
            # The DOCTYPE names the root; a package with a DTD is recognised so that it can be refused
            # with its reason rather than skipped as unknown XML.
            match = _NAME.match(text, pos + len("<!DOCTYPE") + _spaces(text, pos + len("<!DOCTYPE")))
            return match is not None and _local_name(match.group()) == ROOT_NAME
        elif text.startswith("<", pos):
            match = _NAME.match(text, pos + 1)
            return match is not None and _local_name(match.group()) == ROOT_NAME
        else:
            return False
        if end < 0:
            return False
        pos = end + len(closer)


def _spaces(text: str, pos: int) -> int:
    start = pos
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos - start


def _local_name(name: str) -> str:
    if name.startswith("{"):
        return name.rsplit("}", 1)[-1]
    return name.rsplit(":", 1)[-1]


# --- reading a package ----------------------------------------------------------------------------


def read_package(data: bytes, limits: WalkLimits) -> EdxmlPackage:
    """Parse one edXML package. Never raises for anything the bytes contain.

    The bytes are at most ``limits.max_file_bytes`` (the walk reads no larger file); besides them the
    parse holds the small tree, the budgets' worth of text and the decoded attachments.
    """
    builder = _StreamingBuilder(limits.max_file_bytes)
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.parser.buffer_size = FEED_BYTES
    try:
        for start in range(0, len(data), FEED_BYTES):
            parser.feed(data[start : start + FEED_BYTES])
        root = parser.close()
    except _Refused as exc:
        return EdxmlPackage(parsed=False, problems=(str(exc),))
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        return EdxmlPackage(parsed=False, problems=(f"XML with a DTD or entity declarations refused: {exc}",))
    except DefusedXmlException as exc:
        return EdxmlPackage(parsed=False, problems=(f"XML refused by the safe parser: {exc}",))
    except ParseError as exc:
        return EdxmlPackage(parsed=False, problems=(f"not well-formed XML: {exc}",))
    except (ValueError, LookupError) as exc:  # e.g. an unknown encoding in the XML declaration
        return EdxmlPackage(parsed=False, problems=(f"XML cannot be decoded: {exc}",))
    return _Reader(limits, builder.contents).read(root)


class _Refused(Exception):
    """The package passed a budget while being parsed; the message says which."""


class _StreamingBuilder:
    """Parser target: builds the package's tree without its attachments' base64, which is decoded as
    it streams by, and refuses the package once it passes the element or text budget.

    ``contents`` maps each ``Attachment/ContentTransferEncoded`` element to its decoded bytes or the
    reason there are none. Only the text before the element's first child is content (as ``.text``).
    """

    def __init__(self, max_attachment_bytes: int) -> None:
        self.tree = TreeBuilder()
        self.max_attachment_bytes = max_attachment_bytes
        self.elements = 0
        self.text_chars = 0
        self.names: list[str] = []  # local names of the open elements, outermost first
        self.encoded: Element | None = None  # the attachment content element being read
        self.stream: _Base64Stream | None = None  # its decoder, fed until the element's first child
        self.feeding = False
        self.contents: dict[Element, tuple[bytes | None, str | None]] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise _Refused(f"more than {MAX_ELEMENTS} XML elements; refused before reading further")
        name = _local_name(tag)
        if not self.names and name != ROOT_NAME:
            raise _Refused(f"root element is {name!r}, not edXML")
        self._count_text(sum(len(k) + len(v) for k, v in attrs.items()))
        self.feeding = False  # a child ends the content of the element it is in
        elem = self.tree.start(tag, attrs)
        if name == "ContentTransferEncoded" and self.names and self.names[-1] == "Attachment":
            self.encoded, self.stream = elem, _Base64Stream(self.max_attachment_bytes)
            self.feeding = True
        self.names.append(name)
        return elem

    def end(self, tag: str) -> Element:
        elem = self.tree.end(tag)
        self.names.pop()
        self.feeding = False
        if elem is self.encoded and self.stream is not None:
            self.contents[elem] = self.stream.result()
            self.encoded = self.stream = None
        return elem

    def data(self, text: str) -> None:
        if self.feeding and self.stream is not None:
            self.stream.feed(text)
            return
        self._count_text(len(text))
        self.tree.data(text)

    def close(self) -> Element:
        return self.tree.close()

    def _count_text(self, chars: int) -> None:
        self.text_chars += chars
        if self.text_chars > MAX_TEXT_CHARS:
            raise _Refused(
                f"more than {MAX_TEXT_CHARS} characters of text outside attachments; "
                "refused before reading further"
            )


class _Base64Stream:
    """Decodes base64 that arrives in pieces (with whitespace and line breaks anywhere, the final
    padding possibly dropped) as ``base64.b64decode(..., validate=True)`` decodes it whole, without
    ever holding the text: whole four-character groups are decoded as they come. Past ``max_bytes``
    decoded it only counts, so that the refusal can say how large the attachment is."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.chars = 0
        self.pending = ""  # the last group and any part of the next, or the tail from the first "="
        self.out: io.BytesIO | None = io.BytesIO()  # None once too large or not base64
        self.error: str | None = None

    def feed(self, text: str) -> None:
        compact = "".join(text.split())
        self.chars += len(compact)
        if self.out is None:
            return
        if self.chars * 3 // 4 > self.max_bytes:
            self.out = None
            return
        pending = self.pending + compact
        pad = pending.find("=")
        # Whole groups are decoded now, except the last and, from the group holding the first "=" on,
        # the tail: padding ends the content. The tail, after one whole group (so that the decoder does
        # not take it for the start of the content), is decoded at the end as b64decode would.
        end = len(pending) if pad < 0 else pad
        cut = max(0, end - end % 4 - 4)
        self.pending = pending[cut:]
        if cut:
            self._decode(pending[:cut])
        if pad >= 0 and len(self.pending) > 12 and self.out is not None:
            # Longer than any padded group: data after the padding, an error found now.
            self._decode(self.pending)
            self.error = self.error or "content is not valid base64 (data after the padding)"
            self.out = None

    def _decode(self, text: str) -> None:
        assert self.out is not None
        try:
            self.out.write(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError) as exc:
            self.error = f"content is not valid base64 ({exc})"
            self.out = None

    def result(self) -> tuple[bytes | None, str | None]:
        size = self.chars * 3 // 4
        if size > self.max_bytes:
            limit = self.max_bytes
            return None, f"attachment too large (about {size} bytes decoded, limit {limit}); not decoded"
        if self.out is not None and self.pending:
            self._decode(self.pending + "=" * (-len(self.pending) % 4))  # some producers drop the padding
            if self.error is not None:  # say how many characters the content has, not the tail
                whole = self.chars - self.pending.count("=")
                self.error = re.sub(r"characters \(\d+\)", f"characters ({whole})", self.error, count=1)
        if self.out is None:
            return None, self.error
        return self.out.getvalue(), None


class _Reader:
    """Pulls the fields out of a parsed tree, collecting problems as it goes."""

    def __init__(self, limits: WalkLimits, contents: dict[Element, tuple[bytes | None, str | None]]) -> None:
        self.limits = limits
        self.contents = contents  # each attachment's decoded bytes or why there are none
        self.problems: list[str] = []

    def missing(self, what: str) -> None:
        self.problems.append(f"missing {what}")

    def read(self, root: Element) -> EdxmlPackage:
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        if namespace not in ("", EDXML_NAMESPACE):
            self.problems.append(f"unexpected namespace {namespace!r}; read as edXML anyway")
        status = self.status(root)
        header = _find(root, "MessageHeader")
        if header is None and status is None:
            self.missing("MessageHeader")
        package = self.message_header(header, required=status is None)
        business_type = self.business(root, required=status is None)
        attachments = tuple(self.attachments(root))
        return dataclasses.replace(
            package,
            business_type=business_type,
            status=status,
            attachments=attachments,
            problems=tuple(self.problems),
        )

    def message_header(self, header: Element | None, required: bool) -> EdxmlPackage:
        if header is None:
            return EdxmlPackage(parsed=True)
        need = self.missing if required else (lambda _what: None)
        sender_elem = _child(header, "From")
        sender = _organ(sender_elem) if sender_elem is not None else None
        if sender is None:
            need("MessageHeader/From (sender)")
        else:
            if sender.organ_id is None:
                need("From/OrganId (sender code)")
            if sender.name is None:
                need("From/OrganName (sender name)")
        recipients = tuple(_organ(e) for e in _children(header, "To"))
        if not recipients:
            need("MessageHeader/To (recipients)")
        for n, organ in enumerate(recipients, start=1):
            if organ.organ_id is None:
                need(f"To[{n}]/OrganId (recipient code)")
        code = _child(header, "Code")
        number, notation = _text(code, "CodeNumber"), _text(code, "CodeNotation")
        if number is None:
            need("Code/CodeNumber")
        if notation is None:
            need("Code/CodeNotation")
        raw_date = _text(_child(header, "PromulgationInfo"), "PromulgationDate")
        day = parse_date(raw_date) if raw_date is not None else None
        if raw_date is None:
            need("PromulgationInfo/PromulgationDate")
        elif day is None:
            self.problems.append(f"PromulgationDate {raw_date!r} is not a date in a known form; kept as text")
        doc_type = _text(_child(header, "DocumentType"), "TypeName")
        if doc_type is None:
            need("DocumentType/TypeName")
        subject = _text(header, "Subject")
        if subject is None:
            need("Subject")
        signer_elem = _child(header, "SignerInfo")
        signer = None
        if signer_elem is not None:
            signer = Signer(
                competence=_text(signer_elem, "Competence"),
                position=_text(signer_elem, "Position"),
                full_name=_text(signer_elem, "FullName"),
            )
        if signer is None or signer.full_name is None:
            need("SignerInfo/FullName")
        document_id = _text(header, "DocumentId")
        if document_id is None:
            need("DocumentId")
        return EdxmlPackage(
            parsed=True,
            sender=sender,
            recipients=recipients,
            code_number=number,
            code_notation=notation,
            promulgation_date=day,
            promulgation_date_raw=raw_date,
            document_type=doc_type,
            subject=subject,
            signer=signer,
            document_id=document_id,
        )

    def business(self, root: Element, required: bool) -> BusinessType | None:
        # "Bussiness" is the spelling of QCVN 102:2016; the corrected spelling is accepted too.
        holder = _find(root, "Bussiness")
        if holder is None:
            holder = _find(root, "Business")
        raw = _text(holder, "BussinessDocType") or _text(holder, "BusinessDocType")
        if raw is None:
            if required:
                self.missing("TraceHeaderList/Bussiness/BussinessDocType (business type)")
            return None
        try:
            return BUSINESS_CODES[int(raw)]
        except (ValueError, KeyError):
            self.problems.append(f"unknown BussinessDocType {raw!r} (expected 0, 1, 2 or 3)")
            return None

    def status(self, root: Element) -> StatusInfo | None:
        # docs/domain.md only says that status messages carry StatusCode; the element holding it (and the
        # DocumentId it answers, its Description) is found wherever the producer put it.
        code_elem = _find(root, "StatusCode")
        if code_elem is None:
            return None
        holder = _parent_of(root, code_elem) or root
        code = _clean(code_elem.text)
        if code is None:
            self.missing("StatusCode value")
        elif not re.fullmatch(r"\d{1,2}", code):
            self.problems.append(f"malformed StatusCode {code!r}")
        elif len(code) == 1:
            code = f"0{code}"
        response = _find(holder, "ResponseFor")
        document_id = _text(response, "DocumentId") or _text(holder, "DocumentId")
        if document_id is None:
            self.missing("the DocumentId the status message answers")
        return StatusInfo(
            document_id=document_id,
            code=code,
            meaning=STATUS_MEANINGS.get(code or ""),
            description=_text(holder, "Description"),
            organ=_organ(reporter) if (reporter := _child(holder, "From")) is not None else None,
        )

    def attachments(self, root: Element) -> Iterator[Attachment]:
        for index, elem in enumerate(_iter(root, "Attachment"), start=1):
            yield self.attachment(index, elem)

    def attachment(self, index: int, elem: Element) -> Attachment:
        encoded = _child(elem, "ContentTransferEncoded")
        data: bytes | None = None
        problem: str | None = None
        if encoded is None:
            problem = "attachment has no ContentTransferEncoded element"
        else:
            data, problem = self.contents.pop(encoded, (b"", None))
        name = _text(elem, "AttachmentName")
        if name is None:
            self.missing(f"AttachmentName of attachment {index}")
        if problem is not None:
            self.problems.append(f"attachment {index} ({safe_attachment_name(name)}): {problem}")
        return Attachment(
            index=index,
            content_id=_text(elem, "ContentId"),
            name=name,
            content_type=_text(elem, "ContentType"),
            description=_text(elem, "Description"),
            data=data,
            problem=problem,
        )


_PLAIN_DATE = re.compile(r"(\d{4})([-/])(\d{2})\2(\d{2})", re.ASCII)
_DATE_FORMATS = (
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


def parse_date(raw: str) -> date | None:
    """A promulgation date in any of the forms producers write; None when none fits.

    yyyy/MM/dd is QCVN 102's own; yyyy-MM-dd, dd/MM/yyyy (Vietnamese day-first, never month-first),
    with or without a time, and ISO 8601 date-times with an offset are seen too. A date-time's date is
    taken as written (the producer's local date), not converted to UTC.
    """
    value = raw.strip()
    plain = _PLAIN_DATE.fullmatch(value)  # yyyy-mm-dd or yyyy/mm/dd: what the formats below would read
    if plain:
        with contextlib.suppress(ValueError):  # e.g. 2024-02-30: none of the forms below reads it either
            return date(int(plain[1]), int(plain[3]), int(plain[4]))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


_UNSAFE_CHARS = {"Cc", "Cf", "Zl", "Zp"}  # control, format (bidi overrides), line/paragraph separators


def safe_attachment_name(raw: str | None) -> str:
    """An attachment's name reduced to something safe to show: no folders, no ``..``, no control or
    bidi characters. It is never used as a file name on disk."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(c for c in text if unicodedata.category(c) not in _UNSAFE_CHARS)
    base = text.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = base.lstrip(".").strip()  # "..", ".hidden" -> no leading dots
    return base[:200] or "attachment"


# --- element helpers: match by local name, whatever the namespace or prefix ------------------------


def _child(parent: Element | None, name: str) -> Element | None:
    if parent is None:
        return None
    for elem in parent:
        if isinstance(elem.tag, str) and _local_name(elem.tag) == name:
            return elem
    return None


def _children(parent: Element, name: str) -> list[Element]:
    return [e for e in parent if isinstance(e.tag, str) and _local_name(e.tag) == name]


def _iter(root: Element, name: str) -> Iterator[Element]:
    for elem in root.iter():
        if isinstance(elem.tag, str) and _local_name(elem.tag) == name:
            yield elem


def _find(root: Element | None, name: str) -> Element | None:
    if root is None:
        return None
    return next(_iter(root, name), None)


def _parent_of(root: Element, target: Element) -> Element | None:
    for elem in root.iter():
        if any(child is target for child in elem):
            return elem
    return None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    value = unicodedata.normalize("NFC", " ".join(text.split()))
    return value or None


def _text(parent: Element | None, name: str) -> str | None:
    elem = _child(parent, name)
    return _clean(elem.text) if elem is not None else None


def _organ(elem: Element) -> Organ:
    return Organ(organ_id=_text(elem, "OrganId"), name=_text(elem, "OrganName"))
