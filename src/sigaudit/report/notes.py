"""What a report could not measure, in one line each: shared by the terminal table and the dashboard.

An archive exported without metadata must not look measured when it is not: when the KPI is empty the
reports say why and what to supply; without an agency registry they say that levels come from names and
how many are ``unknown``; they give the unknown share per verdict and the bias guard's warning
(:mod:`sigaudit.aggregate.unknowns`). The lines are built from counts, exclusion codes and the reports'
own labels only — never from document text — and each sink escapes them as it escapes everything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..aggregate.exchange import Exclusion
from ..aggregate.unknowns import UnknownShare, unknown_share_of
from ..model import Level
from .context import ReportContext
from .i18n import LEVELS, NOTES, VERDICTS


@dataclass(frozen=True)
class Note:
    """One line about the run's coverage; ``key`` names it (a key of :data:`.i18n.NOTES`)."""

    key: str
    text: str
    warning: bool = False


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _text_read(manifest: Mapping[str, object]) -> bool:
    """Whether the run read the pages (``--no-text`` not given); a run that does not say is taken as read."""
    text = manifest.get("text")
    return not (isinstance(text, Mapping) and text.get("read") is False)


def _kpi_empty(ctx: ReportContext, words: Mapping[str, str]) -> Note | None:
    summary = ctx.summary
    if not summary.kpi or summary.total.documents or not summary.found:
        return None
    reasons = ", ".join(f"{count} {reason.value}" for reason, count in summary.exclusions.items())
    text = words["kpi_empty"].format(reasons=reasons)
    no_data = summary.exclusions.get(Exclusion.NO_EXCHANGE_DATA, 0)
    if no_data:
        hint = "no_data_text_on" if _text_read(ctx.run.manifest) else "no_data_text_off"
        text += words[hint].format(n=no_data)
    return Note("kpi_empty", text, warning=True)


def _levels_from_names(ctx: ReportContext, words: Mapping[str, str]) -> Note | None:
    summary = ctx.summary
    if ctx.run.manifest.get("agency_registry") is not None or summary.all_total is None:
        return None
    unknown = summary.all_by_level[Level.UNKNOWN].documents if summary.all_by_level else 0
    text = words["levels_from_names"].format(unknown=unknown, documents=summary.all_total.documents)
    return Note("levels_from_names", text)


def _unknown_share(share: UnknownShare, lang: str, words: Mapping[str, str]) -> Note | None:
    if not share.unknown:
        return None
    counts = ", ".join(
        f"{VERDICTS[lang][v]} {k}/{n} ({_pct(k, n)})" for v, (k, n) in share.per_verdict.items() if n
    )
    basis = words["basis_kpi" if share.basis == "kpi" else "basis_all"]
    return Note("unknown_share", words["unknown_share"].format(basis=basis, counts=counts))


def _bias(share: UnknownShare, lang: str, words: Mapping[str, str]) -> Note | None:
    if not share.warn or share.gap_points is None or share.move_points is None or share.moved_level is None:
        return None
    text = words["bias"].format(
        unsigned=_pct(*share.unsigned),
        signed=_pct(*share.signed),
        gap=share.gap_points,
        level=LEVELS[lang][share.moved_level],
        move=share.move_points,
    )
    return Note("bias", text, warning=True)


def coverage_notes(ctx: ReportContext, lang: str = "") -> tuple[Note, ...]:
    """The lines about what was not measured, in ``lang`` (default ``ctx.lang``), in reading order."""
    lang = next((choice for choice in (lang, ctx.lang) if choice in NOTES), "en")
    words = NOTES[lang]
    share = unknown_share_of(ctx.summary)
    notes = (
        _kpi_empty(ctx, words),
        _levels_from_names(ctx, words),
        _unknown_share(share, lang, words),
        _bias(share, lang, words),
    )
    return tuple(n for n in notes if n is not None)
