"""The sample's bare folder: Decree 30 letters exported with no metadata at all (issue 18, item 6).

``sample_docs/thu-muc-khong-metadata/`` is what an office without an export module can hand over: a
flat folder of PDFs, no manifest row, no register, no edXML. Who sent each letter, at which level, and
to whom must be read from the documents themselves: the header, the ``Số:`` line, the place and date,
the ``Nơi nhận:`` list, and, when it is signed, the agency certificate.

The letters vary the layouts the parser has to survive (two-line agency names, a parent-body line above
the agency, "Số:" with and without its space, dates with two digits or broken over two lines,
recipients running over several lines, "(b/c)", "Kính gửi:" with "- Như trên;", a second page) and
the cases the KPI must tell apart (signed by the agency certificate, unsigned, tampered after signing,
and letters whose ``Nơi nhận`` holds only the file copy, which are internal). One signed letter's
header names another agency than its certificate: the certificate is kept, and the run warns.

This module only describes and lays out the letters; ``make_sample_docs.py`` gives it the renderer and
the signers (the demo PKI, freshly built or read back from ``demo/pki/`` by ``--bare-only``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FOLDER = "thu-muc-khong-metadata"
README_LINE = (
    f"{FOLDER}/ holds letters exported with no metadata at all (no manifest row, register or edXML).\n"
)

Line = tuple[str, float, float, int, str]  # text, x, y, size, align ("l" left, "c" centred on x)
ICT = dt.timezone(dt.timedelta(hours=7), "ICT")

# How each letter is signed: "agency" (the agency certificate), "two" (the competent person, then the
# agency), "none", "tampered" (agency signature, then a digit of the number flipped in place).
SIGNATURES = {"agency": "valid", "two": "valid", "none": "unsigned", "tampered": "invalid"}


@dataclass(frozen=True)
class BareDoc:
    file: str
    agency: str  # key in sample_common.AGENCIES of the agency the header names
    sign: str  # a key of SIGNATURES
    header: tuple[str, ...]  # the agency's name as printed, one item per line
    number: str
    notation: str
    place: str
    date: str  # yyyy-mm-dd
    subject: str
    recipients: tuple[str, ...]  # the "Nơi nhận:" lines as printed
    signing: tuple[str, ...]  # the signing block's lines
    exchange: str  # what a reader concludes: "inter_agency" or "internal"
    parent: str = ""  # the parent-body line above the agency
    number_space: bool = True  # "Số: 12/…" or "Số:12/…"
    date_lines: int = 1  # the place-and-date line broken over two lines
    kind: str = ""  # a heading ("KẾ HOẠCH"); empty for an official letter (công văn)
    addressees: tuple[str, ...] = ()  # the "Kính gửi:" lines
    two_pages: bool = False  # "Nơi nhận" and the signing block on page 2
    certificate: str = ""  # whose agency certificate signs, when not ``agency``'s
    note: str = ""

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)

    @property
    def signer(self) -> str:
        return self.certificate or self.agency


def _d(**kw: Any) -> BareDoc:
    return BareDoc(**kw)


def plan() -> list[BareDoc]:
    """The letters, by level of the agency a reader (and the certificate, when signed) names."""
    return [
        # --- province ---------------------------------------------------------------------------
        _d(file="cv-56-ubnd-kgvx.pdf", agency="ubnd-tinh", sign="agency",
           header=("ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ"),
           number="56", notation="UBND-KGVX", place="Phú Thọ", date="2024-03-05",
           subject="V/v triển khai ký số văn bản điện tử năm 2024",
           addressees=("- Sở Nội vụ tỉnh Phú Thọ;", "- UBND các huyện, thành, thị."),
           recipients=("- Như trên;", "- Lưu: VT, KGVX."), signing=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
           exchange="inter_agency", note="agency name over two lines; Kính gửi with Như trên"),
        _d(file="118_SNV-TCBC.signed.pdf", agency="so-noi-vu", sign="agency", parent="UBND TỈNH PHÚ THỌ",
           header=("SỞ NỘI VỤ",), number="118", notation="SNV-TCBC", number_space=False, place="Phú Thọ",
           date="2024-04-09", subject="V/v rà soát vị trí việc làm năm 2024",
           recipients=("- Văn phòng UBND tỉnh Phú Thọ;", "- UBND thành phố Việt Trì, UBND",
                       "huyện Lâm Thao;", "- Lưu: VT, TCBC."),
           signing=("GIÁM ĐỐC",), exchange="inter_agency",
           note="parent body above the agency; 'Số:' without its space; a recipient over two lines"),
        _d(file="vp-72-th.pdf", agency="vp-ubnd", sign="tampered", parent="UBND TỈNH PHÚ THỌ",
           header=("VĂN PHÒNG",), number="72", notation="VP-TH", place="Phú Thọ", date="2024-05-14",
           subject="V/v chuẩn bị hội nghị sơ kết 6 tháng đầu năm",
           recipients=("- UBND các huyện, thành, thị;", "- Lưu: VT, TH."), signing=("CHÁNH VĂN PHÒNG",),
           exchange="inter_agency", note="agency signature, then a digit of the number flipped in place"),
        _d(file="snv-thong-bao-noi-bo.pdf", agency="so-noi-vu", sign="none", parent="UBND TỈNH PHÚ THỌ",
           header=("SỞ NỘI VỤ",), number="21", notation="TB-SNV", place="Phú Thọ", date="2024-05-20",
           kind="THÔNG BÁO", subject="Lịch làm việc của Ban Giám đốc Sở tháng 6 năm 2024",
           recipients=("- Lưu: VT, VP.",), signing=("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"),
           exchange="internal", note="unsigned; Nơi nhận holds only the file copy"),
        _d(file="ke-hoach-88-ubnd.pdf", agency="ubnd-tinh", sign="none",
           header=("UBND TỈNH PHÚ THỌ",),
           number="88", notation="KH-UBND", place="Phú Thọ", date="2024-06-03", date_lines=2,
           kind="KẾ HOẠCH", subject="Chuyển đổi số trong cơ quan nhà nước năm 2024",
           recipients=("- Các sở, ban, ngành;", "- UBND các huyện, thành, thị;", "- Lưu: VT, KGVX."),
           signing=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), exchange="inter_agency",
           note="unsigned plan; the date line broken over two lines"),
        # --- district ---------------------------------------------------------------------------
        _d(file="301_UBND-VP.pdf", agency="viet-tri", sign="agency",
           header=("ỦY BAN NHÂN DÂN", "THÀNH PHỐ VIỆT TRÌ"),
           number="301", notation="UBND-VP", place="Việt Trì", date="2024-02-06",
           subject="V/v báo cáo kết quả cải cách hành chính quý I",
           recipients=("- UBND phường Gia Cẩm;", "- UBND tỉnh Phú Thọ (b/c);", "- Lưu: VT."),
           signing=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), exchange="inter_agency",
           note="agency name over two lines; a recipient reported to (b/c)"),
        _d(file="viet-tri-du-thao-gui-so.pdf", agency="viet-tri", sign="none",
           header=("UBND THÀNH PHỐ VIỆT TRÌ",),
           number="315", notation="UBND-NV", place="Việt Trì", date="2024-03-18",
           subject="V/v đề nghị thẩm định đề án vị trí việc làm",
           addressees=("Sở Nội vụ tỉnh Phú Thọ.",), recipients=("- Như trên;", "- Lưu: VT, NV."),
           signing=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), exchange="inter_agency",
           note="unsigned; one-line Kính gửi, Như trên"),
        _d(file="131-UBND-VP.pdf", agency="lam-thao", sign="tampered",
           header=("UBND HUYỆN LÂM THAO",),
           number="131", notation="UBND-VP", place="Lâm Thao", date="2024-04-22",
           subject="V/v tăng cường sử dụng chữ ký số chuyên dùng",
           recipients=("- UBND xã Sơn Vi;", "- UBND thị trấn Lâm Thao;", "- Lưu: VT."),
           signing=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), exchange="inter_agency",
           note="agency signature (ECDSA), then a digit of the number flipped in place"),
        _d(file="lam-thao-146-ubnd-vp.pdf", agency="lam-thao", sign="two",
           header=("UBND HUYỆN LÂM THAO",),
           number="146", notation="UBND-VP", place="Lâm Thao", date="2024-05-09",
           subject="V/v chủ động phòng, chống thiên tai mùa mưa bão",
           addressees=("- UBND các xã, thị trấn;", "- Phòng Nông nghiệp và PTNT huyện."),
           recipients=("- Như trên;", "- Thường trực Huyện ủy (b/c);", "- Lưu: VT, VP."),
           signing=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), exchange="inter_agency", two_pages=True,
           note="personal and agency signatures; Nơi nhận on page 2"),
        _d(file="lam-thao-giay-moi-noi-bo.pdf", agency="lam-thao", sign="agency",
           header=("UBND HUYỆN LÂM THAO",),
           number="150", notation="GM-UBND", place="Lâm Thao", date="2024-05-16", kind="GIẤY MỜI",
           subject="Họp giao ban công tác văn phòng tháng 5", recipients=("- Lưu: VT, VP.",),
           signing=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"), exchange="internal",
           note="signed; Nơi nhận holds only the file copy"),
        _d(file="son-vi-62-ubnd-ky-nham.pdf", agency="son-vi", sign="agency", parent="UBND HUYỆN LÂM THAO",
           header=("UBND XÃ SƠN VI",), number="62", notation="UBND", place="Sơn Vi", date="2024-06-11",
           subject="V/v cập nhật mã định danh điện tử các cơ quan",
           recipients=("- Phòng Nội vụ huyện Lâm Thao;", "- UBND thị trấn Lâm Thao;", "- Lưu: VT."),
           signing=("CHỦ TỊCH",), exchange="inter_agency", certificate="lam-thao",
           note="the header names UBND xã Sơn Vi (commune), the agency certificate UBND huyện Lâm Thao "
           "(district): the certificate is kept, the run warns and shows both"),
        # --- commune ----------------------------------------------------------------------------
        _d(file="gia-cam-15-ubnd.pdf", agency="gia-cam", sign="agency", parent="UBND THÀNH PHỐ VIỆT TRÌ",
           header=("UBND PHƯỜNG GIA CẨM",), number="15", notation="UBND", number_space=False, place="Gia Cẩm",
           date="2024-03-07", subject="V/v báo cáo kết quả cải cách hành chính quý I",
           recipients=("- UBND thành phố Việt Trì (b/c);", "- Lưu: VT."), signing=("CHỦ TỊCH",),
           exchange="inter_agency", note="parent body above the agency; 'Số:' without its space; (b/c)"),
        _d(file="son-vi-bao-cao-khong-ky.pdf", agency="son-vi", sign="none", parent="UBND HUYỆN LÂM THAO",
           header=("UBND XÃ SƠN VI",), number="48", notation="BC-UBND", place="Sơn Vi", date="2024-04-02",
           date_lines=2, kind="BÁO CÁO", subject="Kết quả thực hiện nhiệm vụ quý I năm 2024",
           recipients=("- Phòng Nội vụ huyện Lâm Thao;", "- Văn phòng HĐND và UBND", "huyện Lâm Thao;",
                       "- Lưu: VT."),
           signing=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), exchange="inter_agency",
           note="unsigned report; date over two lines; a recipient over two lines"),
        _d(file="tt-lam-thao-33.pdf", agency="tt-lam-thao", sign="tampered", parent="UBND HUYỆN LÂM THAO",
           header=("UBND THỊ TRẤN LÂM THAO",), number="33", notation="UBND", place="Lâm Thao",
           date="2024-05-27", subject="V/v thực hiện chế độ báo cáo thống kê định kỳ",
           recipients=("- UBND huyện Lâm Thao;", "- Lưu: VT."), signing=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
           exchange="inter_agency", note="agency signature, then a digit of the number flipped in place"),
        _d(file="son-vi-thong-bao-noi-bo.pdf", agency="son-vi", sign="none", parent="UBND HUYỆN LÂM THAO",
           header=("UBND XÃ SƠN VI",), number="51", notation="TB-UBND", place="Sơn Vi", date="2024-06-17",
           kind="THÔNG BÁO", subject="Phân công trực cơ quan dịp nghỉ lễ", recipients=("- Lưu: VT.",),
           signing=("CHỦ TỊCH",), exchange="internal", note="unsigned; Nơi nhận holds only the file copy"),
    ]  # fmt: skip


def pages(doc: BareDoc, agency_name: str, person: str) -> list[list[Line]]:
    """The letter's pages as (text, x, y, size, align) lines, in the Decree 30 layout."""
    left, right = 150.0, 400.0
    first: list[Line] = []
    y = 790.0
    for text in [*([doc.parent] if doc.parent else []), *doc.header]:
        first.append((text, left, y, 11, "c"))
        y -= 14
    first += [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right, 790, 11, "c"),
              ("Độc lập - Tự do - Hạnh phúc", right, 776, 11, "c")]  # fmt: skip
    y = min(y, 762.0) - 16
    first.append((f"Số:{' ' if doc.number_space else ''}{doc.number}/{doc.notation}", left, y, 11, "c"))
    d = doc.day
    when = f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    if doc.date_lines == 2:
        head, _, year = when.rpartition(" năm ")
        first += [(f"{doc.place}, {head}", right, y, 11, "c"), (f"năm {year}", right, y - 14, 11, "c")]
    else:
        first.append((f"{doc.place}, {when}", right, y, 11, "c"))
    y -= 18
    if doc.kind:
        y -= 30
        first += [(doc.kind, 297.5, y, 14, "c"), (doc.subject, 297.5, y - 18, 11, "c")]
        y -= 44
    else:
        first.append((doc.subject, left, y, 10, "c"))
        y -= 40
    if doc.addressees:
        if len(doc.addressees) == 1 and not doc.addressees[0].startswith("-"):
            first.append((f"Kính gửi: {doc.addressees[0]}", 150, y, 11, "l"))
            y -= 16
        else:
            first.append(("Kính gửi:", 150, y, 11, "l"))
            for line in doc.addressees:
                first.append((line, 220, y, 11, "l"))
                y -= 16
        y -= 12
    body = [
        "Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác",
        f"văn thư, {agency_name} đề nghị các cơ quan, đơn vị quan tâm triển khai",
        "các nội dung nêu trên, bảo đảm văn bản điện tử được ký số theo quy định.",
    ]
    for line in body:
        first.append((line, 72, y, 11, "l"))
        y -= 16
    closing: list[Line] = []
    if doc.two_pages:
        y = 780.0
        closing += [("Đề nghị các cơ quan, đơn vị báo cáo kết quả trước ngày 30/6/2024.", 72, y, 11, "l")]
    y -= 30
    closing.append(("Nơi nhận:", 72, y, 10, "l"))
    for i, line in enumerate(doc.recipients):
        closing.append((line, 72, y - 13 * (i + 1), 9, "l"))
    for i, line in enumerate(doc.signing):
        closing.append((line, 420, y - 14 * i, 11, "c"))
    closing.append((person, 420, y - 14 * len(doc.signing) - 60, 11, "c"))
    return [first, closing] if doc.two_pages else [first + closing]


