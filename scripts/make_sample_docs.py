#!/usr/bin/env python3
"""Regenerate sigaudit's demo PKI, agency registry and sample document archive.

Run from the repository root::

    /work/venv/bin/python scripts/make_sample_docs.py

Everything under ``demo/`` and ``sample_docs/`` is deleted and rebuilt:

* ``demo/pki/``        a declared DEMO PKI (never trust it anywhere) that mirrors the
                       Vietnamese Government specialised PKI: root, intermediate, agency
                       and personal certificates, an expired and a revoked one, a CRL,
                       and a separate untrusted "rogue" root.
* ``demo/agencies.csv`` agency registry (code,name,level,parent_code,valid_from,valid_to).
* ``demo/expected.json`` what the auditor should conclude for every document.
* ``sample_docs/``     a province archive export: folders by level/agency/year, ZIPs
                       (one nested), a manifest, documents of every kind the auditor must
                       tell apart, and a couple of non-document files.

The script needs no network. Signatures are made with pyHanko and, for the
"foreign signer" documents, with poppler's ``pdfsig`` backed by a throw-away NSS
database (``certutil``/``pk12util`` from libnss3-tools).
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from xml.sax.saxutils import escape
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

if str(Path(__file__).resolve().parent) not in sys.path:  # also when loaded by file path (the tests)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_bare  # noqa: E402  (the bare folder: letters with no metadata at all)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
PKI = DEMO / "pki"
DOCS = ROOT / "sample_docs"

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
ICT = dt.timezone(dt.timedelta(hours=7), "ICT")  # Vietnam, +07:00
UTC = dt.timezone.utc

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

CCCD = {
    "ubnd-tinh": "025185001234", "vp-ubnd": "025079004512", "so-noi-vu": "025082007733",
    "viet-tri": "025186002468", "lam-thao": "025077009135", "gia-cam": "025190003579",
    "tt-lam-thao": "025083006420", "son-vi": "025188001122", "bo-noi-vu": "001075008899",
}


# --------------------------------------------------------------------------------------
# Demo PKI
# --------------------------------------------------------------------------------------


@dataclass
class Cred:
    """A demo certificate with its key; ``name`` is the file stem in demo/pki."""

    name: str
    cert: x509.Certificate
    key: Any
    issuer: Cred | None
    role: str
    note: str = ""
    agency: str = ""

    @property
    def chain(self) -> list[x509.Certificate]:
        out, cur = [], self.issuer
        while cur is not None:
            out.append(cur.cert)
            cur = cur.issuer
        return out

    def asn1_cert(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def _name(**attrs: str) -> x509.Name:
    order = [("C", NameOID.COUNTRY_NAME), ("ST", NameOID.STATE_OR_PROVINCE_NAME),
             ("L", NameOID.LOCALITY_NAME), ("O", NameOID.ORGANIZATION_NAME),
             ("OU", NameOID.ORGANIZATIONAL_UNIT_NAME), ("CN", NameOID.COMMON_NAME),
             ("UID", NameOID.USER_ID)]
    # cryptography checks ub-common-name (64) in UTF-8 bytes and warns on every parse of a
    # longer value; keep the demo names within 64 bytes so tests run with -W error.
    for v in attrs.values():
        assert len(v.encode("utf-8")) <= 64, v
    return x509.Name([x509.NameAttribute(oid, attrs[k]) for k, oid in order if k in attrs])


def _make_cert(
    name: str, subject: x509.Name, issuer: Cred | None, *, ca: bool, not_before: dt.datetime,
    not_after: dt.datetime, ecdsa: bool = False, eku: list[ObjectIdentifier] | None = None,
    crl_url: str | None = None, role: str = "", note: str = "", agency: str = "",
    path_len: int | None = None,
) -> Cred:
    key = ec.generate_private_key(ec.SECP256R1()) if ecdsa else rsa.generate_private_key(65537, 2048)
    issuer_key = key if issuer is None else issuer.key
    issuer_name = subject if issuer is None else issuer.cert.subject
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        ku = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    else:
        ku = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    b = b.add_extension(ku, critical=True)
    if issuer is not None:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if crl_url:
        b = b.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
            ),
            critical=False,
        )
    cert = b.sign(issuer_key, hashes.SHA256())
    return Cred(name, cert, key, issuer, role, note, agency)


@dataclass
class Pki:
    root: Cred
    intermediate: Cred
    rogue_root: Cred
    rogue_signer: Cred
    agency: dict[str, Cred]
    person: dict[str, Cred]
    expired: Cred
    revoked: Cred
    crl_der: bytes
    root_crl_der: bytes

    def all(self) -> list[Cred]:
        return [self.root, self.intermediate, *self.agency.values(), *self.person.values(),
                self.expired, self.revoked, self.rogue_root, self.rogue_signer]


def build_pki() -> Pki:
    root = _make_cert(
        "demo-root",
        _name(C="VN", O=DEMO_O, CN="DEMO RootCA chuyên dùng Chính phủ G2 (sigaudit test)"),
        None, ca=True, not_before=utc(2018, 1, 1), not_after=utc(2050, 1, 1), path_len=1,
        role="root", note="trust anchor for the demo archive",
    )
    inter = _make_cert(
        "demo-intermediate",
        _name(C="VN", O=DEMO_O, CN="DEMO CA phục vụ các cơ quan Nhà nước G2 (sigaudit)"),
        root, ca=True, not_before=utc(2018, 6, 1), not_after=utc(2048, 1, 1), path_len=0,
        crl_url=CRL_URL_ROOT, role="intermediate",
    )
    person_eku = [ExtendedKeyUsageOID.EMAIL_PROTECTION, OID_DOCUMENT_SIGNING]
    agency: dict[str, Cred] = {}
    person: dict[str, Cred] = {}
    for a in AGENCIES.values():
        agency[a.key] = _make_cert(
            f"agency-{a.key}",
            _name(C="VN", ST="Phú Thọ" if a.level != "central" else "Hà Nội",
                  L=a.place if a.level != "central" else "Hà Nội", O=a.parent_name, CN=a.name,
                  UID=f"MST:{a.mst}"),
            inter, ca=False, not_before=utc(2020, 1, 1), not_after=utc(2045, 1, 1),
            ecdsa=a.ecdsa, crl_url=CRL_URL_INTERMEDIATE, role="agency", agency=a.code,
            # NB poppler/NSS reports "Unknown issue with Certificate" for a signer without EKU,
            # so every agency that signs with pdfsig must have one.
            eku=person_eku if a.agency_eku else None,
        )
        person[a.key] = _make_cert(
            f"person-{a.key}",
            _name(C="VN", L=a.place if a.level != "central" else "Hà Nội", O=a.parent_name,
                  OU=a.name, CN=a.person, UID=f"CCCD:{CCCD[a.key]}"),
            inter, ca=False, not_before=utc(2020, 1, 1), not_after=utc(2045, 1, 1),
            ecdsa=a.ecdsa, eku=person_eku, crl_url=CRL_URL_INTERMEDIATE, role="person",
            agency=a.code,
        )
    snv = AGENCIES["so-noi-vu"]
    expired = _make_cert(
        "person-expired-so-noi-vu",
        _name(C="VN", L="Phú Thọ", O=snv.parent_name, OU=snv.name, CN="Đặng Quốc Khánh",
              UID="CCCD:025071005566"),
        inter, ca=False, not_before=utc(2019, 1, 1), not_after=dt.datetime(2020, 12, 31, 23, 59, 59, tzinfo=UTC),
        eku=person_eku, crl_url=CRL_URL_INTERMEDIATE, role="person",
        note="EXPIRED: valid 2019-01-01..2020-12-31", agency=snv.code,
    )
    gc = AGENCIES["gia-cam"]
    revoked = _make_cert(
        "person-revoked-gia-cam",
        _name(C="VN", L="Gia Cẩm", O=gc.parent_name, OU=gc.name, CN="Ngô Thanh Tùng",
              UID="CCCD:025087004321"),
        inter, ca=False, not_before=utc(2020, 1, 1), not_after=utc(2045, 1, 1),
        eku=person_eku, crl_url=CRL_URL_INTERMEDIATE, role="person",
        note="REVOKED 2024-01-01 (keyCompromise) in demo-intermediate.crl", agency=gc.code,
    )
    rogue_root = _make_cert(
        "rogue-root",
        _name(C="VN", O="sigaudit DEMO - ROGUE, never trust",
              CN="RootCA chuyên dùng Chính phủ G2 (sigaudit ROGUE test)"),
        None, ca=True, not_before=utc(2018, 1, 1), not_after=utc(2050, 1, 1), path_len=0,
        role="rogue-root", note="UNTRUSTED: never pass it to the tool",
    )
    lt = AGENCIES["lam-thao"]
    rogue_signer = _make_cert(
        "rogue-signer",
        _name(C="VN", ST="Phú Thọ", L="Lâm Thao", O=PROVINCE, CN=lt.name, UID=f"MST:{lt.mst}"),
        rogue_root, ca=False, not_before=utc(2020, 1, 1), not_after=utc(2045, 1, 1),
        role="agency", note="impersonates UBND huyện Lâm Thao; chains to rogue-root", agency=lt.code,
    )

    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(inter.cert.subject)
        .last_update(utc(2024, 6, 1))
        .next_update(utc(2045, 1, 1))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revoked.cert.serial_number)
            .revocation_date(utc(2024, 1, 1))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
        .add_extension(x509.CRLNumber(7), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(inter.key.public_key()), critical=False)
        .sign(inter.key, hashes.SHA256())
    )
    root_crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.cert.subject)
        .last_update(utc(2024, 6, 1))
        .next_update(utc(2045, 1, 1))
        .add_extension(x509.CRLNumber(3), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False)
        .sign(root.key, hashes.SHA256())
    )
    return Pki(root, inter, rogue_root, rogue_signer, agency, person, expired, revoked,
               crl.public_bytes(serialization.Encoding.DER),
               root_crl.public_bytes(serialization.Encoding.DER))


PKI_README = """\
# DEMO PKI — for sigaudit tests only. NEVER trust it in production.

