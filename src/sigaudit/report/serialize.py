"""Plain-data views of summaries for the reports (names are a stable interface)."""

from __future__ import annotations

from typing import Any

from ..aggregate.exchange import EXCLUSION_TEXT
from ..aggregate.kpi import LEVEL_ORDER, Summary
from ..aggregate.reconcile import FINDING_TEXT, Finding, Findings
from ..aggregate.targets import Targets
from ..aggregate.unknowns import unknown_share_of

DEFINITIONS = {
    "kpi": "the inter-agency KPI: documents an agency sent to at least one other agency (sender ≠ "
    "recipient), each counted once, attributed to the issuing agency's level; by_level, total, "
    "by_agency, by_period and flow_matrix count these; all_by_level counts every document found",
    "documents": "the KPI documents of the level, whatever their verdict (unreadable included)",
    "signed": "documents with at least one filled signature field, whatever its verdict",
    "valid": "documents whose every signature is valid (see docs/verdicts.md)",
    "legally_complete": "valid documents signed by the competent person and then by the agency, the "
    "agency signature covering the whole file (Decree 30/2020 Art. 5 and 32)",
    "by_month": "documents grouped by the month of their latest signature (timestamp, else claimed "
    "time); unsigned and unreadable documents have no month",
    "processed_through_system": "the plan's second measure, per recipient level: receptions (document, "
    "recipient) with a known status trail (edXML status messages, a received register's status column) "
    "whose trail reaches 06 (done) / receptions with a status trail; receptions without any status are "
    "counted apart",
    "share_signed": "signed / documents",
    "share_valid": "valid / documents",
    "level": "level of the issuing agency, from manifest.csv and the agency registry; "
    "unknown when neither says",
    "unknown_level": "documents at level unknown per verdict, among the KPI documents (basis kpi) or, "
    "when the KPI is empty, every document found (basis all); warn: the unknown share of unsigned and of "
    "signed documents differ by gap_points and attributing the unknowns could move a level's signed share "
    "by move_points (docs/agencies-and-kpi.md, the bias guard)",
}


def summary_dict(
    summary: Summary, targets: Targets, reconciliation: Findings | None = None
) -> dict[str, Any]:
    all_total = summary.all_total or summary.total
    return {
        "by_level": {lv.value: summary.by_level[lv].as_dict() for lv in LEVEL_ORDER},
        "total": summary.total.as_dict(),
        "all_by_level": {
            lv.value: (summary.all_by_level.get(lv) or summary.by_level[lv]).as_dict() for lv in LEVEL_ORDER
        },
        "all_total": all_total.as_dict(),
        "unknown_level": unknown_share_of(summary).as_dict(),
        "excluded": {
            reason.value: {"documents": count, "why": EXCLUSION_TEXT[reason]}
            for reason, count in summary.exclusions.items()
        },
        "flow_matrix": [
            {"from": sender.value, "to": recipient.value, **counts.as_dict()}
            for (sender, recipient), counts in summary.flow.items()
        ],
        "period_kind": summary.period_kind,
        "by_period": {key: counts.as_dict() for key, counts in summary.by_period.items()},
        "processed_through_system": {
            lv.value: {
                **c.as_dict(),
                "share_done": c.share_done,
                "target": targets.processed_target(lv),
            }
            for lv, c in summary.processing.items()
        },
        "reconciliation": {
            f.value: count
            for f, count in (reconciliation.counts() if reconciliation else dict.fromkeys(Finding, 0)).items()
        },
        "targets": {
            "signed": {
                lv.value: targets.signed_target(lv) for lv in LEVEL_ORDER if targets.signed_target(lv)
            },
            "processed": {
                lv.value: targets.processed_target(lv) for lv in LEVEL_ORDER if targets.processed_target(lv)
            },
        },
        "by_agency": [
            {"code": a.code, "name": a.name, "level": a.level.value, **a.counts.as_dict()}
            for a in summary.by_agency
        ],
        "by_month": {month: counts.as_dict() for month, counts in summary.by_month.items()},
        "definitions": {
            **DEFINITIONS,
            "excluded": {e.value: t for e, t in EXCLUSION_TEXT.items()},
            "processed_through_system": {
                lv.value: {
                    **c.as_dict(),
                    "share_done": c.share_done,
                    "target": targets.processed_target(lv),
                }
                for lv, c in summary.processing.items()
            },
            "reconciliation": {f.value: t for f, t in FINDING_TEXT.items()},
        },
    }
