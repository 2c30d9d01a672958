"""Builds edXML packages (QCVN 102:2016) as bytes for the tests, including hostile ones.

Packages are written as text so that every producer variation the tests need can be made exactly:
with the namespace as default or under any prefix, or without it; dates in several forms; optional
elements left out; base64 in one line or wrapped with CRLF. Attachments are the real signed PDFs of
``sample_docs/`` (see demo/expected.json for what each one exercises).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_docs"

# Two-signature letter of the Văn phòng UBND tỉnh Phú Thọ (expected valid).
VALID_PDF = "tinh/vp-ubnd/2024/15-UBND-VP_2024-03-12.pdf"
# Sở Nội vụ letter whose signed bytes were changed (expected invalid).
TAMPERED_PDF = "tinh/so-noi-vu/2024/251-SNV-TCBC_2024-04-15.pdf"

SENDER = ("000.00.01.H44", "Văn phòng UBND tỉnh Phú Thọ")
RECIPIENTS = (("000.00.12.H44", "Sở Nội vụ tỉnh Phú Thọ"), ("000.00.30.H44", "UBND thành phố Việt Trì"))

# A node is (tag, text) or (tag, [children]); None children are left out.
Node = tuple[str, "str | Sequence[Node | None]"]


def sample_pdf(relative: str) -> bytes:
    return (SAMPLE / relative).read_bytes()


@dataclass(frozen=True)
class Att:
    """One attachment to put in a package."""

    name: str
    data: bytes
    content_type: str = "application/pdf"
    description: str = "Văn bản điện tử"
    wrap: int = 76  # base64 line length; 0 writes one line
    newline: str = "\n"


def encode(data: bytes, wrap: int = 76, newline: str = "\n") -> str:
    text = base64.b64encode(data).decode("ascii")
    if not wrap:
        return text
    return newline + newline.join(text[i : i + wrap] for i in range(0, len(text), wrap)) + newline


def render(node: Node, prefix: str = "edXML", namespace: bool = True, root: bool = True) -> str:
    tag, content = node
    name = f"{prefix}:{tag}" if prefix and namespace else tag
    attrs = ""
    if root and namespace:
        attrs = f' xmlns:{prefix}="{NS}"' if prefix else f' xmlns="{NS}"'
    if isinstance(content, str):
        return f"<{name}{attrs}>{escape(content)}</{name}>"
    inner = "".join(render(c, prefix, namespace, root=False) for c in content if c is not None)
    return f"<{name}{attrs}>{inner}</{name}>"


def _organ(tag: str, organ: tuple[str, str]) -> Node:
    return (tag, [("OrganId", organ[0]), ("OrganName", organ[1]), ("OrganAdd", "Việt Trì, Phú Thọ")])


def package(
    attachments: Sequence[Att] = (),
    *,
    sender: tuple[str, str] = SENDER,
    recipients: Sequence[tuple[str, str]] = RECIPIENTS,
    number: str = "15",
    notation: str = "UBND-VP",
    date: str = "2024/03/12",
    business: str = "0",
    prefix: str = "edXML",
    namespace: bool = True,
    omit: frozenset[str] = frozenset(),
) -> bytes:
    """A document package; ``omit`` names MessageHeader children (or "Bussiness") to leave out."""

    def keep(tag: str, node: Node) -> Node | None:
        return None if tag in omit else node

    header: list[Node | None] = [
        keep("From", _organ("From", sender)),
        *(keep("To", _organ("To", r)) for r in recipients),
        keep("Code", ("Code", [("CodeNumber", number), ("CodeNotation", notation)])),
        keep("PromulgationInfo", ("PromulgationInfo", [("Place", "Phú Thọ"), ("PromulgationDate", date)])),
        keep("DocumentType", ("DocumentType", [("Type", "1"), ("TypeName", "Công văn")])),
        keep("Subject", ("Subject", "V/v triển khai chữ ký số trong cơ quan nhà nước")),
        keep("Content", ("Content", "")),
        keep(
            "SignerInfo",
            (
                "SignerInfo",
                [
                    ("Competence", "TL. CHÁNH VĂN PHÒNG"),
                    ("Position", "Phó Chánh Văn phòng"),
                    ("FullName", "Nguyễn Văn An"),
                ],
            ),
        ),
        keep("DueDate", ("DueDate", "")),
        keep("OtherInfo", ("OtherInfo", [("Priority", "0"), ("PageAmount", "2")])),
        keep("DocumentId", ("DocumentId", f"{sender[0]},{date},{number}/{notation}")),
    ]
    trace: list[Node | None] = [
        ("TraceHeader", [("OrganId", sender[0]), ("Timestamp", "2024/03/12 08:00:00")]),
        keep("Bussiness", ("Bussiness", [("BussinessDocType", business), ("BussinessDocReason", "")])),
    ]
    references: list[Node | None] = [
        ("Reference", [("ContentId", f"cid:{i}"), ("AttachmentName", a.name)])
        for i, a in enumerate(attachments, start=1)
    ]
    encoded: list[Node | None] = [
        (
            "Attachment",
            [
                ("ContentId", f"cid:{i}"),
                ("AttachmentName", a.name),
                ("ContentType", a.content_type),
                ("Description", a.description),
                ("ContentTransferEncoded", encode(a.data, a.wrap, a.newline)),
            ],
        )
        for i, a in enumerate(attachments, start=1)
    ]
    tree: Node = (
        "edXML",
        [
            (
                "edXMLEnvelope",
                [
                    ("edXMLHeader", [("MessageHeader", header), ("TraceHeaderList", trace)]),
                    ("edXMLBody", [("edXMLManifest", references)]),
                ],
            ),
            ("AttachmentEncoded", encoded),
        ],
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + render(tree, prefix, namespace)).encode("utf-8")


def status_package(answers: str, code: str, description: str) -> bytes:
    """A status message (văn bản trạng thái) answering the document ``answers`` (its DocumentId)."""
    tree: Node = (
        "edXML",
        [
            (
                "edXMLEnvelope",
                [
                    (
                        "edXMLHeader",
                        [
                            (
                                "Status",
                                [
                                    ("ResponseFor", [("OrganId", SENDER[0]), ("DocumentId", answers)]),
                                    _organ("From", RECIPIENTS[0]),
                                    ("StatusCode", code),
                                    ("Description", description),
                                    ("Timestamp", "2024/03/13 09:15:00"),
                                ],
                            )
                        ],
                    )
                ],
            )
        ],
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + render(tree)).encode("utf-8")


# --- hostile packages --------------------------------------------------------------------------------

_BODY = "<edXML><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>{}</Subject></MessageHeader>" + (
    "</edXMLHeader></edXMLEnvelope></edXML>"
)


def billion_laughs() -> bytes:
    """The classic entity bomb: ten levels of ten references, 10^9 'lol's if expanded."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE edXML [\n' + "\n".join(entities) + "\n]>\n" + _BODY.format("&lol9;")
    ).encode()


def external_entity(url: str) -> bytes:
    """An XXE: an external entity whose expansion would read (file://) or fetch (http://) ``url``."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "{url}">]>\n' + _BODY.format("&xxe;")
    ).encode()


def dtd_only() -> bytes:
    """A DOCTYPE with an external DTD and nothing else: no root element at all."""
    return b'<?xml version="1.0"?>\n<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/edxml.dtd">\n'


def truncated(data: bytes) -> bytes:
    """A package cut in the middle, as an interrupted transfer leaves it."""
    return data[: len(data) // 2]