Generated by `scripts/make_sample_docs.py`; every run makes new keys. The private keys
(`*.DEMO-ONLY.key.pem`, unencrypted) are published on purpose so that anyone can re-sign
the sample documents. Nothing here is related to the real Government specialised PKI
(Ban Cơ yếu Chính phủ); the names only mimic its conventions.

| file | what |
|---|---|
| `demo-root.pem` | self-signed demo root (the trust anchor to configure for `sample_docs/`) |
| `demo-intermediate.pem` | demo intermediate, issues all agency and personal certificates |
| `demo-intermediate.crl` | DER CRL of the intermediate: lists `person-revoked-gia-cam` as revoked on 2024-01-01 (thisUpdate 2024-06-01, nextUpdate 2045-01-01) |
| `demo-root.crl` | DER CRL of the root, empty (proves the intermediate is not revoked; needed with revocation_mode hard-fail/require) |
| `agency-*.pem` | agency certificates: CN = agency, O = parent People's Committee, UID = MST:…; no EKU for `ubnd-tinh` and `viet-tri`, emailProtection + documentSigning for the others |
| `person-*.pem` | personal certificates: CN = person, OU = agency, O = parent, UID = CCCD:…; EKU emailProtection + documentSigning |
| `person-expired-so-noi-vu.pem` | expired personal certificate (2019-01-01 … 2020-12-31) |
| `person-revoked-gia-cam.pem` | revoked personal certificate (see the CRL) |
| `rogue-root.pem`, `rogue-signer.pem` | an UNTRUSTED root and a signer impersonating UBND huyện Lâm Thao; never give the rogue root to the tool |
| keys | RSA 2048, except ECDSA P-256 for `vp-ubnd` and `lam-thao` (agency and person) |
| `index.json` | every certificate: subject, role, agency code, key type, validity, SHA-256 fingerprint |

