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
    return _layout(payload, one_per_line="documents")


def _layout(payload: dict[str, object], one_per_line: str) -> str:
    """Indented JSON, except that each item of the ``one_per_line`` list sits on one line.

    One line per document reads well in a diff and a grep, and compact items go through json's C
    encoder: indenting everything took longer than reading 10,000 documents back from the store.
    """
    members = []
    for key, value in payload.items():
        name = json.dumps(key)
        if key == one_per_line and isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            members.append(f"  {name}: [\n{items}\n  ]")
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            members.append(f"  {name}: {text}")
    return "{\n" + ",\n".join(members) + "\n}\n"