# The number line's /ActualText starts with "Số:" (UTF-16BE, as pyHanko writes it).
_NUMBER_TEXT = b"\\000S\\036\\321\\000\\072"


def flip_number_digit(pdf: bytes) -> bytes:
    """Flip one digit of the document number in place, in both the /ActualText and the glyphs (DejaVu:
    the glyph id of digit d is 0x13 + d); the length is unchanged, so only the signed hash breaks."""
    at = pdf.index(_NUMBER_TEXT)
    start, end = pdf.rindex(b"BT", 0, at), pdf.index(b"ET", at)
    seg = bytearray(pdf[start:end])
    found = re.search(rb"\\000([0-9])", bytes(seg))
    assert found is not None, "number digit not found"
    digit = int(found.group(1))
    new = (digit + 1) % 10
    seg[found.start(1)] = ord(str(new))
    tj = bytes(seg).index(b"<", bytes(seg).index(b"["))
    old_hex, new_hex = b"%04x" % (0x13 + digit), b"%04x" % (0x13 + new)
    j = bytes(seg).find(old_hex, tj + 1)
    while j != -1 and (j - tj - 1) % 4:
        j = bytes(seg).find(old_hex, j + 1)
    assert j != -1, "number glyph not found"
    seg[j : j + 4] = new_hex
    return pdf[:start] + bytes(seg) + pdf[end:]