Certificates carry a CRL distribution point under `crl.sigaudit-demo.invalid` (a reserved
TLD that never resolves): an auditor must work offline with the files here.
"""


def write_pki(pki: Pki) -> None:
    PKI.mkdir(parents=True)
    index = []
    for c in pki.all():
        (PKI / f"{c.name}.pem").write_bytes(c.cert.public_bytes(serialization.Encoding.PEM))
        (PKI / f"{c.name}.DEMO-ONLY.key.pem").write_bytes(
            c.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        )
        index.append({
            "file": f"{c.name}.pem",
            "key_file": f"{c.name}.DEMO-ONLY.key.pem",
            "role": c.role,
            "agency_code": c.agency or None,
            "subject": c.cert.subject.rfc4514_string(),
            "issuer": c.cert.issuer.rfc4514_string(),
            "key": "ECDSA P-256" if isinstance(c.key, ec.EllipticCurvePrivateKey) else "RSA 2048",
            "not_before": c.cert.not_valid_before_utc.isoformat(),
            "not_after": c.cert.not_valid_after_utc.isoformat(),
            "serial": format(c.cert.serial_number, "x"),
            "sha256": c.cert.fingerprint(hashes.SHA256()).hex(),
            "note": c.note,
        })
    (PKI / "demo-intermediate.crl").write_bytes(pki.crl_der)
    (PKI / "demo-root.crl").write_bytes(pki.root_crl_der)
    (PKI / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (PKI / "README.md").write_text(PKI_README, encoding="utf-8")


# --------------------------------------------------------------------------------------
# Letters (CÔNG VĂN) as PDF
# --------------------------------------------------------------------------------------

SUBJECTS = [
    "V/v triển khai ký số văn bản điện tử năm 2024",
    "V/v báo cáo kết quả cải cách hành chính quý I",
    "V/v rà soát, đơn giản hóa thủ tục hành chính",
    "V/v tăng cường sử dụng chữ ký số chuyên dùng",
    "V/v chuẩn bị hội nghị sơ kết 6 tháng đầu năm",
    "V/v cập nhật mã định danh điện tử các cơ quan",
    "V/v chủ động phòng, chống thiên tai mùa mưa bão",
    "V/v thực hiện chế độ báo cáo thống kê định kỳ",
]


@dataclass
class Letter:
    agency: Agency
    number: int
    notation: str
    date: dt.date
    subject: str
    copy: bool = False  # electronic copy (sao y): agency signature only


class _Em1000GlyphAccumulator(GlyphAccumulator):
    """GlyphAccumulator that works in 1000-unit glyph space.

    pyHanko 0.38 writes /W widths and TJ adjustments in the font's own units, which is only
    right for fonts with unitsPerEm = 1000 (DejaVu has 2048: text comes out twice as wide).
    Scaling HarfBuzz and the widths to 1000 units fixes both.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._font_upm = self.units_per_em
        self.hb_font.scale = (1000, 1000)
        self.units_per_em = 1000

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id not in self._glyphs:
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, round(width * 1000 / self._font_upm))
        return self._glyphs[glyph_id]


def font_engine(writer: Any, size: int = 11) -> _Em1000GlyphAccumulator:
    obj_stream = writer.prepare_object_stream() if writer.stream_xrefs else None
    with FONT.open("rb") as fh:
        return _Em1000GlyphAccumulator(writer, io.BytesIO(fh.read()), size, obj_stream=obj_stream)


def letter_content(lt: Letter) -> list[tuple[str, float, float, int, str]]:
    """(text, x, y, size, align) lines of a one-page official letter."""
    a = lt.agency
    lines: list[tuple[str, float, float, int, str]] = []
    left_c, right_c = 150.0, 400.0
    y = 790.0
    if a.header_parent:
        lines.append((a.header_parent, left_c, y, 11, "c"))
        lines.append((a.name.upper().replace("UBND ", "UBND "), left_c, y - 14, 11, "c"))
    else:
        lines.append((a.name.upper(), left_c, y - 7, 11, "c"))
    lines.append(("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right_c, y, 11, "c"))
    lines.append(("Độc lập - Tự do - Hạnh phúc", right_c, y - 14, 11, "c"))
    y -= 44
    lines.append((f"Số: {lt.number}/{lt.notation}", left_c, y, 11, "c"))
    d = lt.date
    lines.append((f"{a.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}", right_c, y, 11, "c"))
    lines.append((lt.subject, left_c, y - 16, 10, "c"))
    y -= 60
    if lt.copy:
        lines.append(("BẢN SAO ĐIỆN TỬ (SAO Y)", 297.5, y, 13, "c"))
        y -= 24
    lines.append(("CÔNG VĂN", 297.5, y, 14, "c"))
    y -= 28
    lines.append(("Kính gửi: Các sở, ban, ngành; UBND các huyện, thành, thị.", 110, y, 11, "l"))
    y -= 26
    body = [
        "Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác",
        f"văn thư, {a.name} đề nghị các cơ quan, đơn vị quan tâm triển khai",
        "các nội dung nêu trên, bảo đảm 100% văn bản điện tử được ký số theo quy định.",
        f"Đề nghị báo cáo kết quả trước ngày {min(d.day + 10, 28):02d}/{d.month:02d}/{d.year}.",
    ]
    for line in body:
        lines.append((line, 72, y, 11, "l"))
        y -= 16
    y -= 20
    lines.append(("Nơi nhận:", 72, y, 10, "l"))
    title_lines = a.person_title.split("\n")
    ty = y
    for t in title_lines:
        lines.append((t, 420, ty, 11, "c"))
        ty -= 14
    lines.append(("- Như trên;", 72, y - 14, 9, "l"))
    lines.append(("- Lưu: VT.", 72, y - 26, 9, "l"))
    lines.append((a.person, 420, ty - 60, 11, "c"))
    return lines


def render_letter(lt: Letter, *, empty_fields: tuple[str, ...] = (), encrypt_pw: str | None = None,
                  xref_stream: bool = False, poppler_dr_font: bool = False) -> bytes:
    w = PdfFileWriter(stream_xrefs=xref_stream)
    engine = font_engine(w)
    ops = []
    for text, x, y, size, align in letter_content(lt):
        engine.font_size = size
        shaped = engine.shape(text)
        width = shaped.x_advance * size
        x0 = x - width / 2 if align == "c" else x
        if text.startswith("Số: "):
            ops.append(b"%SO-KY-HIEU")  # marks the number line (used to tamper in place)
        ops.append(b"BT /F1 %d Tf 1 0 0 1 %.2f %.2f Tm %s ET" % (size, x0, y, shaped.graphics_ops))
    contents = w.add_object(generic.StreamObject(stream_data=b"\n".join(ops) + b"\n"))
    resources = generic.DictionaryObject({
        generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): engine.as_resource()})
    })
    w.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842), resources=resources))
    w.set_info(generic.DictionaryObject({
        generic.pdf_name("/Title"): generic.TextStringObject(f"{lt.number}/{lt.notation} {lt.subject}"),
        generic.pdf_name("/Author"): generic.TextStringObject(lt.agency.name),
    }))
    if poppler_dr_font:
        # pdfsig (poppler 22.12) looks for a /DR font named "popplerfont…" with /BaseFont
        # "Helvetica " and otherwise embeds the *whole* system font matching Helvetica
        # (NotoSans here, ~890 KB uncompressed). Pre-seeding a non-embedded one keeps the
        # signed files small; the signatures are unaffected.
        # NB the AcroForm must be an indirect object: with a direct one, pdfsig 22.12 rewrites
        # the catalog without adding its new field to /Fields (an orphaned signature widget).
        w.root[generic.pdf_name("/AcroForm")] = w.add_object(generic.DictionaryObject({
            generic.pdf_name("/Fields"): generic.ArrayObject(),
            generic.pdf_name("/DR"): generic.DictionaryObject({
                generic.pdf_name("/Font"): generic.DictionaryObject({
                    generic.pdf_name("/popplerfont"): w.add_object(generic.DictionaryObject({
                        generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                        generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                        generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica "),
                        generic.pdf_name("/Encoding"): generic.pdf_name("/WinAnsiEncoding"),
                    })),
                }),
            }),
        }))
    for i, name in enumerate(empty_fields):
        fields.append_signature_field(
            w, fields.SigFieldSpec(name, box=(330 + 60 * i, 150 - 40 * i, 510 + 60 * i, 230 - 40 * i))
        )
    if encrypt_pw:
        w.encrypt("sigaudit-demo-owner", encrypt_pw)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


