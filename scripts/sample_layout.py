"""The sample generator's archive layout: folders and (nested) ZIPs, the sent register (manifest.csv),
Việt Trì's received register and copies, the edXML exchange (lien-thong/), the agency registry,
demo/expected.json, and the bare folder's letters (through sample_bare.py).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any
from xml.sax.saxutils import escape

import sample_bare
import sample_common as common
from sample_common import (
    AGENCIES,
)
from sample_draw import (
    SUBJECTS,
    render_pages,
)
from sample_pki import (
    Cred,
    Pki,
    sign_pyhanko,
)
from sample_plan import (
    REASON_AGENCY,
    REASON_PERSON,
    VERDICT,
    Builder,
    Doc,
)

# --------------------------------------------------------------------------------------
# Archive assembly
# --------------------------------------------------------------------------------------


def _zip(members: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(members):
            v = members[name]
            z.writestr(
                zipfile.ZipInfo(name, date_time=(2024, 6, 30, 17, 0, 0)),
                _zip(v) if isinstance(v, dict) else v,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buf.getvalue()


def place(tree: dict[str, Any], path: str, data: bytes) -> None:
    parts = path.split("!/")
    node = tree
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = data


SAMPLE_README = (
    """\
Xuat du lieu van ban dien tu - he thong QLVB&DH tinh Phu Tho (DEMO, sigaudit test data)
Exported: 2024-06-30. manifest.csv is the register of documents sent (direction, number, date,
recipients); huyen/viet-tri/so-van-ban-den.csv registers documents received by UBND thanh pho Viet Tri;
lien-thong/ holds edXML packages exchanged through the provincial axis. This file is not a document.
"""
    + sample_bare.README_LINE
)

# Who each agency sends its documents to (codes); a document's recipients for the sent register.
RECIPIENTS = {
    "ubnd-tinh": ["000.00.30.H44", "000.00.31.H44"],
    "vp-ubnd": ["000.00.31.H44"],
    "so-noi-vu": ["000.00.31.H44"],
    "viet-tri": ["000.01.30.H44", "000.00.00.H44"],
    "lam-thao": ["000.03.31.H44", "000.02.31.H44"],
    "gia-cam": ["000.00.30.H44"],
    "tt-lam-thao": ["000.00.31.H44"],
    "son-vi": ["000.00.31.H44"],
}
INTERNAL = {"tinh/so-noi-vu/2024/du-thao-265-SNV_2024-05-10.pdf"}  # a draft circulated inside the Sở
EDXML_SOURCE = "tinh/ubnd-tinh/2024/120-UBND-KGVX_2024-02-05.pdf"  # also sent through the axis
EDXML_PACKAGE = "lien-thong/000.00.00.H44_2024-02-05_120-UBND-KGVX.edxml"
EDXML_STATUS = "lien-thong/trang-thai_000.00.30.H44_120-UBND-KGVX.edxml"
RECEIVED_REGISTER = "huyen/viet-tri/so-van-ban-den.csv"
RECEIVED_COPIES = {  # received copy (in Viet Tri's incoming folder) -> the sender's document
    "huyen/viet-tri/den/120-UBND-KGVX.pdf": EDXML_SOURCE,
    "huyen/viet-tri/den/25-UBND-gia-cam.pdf": "xa/gia-cam/2024/25-UBND_2024-02-02.pdf",
}


def number_notation(doc: Doc) -> str:
    """``120/UBND-KGVX`` from the plan, else from the file name (``120-UBND-KGVX_2024-02-05.pdf``)."""
    if doc.notation:
        return f"{doc.number}/{doc.notation}"
    stem = doc.path.rsplit("/", 1)[-1].split("_")[0]
    number, _, notation = stem.partition("-")
    if not number.isdigit():
        return str(doc.number)
    return f"{number}/{notation}" if notation else number


def edxml_package(doc: Doc, pdf: bytes) -> bytes:
    """A QCVN 102:2016 edXML package carrying ``pdf``, sent by the document's agency."""
    a = AGENCIES[doc.agency or "ubnd-tinh"]
    number, _, notation = number_notation(doc).partition("/")
    day = doc.date.replace("-", "/")
    to = "".join(
        f"<To><OrganId>{c}</OrganId><OrganName>{_name_of(c)}</OrganName></To>" for c in RECIPIENTS[a.key]
    )
    body = base64.encodebytes(pdf).decode("ascii")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>'
        f"<From><OrganId>{a.code}</OrganId><OrganName>{a.name}</OrganName></From>{to}"
        f"<Code><CodeNumber>{number}</CodeNumber><CodeNotation>{notation}</CodeNotation></Code>"
        "<PromulgationInfo><Place>Phú Thọ</Place>"
        f"<PromulgationDate>{day}</PromulgationDate></PromulgationInfo>"
        "<DocumentType><Type>1</Type><TypeName>Công văn</TypeName></DocumentType>"
        f"<Subject>{escape(SUBJECTS[doc.subject % len(SUBJECTS)])}</Subject>"
        "<SignerInfo><Competence>TM. UBND</Competence><Position>Chủ tịch</Position>"
        "<FullName>Nguyễn Văn An</FullName></SignerInfo>"
        f"<DocumentId>{a.code},{day},{number}/{notation}</DocumentId>"
        "</MessageHeader><TraceHeaderList><TraceHeader><OrganId>000.00.00.H44</OrganId>"
        f"<Timestamp>{day} 09:00:00</Timestamp></TraceHeader>"
        "<Bussiness><BussinessDocType>0</BussinessDocType></Bussiness></TraceHeaderList>"
        "</edXMLHeader><edXMLBody><edXMLManifest><Reference><AttachmentName>"
        f"{number}-{notation}.pdf</AttachmentName></Reference></edXMLManifest></edXMLBody></edXMLEnvelope>"
        "<AttachmentEncoded><Attachment><ContentType>application/pdf</ContentType>"
        f"<ContentId>1</ContentId><AttachmentName>{number}-{notation}.pdf</AttachmentName>"
        f"<ContentTransferEncoded>{body}</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>\n"
    ).encode()