# sign(pdf, agency key, "agency" | "person", claimed time) -> signed pdf
Signer = Callable[[bytes, str, str, dt.datetime], bytes]
Renderer = Callable[[list[list[Line]]], bytes]


def build(doc: BareDoc, render: Renderer, sign: Signer, agency_name: str, person: str) -> bytes:
    pdf = render(pages(doc, agency_name, person))
    d = doc.day
    if doc.sign in ("two", "agency", "tampered"):
        if doc.sign == "two":
            pdf = sign(pdf, doc.signer, "person", dt.datetime(d.year, d.month, d.day, 8, 40, tzinfo=ICT))
        pdf = sign(pdf, doc.signer, "agency", dt.datetime(d.year, d.month, d.day, 10, 5, tzinfo=ICT))
    if doc.sign == "tampered":
        pdf = flip_number_digit(pdf)
    return pdf


def write(docs_dir: Path, render: Renderer, sign: Signer, names: dict[str, tuple[str, str]]) -> int:
    """Write the folder anew; ``names`` gives each agency key's (name, competent signer)."""
    folder = docs_dir / FOLDER
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for doc in plan():
        name, person = names[doc.agency]
        (folder / doc.file).write_bytes(build(doc, render, sign, name, person))
    return len(plan())


def expected_entries(agencies: dict[str, tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """The expected.json entries of the folder; ``agencies`` gives each agency key's (code, level).

    A signed letter is attributed to its agency certificate; an unsigned one to its header."""
    out: dict[str, dict[str, Any]] = {}
    for doc in plan():
        code, level = agencies[doc.signer if doc.sign != "none" else doc.agency]
        out[f"{FOLDER}/{doc.file}"] = {
            "kind": {"agency": "agency_only", "none": "unsigned"}.get(doc.sign, doc.sign)
            if doc.sign != "two"
            else "two_signature",
            "expected_verdict": SIGNATURES[doc.sign],
            "level": level,
            "signer_tools": [] if doc.sign == "none" else ["pyhanko"],
            "agency_code": code,
            "note": doc.note,
            "exchange": doc.exchange,
        }
    return out


def update_expected(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Replace the folder's entries in expected.json, every other entry kept as it is and in order."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    kept = {k: v for k, v in data.items() if not k.startswith(f"{FOLDER}/")}
    path.write_text(json.dumps({**kept, **entries}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