Line = tuple[str, float, float, int, str]  # text, x, y, size, align ("l" left, "c" centred on x)


def render_pages(pages: list[list[Line]], *, title: str = "") -> bytes:
    """A PDF whose pages carry the given lines in DejaVu Serif (Vietnamese text, as a text layer); an
    empty list gives a page without any text (as a scan without OCR would be)."""
    w = PdfFileWriter()
    engine = font_engine(w) if any(pages) else None  # a font with no glyph used cannot be embedded
    for lines in pages:
        ops = []
        for text, x, y, size, align in lines:
            assert engine is not None
            engine.font_size = size
            shaped = engine.shape(text)
            x0 = x - shaped.x_advance * size / 2 if align == "c" else x
            ops.append(b"BT /F1 %d Tf 1 0 0 1 %.2f %.2f Tm %s ET" % (size, x0, y, shaped.graphics_ops))
        if not lines:  # a grey rectangle where a scanned image would be: drawing, but no text
            ops.append(b"0.8 g 72 72 451 698 re f")
        contents = w.add_object(generic.StreamObject(stream_data=b"\n".join(ops) + b"\n"))
        resources = generic.DictionaryObject({
            generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): engine.as_resource()})
        } if engine is not None else {})
        w.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842), resources=resources))
    if title:
        w.set_info(generic.DictionaryObject({generic.pdf_name("/Title"): generic.TextStringObject(title)}))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# Signing
# --------------------------------------------------------------------------------------


class _TimedPdfSigner(signers.PdfSigner):
    """PdfSigner whose claimed signing time (CMS signingTime and /M) is fixed."""

    def __init__(self, *args: Any, signing_time: dt.datetime,
                 presign_vc: ValidationContext | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time
        self._presign_vc = presign_vc

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        if self._presign_vc is not None:
            # pyHanko refuses to embed validation info for a revoked signer. Build the signer's
            # path in a context without CRLs instead, while the real CRL (which says "revoked")
            # still goes into adbe-revocationInfoArchival, as a careless signing tool would do.
            orig = session._perform_presign_signer_validation
            presign_vc = self._presign_vc

            async def presign(_vc: Any, key_usage: Any) -> Any:
                return await orig(presign_vc, key_usage)

            session._perform_presign_signer_validation = presign
        return session


def pyhanko_signer(c: Cred) -> signers.SimpleSigner:
    return signers.SimpleSigner(
        signing_cert=c.asn1_cert(),
        signing_key=c.asn1_key(),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(x.public_bytes(serialization.Encoding.DER)) for x in c.chain[:-1]]
        ),
    )


def sign_pyhanko(pdf: bytes, c: Cred, field_name: str, when: dt.datetime, *, reason: str, location: str,
                 vc: ValidationContext | None = None, embed: bool = False,
                 presign_vc: ValidationContext | None = None, password: str | None = None) -> bytes:
    # strict=False: pdfsig 22.12 writes xref entries with generation 1 for objects that never
    # had a generation 0 ("orphaned generation"), which pyHanko's strict reader refuses.
    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if password is not None:
        w.encrypt(password)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", reason=reason, location=location,
        embed_validation_info=embed, validation_context=vc,
    )
    s = _TimedPdfSigner(meta, signer=pyhanko_signer(c), signing_time=when, presign_vc=presign_vc)
    return s.sign_pdf(w).getvalue()


class PdfsigTool:
    """Signs with poppler's pdfsig from a throw-away NSS database holding the demo creds."""

    def __init__(self, pki: Pki, workdir: Path) -> None:
        self.db = workdir / "nssdb"
        self.db.mkdir()
        self.work = workdir
        subprocess.run(["certutil", "-N", "-d", f"sql:{self.db}", "--empty-password"], check=True,
                       capture_output=True)
        for ca, nick in [(pki.root, "demo-root"), (pki.intermediate, "demo-intermediate")]:
            p = workdir / f"{nick}.pem"
            p.write_bytes(ca.cert.public_bytes(serialization.Encoding.PEM))
            trust = "CT,C,C" if ca is pki.root else ",,"
            subprocess.run(["certutil", "-A", "-d", f"sql:{self.db}", "-n", nick, "-t", trust, "-a", "-i", str(p)],
                           check=True, capture_output=True)
        self.nicks: set[str] = set()

    def _import(self, c: Cred) -> str:
        nick = c.name
        if nick not in self.nicks:
            p12 = pkcs12.serialize_key_and_certificates(
                nick.encode(), c.key, c.cert, c.chain,
                serialization.BestAvailableEncryption(b"demo"),
            )
            path = self.work / f"{nick}.p12"
            path.write_bytes(p12)
            subprocess.run(["pk12util", "-i", str(path), "-d", f"sql:{self.db}", "-W", "demo", "-K", ""],
                           check=True, capture_output=True)
            self.nicks.add(nick)
        return nick

    def sign(self, pdf: bytes, c: Cred, field_name: str, reason: str) -> bytes:
        nick = self._import(c)
        src, dst = self.work / "in.pdf", self.work / "out.pdf"
        src.write_bytes(pdf)
        # pdfsig 22.12 sizes /Contents from a trial signature; with ECDSA the DER signature
        # length varies (70-72 bytes), so most attempts end in "signDocument: unable update
        # signature" (exit 3). Retrying until one fits is the workaround.
        for _attempt in range(60):
            dst.unlink(missing_ok=True)
            r = subprocess.run(
                ["pdfsig", "-add-signature", "-nssdir", f"sql:{self.db}", "-nick", nick, "-digest", "SHA256",
                 "-reason", reason, "-new-signature-field-name", field_name, str(src), str(dst)],
                capture_output=True, text=True,
            )
            if r.returncode == 0 and dst.exists():
                return dst.read_bytes()
            if "unable update signature" not in r.stderr + r.stdout:
                break
        raise RuntimeError(f"pdfsig failed ({r.returncode}): {r.stdout}{r.stderr}")

    def check(self, pdf: bytes) -> str:
        src = self.work / "check.pdf"
        src.write_bytes(pdf)
        r = subprocess.run(["pdfsig", "-nssdir", f"sql:{self.db}", "-no-ocsp", str(src)],
                           capture_output=True, text=True)
        return r.stdout + r.stderr


