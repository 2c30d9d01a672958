"""``sigaudit verify``: one document in detail, for a person reading a terminal.

Nearly every line quotes the document (its path, field and signer names, reasons): each line goes
through :func:`.escape.terminal`, so no control or bidi character from the file reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import (
    DocumentResult,
    DocumentTimestampResult,
    ShownCheck,
    SignatureResult,
    TextMeta,
    TimeBasis,
    document_timestamp_proof,
)
from ..validation.policy import ValidationPolicy
from .escape import terminal

if TYPE_CHECKING:
    from ..validation.attachments import EmbeddedFile

DECREE30_WORDS = {
    "complete": "complete: the competent person signed, then the agency, covering the whole file",
    "agency_only": "agency signature only: right for a copy (sao y) or an attachment, not for an original",
    "personal_only": "personal signature only: the agency signature is missing",
    "wrong_order": "the agency signed before the competent person",
    "changed_after_agency": "the file was changed after the agency signature",
    "other_agency": "the agency signature's certificate names another agency than the issuing one",
    "roles_unknown": "no signer recognised as a person or an agency",
    "not_signed": "not signed",
}


SOURCE_WORDS = {
    "embedded": "the signature's embedded evidence (adbe-revocationInfoArchival)",
    "dss": "the PDF's Document Security Store",
    "local": "the revocation folder (--revocation-dir)",
    "online": "fetched online (--online)",
    "none": "no evidence decided",
}


def _time_line(sig: SignatureResult, stamps: tuple[DocumentTimestampResult, ...]) -> str:
    claimed = sig.claimed_signing_time.isoformat() if sig.claimed_signing_time else None
    if sig.time_basis == TimeBasis.TIMESTAMP and sig.timestamp_time is not None:
        return f"  time          {sig.timestamp_time.isoformat()} (attested by a valid RFC 3161 timestamp)"
    if sig.time_basis == TimeBasis.DOCUMENT_TIMESTAMP:
        later = document_timestamp_proof(stamps, sig.revision)
        proof = f"existed by {later.isoformat()}, " if later else ""
        return (
            f"  time          {claimed or 'none stated'} (claimed by the signer); {proof}"
            "attested by a later document timestamp"
        )
    if sig.timestamp_time is not None:  # a token that is not valid or not trusted attests nothing
        return (
            f"  time          {claimed or 'none stated'} (claimed by the signer, not attested); "
            f"the timestamp token ({sig.timestamp_time.isoformat()}) is not valid or not trusted"
        )
    if claimed is not None:
        return f"  time          {claimed} (claimed by the signer, not attested)"
    return "  time          none stated"


def _after_lines(sig: SignatureResult) -> list[str]:
    """What followed the signature (issue 17): categories, the permission that judged them, the visual
    check of what is shown; nothing when no later revision was analysed."""
    if sig.permission is None:
        return []
    categories = ", ".join(c.value for c in sig.change_categories) or "none"
    lines = [f"  after it      {categories}; judged by: {sig.permission.value}"]
    if sig.shown != ShownCheck.NOT_RUN:
        lines.append(f"  shown         {sig.shown.value} — {sig.shown_reason}")
    return lines


def _signature_lines(
    index: int, sig: SignatureResult, stamps: tuple[DocumentTimestampResult, ...] = ()
) -> list[str]:
    signer = sig.signer
    lines = [f"Signature {index}: field {sig.field} ({sig.subfilter or 'no SubFilter'})"]
    if signer is not None:
        lines += [
            f"  signer        {signer.common_name or '?'} — {sig.role.value}",
            f"  subject       {signer.subject}",
            f"  issuer        {signer.issuer}",
            f"  certificate   serial {signer.serial}, SHA-256 {signer.sha256}",
            f"  valid         {signer.not_before.isoformat()} to {signer.not_after.isoformat()}",
        ]
    lines.append(_time_line(sig, stamps))
    lines.append(f"  time basis    {sig.time_basis.value}")
    evidence = ", ".join(sig.revocation_evidence) or "none"
    lines += [
        f"  algorithms    {sig.digest_algorithm or '?'} / {sig.signature_algorithm or '?'}",
        f"  integrity     intact={str(sig.intact).lower()}, "
        f"signature verifies={str(sig.crypto_valid).lower()}",
        f"  trust         {'chains to a configured root' if sig.trusted else 'not trusted'}",
        f"  revocation    {sig.revocation.value} (evidence: {evidence})",
        f"  revoc. source {sig.revocation_source.value} — "
        f"{SOURCE_WORDS.get(sig.revocation_source.value, sig.revocation_source.value)}",
        f"  coverage      {sig.coverage.value}; changes after it: {sig.changes.value} — {sig.changes_reason}",
        *_after_lines(sig),
        f"  result        {sig.indication.value}"
        + (f" / {sig.sub_indication.value}" if sig.sub_indication else "")
        + f" — {sig.reason}",
    ]
    for depth, subject in enumerate(reversed(sig.chain)):
        lines.append(
            ("  chain         " if depth == 0 else "                ") + ("<- " * bool(depth)) + subject
        )
    if sig.checks:
        lines.append("  legal validity conditions (Decree 130/2018 Art. 9):")
        width = max(len(c.name.value) for c in sig.checks)
        for check in sig.checks:
            lines.append(f"    {check.name.value:<{width}}  {check.status.value:<14}  {check.detail}")
    return lines


def _text_lines(text: TextMeta | None) -> list[str]:
    """What the first and last pages say (the Decree 30 fields read, or why none were)."""
    if text is None:
        return []
    lines = ["", f"Text of the pages ({text.status.value}{': ' + text.detail if text.detail else ''})"]
    fields = (
        ("parent body", text.parent),
        ("agency", text.agency),
        ("number", text.number_notation),
        (
            "place, date",
            ", ".join(p for p in (text.place, text.date.isoformat() if text.date else None) if p),
        ),
        ("kind", text.kind),
        ("subject", text.subject),
        ("signing", text.signing),
        ("recipients", "; ".join(text.recipients)),
        ("for report", "; ".join(text.upward)),
        ("file copy", text.file_copy),
        ("TCVN3 font", ", ".join(f"page {n} converted" for n in text.tcvn3_pages)),
    )
    lines += [f"  {name:<13} {value}" for name, value in fields if value]
    return lines


def render_verify(doc: DocumentResult, policy: ValidationPolicy | None = None) -> str:
    out = doc.outcome
    lines = [
        f"{doc.path}",
        f"  SHA-256       {doc.sha256}",
        f"  verdict       {out.verdict.value.upper()} — {out.reason}",
        f"  Decree 30     {DECREE30_WORDS.get(out.decree30.value, out.decree30.value)}",
    ]
    if out.empty_signature_fields:
        lines.append(f"  empty fields  {', '.join(out.empty_signature_fields)}")
    lines += [f"  note          {n}" for n in out.notes]
    for stamp in out.document_timestamps:
        lines.append(f"  doc timestamp {stamp.field}: {stamp.reason}")
    for index, sig in enumerate(out.signatures, start=1):
        lines.append("")
        lines += _signature_lines(index, sig, out.document_timestamps)
    lines += _text_lines(out.text)
    lines += [
        "",
        "Assumption: each signing key was under its holder's sole control (Decree 130/2018 Art. 9); a file",
        "cannot show this.",
    ]
    if policy is not None:
        lines.append(f"Validation policy: {policy.name} (SHA-256 {policy.sha256}, {policy.source})")
    return "".join(terminal(line) + "\n" for line in lines)


def render_attachments(files: Sequence[EmbeddedFile]) -> str:
    """The files a valid document carries (e.g. sigaudit's signed report: its JSON and CSV), each with
    its size and SHA-256, so the evidence handed over can be checked against what was signed."""
    if not files:
        return ""
    lines = ["", "Attached files (covered by the document's valid signature), SHA-256 of each:"]
    for f in files:
        kind = f" — associated file ({f.relationship or 'Unspecified'})" if f.associated else ""
        if f.sha256 is None:
            lines.append(terminal(f"  {f.name}: {f.problem}{kind}"))
        else:
            lines.append(terminal(f"  {f.name}  {f.size:,} bytes{kind}"))
            lines.append(f"    SHA-256 {f.sha256}")
    return "\n".join(lines) + "\n"
