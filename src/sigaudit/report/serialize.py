"""Plain-data views of results, shared by the JSON and CSV formatters (names are a stable interface)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..aggregate.kpi import LEVEL_ORDER, Summary
from ..aggregate.targets import Targets
from ..model import CertificateInfo, DocumentResult, SignatureResult

DEFINITIONS = {
    "documents": "every document found for the level, whatever its verdict (unreadable included)",
    "signed": "documents with at least one filled signature field, whatever its verdict",
    "valid": "documents whose every signature is valid (see README, Verdicts)",
    "legally_complete": "valid documents signed by the competent person and then by the agency, the "
    "agency signature covering the whole file (Decree 30/2020 Art. 5 and 32)",
    "by_month": "documents grouped by the month of their latest signature (timestamp, else claimed "
    "time); unsigned and unreadable documents have no month",
    "share_signed": "signed / documents",
    "share_valid": "valid / documents",
    "level": "level of the issuing agency, from manifest.csv and the agency registry; "
    "unknown when neither says",
}


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def certificate_dict(info: CertificateInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "subject": info.subject,
        "cn": info.common_name,
        "o": info.organization,
        "ou": info.organizational_unit,
        "uid": list(info.uid),
        "issuer": info.issuer,
        "serial": info.serial,
        "sha256": info.sha256,
        "not_before": iso(info.not_before),
        "not_after": iso(info.not_after),
    }


def signature_dict(sig: SignatureResult) -> dict[str, Any]:
    return {
        "field": sig.field,
        "subfilter": sig.subfilter,
        "signer": certificate_dict(sig.signer),
        "role": sig.role.value,
        "claimed_signing_time": iso(sig.claimed_signing_time),
        "timestamp_time": iso(sig.timestamp_time),
        "digest_algorithm": sig.digest_algorithm,
        "signature_algorithm": sig.signature_algorithm,
        "intact": sig.intact,
        "crypto_valid": sig.crypto_valid,
        "trusted": sig.trusted,
        "revocation": sig.revocation.value,
        "revocation_evidence": list(sig.revocation_evidence),
        "coverage": sig.coverage.value,
        "changes": sig.changes.value,
        "changes_reason": sig.changes_reason,
        "indication": sig.indication.value,
        "sub_indication": sig.sub_indication.value if sig.sub_indication else None,
        "reason": sig.reason,
        "chain": list(sig.chain),
        "revision": sig.revision,
    }


def document_dict(doc: DocumentResult) -> dict[str, Any]:
    return {
        "path": doc.path,
        "sha256": doc.sha256,
        "size": doc.size,
        "verdict": doc.verdict.value,
        "reason": doc.outcome.reason,
        "agency": {
            "code": doc.agency.code,
            "name": doc.agency.name,
            "level": doc.agency.level.value,
            "source": doc.agency.source,
        },
        "signatures": [signature_dict(s) for s in doc.outcome.signatures],
        "decree30": doc.outcome.decree30.value,
        "empty_signature_fields": list(doc.outcome.empty_signature_fields),
        "notes": list(doc.outcome.notes),
    }


def summary_dict(summary: Summary, targets: Targets) -> dict[str, Any]:
    return {
        "by_level": {lv.value: summary.by_level[lv].as_dict() for lv in LEVEL_ORDER},
        "total": summary.total.as_dict(),
        "targets": {
            "signed": {lv.value: targets.signed_target(lv) for lv in LEVEL_ORDER if targets.signed_target(lv)}
        },
        "by_agency": [
            {"code": a.code, "name": a.name, "level": a.level.value, **a.counts.as_dict()}
            for a in summary.by_agency
        ],
        "by_month": {month: counts.as_dict() for month, counts in summary.by_month.items()},
        "definitions": DEFINITIONS,
    }
