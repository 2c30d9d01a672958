"""An unsigned document whose text was read, put through the JSON and CSV formatters, for the tests that
check a text field reaches every output (and reads back from the stored JSON as it was)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sigaudit.content import read_text
from sigaudit.model import UNKNOWN_AGENCY, AuditRun, DocumentResult, TextMeta, ValidationOutcome, Verdict
from sigaudit.report import FORMATTERS
from sigaudit.report.build import report_context


def reported(name: str, data: bytes) -> tuple[DocumentResult, TextMeta, dict[str, Any], dict[str, str]]:
    """The document ``name`` holding ``data``, its text as read, its JSON ``text_meta`` and CSV row."""
    meta = read_text(data)
    outcome = ValidationOutcome(Verdict.UNSIGNED, "no signature", text=meta)
    doc = DocumentResult(name, "0" * 64, len(data), UNKNOWN_AGENCY, outcome)
    with report_context(AuditRun((doc,), (), ())) as ctx:
        report = json.loads("".join(FORMATTERS["json"](ctx)))
        rows = list(csv.DictReader(io.StringIO("".join(FORMATTERS["csv"](ctx)))))
    return doc, meta, report["documents"][0]["text_meta"], rows[0]
