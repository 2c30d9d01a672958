"""Plain-data views of summaries for the reports (names are a stable interface)."""

from __future__ import annotations

from typing import Any

from ..aggregate.kpi import LEVEL_ORDER, Summary
from ..aggregate.targets import Targets

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
