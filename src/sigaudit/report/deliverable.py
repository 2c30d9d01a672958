"""What the PDF report is given besides the report context: the header fields the auditor supplies and the
files it carries (values only; ``deliver.py`` fills them, ``pdf.py`` lays them out)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class PdfHeader:
    """The fields of the Decree 30 Appendix I layout the auditor supplies (flags or sigaudit.toml)."""

    agency: str = ""  # the issuing body (cơ quan ban hành), e.g. "THANH TRA TỈNH"
    parent: str = ""  # its parent body (cơ quan chủ quản), e.g. "UBND TỈNH PHÚ THỌ"; may be empty
    number: str = ""  # "12/BC-TTr"
    place: str = ""  # "Phú Thọ"
    recipients: tuple[str, ...] = ()  # "Nơi nhận" lines, without the leading "- "
    signer_title: str = ""  # "KT. CHÁNH THANH TRA\nPHÓ CHÁNH THANH TRA"
    signer_name: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the PDF report, with the digest the report prints for it."""

    name: str
    data: bytes
    mime_type: str
    label: str  # its description's key in deliverable_text.DELIVERABLE_TEXT (pdf_evidence_json, …_csv)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()
