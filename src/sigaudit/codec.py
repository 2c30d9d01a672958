"""Plain-data (JSON-ready) forms of the result values, and their exact inverses.

The result store keeps these dictionaries, so a stored result reads back into the very values the
validation produced; the JSON report shows the same ones inside each document (its document form is
built by :mod:`sigaudit.report.documents`). Field names are part of the JSON report's stable interface
(docs/outputs.md, "--json").
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Any, TypeVar

from .model import (
    NO_META,
    Agency,
    ArticleRecipients,
    BusinessType,
    CertificateInfo,
    ChangeCategory,
    Changes,
    CheckName,
    CheckStatus,
    Coverage,
    Decree30,
    Direction,
    DocumentMeta,
    DocumentTimestampResult,
    Indication,
    LegalCheck,
    Level,
    OutcomeFacts,
    Party,
    Permission,
    RevocationSource,
    RevocationStatus,
    ShownCheck,
    SignatureResult,
    SignerRole,
    StatusEvent,
    SubIndication,
    TextMeta,
    TextStatus,
    TimeBasis,
    ValidationOutcome,
    Verdict,
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def certificate_to_dict(info: CertificateInfo | None) -> dict[str, Any] | None:
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
        "policies": list(info.policies),
    }


# Signer descriptions and chains, shared: the same few signers sign thousands of documents, and a run
# (or a report rebuilt from the store) holds every document's result.
_SHARED_LIMIT = 100_000
_certificates: dict[CertificateInfo, CertificateInfo] = {}
_chains: dict[tuple[str, ...], tuple[str, ...]] = {}
# The legal checks and the words of a result repeat too (same signer, same policy, same outcome).
_checks: dict[LegalCheck, LegalCheck] = {}
_texts: dict[str, str] = {}
_agencies: dict[Agency, Agency] = {}
_T = TypeVar("_T")


def _share(pool: dict[_T, _T], value: _T) -> _T:
    if len(pool) >= _SHARED_LIMIT:
        return value
    return pool.setdefault(value, value)


def share_signers(outcome: ValidationOutcome) -> ValidationOutcome:
    """The same outcome, with its signer descriptions and chains shared with equal ones seen before."""
    if not outcome.signatures:
        return outcome
    signatures = tuple(
        dataclasses.replace(
            sig,
            signer=_share(_certificates, sig.signer) if sig.signer is not None else None,
            chain=_share(_chains, sig.chain),
            checks=tuple(_share(_checks, c) for c in sig.checks),
            reason=_share(_texts, sig.reason),
            changes_reason=_share(_texts, sig.changes_reason),
        )
        for sig in outcome.signatures
    )
    return dataclasses.replace(outcome, signatures=signatures, reason=_share(_texts, outcome.reason))


_names: dict[tuple[tuple[str | None, str | None], ...], tuple[tuple[str | None, str | None], ...]] = {}


def facts_of(outcome: ValidationOutcome) -> OutcomeFacts:
    """The outcome's facts for aggregation, their words and names shared with equal ones seen before."""
    facts = OutcomeFacts.of(outcome)
    return dataclasses.replace(
        facts,
        reason=_share(_texts, facts.reason),
        agency_certificates=_share(_names, facts.agency_certificates),
    )


FACTS_ITEMS = 9  # the items of the stored form; a store reads the outcome of facts stored with fewer


def facts_to_json(facts: OutcomeFacts) -> str:
    """The compact stored form: ``[verdict, reason, signed, decree30, [[cn, o], ...], latest time,
    text meta, agency UIDs, unchained]``."""
    return json.dumps(
        [
            facts.verdict.value,
            facts.reason,
            facts.signed,
            facts.decree30.value,
            [list(n) for n in facts.agency_certificates],
            iso(facts.latest_time),
            text_meta_to_dict(facts.text),
            list(facts.agency_uids),
            facts.unchained,
        ],
        ensure_ascii=False,
    )