def edxml_status(doc: Doc, reporter: str, code: str) -> bytes:
    """A status message (văn bản trạng thái) from ``reporter`` answering the package above."""
    a = AGENCIES[doc.agency or "ubnd-tinh"]
    day = doc.date.replace("-", "/")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><Status>'
        f"<ResponseFor><OrganId>{a.code}</OrganId><DocumentId>{a.code},{day},{number_notation(doc)}</DocumentId>"
        f"</ResponseFor><From><OrganId>{reporter}</OrganId><OrganName>{_name_of(reporter)}</OrganName></From>"
        f"<StatusCode>{code}</StatusCode><Description>Đã hoàn thành xử lý</Description>"
        "<Timestamp>2024/02/20 16:30:00</Timestamp></Status></edXMLHeader></edXMLEnvelope></edXML>\n"
    ).encode()


def _name_of(code: str) -> str:
    return next(a.name for a in AGENCIES.values() if a.code == code)


def write_archive(pki: Pki, docs: list[Doc], builder: Builder) -> None:
    tree: dict[str, Any] = {}
    built: dict[str, bytes] = {}
    for doc in docs:
        built[doc.path] = builder.build(doc)
        place(tree, doc.path, built[doc.path])
    write_exchange(tree, docs, built)


def write_exchange(tree: dict[str, Any], docs: list[Doc], built: dict[str, bytes]) -> None:
    """The edXML package, its status message, the received copies, then every file and the registers.

    ``built`` needs only the documents the package and the copies carry (``--exchange-only`` reads them
    from an existing sample_docs/ so that its signed PDFs, and the PKI behind them, stay as they are).
    """
    by_path = {d.path: d for d in docs}
    source = by_path[EDXML_SOURCE]
    place(tree, EDXML_PACKAGE, edxml_package(source, built[EDXML_SOURCE]))
    place(tree, EDXML_STATUS, edxml_status(source, "000.00.30.H44", "06"))
    for copy, original in RECEIVED_COPIES.items():
        place(tree, copy, built[original])
    for top, v in tree.items():
        target = common.DOCS / top
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_zip(v) if isinstance(v, dict) else v)
    # non-document files
    (common.DOCS / "README.txt").write_text(SAMPLE_README, encoding="utf-8")
    (common.DOCS / "xa/gia-cam/Thumbs.db").write_bytes(
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 24 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 472
    )
    with (common.DOCS / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(
            [
                "file",
                "agency_code",
                "agency_name",
                "level",
                "direction",
                "date",
                "number_notation",
                "recipient_codes",
            ]
        )
        for doc in docs:
            if doc.manifest == "none":
                continue
            a = AGENCIES[doc.agency or "son-vi"]
            if a.key == "bo-noi-vu":  # a document the province received from a ministry
                exchange = ["received", doc.date, number_notation(doc), "000.00.00.H44"]
            else:
                to = [a.code] if doc.path in INTERNAL else RECIPIENTS[a.key]
                exchange = ["sent", doc.date, number_notation(doc), ";".join(to)]
            if doc.manifest == "full":
                wr.writerow([doc.path, a.code, a.name, a.level, *exchange])
            else:
                wr.writerow([doc.path, a.code, "", "", *exchange])
    # Viet Tri's register of received documents, with Vietnamese headings (Circular 02/2019 names).
    by_path = {d.path: d for d in docs}
    with (common.DOCS / RECEIVED_REGISTER).open("w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(
            [
                "Tệp",
                "Mã cơ quan ban hành",
                "Cơ quan ban hành",
                "Số, ký hiệu",
                "Ngày văn bản",
                "Mã nơi nhận",
                "Trích yếu",
                "Trạng thái",
            ]
        )
        for copy, original in RECEIVED_COPIES.items():
            doc = by_path[original]
            a = AGENCIES[doc.agency or "son-vi"]
            day = "/".join(reversed(doc.date.split("-")))  # dd/mm/yyyy, as registers write it
            wr.writerow(
                [
                    copy.removeprefix("huyen/viet-tri/"),
                    a.code,
                    a.name,
                    number_notation(doc),
                    day,
                    "000.00.30.H44",
                    SUBJECTS[doc.subject % len(SUBJECTS)],
                    "01;03;06",
                ]
            )


def write_registry() -> None:
    with (common.DEMO / "agencies.csv").open("w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["code", "name", "level", "parent_code", "valid_from", "valid_to"])
        for a in AGENCIES.values():
            if a.in_registry:
                wr.writerow([a.code, a.name, a.level, a.parent_code, a.valid_from, a.valid_to])


def write_expected(docs: list[Doc]) -> None:
    exp: dict[str, Any] = {}
    for doc in docs:
        a = AGENCIES[doc.agency or "son-vi"]
        if doc.kind in ("not_pdf",):
            tools: list[str] = []
        elif doc.kind == "unsigned":
            tools = []
        elif doc.kind == "foreign_signer":
            tools = ["pdfsig", "pyhanko"] if doc.variant == "pdfsig_then_pyhanko" else ["pdfsig"]
        else:
            tools = ["pyhanko"]
        exp[doc.path] = {
            "kind": doc.kind,
            "expected_verdict": VERDICT[doc.kind],
            # A document the manifest leaves out is still attributed: from its agency certificate or its
            # header (sigaudit reads the first page), by the registry's names, else the name rules.
            "level": a.level,
            "signer_tools": tools,
            "agency_code": a.code,
            "note": doc.note,
        }
    # Copies of documents above: the edXML package's attachment and the received copies.
    number, _, notation = number_notation(next(d for d in docs if d.path == EDXML_SOURCE)).partition("/")
    copies = {f"{EDXML_PACKAGE}!/1-{number}-{notation}.pdf": EDXML_SOURCE, **RECEIVED_COPIES}
    for copy, original in copies.items():
        exp[copy] = {**exp[original], "note": f"copy of {original}"}
    exp.update(sample_bare.expected_entries({a.key: (a.code, a.level) for a in AGENCIES.values()}))
    (common.DEMO / "expected.json").write_text(
        json.dumps(exp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def write_bare(agency: dict[str, Cred], person: dict[str, Cred]) -> int:
    """sample_docs/<bare folder>/: letters with no metadata, signed with the given credentials."""

    def sign(pdf: bytes, key: str, role: str, when: dt.datetime) -> bytes:
        a = AGENCIES[key]
        if role == "person":
            return sign_pyhanko(pdf, person[key], "Sig_CaNhan", when, reason=REASON_PERSON, location=a.place)
        return sign_pyhanko(pdf, agency[key], "Sig_CoQuan", when, reason=REASON_AGENCY, location=a.place)

    names = {a.key: (a.name, a.person) for a in AGENCIES.values()}
    return sample_bare.write(common.DOCS, render_pages, sign, names)
