"""The sample generator's document plan and builders: what each document of the archive is meant to
exercise and its expected verdict (``plan``), and how it is made: signed once or twice, by pyHanko or
pdfsig, tampered with, modified after signing, given a DSS CRL, or not a PDF at all (``Builder``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext
from sample_common import (
    AGENCIES,
    ENCRYPTED_USER_PASSWORD,
    ICT,
    Agency,
)
from sample_draw import (
    SUBJECTS,
    Letter,
    font_engine,
    render_letter,
)
from sample_pki import (
    PdfsigTool,
    Pki,
    sign_pyhanko,
)

# --------------------------------------------------------------------------------------
# Document plan
# --------------------------------------------------------------------------------------

VERDICT = {
    "two_signature": "valid",
    "agency_only": "valid",
    "foreign_signer": "valid",
    "unsigned": "unsigned",
    "tampered": "invalid",
    "modified_after_signing": "invalid",
    "revoked": "invalid",
    "untrusted_root": "indeterminate",
    "expired": "indeterminate",
    "not_pdf": "unreadable",
    "truncated": "unreadable",
    "encrypted": "unreadable",
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
    # A table: one row per line (the formatter would put one field per line).
    # fmt: off
    return [
        # --- province: UBND tỉnh ---------------------------------------------------------
        D("tinh/ubnd-tinh/2024/120-UBND-KGVX_2024-02-05.pdf", "two_signature", "ubnd-tinh", 120, "2024-02-05",
          subject=0),
        D("tinh/ubnd-tinh/2024/245-UBND-NC_2024-04-18.pdf", "two_signature", "ubnd-tinh", 245, "2024-04-18",
          notation="UBND-NC", subject=5, variant="xref_stream"),
        # --- province: Văn phòng UBND tỉnh (ECDSA) ---------------------------------------
        D("tinh/vp-ubnd/2024/15-UBND-VP_2024-03-12.pdf", "two_signature", "vp-ubnd", 15, "2024-03-12",
          notation="UBND-VP", subject=1),
        D("tinh/vp-ubnd/2024/38-VP-TH_2024-05-20.pdf", "two_signature", "vp-ubnd", 38, "2024-05-20",
          subject=2,
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
          subject=2,
          note="two signatures, then a digit of the document number flipped in the content stream"),
        D("tinh/so-noi-vu/2024/260-SNV-CCVC_2024-05-06.pdf", "foreign_signer", "so-noi-vu", 260, "2024-05-06",
          notation="SNV-CCVC", subject=3, variant="pdfsig_then_pyhanko",
          note="personal signature by pdfsig, agency signature by pyHanko on top"),
        D("tinh/so-noi-vu/2024/du-thao-265-SNV_2024-05-10.pdf", "unsigned", "so-noi-vu", 265, "2024-05-10",
          subject=6, note="draft, no signature field"),
        # --- district: UBND thành phố Việt Trì -------------------------------------------
        D("huyen/viet-tri/2024/301-UBND-VP_2024-02-14.pdf", "two_signature", "viet-tri", 301, "2024-02-14",
          subject=0),
        D("huyen/viet-tri/2024/318-UBND-TNMT_2024-03-25.pdf", "two_signature", "viet-tri", 318, "2024-03-25",
          notation="UBND-TNMT", subject=6, variant="embed_crl",
          note="both signatures embed the CRLs proving non-revocation (adbe-revocationInfoArchival)"),
        D("huyen/viet-tri/2024/322-UBND-NV_2024-04-01.pdf", "modified_after_signing", "viet-tri", 322,
          "2024-04-01",
          notation="UBND-NV", subject=4,
          note="two valid signatures, then an incremental update appends a content stream to page 1"),
        D("huyen/viet-tri/2024/330-UBND-VP_2024-04-09.pdf", "unsigned", "viet-tri", 330, "2024-04-09",
          subject=5, variant="empty_fields", note="empty signature fields Sig_CaNhan and Sig_CoQuan"),
        D("huyen/viet-tri/2024/340-UBND-VP_2024-05-02.pdf", "truncated", "viet-tri", 340, "2024-05-02",
          subject=1, note="a signed PDF cut in half"),
        # --- district: UBND huyện Lâm Thao (ECDSA) ---------------------------------------
        D("huyen/lam-thao/2024/88-UBND-VP_2024-01-22.pdf", "two_signature", "lam-thao", 88, "2024-01-22",
          subject=3),
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
          variant="cms",
          note="personal signature by the revoked certificate; CRL in adbe-revocationInfoArchival"),
        D("xa/gia-cam/2024/33-UBND_2024-03-19.pdf", "revoked", "gia-cam", 33, "2024-03-19", subject=7,
          variant="dss",
          note="personal signature by the revoked certificate; CRL in the DSS (later revision)"),
        D("xa/gia-cam/2024-batch.zip!/2024/cv-12.pdf", "two_signature", "gia-cam", 12, "2024-01-11",
          subject=0),
        D("xa/gia-cam/2024-batch.zip!/2024/cv-14.pdf", "two_signature", "gia-cam", 14, "2024-01-16",
          subject=5),
        D("xa/gia-cam/2024-batch.zip!/2024/cv-15.pdf", "unsigned", "gia-cam", 15, "2024-01-18", subject=6),
        D("xa/gia-cam/2024-batch.zip!/2024/sao-y/sy-03.pdf", "agency_only", "gia-cam", 3, "2024-01-25",
          subject=1, notation="SY-UBND"),
        # --- commune: UBND thị trấn Lâm Thao (nested ZIP) --------------------------------
        D("xa/tt-lam-thao/2024/18-UBND_2024-01-30.pdf", "two_signature", "tt-lam-thao", 18, "2024-01-30",
          subject=3),
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
    # fmt: on


# --------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------


def _at(date: str, hh: int, mm: int) -> dt.datetime:
    y, m, d = map(int, date.split("-"))
    return dt.datetime(y, m, d, hh, mm, 0, tzinfo=ICT)


def _letter(doc: Doc) -> Letter:
    a = AGENCIES[doc.agency or "son-vi"]
    return Letter(
        a,
        doc.number,
        doc.notation or a.notation,
        dt.date.fromisoformat(doc.date),
        SUBJECTS[doc.subject % len(SUBJECTS)],
        copy=doc.kind == "agency_only",
    )


REASON_PERSON = "Ký duyệt văn bản"
REASON_AGENCY = "Ký số của cơ quan, tổ chức (phát hành)"


class Builder:
    def __init__(self, pki: Pki, pdfsig: PdfsigTool) -> None:
        self.pki = pki
        self.pdfsig = pdfsig
        roots = [pki.root.asn1_cert()]
        others = [pki.intermediate.asn1_cert()]
        self.crls = [
            asn1_crl.CertificateList.load(pki.crl_der),
            asn1_crl.CertificateList.load(pki.root_crl_der),
        ]
        self.vc_crl = ValidationContext(
            trust_roots=roots,
            other_certs=others,
            crls=self.crls,
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        self.vc_nocrl = ValidationContext(
            trust_roots=roots, other_certs=others, allow_fetching=False, revocation_mode="soft-fail"
        )
        self.pdfsig_log: list[str] = []

    def two_sig(
        self, pdf: bytes, doc: Doc, a: Agency, *, embed: bool = False, password: str | None = None
    ) -> bytes:
        vc = self.vc_crl if embed else None
        pdf = sign_pyhanko(
            pdf,
            self.pki.person[a.key],
            "Sig_CaNhan",
            _at(doc.date, 8, 45),
            reason=REASON_PERSON,
            location=a.place,
            vc=vc,
            embed=embed,
            password=password,
        )
        return sign_pyhanko(
            pdf,
            self.pki.agency[a.key],
            "Sig_CoQuan",
            _at(doc.date, 10, 15),
            reason=REASON_AGENCY,
            location=a.place,
            vc=vc,
            embed=embed,
            password=password,
        )

    def build(self, doc: Doc) -> bytes:
        k, v = doc.kind, doc.variant
        a = AGENCIES[doc.agency or "son-vi"]
        lt = _letter(doc)
        if k == "not_pdf":
            return not_pdf(v, lt)
        if k == "encrypted":
            pdf = render_letter(lt, encrypt_pw=ENCRYPTED_USER_PASSWORD)
            return self.two_sig(pdf, doc, a, password=ENCRYPTED_USER_PASSWORD)
        pdf = render_letter(
            lt,
            empty_fields=("Sig_CaNhan", "Sig_CoQuan") if v == "empty_fields" else (),
            xref_stream=v == "xref_stream",
            poppler_dr_font=k == "foreign_signer",
        )
        if k == "unsigned":
            return pdf
        if k == "two_signature":
            return self.two_sig(pdf, doc, a, embed=v == "embed_crl")
        if k == "agency_only":
            return sign_pyhanko(
                pdf,
                self.pki.agency[a.key],
                "Sig_CoQuan",
                _at(doc.date, 14, 5),
                reason="Sao y bản chính",
                location=a.place,
            )
        if k == "tampered":
            if v == "agency_only":
                signed = sign_pyhanko(
                    pdf,
                    self.pki.agency[a.key],
                    "Sig_CoQuan",
                    _at(doc.date, 9, 30),
                    reason="Sao y bản chính",
                    location=a.place,
                )
            else:
                signed = self.two_sig(pdf, doc, a)
            return tamper_number(signed)
        if k == "modified_after_signing":
            return modify_after_signing(self.two_sig(pdf, doc, a))
        if k == "truncated":
            signed = self.two_sig(pdf, doc, a)
            return signed[: len(signed) // 2]
        if k == "untrusted_root":
            return sign_pyhanko(
                pdf,
                self.pki.rogue_signer,
                "Sig_CoQuan",
                _at(doc.date, 15, 20),
                reason=REASON_AGENCY,
                location=a.place,
            )
        if k == "expired":
            return sign_pyhanko(
                pdf,
                self.pki.expired,
                "Sig_CaNhan",
                _at(doc.date, 16, 0),
                reason=REASON_PERSON,
                location=a.place,
            )
        if k == "revoked":
            if v == "cms":
                return sign_pyhanko(
                    pdf,
                    self.pki.revoked,
                    "Sig_CaNhan",
                    _at(doc.date, 9, 5),
                    reason=REASON_PERSON,
                    location=a.place,
                    vc=self.vc_crl,
                    embed=True,
                    presign_vc=self.vc_nocrl,
                )
            signed = sign_pyhanko(
                pdf,
                self.pki.revoked,
                "Sig_CaNhan",
                _at(doc.date, 9, 5),
                reason=REASON_PERSON,
                location=a.place,
            )
            return add_dss_crl(signed, self.pki)
        if k == "foreign_signer":
            if v == "pdfsig_agency_only":
                out = self.pdfsig.sign(pdf, self.pki.agency[a.key], "Sig_CoQuan", "Sao y ban chinh")
            elif v == "pdfsig_then_pyhanko":
                out = self.pdfsig.sign(pdf, self.pki.person[a.key], "Sig_CaNhan", "Ky duyet van ban")
                # pdfsig always claims "now"; keep the agency's claimed time after it
                out = sign_pyhanko(
                    out,
                    self.pki.agency[a.key],
                    "Sig_CoQuan",
                    dt.datetime.now(ICT).replace(microsecond=0) + dt.timedelta(minutes=1),
                    reason=REASON_AGENCY,
                    location=a.place,
                )
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
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Lỗi 404</title></head>\n'
            "<body><h1>Không tìm thấy tệp</h1><p>Tệp đính kèm của văn bản "
            f"{lt.number}/{lt.notation} không tồn tại trên máy chủ.</p></body></html>\n"
        ).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
            f'.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Số: {lt.number}/{lt.notation} '
            f"{lt.subject}</w:t></w:r></w:p></w:body></w:document>",
        )
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
        seg[j : j + 4] = new_hex
    return pdf[:start] + bytes(seg) + pdf[end:]


def modify_after_signing(pdf: bytes) -> bytes:
    """Append a content stream to page 1 in a new incremental revision (a forged addendum)."""
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    engine = font_engine(w, 12)
    shaped = engine.shape("Bổ sung: giao UBND các xã chi 500.000.000 đồng từ ngân sách.")
    data = b"q 0.8 0 0 rg BT /FSig 12 Tf 1 0 0 1 72 300 Tm %s ET Q\n" % shaped.graphics_ops
    ref = w.add_object(generic.StreamObject(stream_data=data))
    res = generic.DictionaryObject(
        {
            generic.pdf_name("/Font"): generic.DictionaryObject(
                {generic.pdf_name("/FSig"): engine.as_resource()}
            )
        }
    )
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
        out,
        contents,
        certs=[pki.intermediate.asn1_cert(), pki.revoked.asn1_cert()],
        crls=[asn1_crl.CertificateList.load(pki.crl_der)],
        embed_roots=False,
    )
    return out.getvalue()
