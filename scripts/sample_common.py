"""What every part of the sample generator (make_sample_docs.py) shares: where it writes, the time
zones and demo PKI constants, and the agencies (their registry rows and who signs for them).

``ROOT``, ``DEMO``, ``PKI`` and ``DOCS`` are the repository's folders until ``set_out`` (``--out``) moves
them; the other modules read them here (``sample_common.DOCS``) when they write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography.x509.oid import ObjectIdentifier

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
PKI = DEMO / "pki"
DOCS = ROOT / "sample_docs"


def set_out(root: Path) -> None:
    """Write demo/ and sample_docs/ under ``root`` instead of the repository root (``--out``)."""
    global ROOT, DEMO, PKI, DOCS
    ROOT = root
    DEMO, DOCS = ROOT / "demo", ROOT / "sample_docs"
    PKI = DEMO / "pki"


FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
ICT = dt.timezone(dt.timedelta(hours=7), "ICT")  # Vietnam, +07:00
UTC = dt.UTC

CRL_URL_INTERMEDIATE = "http://crl.sigaudit-demo.invalid/demo-intermediate.crl"
CRL_URL_ROOT = "http://crl.sigaudit-demo.invalid/demo-root.crl"
DEMO_O = "sigaudit DEMO - not a real CA"
OID_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # RFC 9336
ENCRYPTED_USER_PASSWORD = "123456"


def utc(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, tzinfo=UTC)


# --------------------------------------------------------------------------------------
# Agencies (registry rows and who signs for them)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    key: str
    code: str
    name: str
    level: str
    parent_code: str
    parent_name: str  # the People's Committee above: O= in certificates
    folder: str  # folder in the archive
    place: str  # place name in the letter's date line
    header_parent: str  # first header line of a letter
    notation: str  # default notation suffix, e.g. UBND-VP
    person: str  # competent signer (personal certificate CN)
    person_title: str  # signing block title
    mst: str  # tax code for UID=MST:
    valid_from: str = ""
    valid_to: str = ""
    ecdsa: bool = False  # agency + personal keys are ECDSA P-256
    agency_eku: bool = True  # False: agency certificate without extendedKeyUsage
    in_registry: bool = True


PROVINCE = "UBND tỉnh Phú Thọ"
# A table: one row per line (the formatter would put one field per line).
# fmt: off
AGENCIES: dict[str, Agency] = {
    a.key: a
    for a in [
        Agency("ubnd-tinh", "000.00.00.H44", "UBND tỉnh Phú Thọ", "province", "", PROVINCE,
               "tinh/ubnd-tinh", "Phú Thọ", "", "UBND-KGVX", "Trần Thị Bình",
               "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "2600105678", agency_eku=False),
        Agency("vp-ubnd", "000.00.01.H44", "Văn phòng UBND tỉnh Phú Thọ", "province",
               "000.00.00.H44", PROVINCE, "tinh/vp-ubnd", "Phú Thọ", "UBND TỈNH PHÚ THỌ",
               "VP-TH", "Nguyễn Văn An", "CHÁNH VĂN PHÒNG", "2600245190", ecdsa=True),
        Agency("so-noi-vu", "000.00.12.H44", "Sở Nội vụ tỉnh Phú Thọ", "province",
               "000.00.00.H44", PROVINCE, "tinh/so-noi-vu", "Phú Thọ", "UBND TỈNH PHÚ THỌ",
               "SNV-TCBC", "Lê Minh Cường", "GIÁM ĐỐC", "2600321457"),
        Agency("viet-tri", "000.00.30.H44", "UBND thành phố Việt Trì", "district",
               "000.00.00.H44", PROVINCE, "huyen/viet-tri", "Việt Trì", "",
               "UBND-VP", "Phạm Thu Hà", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "2600410023",
               valid_to="2025-06-30", agency_eku=False),
        Agency("lam-thao", "000.00.31.H44", "UBND huyện Lâm Thao", "district",
               "000.00.00.H44", PROVINCE, "huyen/lam-thao", "Lâm Thao", "",
               "UBND-VP", "Hoàng Đức Dũng", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "2600433781",
               valid_to="2025-06-30", ecdsa=True),
        Agency("gia-cam", "000.01.30.H44", "UBND phường Gia Cẩm", "commune",
               "000.00.30.H44", "UBND thành phố Việt Trì", "xa/gia-cam", "Gia Cẩm",
               "UBND THÀNH PHỐ VIỆT TRÌ", "UBND", "Vũ Thị Lan", "CHỦ TỊCH", "2600512864"),
        Agency("tt-lam-thao", "000.02.31.H44", "UBND thị trấn Lâm Thao", "commune",
               "000.00.31.H44", "UBND huyện Lâm Thao", "xa/tt-lam-thao", "Lâm Thao",
               "UBND HUYỆN LÂM THAO", "UBND", "Đỗ Văn Hùng", "CHỦ TỊCH", "2600533412"),
        Agency("son-vi", "000.03.31.H44", "UBND xã Sơn Vi", "commune", "000.00.31.H44",
               "UBND huyện Lâm Thao", "xa/son-vi", "Sơn Vi", "UBND HUYỆN LÂM THAO",
               "UBND", "Bùi Thị Mai", "CHỦ TỊCH", "2600547720"),
        # A central body: NOT in the registry, the manifest supplies name and level.
        Agency("bo-noi-vu", "000.00.00.G09", "Bộ Nội vụ", "central", "", "Chính phủ",
               "trung-uong/bo-noi-vu", "Hà Nội", "", "BNV-CCVC", "Vũ Đăng Minh",
               "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG", "0100356201", in_registry=False),
    ]
}
# fmt: on

# A table: one row per line (the formatter would put one field per line).
# fmt: off
CCCD = {
    "ubnd-tinh": "025185001234", "vp-ubnd": "025079004512", "so-noi-vu": "025082007733",
    "viet-tri": "025186002468", "lam-thao": "025077009135", "gia-cam": "025190003579",
    "tt-lam-thao": "025083006420", "son-vi": "025188001122", "bo-noi-vu": "001075008899",
}
# fmt: on
