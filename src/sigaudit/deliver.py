"""The deliverables an auditor hands over after a scan: the Excel workbook and the PDF report.

The formatters (:mod:`.report.xlsx`, :mod:`.report.pdf`) are pure: data in, bytes out. This module
does the rest: it attaches the JSON report and the CSV evidence to the PDF, has it signed when asked
(:mod:`.signing`), and writes each file atomically — beside its final name, renamed when complete — so
a failure (a wrong passphrase, a missing token, a full disk) leaves no partial file and never replaces
an earlier good one with half of a new one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .files import write_atomic
from .report.context import ReportContext
from .report.deliverable import Attachment, PdfHeader
from .signing.spec import SignSpec


@dataclass(frozen=True)
class Deliverables:
    """Which deliverables to write, and how the PDF is headed and signed."""

    xlsx_out: Path | None = None
    pdf_out: Path | None = None
    header: PdfHeader = field(default_factory=PdfHeader)
    signing: SignSpec | None = None  # sign the PDF with this key (None: unsigned)

    @property
    def wanted(self) -> bool:
        return self.xlsx_out is not None or self.pdf_out is not None


NO_DELIVERABLES = Deliverables()


def evidence(json_text: str, csv_text: str) -> tuple[Attachment, Attachment]:
    """The JSON report and the CSV evidence, given as rendered, as the PDF report carries them (the CSV
    with its BOM, as ``--csv`` writes it, so a spreadsheet opens it in UTF-8)."""
    json_data = json_text.encode("utf-8")
    csv_data = ("\ufeff" + csv_text).encode("utf-8")
    return (
        Attachment("sigaudit-report.json", json_data, "application/json", "pdf_evidence_json"),
        Attachment("sigaudit-evidence.csv", csv_data, "text/csv", "pdf_evidence_csv"),
    )


def write_deliverables(
    ctx: ReportContext, wanted: Deliverables, attached: tuple[Attachment, Attachment] | None = None
) -> None:
    """Render, sign when asked, and write each requested deliverable atomically; the PDF carries
    ``attached`` (:func:`evidence` of the reports already rendered, given whenever a PDF is asked)."""
    if wanted.xlsx_out is not None:
        from .report.xlsx import render_xlsx  # openpyxl is loaded only when a workbook is asked for

        write_atomic(wanted.xlsx_out, [render_xlsx(ctx)], encoding=None)
    if wanted.pdf_out is not None:
        from .report.pdf import render_pdf  # so is fpdf2 for the PDF

        if attached is None:
            raise ValueError("the PDF report needs the JSON and CSV reports it carries")
        pdf = render_pdf(ctx, wanted.header, attached)
        if wanted.signing is not None:
            from .signing.signer import sign_pdf  # pyHanko's signers, only when signing

            pdf = sign_pdf(pdf, wanted.signing)
        write_atomic(wanted.pdf_out, [pdf], encoding=None)


P12_PASSPHRASE_ENV = "SIGAUDIT_P12_PASSPHRASE"
PKCS11_PIN_ENV = "SIGAUDIT_PKCS11_PIN"


def deliverables_from_options(
    *,
    xlsx_out: Path | None,
    pdf_out: Path | None,
    pdf_agency: str,
    pdf_parent: str,
    pdf_number: str,
    pdf_place: str,
    pdf_recipients: tuple[str, ...],
    pdf_signer_title: tuple[str, ...],
    pdf_signer_name: str,
    sign_p12: Path | None,
    p12_passphrase_file: Path | None,
    sign_pkcs11_lib: str | None,
    sign_pkcs11_token: str | None,
    sign_pkcs11_key: str | None,
    sign_pkcs11_pin_file: Path | None,
    tsa_url: str | None,
) -> Deliverables:
    """The deliverables the command-line options ask for, their combinations checked and the signing
    key opened once (then closed), so a wrong passphrase or a missing token stops the command before
    anything is scanned or written."""
    header = PdfHeader(
        agency=pdf_agency,
        parent=pdf_parent,
        number=pdf_number,
        place=pdf_place,
        recipients=tuple(pdf_recipients),
        signer_title="\n".join(pdf_signer_title),
        signer_name=pdf_signer_name,
    )
    pkcs11 = (sign_pkcs11_lib, sign_pkcs11_token, sign_pkcs11_key)
    signing: SignSpec | None = None
    if sign_p12 is not None and any(pkcs11):
        raise ConfigError("--sign-p12 and --sign-pkcs11-* are two ways to sign: give one")
    if sign_p12 is not None:
        passphrase = _secret(p12_passphrase_file, P12_PASSPHRASE_ENV, "--p12-passphrase-file")
        signing = SignSpec(
            p12=sign_p12, p12_passphrase=passphrase.encode("utf-8"), tsa_url=tsa_url, location=pdf_place
        )
    elif any(pkcs11):
        if not all(pkcs11):
            raise ConfigError(
                "signing with a token needs --sign-pkcs11-lib, --sign-pkcs11-token and --sign-pkcs11-key"
            )
        pin = _secret(sign_pkcs11_pin_file, PKCS11_PIN_ENV, "--sign-pkcs11-pin-file")
        signing = SignSpec(
            pkcs11_lib=sign_pkcs11_lib,
            pkcs11_token=sign_pkcs11_token,
            pkcs11_key=sign_pkcs11_key,
            pkcs11_pin=pin,
            tsa_url=tsa_url,
            location=pdf_place,
        )
    elif tsa_url or p12_passphrase_file or sign_pkcs11_pin_file:
        raise ConfigError("--tsa-url and the passphrase/PIN options need --sign-p12 or --sign-pkcs11-*")
    if signing is not None:
        if pdf_out is None:
            raise ConfigError("signing options sign the PDF report: give --pdf FILE too")
        from .signing.signer import check_signer

        check_signer(signing)
    return Deliverables(xlsx_out, pdf_out, header, signing)


def _secret(path: Path | None, env: str, option: str) -> str:
    """A passphrase or PIN: the first line of ``path``, else the environment variable ``env``."""
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {option} {path}: {exc}") from exc
        return lines[0] if lines else ""
    value = os.environ.get(env)
    if value is None:
        raise ConfigError(f"no passphrase or PIN: give {option} FILE or set {env}")
    return value
