"""A document in the JSON report's form (docs/outputs.md, "--json"), from its values or from the result
store's own stored form.

The report builds this public form; the store keeps its own (:mod:`sigaudit.codec`'s dictionaries as
JSON text) and hands its rows out as they are (:class:`~sigaudit.store.results.StoredRow`). A row
recorded with its facts is spliced into the report's line from its stored text, without decoding its
signatures into values only to encode them again (most of a report's time at 10,000 documents).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..codec import (
    agency_to_dict,
    facts_from_json,
    meta_to_dict,
    outcome_to_dict,
)
from ..model import NO_META, Decree30, DocumentResult, for_agency, name_to_judge
from ..store.results import StoredRow


def document_to_dict(doc: DocumentResult, exchange: dict[str, Any] | None = None) -> dict[str, Any]:
    """A document as the JSON report shows it: identity, agency, exchange metadata, then the outcome.

    ``exchange`` holds what aggregation decided about the document (``inter_agency``,
    ``excluded_reason``); the report adds it beside the metadata.
    """
    return document_dict(
        doc.path,
        doc.sha256,
        doc.size,
        agency_to_dict(doc.agency),
        meta_to_dict(doc.meta),
        outcome_to_dict(doc.outcome),
        doc.decree30,
        doc.agency_named,
        exchange,
    )


def document_dict(
    path: str,
    sha256: str,
    size: int,
    agency: dict[str, Any],
    meta: dict[str, Any],
    outcome: dict[str, Any],
    decree30: Decree30,
    agency_named: bool | None,
    exchange: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON report's document from its parts in plain-data form (``meta`` and ``outcome`` are
    consumed): from the values (:func:`document_to_dict`) or straight from the result store."""
    return {
        "path": path,
        "sha256": sha256,
        "size": size,
        "verdict": outcome.pop("verdict"),
        "reason": outcome.pop("reason"),
        "agency": agency,
        "direction": meta.pop("direction"),
        "recipients": meta.pop("recipients"),
        **(exchange or {}),
        "metadata": meta,
        **outcome,
        # The signature pattern checked against the issuing agency (Decree30.OTHER_AGENCY).
        "decree30": decree30.value,
        "decree30_agency_named": agency_named,
    }


def document_line(
    path: str,
    sha256: str,
    size: int,
    agency: dict[str, Any],
    meta: dict[str, Any],
    outcome: str,
    decree30: Decree30,
    agency_named: bool | None,
    exchange: dict[str, Any] | None = None,
) -> str | None:
    """``json.dumps(document_dict(...), ensure_ascii=False)`` from the outcome's stored JSON text,
    without decoding and encoding its signatures again (most of a document's report); None when the
    text is not in the form :func:`outcome_to_dict` and ``json.dumps`` give it.

    The outcome's top-level keys are found by their text: inside a JSON string every quote is
    escaped, so ``, "signatures": `` and ``, "decree30": `` cannot match there, and no nested value
    has a ``decree30`` key.
    """
    head = '{"verdict": '
    if not outcome.startswith(head) or not outcome.endswith("}"):
        return None
    try:
        signatures = outcome.index(', "signatures": ')
        pattern = outcome.rindex(', "decree30": ')
        after = outcome.index(", ", pattern + len(', "decree30": '))
    except ValueError:
        return None
    verdict, reason = json.loads("[" + outcome[len(head) : signatures].replace(', "reason": ', ", ", 1) + "]")
    first = {"verdict": verdict, "reason": reason}
    document = document_dict(path, sha256, size, agency, meta, first, decree30, agency_named, exchange)
    del document["decree30"], document["decree30_agency_named"]
    return (
        json.dumps(document, ensure_ascii=False)[:-1]
        + outcome[signatures:pattern]
        + ', "decree30": '
        + json.dumps(decree30.value)
        + outcome[after:-1]
        + ', "decree30_agency_named": '
        + json.dumps(agency_named)
        + "}"
    )


def stored_document_lines(
    rows: Iterable[StoredRow], exchange: Callable[[int], dict[str, Any] | None]
) -> Iterator[str | dict[str, Any]]:
    """The stored documents in the JSON report's form, in scan order, with ``exchange(seq)`` (what
    aggregation decided) beside the metadata: each one's line of JSON text, or its dict should its
    stored outcome's text not have the expected form.

    Rows recorded with their facts (by the versions that store them) hold exactly what the codec
    writes, so their text is spliced (:func:`document_line`); older rows are decoded into values and
    encoded again.
    """
    for row in rows:
        decided = exchange(row.seq)
        if row.facts is None:  # recorded before facts were stored: through the values
            yield document_to_dict(row.document(), decided)
            continue
        attribution = json.loads(row.agency)
        meta = attribution.pop("meta", None) or meta_to_dict(NO_META)
        known = facts_from_json(row.facts)
        judged = name_to_judge(str(attribution.get("source", "")), attribution.get("name"))
        decree30, named = for_agency(known.decree30, judged, known.agency_certificates)
        line = document_line(
            row.path, row.sha256, row.size, attribution, meta, row.outcome, decree30, named, decided
        )
        if line is not None:
            yield line
        else:
            outcome = json.loads(row.outcome)
            yield document_dict(
                row.path, row.sha256, row.size, attribution, meta, outcome, decree30, named, decided
            )