# --------------------------------------------------------------------------------------
# Document plan
# --------------------------------------------------------------------------------------

VERDICT = {
    "two_signature": "valid", "agency_only": "valid", "foreign_signer": "valid",
    "unsigned": "unsigned", "tampered": "invalid", "modified_after_signing": "invalid",
    "revoked": "invalid", "untrusted_root": "indeterminate", "expired": "indeterminate",
    "not_pdf": "unreadable", "truncated": "unreadable", "encrypted": "unreadable",
}


@dataclass
class Doc:
    path: str  # relative to sample_docs, "a.zip!/b.pdf" for ZIP members
    kind: str
    agency: str | None  # Agency.key
    number: int
    date: str  # yyyy-mm-dd
    manifest: str = "code"  # code | full | none
    variant: str = ""  # finer description for the builder
    subject: int = 0
    notation: str = ""
    tools: list[str] = field(default_factory=list)
    note: str = ""


def plan() -> list[Doc]:
    D = Doc
    return [
        # --- province: UBND tỉnh ---------------------------------------------------------
        D("tinh/ubnd-tinh/2024/120-UBND-KGVX_2024-02-05.pdf", "two_signature", "ubnd-tinh", 120, "2024-02-05",
          subject=0),
        D("tinh/ubnd-tinh/2024/245-UBND-NC_2024-04-18.pdf", "two_signature", "ubnd-tinh", 245, "2024-04-18",
          notation="UBND-NC", subject=5, variant="xref_stream"),
        # --- province: Văn phòng UBND tỉnh (ECDSA) ---------------------------------------
        D("tinh/vp-ubnd/2024/15-UBND-VP_2024-03-12.pdf", "two_signature", "vp-ubnd", 15, "2024-03-12",
          notation="UBND-VP", subject=1),
        D("tinh/vp-ubnd/2024/38-VP-TH_2024-05-20.pdf", "two_signature", "vp-ubnd", 38, "2024-05-20", subject=2,
          manifest="full"),
        D("tinh/vp-ubnd/2024/41-VP-HCTC_2024-05-28.pdf", "agency_only", "vp-ubnd", 41, "2024-05-28",
          notation="VP-HCTC", subject=3),
        D("tinh/vp-ubnd/2024/47-VP-HCTC_2024-06-10.pdf", "foreign_signer", "vp-ubnd", 47, "2024-06-10",
          notation="VP-HCTC", subject=6, variant="pdfsig_agency_only",
          note="sao y, agency signature (ECDSA P-256) made by poppler pdfsig"),
        D("tinh/vp-ubnd/2024/60-VP-TH_2024-08-01.pdf", "not_pdf", "vp-ubnd", 60, "2024-08-01",
          variant="docx", note="a DOCX (ZIP) saved with a .pdf name"),
        # --- province: Sở Nội vụ ---------------------------------------------------------
        D("tinh/so-noi-vu/2024/210-SNV-TCBC_2024-03-02.pdf", "two_signature", "so-noi-vu", 210, "2024-03-02",
          subject=4),
        D("tinh/so-noi-vu/2024/233-SNV-CCVC_2024-03-20.pdf", "expired", "so-noi-vu", 233, "2024-03-20",
          notation="SNV-CCVC", subject=1, note="single personal signature, certificate expired 2020-12-31"),
        D("tinh/so-noi-vu/2024/240-SNV-VP_2024-04-02.pdf", "agency_only", "so-noi-vu", 240, "2024-04-02",
          notation="SNV-VP", subject=7, manifest="full"),
        D("tinh/so-noi-vu/2024/251-SNV-TCBC_2024-04-15.pdf", "tampered", "so-noi-vu", 251, "2024-04-15",
          subject=2, note="two signatures, then a digit of the document number flipped in the content stream"),
        D("tinh/so-noi-vu/2024/260-SNV-CCVC_2024-05-06.pdf", "foreign_signer", "so-noi-vu", 260, "2024-05-06",
          notation="SNV-CCVC", subject=3, variant="pdfsig_then_pyhanko",
          note="personal signature by pdfsig, agency signature by pyHanko on top"),
        D("tinh/so-noi-vu/2024/du-thao-265-SNV_2024-05-10.pdf", "unsigned", "so-noi-vu", 265, "2024-05-10",
          subject=6, note="draft, no signature field"),
        # --- district: UBND thành phố Việt Trì -------------------------------------------
        D("huyen/viet-tri/2024/301-UBND-VP_2024-02-14.pdf", "two_signature", "viet-tri", 301, "2024-02-14", subject=0),
        D("huyen/viet-tri/2024/318-UBND-TNMT_2024-03-25.pdf", "two_signature", "viet-tri", 318, "2024-03-25",
          notation="UBND-TNMT", subject=6, variant="embed_crl",
          note="both signatures embed the CRLs proving non-revocation (adbe-revocationInfoArchival)"),
        D("huyen/viet-tri/2024/322-UBND-NV_2024-04-01.pdf", "modified_after_signing", "viet-tri", 322, "2024-04-01",
          notation="UBND-NV", subject=4,
          note="two valid signatures, then an incremental update appends a content stream to page 1"),
        D("huyen/viet-tri/2024/330-UBND-VP_2024-04-09.pdf", "unsigned", "viet-tri", 330, "2024-04-09",
          subject=5, variant="empty_fields", note="empty signature fields Sig_CaNhan and Sig_CoQuan"),
        D("huyen/viet-tri/2024/340-UBND-VP_2024-05-02.pdf", "truncated", "viet-tri", 340, "2024-05-02",
          subject=1, note="a signed PDF cut in half"),
        # --- district: UBND huyện Lâm Thao (ECDSA) ---------------------------------------
        D("huyen/lam-thao/2024/88-UBND-VP_2024-01-22.pdf", "two_signature", "lam-thao", 88, "2024-01-22", subject=3),
        D("huyen/lam-thao/2024/95-UBND-TCKH_2024-02-27.pdf", "two_signature", "lam-thao", 95, "2024-02-27",
          notation="UBND-TCKH", subject=7),
        D("huyen/lam-thao/2024/102-UBND-NV_2024-03-15.pdf", "untrusted_root", "lam-thao", 102, "2024-03-15",
          notation="UBND-NV", subject=5, note="agency signature by a certificate under rogue-root"),
        D("huyen/lam-thao/2024/114-UBND-VP_2024-04-05.pdf", "tampered", "lam-thao", 114, "2024-04-05",
          subject=0, variant="agency_only", note="agency signature only, then a digit flipped"),
        D("huyen/lam-thao/2024/bao-cao-khong-ky.pdf", "unsigned", "lam-thao", 120, "2024-04-20", subject=1),
        # --- commune: UBND phường Gia Cẩm ------------------------------------------------
        D("xa/gia-cam/2024/25-UBND_2024-02-02.pdf", "two_signature", "gia-cam", 25, "2024-02-02", subject=2),
        D("xa/gia-cam/2024/31-UBND_2024-03-08.pdf", "revoked", "gia-cam", 31, "2024-03-08", subject=4,
          variant="cms", note="personal signature by the revoked certificate; CRL in adbe-revocationInfoArchival"),
        D("xa/gia-cam/2024/33-UBND_2024-03-19.pdf", "revoked", "gia-cam", 33, "2024-03-19", subject=7,
          variant="dss", note="personal signature by the revoked certificate; CRL in the DSS (later revision)"),
        D("xa/gia-cam/2024-batch.zip!/2024/cv-12.pdf", "two_signature", "gia-cam", 12, "2024-01-11", subject=0),
        D("xa/gia-cam/2024-batch.zip!/2024/cv-14.pdf", "two_signature", "gia-cam", 14, "2024-01-16", subject=5),
        D("xa/gia-cam/2024-batch.zip!/2024/cv-15.pdf", "unsigned", "gia-cam", 15, "2024-01-18", subject=6),
        D("xa/gia-cam/2024-batch.zip!/2024/sao-y/sy-03.pdf", "agency_only", "gia-cam", 3, "2024-01-25",
          subject=1, notation="SY-UBND"),
        # --- commune: UBND thị trấn Lâm Thao (nested ZIP) --------------------------------
        D("xa/tt-lam-thao/2024/18-UBND_2024-01-30.pdf", "two_signature", "tt-lam-thao", 18, "2024-01-30", subject=3),
        D("xa/tt-lam-thao/luu-tru-2024.zip!/22-UBND_2024-02-20.pdf", "two_signature", "tt-lam-thao", 22,
          "2024-02-20", subject=4),
        D("xa/tt-lam-thao/luu-tru-2024.zip!/thang-03.zip!/27-UBND_2024-03-11.pdf", "two_signature",
          "tt-lam-thao", 27, "2024-03-11", subject=5),
        D("xa/tt-lam-thao/luu-tru-2024.zip!/thang-03.zip!/28-SY-UBND_2024-03-18.pdf", "agency_only",
          "tt-lam-thao", 28, "2024-03-18", subject=2, notation="SY-UBND"),
        # --- commune: UBND xã Sơn Vi -----------------------------------------------------
        D("xa/son-vi/2024/07-UBND_2024-01-15.pdf", "two_signature", "son-vi", 7, "2024-01-15", subject=1),
        D("xa/son-vi/2024/09-UBND_2024-02-19.bin", "two_signature", "son-vi", 9, "2024-02-19", subject=6,
          note="signed PDF with a .bin extension"),
        D("xa/son-vi/2024/11-UBND_2024-03-04.pdf", "foreign_signer", "son-vi", 11, "2024-03-04", subject=0,
          variant="pdfsig_both", note="both signatures made by pdfsig"),
        D("xa/son-vi/2024/13-UBND_2024-03-22.pdf", "encrypted", "son-vi", 13, "2024-03-22", subject=3,
          note=f"AES-256, user password {ENCRYPTED_USER_PASSWORD!r}; two pyHanko signatures inside"),
        D("xa/son-vi/2024/15-UBND_2024-04-03.pdf", "not_pdf", "son-vi", 15, "2024-04-03",
          variant="html", note="an HTML error page saved as .pdf"),
        # --- central (received document): manifest gives code+name+level -----------------
        D("trung-uong/bo-noi-vu/2024/1250-BNV-CCVC_2024-05-15.pdf", "agency_only", "bo-noi-vu", 1250,
          "2024-05-15", subject=3, manifest="full", note="agency not in the registry; manifest supplies it"),
        # --- not in the manifest at all: level must be "unknown" -------------------------
        D("khac/scan_0001.pdf", "unsigned", "son-vi", 19, "2024-04-12", subject=2, manifest="none"),
        D("khac/scan_0002.pdf", "unsigned", "gia-cam", 40, "2024-04-15", subject=5, manifest="none",
          variant="empty_fields"),
        D("khac/van-ban-den_2024-05.pdf", "two_signature", "tt-lam-thao", 35, "2024-05-08", subject=7,
          manifest="none", note="validly signed but not in the manifest"),
    ]