def facts_from_json(text: str) -> OutcomeFacts:
    """The inverse of :func:`facts_to_json`. The text meta and UIDs are absent from stores written
    before the text step (issue 18), the unchained flag from those written before it was kept: the
    store reads such rows' outcomes instead (:data:`FACTS_ITEMS`)."""
    verdict, reason, signed, decree30, names, latest, *more = json.loads(text)
    meta, uids, unchained = [*more, None, [], False][:3]  # an absent unchained flag reads False
    return OutcomeFacts(
        Verdict(verdict),
        _share(_texts, reason),
        bool(signed),
        Decree30(decree30),
        _share(_names, tuple((cn, o) for cn, o in names)),
        _dt(latest),
        text_meta_from_dict(meta),
        tuple(uids),
        bool(unchained),
    )


def text_meta_to_dict(meta: TextMeta | None) -> dict[str, Any] | None:
    """The text meta as stored and as the JSON report's ``text_meta`` shows it (None: not read)."""
    if meta is None:
        return None
    return {
        "status": meta.status.value,
        "detail": meta.detail,
        "page_count": meta.page_count,
        "pages": list(meta.pages),
        "empty_pages": list(meta.empty_pages),
        "tcvn3_pages": list(meta.tcvn3_pages),
        "parent": meta.parent,
        "agency": meta.agency,
        "number": meta.number,
        "notation": meta.notation,
        "place": meta.place,
        "date": meta.date.isoformat() if meta.date else None,
        "kind": meta.kind,
        "subject": meta.subject,
        "signing": meta.signing,
        "recipients": list(meta.recipients),
        "upward": list(meta.upward),
        "file_copy": meta.file_copy,
        "has_recipient_list": meta.has_recipient_list,
        "articles": [
            {
                "entry": a.entry,
                "articles": list(a.articles),
                "bodies": list(a.bodies),
                "left_out": list(a.left_out),
            }
            for a in meta.articles
        ],
    }


def text_meta_from_dict(d: dict[str, Any] | None) -> TextMeta | None:
    if d is None:
        return None
    return TextMeta(
        status=TextStatus(d["status"]),
        detail=d.get("detail", ""),
        page_count=d.get("page_count", 0),
        pages=tuple(d.get("pages", ())),
        empty_pages=tuple(d.get("empty_pages", ())),
        tcvn3_pages=tuple(d.get("tcvn3_pages", ())),
        parent=d.get("parent"),
        agency=d.get("agency"),
        number=d.get("number"),
        notation=d.get("notation"),
        place=d.get("place"),
        date=date.fromisoformat(d["date"]) if d.get("date") else None,
        kind=d.get("kind"),
        subject=d.get("subject"),
        signing=d.get("signing"),
        recipients=tuple(d.get("recipients", ())),
        upward=tuple(d.get("upward", ())),
        file_copy=d.get("file_copy"),
        has_recipient_list=bool(d.get("has_recipient_list")),
        articles=tuple(  # absent from facts stored before articles were read
            ArticleRecipients(
                a["entry"], tuple(a["articles"]), tuple(a["bodies"]), tuple(a.get("left_out", ()))
            )
            for a in d.get("articles", ())
        ),
    )


def certificate_from_dict(d: dict[str, Any] | None) -> CertificateInfo | None:
    if d is None:
        return None
    return _share(_certificates, _certificate_from_dict(d))


def _certificate_from_dict(d: dict[str, Any]) -> CertificateInfo:
    not_before, not_after = _dt(d["not_before"]), _dt(d["not_after"])
    assert not_before is not None and not_after is not None
    return CertificateInfo(
        subject=d["subject"],
        common_name=d["cn"],
        organization=d["o"],
        organizational_unit=d["ou"],
        uid=tuple(d["uid"]),
        issuer=d["issuer"],
        serial=d["serial"],
        sha256=d["sha256"],
        not_before=not_before,
        not_after=not_after,
        policies=tuple(d.get("policies", ())),
    )


