"""CSV evidence: one row per signature, plus one row per document without a signature.

Every row carries the document's path and SHA-256 so anyone can find the file and re-check the row,
and the document's exchange data: direction, date, number/notation, recipients, whether it counts in
the inter-agency KPI (and why not) and the reconciliation findings that name it.

The file is RFC 4180 (CRLF line ends, fields holding CR, LF, a quote or a comma quoted), so a CR in a
signer's name or a manifest cell cannot forge a row. Cells that come from documents or their metadata
(paths, names, reasons, …) and start like a spreadsheet formula get a leading ``'`` unless the caller
asks for raw cells (``--csv-raw``); the columns sigaudit itself writes (:data:`EXACT_COLUMNS`: hashes,
verdicts and other enum values, ISO dates and times, true/false) are always exact.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..aggregate.exchange import Exchange
from ..model import CheckName, DocumentResult, SignatureResult
from .context import ReportContext
from .escape import RFC4180, csv_cell

COLUMNS = (
    "path",
    "sha256",
    "verdict",
    "document_reason",
    "agency_code",
    "agency_name",
    "level",
    "level_basis",
    "decree30",
    "decree30_agency_named",
    "direction",
    "document_date",
    "number_notation",
    "recipients",
    "inter_agency",
    "excluded_reason",
    "reconciliation",
    "field",
    "signer_cn",
    "signer_o",
    "signer_uid",
    "role",
    "issuer",
    "serial",
    "cert_sha256",
    "claimed_signing_time",
    "timestamp_time",
    "digest_algorithm",
    "signature_algorithm",
    "intact",
    "trusted",
    "revocation",
    "revocation_evidence",
    "coverage",
    "changes",
    "changes_reason",
    "indication",
    "sub_indication",
    "signature_reason",
    "revocation_source",
    "time_basis",
    # what followed the signature (issue 17): change categories, the deciding permission, visual check
    "change_categories",
    "permission",
    "shown",
    "shown_reason",
    # the legal validity conditions (validation/legal.py), one status column each, appended last
    *(f"check_{name.value}" for name in CheckName),
    # what the first and last pages say (content/, issue 18), appended after the checks
    "text_status",
    "text_agency",
    "text_number_notation",
    "text_date",
    "text_place",
    "text_kind",
    "text_recipients",
    "text_file_copy",
    "text_tcvn3_pages",  # the pages whose TCVN3 (ABC) font text was converted, "1;2"
    "text_articles",  # what a "Như Điều N" recipient stands for: "Như Điều 3: Văn phòng Sở | Sở Tài chính"
)

# Columns whose every value sigaudit makes itself (hex digests, enum values, ISO dates and times,
# true/false): never from a document, never starting like a formula, written exactly. Every other
# column holds document-derived text and is neutralised (a new column is, until listed here).
EXACT_COLUMNS = frozenset(
    {
        "sha256",
        "verdict",
        "level",
        "decree30",
        "decree30_agency_named",
        "direction",
        "document_date",
        "inter_agency",
        "excluded_reason",
        "role",
        "cert_sha256",
        "claimed_signing_time",
        "timestamp_time",
        "intact",
        "trusted",
        "revocation",
        "coverage",
        "changes",
        "indication",
        "sub_indication",
        "revocation_source",
        "time_basis",
        "change_categories",
        "permission",
        "shown",
        *(f"check_{name.value}" for name in CheckName),
        "text_status",
        "text_date",
        "text_tcvn3_pages",
    }
)


def _document_cells(doc: DocumentResult, exchange: Exchange | None, findings: list[str]) -> dict[str, str]:
    return {
        "path": doc.path,
        "sha256": doc.sha256,
        "verdict": doc.verdict.value,
        "document_reason": doc.outcome.reason,
        "agency_code": doc.agency.code or "",
        "agency_name": doc.agency.name or "",
        "level": doc.agency.level.value,
        "level_basis": f"{doc.agency.source}: {doc.agency.basis}" if doc.agency.basis else doc.agency.source,
        "decree30": doc.decree30.value,
        "decree30_agency_named": "" if doc.agency_named is None else str(doc.agency_named).lower(),
        "direction": doc.meta.direction.value,
        "document_date": exchange.day.isoformat() if exchange and exchange.day else "",
        "number_notation": doc.meta.number_notation or "",
        "recipients": ";".join(r.code or r.name or "?" for r in doc.meta.recipients),
        "inter_agency": str(exchange.inter_agency).lower() if exchange else "",
        "excluded_reason": exchange.excluded.value if exchange and exchange.excluded else "",
        "reconciliation": ";".join(findings),
        **_text_cells(doc),
    }


def _text_cells(doc: DocumentResult) -> dict[str, str]:
    text = doc.outcome.text
    if text is None:
        return {}
    return {
        "text_status": text.status.value,
        "text_agency": " / ".join(p for p in (text.parent, text.agency) if p),
        "text_number_notation": text.number_notation or "",
        "text_date": text.date.isoformat() if text.date else "",
        "text_place": text.place or "",
        "text_kind": text.kind or "",
        "text_recipients": ";".join(text.recipients),
        "text_file_copy": text.file_copy or "",
        "text_tcvn3_pages": ";".join(str(n) for n in text.tcvn3_pages),
        "text_articles": ";".join(f"{a.entry}: {' | '.join(a.bodies)}" for a in text.articles),
    }


def _row(document: dict[str, str], sig: SignatureResult | None) -> dict[str, str]:
    row = {c: "" for c in COLUMNS}
    row.update(document)
    if sig is None:
        return row
    signer = sig.signer
    row.update(
        field=sig.field,
        signer_cn=(signer.common_name or "") if signer else "",
        signer_o=(signer.organization or "") if signer else "",
        signer_uid=";".join(signer.uid) if signer else "",
        role=sig.role.value,
        issuer=signer.issuer if signer else "",
        serial=signer.serial if signer else "",
        cert_sha256=signer.sha256 if signer else "",
        claimed_signing_time=sig.claimed_signing_time.isoformat() if sig.claimed_signing_time else "",
        timestamp_time=sig.timestamp_time.isoformat() if sig.timestamp_time else "",
        digest_algorithm=sig.digest_algorithm or "",
        signature_algorithm=sig.signature_algorithm or "",
        intact=str(sig.intact).lower(),
        trusted=str(sig.trusted).lower(),
        revocation=sig.revocation.value,
        revocation_evidence=";".join(sig.revocation_evidence),
        coverage=sig.coverage.value,
        changes=sig.changes.value,
        changes_reason=sig.changes_reason,
        indication=sig.indication.value,
        sub_indication=sig.sub_indication.value if sig.sub_indication else "",
        signature_reason=sig.reason,
        revocation_source=sig.revocation_source.value,
        time_basis=sig.time_basis.value,
        change_categories=";".join(c.value for c in sig.change_categories),
        permission=sig.permission.value if sig.permission else "",
        shown=sig.shown.value,
        shown_reason=sig.shown_reason,
    )
    for check in sig.checks:
        row[f"check_{check.name.value}"] = check.status.value
    return row


_GUARDED_COLUMNS = tuple(c for c in COLUMNS if c not in EXACT_COLUMNS)


def _spreadsheet_safe(row: dict[str, str], raw: bool) -> dict[str, str]:
    """``row`` (a fresh one, changed in place) with its document-derived cells guarded unless ``raw``."""
    if not raw:
        for column in _GUARDED_COLUMNS:
            row[column] = csv_cell(row[column])
    return row


def iter_csv(ctx: ReportContext, rows_per_chunk: int = 500) -> Iterator[str]:
    """The CSV in chunks of rows, so a large audit is written without holding the whole text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, dialect=RFC4180)
    writer.writeheader()
    pending = 0
    for n, doc in enumerate(ctx.run.documents):
        exchange = ctx.exchanges[n] if ctx.exchanges else None
        document = _document_cells(doc, exchange, ctx.reconciliation.naming(doc.path))
        for sig in doc.outcome.signatures or (None,):
            writer.writerow(_spreadsheet_safe(_row(document, sig), ctx.csv_raw))
            pending += 1
        if pending >= rows_per_chunk:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            pending = 0
    yield out.getvalue()


def render_csv(ctx: ReportContext) -> str:
    return "".join(iter_csv(ctx))