# --------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------


def _at(date: str, hh: int, mm: int) -> dt.datetime:
    y, m, d = map(int, date.split("-"))
    return dt.datetime(y, m, d, hh, mm, 0, tzinfo=ICT)


def _letter(doc: Doc) -> Letter:
    a = AGENCIES[doc.agency or "son-vi"]
    return Letter(a, doc.number, doc.notation or a.notation, dt.date.fromisoformat(doc.date),
                  SUBJECTS[doc.subject % len(SUBJECTS)], copy=doc.kind == "agency_only")


REASON_PERSON = "Ký duyệt văn bản"
REASON_AGENCY = "Ký số của cơ quan, tổ chức (phát hành)"


class Builder:
    def __init__(self, pki: Pki, pdfsig: PdfsigTool) -> None:
        self.pki = pki
        self.pdfsig = pdfsig
        roots = [pki.root.asn1_cert()]
        others = [pki.intermediate.asn1_cert()]
        self.crls = [asn1_crl.CertificateList.load(pki.crl_der), asn1_crl.CertificateList.load(pki.root_crl_der)]
        self.vc_crl = ValidationContext(trust_roots=roots, other_certs=others, crls=self.crls,
                                        allow_fetching=False, revocation_mode="soft-fail")
        self.vc_nocrl = ValidationContext(trust_roots=roots, other_certs=others, allow_fetching=False,
                                          revocation_mode="soft-fail")
        self.pdfsig_log: list[str] = []

    def two_sig(self, pdf: bytes, doc: Doc, a: Agency, *, embed: bool = False, password: str | None = None) -> bytes:
        vc = self.vc_crl if embed else None
        pdf = sign_pyhanko(pdf, self.pki.person[a.key], "Sig_CaNhan", _at(doc.date, 8, 45),
                           reason=REASON_PERSON, location=a.place, vc=vc, embed=embed, password=password)
        return sign_pyhanko(pdf, self.pki.agency[a.key], "Sig_CoQuan", _at(doc.date, 10, 15),
                            reason=REASON_AGENCY, location=a.place, vc=vc, embed=embed, password=password)

    def build(self, doc: Doc) -> bytes:
        k, v = doc.kind, doc.variant
        a = AGENCIES[doc.agency or "son-vi"]
        lt = _letter(doc)
        if k == "not_pdf":
            return not_pdf(v, lt)
        if k == "encrypted":
            pdf = render_letter(lt, encrypt_pw=ENCRYPTED_USER_PASSWORD)
            return self.two_sig(pdf, doc, a, password=ENCRYPTED_USER_PASSWORD)
        pdf = render_letter(lt, empty_fields=("Sig_CaNhan", "Sig_CoQuan") if v == "empty_fields" else (),
                            xref_stream=v == "xref_stream", poppler_dr_font=k == "foreign_signer")
        if k == "unsigned":
            return pdf
        if k == "two_signature":
            return self.two_sig(pdf, doc, a, embed=v == "embed_crl")
        if k == "agency_only":
            return sign_pyhanko(pdf, self.pki.agency[a.key], "Sig_CoQuan", _at(doc.date, 14, 5),
                                reason="Sao y bản chính", location=a.place)
        if k == "tampered":
            if v == "agency_only":
                signed = sign_pyhanko(pdf, self.pki.agency[a.key], "Sig_CoQuan", _at(doc.date, 9, 30),
                                      reason="Sao y bản chính", location=a.place)
            else:
                signed = self.two_sig(pdf, doc, a)
            return tamper_number(signed)
        if k == "modified_after_signing":
            return modify_after_signing(self.two_sig(pdf, doc, a))
        if k == "truncated":
            signed = self.two_sig(pdf, doc, a)
            return signed[: len(signed) // 2]
        if k == "untrusted_root":
            return sign_pyhanko(pdf, self.pki.rogue_signer, "Sig_CoQuan", _at(doc.date, 15, 20),
                                reason=REASON_AGENCY, location=a.place)
        if k == "expired":
            return sign_pyhanko(pdf, self.pki.expired, "Sig_CaNhan", _at(doc.date, 16, 0),
                                reason=REASON_PERSON, location=a.place)
        if k == "revoked":
            if v == "cms":
                return sign_pyhanko(pdf, self.pki.revoked, "Sig_CaNhan", _at(doc.date, 9, 5),
                                    reason=REASON_PERSON, location=a.place, vc=self.vc_crl, embed=True,
                                    presign_vc=self.vc_nocrl)
            signed = sign_pyhanko(pdf, self.pki.revoked, "Sig_CaNhan", _at(doc.date, 9, 5),
                                  reason=REASON_PERSON, location=a.place)
            return add_dss_crl(signed, self.pki)
        if k == "foreign_signer":
            if v == "pdfsig_agency_only":
                out = self.pdfsig.sign(pdf, self.pki.agency[a.key], "Sig_CoQuan", "Sao y ban chinh")
            elif v == "pdfsig_then_pyhanko":
                out = self.pdfsig.sign(pdf, self.pki.person[a.key], "Sig_CaNhan", "Ky duyet van ban")
                # pdfsig always claims "now"; keep the agency's claimed time after it
                out = sign_pyhanko(out, self.pki.agency[a.key], "Sig_CoQuan",
                                   dt.datetime.now(ICT).replace(microsecond=0) + dt.timedelta(minutes=1),
                                   reason=REASON_AGENCY, location=a.place)
            elif v == "pdfsig_both":
                out = self.pdfsig.sign(pdf, self.pki.person[a.key], "Sig_CaNhan", "Ky duyet van ban")
                out = self.pdfsig.sign(out, self.pki.agency[a.key], "Sig_CoQuan", "Ký số của cơ quan")
            else:
                raise ValueError(v)
            self.pdfsig_log.append(f"== {doc.path}\n{self.pdfsig.check(out)}")
            return out
        raise ValueError(k)


def not_pdf(variant: str, lt: Letter) -> bytes:
    if variant == "html":
        return (
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Lỗi 404</title></head>\n"
            "<body><h1>Không tìm thấy tệp</h1><p>Tệp đính kèm của văn bản "
            f"{lt.number}/{lt.notation} không tồn tại trên máy chủ.</p></body></html>\n"
        ).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
                   f'.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Số: {lt.number}/{lt.notation} '
                   f'{lt.subject}</w:t></w:r></w:p></w:body></w:document>')
    return buf.getvalue()


