"""The command-line options of the deliverables (issue 20): --xlsx, --pdf, the PDF's header fields and
its signing key, declared here and applied by :mod:`.cli` to ``scan`` and ``report``.

Part of the command-line layer (it imports Click; nothing below the CLI imports it). The options reach
the command as one ``deliver`` argument, a :class:`.deliver.Deliverables`, built and checked by
:func:`.deliver.deliverables_from_options` — which opens the signing key once, so a wrong passphrase
or a missing token stops the command (exit 2) before anything is scanned or written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .deliver import deliverables_from_options

F = TypeVar("F", bound=Callable[..., Any])

_DELIVER_OPTIONS = (
    click.option(
        "--xlsx",
        "xlsx_out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="Write the Excel workbook (KPI, flows, agencies, documents, signatures, "
        "reconciliation, run manifest) to FILE.",
    ),
    click.option(
        "--pdf",
        "pdf_out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="Write the audit report as a PDF (Decree 30 Appendix I layout) to FILE, "
        "with the JSON report and the CSV evidence attached inside.",
    ),
    click.option("--pdf-agency", default="", help="PDF: the issuing body, e.g. 'THANH TRA TỈNH'."),
    click.option("--pdf-parent", default="", help="PDF: its parent body, e.g. 'UBND TỈNH PHÚ THỌ'."),
    click.option("--pdf-number", default="", help="PDF: the report's number, e.g. '12/BC-TTr'."),
    click.option("--pdf-place", default="", help="PDF: the place in the date line, e.g. 'Phú Thọ'."),
    click.option(
        "--pdf-recipient",
        "pdf_recipients",
        multiple=True,
        help="PDF: one 'Nơi nhận' line (repeatable); '- Lưu: VT.' is always added.",
    ),
    click.option(
        "--pdf-signer-title",
        "pdf_signer_title",
        multiple=True,
        help="PDF: one line of the signing block's title, e.g. 'KT. CHÁNH THANH TRA' (repeatable).",
    ),
    click.option("--pdf-signer-name", default="", help="PDF: the signer's name under the signature."),
    click.option(
        "--sign-p12",
        "sign_p12",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="Sign the PDF report (PAdES) with the key and certificate chain of this PKCS#12 file.",
    ),
    click.option(
        "--p12-passphrase-file",
        "p12_passphrase_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="File holding the PKCS#12 passphrase (first line); else $SIGAUDIT_P12_PASSPHRASE.",
    ),
    click.option(
        "--sign-pkcs11-lib",
        "sign_pkcs11_lib",
        default=None,
        metavar="LIB",
        help="Sign the PDF report with a USB token or HSM through this PKCS#11 module.",
    ),
    click.option(
        "--sign-pkcs11-token", "sign_pkcs11_token", default=None, metavar="LABEL", help="The token's label."
    ),
    click.option(
        "--sign-pkcs11-key",
        "sign_pkcs11_key",
        default=None,
        metavar="LABEL",
        help="The label of the signing key and its certificate on the token.",
    ),
    click.option(
        "--sign-pkcs11-pin-file",
        "sign_pkcs11_pin_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="File holding the token's user PIN (first line); else $SIGAUDIT_PKCS11_PIN.",
    ),
    click.option(
        "--tsa-url",
        "tsa_url",
        default=None,
        metavar="URL",
        help="Add an RFC 3161 timestamp from this authority to the report's signature (off by "
        "default: signing stays offline).",
    ),
)
_DELIVER_PARAMS = (
    "xlsx_out", "pdf_out", "pdf_agency", "pdf_parent", "pdf_number", "pdf_place", "pdf_recipients",
    "pdf_signer_title", "pdf_signer_name", "sign_p12", "p12_passphrase_file", "sign_pkcs11_lib",
    "sign_pkcs11_token", "sign_pkcs11_key", "sign_pkcs11_pin_file", "tsa_url",
)  # fmt: skip


def deliverable_options(func: F) -> F:
    """--xlsx, --pdf and the PDF's header and signing options, given to the command as one
    ``deliver`` argument (a :class:`Deliverables`); a signing key that cannot be opened is an error
    (exit 2) before anything is scanned or written. Place it under ``_guarded``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs["deliver"] = deliverables_from_options(**{k: kwargs.pop(k) for k in _DELIVER_PARAMS})
        return func(*args, **kwargs)

    for option in reversed(_DELIVER_OPTIONS):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]
