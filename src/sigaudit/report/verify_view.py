"""``sigaudit verify``: one document in detail, for a person reading a terminal.

Nearly every line quotes the document (its path, field and signer names, reasons): each line goes
through :func:`.escape.terminal`, so no control or bidi character from the file reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from .i18n import VERDICTS
from .verify_text import DECREE30_TEXT, LABEL_WIDTH, SOURCE_TEXT, VALUES_VI, VERIFY_TEXT

if TYPE_CHECKING:
    from ..validation.attachments import EmbeddedFile


@dataclass(frozen=True)
class _Words:
    """The view's words in one language (:mod:`.verify_text`): a label in its column, a value in words."""

    lang: str

    def __getitem__(self, key: str) -> str:
        return VERIFY_TEXT[self.lang][key]

    def label(self, key: str) -> str:
        return f"  {self[key]:<{LABEL_WIDTH[self.lang]}} "

    def value(self, kind: str, value: str) -> str:
        """``value`` as the JSON report names it (English), else in Vietnamese words."""
        return VALUES_VI[kind].get(value, value) if self.lang == "vi" else value

    def flag(self, value: bool) -> str:
        return self["true" if value else "false"]


def _time_line(sig: SignatureResult, stamps: tuple[DocumentTimestampResult, ...], w: _Words) -> str:
    claimed = sig.claimed_signing_time.isoformat() if sig.claimed_signing_time else None
    shown = claimed or w["none_stated"]
    label = w.label("time")
    if sig.time_basis == TimeBasis.TIMESTAMP and sig.timestamp_time is not None:
        return label + w["time_timestamp"].format(time=sig.timestamp_time.isoformat())
    if sig.time_basis == TimeBasis.DOCUMENT_TIMESTAMP:
        later = document_timestamp_proof(stamps, sig.revision)
        proof = w["time_proof"].format(time=later.isoformat()) if later else ""
        return label + w["time_document_timestamp"].format(claimed=shown, proof=proof)
    if sig.timestamp_time is not None:  # a token that is not valid or not trusted attests nothing
        return label + w["time_token_not_valid"].format(claimed=shown, time=sig.timestamp_time.isoformat())
    if claimed is not None:
        return label + w["time_claimed"].format(claimed=claimed)
    return label + w["none_stated"]


def _after_lines(sig: SignatureResult, w: _Words) -> list[str]:
    """What followed the signature (issue 17): categories, the permission that judged them, the visual
    check of what is shown; nothing when no later revision was analysed."""
    if sig.permission is None:
        return []
    categories = ", ".join(w.value("category", c.value) for c in sig.change_categories) or w["none"]
    permission = w.value("permission", sig.permission.value)
    lines = [w.label("after") + w["after_value"].format(categories=categories, permission=permission)]
    if sig.shown != ShownCheck.NOT_RUN:
        lines.append(f"{w.label('shown')}{w.value('shown', sig.shown.value)} — {sig.shown_reason}")
    return lines


def _signature_lines(
    index: int,
    sig: SignatureResult,
    stamps: tuple[DocumentTimestampResult, ...] = (),
    w: _Words = _Words("en"),
) -> list[str]:
    signer = sig.signer
    lines = [
        w["signature"].format(index=index, field=sig.field, subfilter=sig.subfilter or w["no_subfilter"])
    ]
    if signer is not None:
        lines += [
            f"{w.label('signer')}{signer.common_name or '?'} — {w.value('role', sig.role.value)}",
            f"{w.label('subject')}{signer.subject}",
            f"{w.label('issuer')}{signer.issuer}",
            w.label("certificate")
            + w["certificate_value"].format(serial=signer.serial, sha256=signer.sha256),
            w.label("valid")
            + w["valid_value"].format(start=signer.not_before.isoformat(), end=signer.not_after.isoformat()),
        ]
    lines.append(_time_line(sig, stamps, w))
    lines.append(w.label("time_basis") + w.value("time_basis", sig.time_basis.value))
    evidence = ", ".join(sig.revocation_evidence) or w["none"]
    source = sig.revocation_source.value
    source_words = SOURCE_TEXT[w.lang].get(source, source)
    coverage = w["coverage_value"].format(
        coverage=w.value("coverage", sig.coverage.value),
        changes=w.value("changes", sig.changes.value),
        reason=sig.changes_reason,
    )
    lines += [
        f"{w.label('algorithms')}{sig.digest_algorithm or '?'} / {sig.signature_algorithm or '?'}",
        w.label("integrity")
        + w["integrity_value"].format(intact=w.flag(sig.intact), verifies=w.flag(sig.crypto_valid)),
        w.label("trust") + w["trusted" if sig.trusted else "not_trusted"],
        w.label("revocation")
        + w["revocation_value"].format(status=w.value("revocation", sig.revocation.value), evidence=evidence),
        w.label("revocation_source") + w["revocation_source_value"].format(source=source, words=source_words),
        w.label("coverage") + coverage,
        *_after_lines(sig, w),
        f"{w.label('result')}{sig.indication.value}"
        + (f" / {sig.sub_indication.value}" if sig.sub_indication else "")
        + f" — {sig.reason}",
    ]
    indent = " " * len(w.label("chain"))
    for depth, subject in enumerate(reversed(sig.chain)):
        lines.append((w.label("chain") if depth == 0 else indent) + ("<- " * bool(depth)) + subject)
    if sig.checks:
        lines.append(w["checks"])
        names = [w.value("check", c.name.value) for c in sig.checks]
        statuses = [w.value("check_status", c.status.value) for c in sig.checks]
        width = max(len(name) for name in names)
        status_width = max(14, *(len(status) for status in statuses))
        for check, name, status in zip(sig.checks, names, statuses, strict=True):
            lines.append(f"    {name:<{width}}  {status:<{status_width}}  {check.detail}")
    return lines