def tamper_number(pdf: bytes) -> bytes:
    """Flip one digit of the document number ("Số: 15/…" → "Số: 16/…") in place.

    Both the /ActualText digit and the glyph id in the TJ array change, so the page shows
    and extracts another number; the byte length is unchanged, so only the hash breaks.
    """
    start = pdf.index(b"%SO-KY-HIEU")
    end = pdf.index(b"ET", start)
    seg = bytearray(pdf[start:end])
    m = re.search(rb"\\000([0-9])", bytes(seg))
    assert m is not None, "number digit not found"
    d = int(m.group(1))
    nd = (d + 1) % 10
    seg[m.start(1)] = ord(str(nd))
    # DejaVu: glyph id of digit d is 0x13 + d; replace the first such glyph in the TJ array
    old_hex, new_hex = b"%04x" % (0x13 + d), b"%04x" % (0x13 + nd)
    tj = seg.index(b"[")
    j = bytes(seg).find(old_hex, tj)
    while j != -1 and (j - tj) % 4 != ((bytes(seg).find(b"<", tj) + 1) - tj) % 4:
        j = bytes(seg).find(old_hex, j + 1)
    if j != -1:
        seg[j:j + 4] = new_hex
    return pdf[:start] + bytes(seg) + pdf[end:]


def modify_after_signing(pdf: bytes) -> bytes:
    """Append a content stream to page 1 in a new incremental revision (a forged addendum)."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    engine = font_engine(w, 12)
    shaped = engine.shape("Bổ sung: giao UBND các xã chi 500.000.000 đồng từ ngân sách.")
    data = b"q 0.8 0 0 rg BT /FSig 12 Tf 1 0 0 1 72 300 Tm %s ET Q\n" % shaped.graphics_ops
    ref = w.add_object(generic.StreamObject(stream_data=data))
    res = generic.DictionaryObject({
        generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/FSig"): engine.as_resource()})
    })
    w.add_stream_to_page(0, ref, resources=res)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def add_dss_crl(pdf: bytes, pki: Pki) -> bytes:
    """Add a DSS with the intermediate's CRL (and the chain) in a new incremental revision."""
    r = PdfFileReader(io.BytesIO(pdf))
    sig = r.embedded_signatures[-1]
    contents = sig.sig_object.get_object()["/Contents"]
    out = io.BytesIO(pdf)
    out.seek(0, 2)
    DocumentSecurityStore.add_dss(
        out, contents,
        certs=[pki.intermediate.asn1_cert(), pki.revoked.asn1_cert()],
        crls=[asn1_crl.CertificateList.load(pki.crl_der)],
        embed_roots=False,
    )
    return out.getvalue()


# --------------------------------------------------------------------------------------
# Archive assembly
# --------------------------------------------------------------------------------------