def signature_to_dict(sig: SignatureResult) -> dict[str, Any]:
    return {
        "field": sig.field,
        "subfilter": sig.subfilter,
        "signer": certificate_to_dict(sig.signer),
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
        "revocation_source": sig.revocation_source.value,
        "time_basis": sig.time_basis.value,
        "coverage": sig.coverage.value,
        "changes": sig.changes.value,
        "changes_reason": sig.changes_reason,
        "indication": sig.indication.value,
        "sub_indication": sig.sub_indication.value if sig.sub_indication else None,
        "reason": sig.reason,
        "chain": list(sig.chain),
        "revision": sig.revision,
        "key_usage_ok": sig.key_usage_ok,
        "timestamp_valid": sig.timestamp_valid,
        "checks": [{"name": c.name.value, "status": c.status.value, "detail": c.detail} for c in sig.checks],
        "change_categories": [c.value for c in sig.change_categories],
        "permission": sig.permission.value if sig.permission else None,
        "shown": sig.shown.value,
        "shown_reason": sig.shown_reason,
    }


def signature_from_dict(d: dict[str, Any]) -> SignatureResult:
    return SignatureResult(
        field=d["field"],
        subfilter=d["subfilter"],
        signer=certificate_from_dict(d["signer"]),
        role=SignerRole(d["role"]),
        claimed_signing_time=_dt(d["claimed_signing_time"]),
        timestamp_time=_dt(d["timestamp_time"]),
        digest_algorithm=d["digest_algorithm"],
        signature_algorithm=d["signature_algorithm"],
        intact=d["intact"],
        crypto_valid=d["crypto_valid"],
        trusted=d["trusted"],
        revocation=RevocationStatus(d["revocation"]),
        revocation_evidence=tuple(d["revocation_evidence"]),
        coverage=Coverage(d["coverage"]),
        changes=Changes(d["changes"]),
        changes_reason=_share(_texts, d["changes_reason"]),
        indication=Indication(d["indication"]),
        sub_indication=SubIndication(d["sub_indication"]) if d["sub_indication"] else None,
        reason=_share(_texts, d["reason"]),
        chain=_share(_chains, tuple(d["chain"])),
        revision=d["revision"],
        # absent from runs stored before the validation policy file (sigaudit-core/3)
        key_usage_ok=d.get("key_usage_ok"),
        timestamp_valid=d.get("timestamp_valid"),
        checks=tuple(
            _share(_checks, LegalCheck(CheckName(c["name"]), CheckStatus(c["status"]), c["detail"]))
            for c in d.get("checks", ())
        ),
        # absent from results stored before these fields existed
        revocation_source=RevocationSource(d.get("revocation_source", RevocationSource.NONE.value)),
        time_basis=TimeBasis(d.get("time_basis", _old_time_basis(d))),
        # absent from results stored before issue 17
        change_categories=tuple(ChangeCategory(c) for c in d.get("change_categories", ())),
        permission=Permission(d["permission"]) if d.get("permission") else None,
        shown=ShownCheck(d.get("shown", ShownCheck.NOT_RUN.value)),
        shown_reason=_share(_texts, d.get("shown_reason", "")),
    )


def _old_time_basis(d: dict[str, Any]) -> str:
    """The time basis of a result stored before it was recorded: a timestamp unless the reason says the
    token was not valid or not trusted (the words sigaudit used then), else the signer's claim."""
    if d.get("timestamp_time") and "timestamp token is not valid or not trusted" not in d.get("reason", ""):
        return TimeBasis.TIMESTAMP.value
    return (TimeBasis.CLAIMED if d.get("claimed_signing_time") else TimeBasis.NONE).value


def document_timestamp_to_dict(stamp: DocumentTimestampResult) -> dict[str, Any]:
    return {
        "field": stamp.field,
        "time": iso(stamp.time),
        "intact": stamp.intact,
        "valid": stamp.valid,
        "trusted": stamp.trusted,
        "tsa": stamp.tsa,
        "revision": stamp.revision,
        "reason": stamp.reason,
    }


