"""JSON report: the whole audit for machines (field names are stable; see docs/outputs.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol, runtime_checkable

from ..codec import document_to_dict
from ..model import DocumentResult
from .context import ReportContext
from .serialize import summary_dict

SCHEMA_VERSION = 1


def iter_json(ctx: ReportContext) -> Iterator[str]:
    """The JSON report in chunks (one per document line), for writing without holding the text."""
    run = ctx.run
    payload = {
        "schema_version": SCHEMA_VERSION,
        "manifest": run.manifest,
        "summary": summary_dict(ctx.summary, ctx.targets, ctx.reconciliation),
        "gates": {"failed": list(ctx.gate_failures)},
        # A generator: each document becomes a dict only while its line is written (building all the
        # dicts first took 250 MB at 10,000 documents).
        "documents": _documents(ctx),
        "reconciliation": (r.as_dict() for r in ctx.reconciliation),
        "skipped": [{"path": s.path, "reason": s.reason} for s in run.skipped],
        "warnings": list(run.warnings),
    }
    return _layout(payload, one_per_line=("documents", "reconciliation"))


@runtime_checkable
class ReportLines(Protocol):
    """Documents that can give their report form directly (a run read back from the result store:
    :class:`~sigaudit.store.results.StoredDocuments`), instead of being encoded one by one."""

    def report_dicts(
        self, exchange: Callable[[int], dict[str, Any] | None]
    ) -> Iterator[str | dict[str, Any] | DocumentResult]: ...


def _documents(ctx: ReportContext) -> Iterator[str | dict[str, Any]]:
    """Each document's dict, with what aggregation decided about it beside its metadata."""
    exchanges = ctx.exchanges

    def exchange(n: int) -> dict[str, Any] | None:
        return exchanges[n].as_dict() if exchanges else None

    documents = ctx.run.documents
    found = documents.report_dicts(exchange) if isinstance(documents, ReportLines) else iter(documents)
    for n, doc in enumerate(found):
        yield doc if isinstance(doc, (str, dict)) else document_to_dict(doc, exchange(n))


def render_json(ctx: ReportContext) -> str:
    return "".join(iter_json(ctx))


def _layout(payload: Mapping[str, object], one_per_line: tuple[str, ...]) -> Iterator[str]:
    """Indented JSON, except that each item of the ``one_per_line`` lists sits on one line (and those
    lists may be generators, written as they go).

    One line per document reads well in a diff and a grep, and compact items go through json's C
    encoder: indenting everything took longer than reading 10,000 documents back from the store.
    """
    yield "{"
    for n, (key, value) in enumerate(payload.items()):
        yield ("\n" if n == 0 else ",\n") + f"  {json.dumps(key)}: "
        if key in one_per_line and isinstance(value, Iterable) and not isinstance(value, (str, dict)):
            empty = True
            for item in value:  # an item already in JSON text is written as it is
                text = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
                yield ("[\n" if empty else ",\n") + "    " + text
                empty = False
            yield "[]" if empty else "\n  ]"
        else:
            yield json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    yield "\n}\n"