def _text_lines(text: TextMeta | None, w: _Words = _Words("en")) -> list[str]:
    """What the first and last pages say (the Decree 30 fields read, or why none were)."""
    if text is None:
        return []
    detail = ": " + text.detail if text.detail else ""
    lines = ["", w["text_title"].format(status=w.value("text_status", text.status.value), detail=detail)]
    fields = (
        ("parent", text.parent),
        ("agency", text.agency),
        ("number", text.number_notation),
        (
            "place_date",
            ", ".join(p for p in (text.place, text.date.isoformat() if text.date else None) if p),
        ),
        ("kind", text.kind),
        ("text_subject", text.subject),
        ("signing", text.signing),
        ("recipients", "; ".join(text.recipients)),
        ("upward", "; ".join(text.upward)),
        ("file_copy", text.file_copy),
        ("tcvn3", ", ".join(w["tcvn3_page"].format(n=n) for n in text.tcvn3_pages)),
    )
    lines += [f"{w.label(key)}{value}" for key, value in fields if value]
    for read in text.articles:  # what a "Như Điều N" entry stands for, as read from the article
        bodies = "; ".join(read.bodies) or w["articles_none"]
        persons = w["articles_persons"].format(persons="; ".join(read.left_out)) if read.left_out else ""
        lines.append(
            f"{w.label('articles')}{w['articles_value'].format(entry=read.entry, bodies=bodies)}{persons}"
        )
    return lines


def render_verify(doc: DocumentResult, policy: ValidationPolicy | None = None, lang: str = "en") -> str:
    """One document in detail, in ``lang`` ("en" or "vi"; any other language is English)."""
    w = _Words(lang if lang in VERIFY_TEXT else "en")
    out = doc.outcome
    verdict = VERDICTS["vi"][out.verdict].upper() if w.lang == "vi" else out.verdict.value.upper()
    decree30 = out.decree30.value
    lines = [
        f"{doc.path}",
        f"{w.label('sha256')}{doc.sha256}",
        f"{w.label('verdict')}{verdict} — {out.reason}",
        f"{w.label('decree30')}{DECREE30_TEXT[w.lang].get(decree30, decree30)}",
    ]
    if out.empty_signature_fields:
        lines.append(f"{w.label('empty_fields')}{', '.join(out.empty_signature_fields)}")
    lines += [f"{w.label('note')}{n}" for n in out.notes]
    for stamp in out.document_timestamps:
        lines.append(f"{w.label('doc_timestamp')}{stamp.field}: {stamp.reason}")
    for index, sig in enumerate(out.signatures, start=1):
        lines.append("")
        lines += _signature_lines(index, sig, out.document_timestamps, w)
    lines += _text_lines(out.text, w)
    lines += ["", *w["assumption"].split("\n")]
    if policy is not None:
        source = w["shipped"] if policy.source == "shipped" else policy.source  # else the file's path
        lines.append(w["policy"].format(name=policy.name, sha256=policy.sha256, source=source))
    return "".join(terminal(line) + "\n" for line in lines)


def render_attachments(files: Sequence[EmbeddedFile], lang: str = "en") -> str:
    """The files a valid document carries (e.g. sigaudit's signed report: its JSON and CSV), each with
    its size and SHA-256, so the evidence handed over can be checked against what was signed."""
    if not files:
        return ""
    w = _Words(lang if lang in VERIFY_TEXT else "en")
    lines = ["", w["attachments"]]
    for f in files:
        relationship = f.relationship or w["unspecified"]
        kind = w["associated"].format(relationship=relationship) if f.associated else ""
        if f.sha256 is None:
            lines.append(terminal(f"  {f.name}: {f.problem}{kind}"))
        else:
            size = f"{f.size:,}".replace(",", ".") if w.lang == "vi" else f"{f.size:,}"
            lines.append(terminal(f"  {f.name}  {w['size'].format(size=size)}{kind}"))
            lines.append(f"    SHA-256 {f.sha256}")
    return "\n".join(lines) + "\n"
