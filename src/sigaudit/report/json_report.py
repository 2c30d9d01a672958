"""JSON report: the whole audit for machines (field names are stable; see README)."""

from __future__ import annotations

import json

from ..codec import document_to_dict
from .context import ReportContext
from .serialize import summary_dict

SCHEMA_VERSION = 1


def render_json(ctx: ReportContext) -> str:
    run = ctx.run
    payload = {
        "schema_version": SCHEMA_VERSION,
        "manifest": run.manifest,
        "summary": summary_dict(ctx.summary, ctx.targets),
        "gates": {"failed": list(ctx.gate_failures)},
        "documents": [document_to_dict(d) for d in run.documents],
        "skipped": [{"path": s.path, "reason": s.reason} for s in run.skipped],
        "warnings": list(run.warnings),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