def document_timestamp_from_dict(d: dict[str, Any]) -> DocumentTimestampResult:
    return DocumentTimestampResult(
        field=d["field"],
        time=_dt(d["time"]),
        intact=d["intact"],
        valid=d["valid"],
        trusted=d["trusted"],
        tsa=d["tsa"],
        revision=d["revision"],
        reason=d["reason"],
    )


def outcome_to_dict(outcome: ValidationOutcome) -> dict[str, Any]:
    return {
        "verdict": outcome.verdict.value,
        "reason": outcome.reason,
        "signatures": [signature_to_dict(s) for s in outcome.signatures],
        "decree30": outcome.decree30.value,
        "empty_signature_fields": list(outcome.empty_signature_fields),
        "notes": list(outcome.notes),
        "document_timestamps": [document_timestamp_to_dict(t) for t in outcome.document_timestamps],
        "text_meta": text_meta_to_dict(outcome.text),
    }


def outcome_from_dict(d: dict[str, Any]) -> ValidationOutcome:
    return ValidationOutcome(
        verdict=Verdict(d["verdict"]),
        reason=_share(_texts, d["reason"]),
        signatures=tuple(signature_from_dict(s) for s in d["signatures"]),
        empty_signature_fields=tuple(d["empty_signature_fields"]),
        notes=tuple(d["notes"]),
        decree30=Decree30(d["decree30"]),
        document_timestamps=tuple(document_timestamp_from_dict(t) for t in d.get("document_timestamps", ())),
        text=text_meta_from_dict(d.get("text_meta")),
    )


def agency_to_dict(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "level": agency.level.value,
        "source": agency.source,
        "basis": agency.basis,
    }


def agency_from_dict(d: dict[str, Any]) -> Agency:
    agency = Agency(
        code=d["code"], name=d["name"], level=Level(d["level"]), source=d["source"], basis=d.get("basis", "")
    )
    return share_agency(agency)


def share_agency(agency: Agency) -> Agency:
    """The same attribution as an equal one seen before: few agencies issue many documents."""
    return _share(_agencies, agency)


def meta_to_dict(meta: DocumentMeta) -> dict[str, Any]:
    """Exchange metadata as the JSON report shows it (``direction`` and ``recipients`` are top-level
    document fields there; see :func:`sigaudit.report.documents.document_to_dict`)."""
    return {
        "source": meta.source,
        "direction": meta.direction.value,
        "date": meta.date.isoformat() if meta.date else None,
        "number": meta.number,
        "notation": meta.notation,
        "recipients": [{"code": r.code, "name": r.name, "level": r.level.value} for r in meta.recipients],
        "business": meta.business.value if meta.business else None,
        "document_id": meta.document_id,
        "document_type": meta.document_type,
        "subject": meta.subject,
        "statuses": [
            {"code": e.code, "meaning": e.meaning, "organ": e.organ, "source": e.source}
            for e in meta.statuses
        ],
    }


def meta_from_dict(d: dict[str, Any] | None) -> DocumentMeta:
    if not d:
        return NO_META
    return DocumentMeta(
        source=d["source"],
        direction=Direction(d["direction"]),
        date=date.fromisoformat(d["date"]) if d.get("date") else None,
        number=d.get("number"),
        notation=d.get("notation"),
        recipients=tuple(
            Party(r["code"], r["name"], Level(r.get("level", "unknown"))) for r in d.get("recipients", ())
        ),
        business=BusinessType(d["business"]) if d.get("business") else None,
        document_id=d.get("document_id"),
        document_type=d.get("document_type"),
        subject=d.get("subject"),
        statuses=tuple(
            StatusEvent(e["code"], e["meaning"], e["organ"], e["source"]) for e in d.get("statuses", ())
        ),
    )