def _zip(members: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(members):
            v = members[name]
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 6, 30, 17, 0, 0)),
                       _zip(v) if isinstance(v, dict) else v, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def place(tree: dict[str, Any], path: str, data: bytes) -> None:
    parts = path.split("!/")
    node = tree
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = data


SAMPLE_README = """\
Xuat du lieu van ban dien tu - he thong QLVB&DH tinh Phu Tho (DEMO, sigaudit test data)
Exported: 2024-06-30. manifest.csv is the register of documents sent (direction, number, date,
recipients); huyen/viet-tri/so-van-ban-den.csv registers documents received by UBND thanh pho Viet Tri;
lien-thong/ holds edXML packages exchanged through the provincial axis. This file is not a document.
""" + sample_bare.README_LINE

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
        f"<PromulgationInfo><Place>Phú Thọ</Place><PromulgationDate>{day}</PromulgationDate></PromulgationInfo>"
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
    ).encode("utf-8")


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
    ).encode("utf-8")


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
        target = DOCS / top
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_zip(v) if isinstance(v, dict) else v)
    # non-document files
    (DOCS / "README.txt").write_text(SAMPLE_README, encoding="utf-8")
    (DOCS / "xa/gia-cam/Thumbs.db").write_bytes(
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 24 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 472
    )
    with (DOCS / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(
            ["file", "agency_code", "agency_name", "level", "direction", "date", "number_notation", "recipient_codes"]
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
    with (DOCS / RECEIVED_REGISTER).open("w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["Tệp", "Mã cơ quan ban hành", "Cơ quan ban hành", "Số, ký hiệu", "Ngày văn bản",
                     "Mã nơi nhận", "Trích yếu", "Trạng thái"])
        for copy, original in RECEIVED_COPIES.items():
            doc = by_path[original]
            a = AGENCIES[doc.agency or "son-vi"]
            day = "/".join(reversed(doc.date.split("-")))  # dd/mm/yyyy, as registers write it
            wr.writerow([copy.removeprefix("huyen/viet-tri/"), a.code, a.name, number_notation(doc), day,
                         "000.00.30.H44", SUBJECTS[doc.subject % len(SUBJECTS)], "01;03;06"])


def write_registry() -> None:
    with (DEMO / "agencies.csv").open("w", encoding="utf-8", newline="") as f:
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
    (DEMO / "expected.json").write_text(json.dumps(exp, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def load_pki() -> tuple[dict[str, Cred], dict[str, Cred]]:
    """The agency and personal credentials of the checked-in demo PKI, read back from demo/pki/ (the
    files and keys stay as they are: ``--bare-only`` signs with them)."""

    def load(name: str, issuer: Cred | None) -> Cred:
        cert = x509.load_pem_x509_certificate((PKI / f"{name}.pem").read_bytes())
        key = serialization.load_pem_private_key((PKI / f"{name}.DEMO-ONLY.key.pem").read_bytes(), None)
        return Cred(name, cert, key, issuer, "")

    inter = load("demo-intermediate", load("demo-root", None))
    agency = {k: load(f"agency-{k}", inter) for k in AGENCIES}
    person = {k: load(f"person-{k}", inter) for k in AGENCIES}
    return agency, person


def write_bare(agency: dict[str, Cred], person: dict[str, Cred]) -> int:
    """sample_docs/<bare folder>/: letters with no metadata, signed with the given credentials."""

    def sign(pdf: bytes, key: str, role: str, when: dt.datetime) -> bytes:
        a = AGENCIES[key]
        if role == "person":
            return sign_pyhanko(pdf, person[key], "Sig_CaNhan", when, reason=REASON_PERSON, location=a.place)
        return sign_pyhanko(pdf, agency[key], "Sig_CoQuan", when, reason=REASON_AGENCY, location=a.place)

    names = {a.key: (a.name, a.person) for a in AGENCIES.values()}
    return sample_bare.write(DOCS, render_pages, sign, names)


def main() -> int:
    global ROOT, DEMO, PKI, DOCS
    parser = argparse.ArgumentParser(description="Regenerate demo/ (PKI, registry) and sample_docs/.")
    parser.add_argument("--out", type=Path, default=ROOT, help="folder to write demo/ and sample_docs/ into "
                        "(default: the repository root)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print pdfsig's check of its signatures")
    parser.add_argument("--exchange-only", action="store_true", help="keep the signed PDFs and the PKI; only "
                        "(re)write the edXML part, the received copies, the registers and expected.json")
    parser.add_argument("--bare-only", action="store_true", help=f"keep the PKI and every other file; only "
                        f"(re)write sample_docs/{sample_bare.FOLDER}/ (signed with the demo/pki/ keys), its "
                        "expected.json entries and sample_docs/README.txt")
    args = parser.parse_args()
    ROOT = args.out.resolve()
    DEMO, DOCS = ROOT / "demo", ROOT / "sample_docs"
    PKI = DEMO / "pki"
    if args.exchange_only:
        docs = plan()
        needed = {EDXML_SOURCE, *RECEIVED_COPIES.values()}
        write_exchange({}, docs, {p: (DOCS / p).read_bytes() for p in needed})
        write_expected(docs)
        return 0
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset" chatter
    # "embedding validation info without fetching" warnings: offline on purpose
    logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)
    if args.bare_only:
        count = write_bare(*load_pki())
        sample_bare.update_expected(
            DEMO / "expected.json",
            sample_bare.expected_entries({a.key: (a.code, a.level) for a in AGENCIES.values()}),
        )
        (DOCS / "README.txt").write_text(SAMPLE_README, encoding="utf-8")
        print(f"{count} documents written to {DOCS.relative_to(ROOT)}/{sample_bare.FOLDER}/")
        return 0
    for tool in ("pdfsig", "certutil", "pk12util"):
        if shutil.which(tool) is None:
            print(f"error: {tool} not found (apt-get install poppler-utils libnss3-tools)", file=sys.stderr)
            return 2
    for d in (DEMO, DOCS):
        if d.exists():
            shutil.rmtree(d)
    DEMO.mkdir(parents=True)
    DOCS.mkdir(parents=True)
    pki = build_pki()
    write_pki(pki)
    write_registry()
    docs = plan()
    with tempfile.TemporaryDirectory(prefix="sigaudit-nss-") as tmp:
        builder = Builder(pki, PdfsigTool(pki, Path(tmp)))
        write_archive(pki, docs, builder)
        log = "\n".join(builder.pdfsig_log)
    write_bare(pki.agency, pki.person)
    write_expected(docs)
    if args.verbose:
        print(log)
    print(f"{len(docs)} documents written to {DOCS.relative_to(ROOT)}/, PKI and registry in {DEMO.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
