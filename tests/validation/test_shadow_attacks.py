"""Issue 17, item 5: the published shadow and incremental-saving classes are ``invalid`` for the reason.

Files come from scripts/shadow_attacks.py, built at test time on a letter signed by pyHanko with a key
from the demo intermediate (the "shadow document" carries a form-via-form white cover over a signed
hidden sentence and a read-only field showing an amount): hide via a referenced object (an xref-only
update) and via form-via-form resources; replace via overwrite and via an object stream; a
hide-and-replace whose update pyHanko cannot parse; ISA without an xref section and without /Prev.
Before issue 17 the engine called five of them indeterminate, valid or unreadable.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from sigaudit.model import Changes, Indication, ShownCheck, SubIndication, Verdict
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig
from sigaudit.validation.visual import compare_revisions

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import shadow_attacks  # noqa: E402

NAMES = [
    "shadow-hide-referenced-object",
    "shadow-hide-form-via-form",
    "shadow-replace-overwrite",
    "shadow-replace-object-stream",
    "shadow-hide-and-replace-unparseable",
    "isa-body-without-xref",
    "isa-update-without-prev",
]
PERSONAL = "Sig_CaNhan"
BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


@pytest.fixture(scope="module")
def cases() -> dict[str, shadow_attacks.Case]:
    return {c.name: c for c in shadow_attacks.build_shadow_cases()}


def test_the_corpus_is_the_declared_one(cases: dict[str, shadow_attacks.Case]) -> None:
    assert sorted(cases) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_attack_is_invalid_for_the_right_reason(
    name: str, cases: dict[str, shadow_attacks.Case], demo_trust: TrustConfig
) -> None:
    case = cases[name]
    outcome = validate_pdf(case.data, demo_trust)
    assert outcome.verdict == Verdict.INVALID, (case.description, outcome.reason)
    [sig] = [s for s in outcome.signatures if s.field == PERSONAL]
    assert sig.changes == Changes.DISALLOWED, sig.changes_reason
    assert sig.indication == Indication.TOTAL_FAILED
    assert sig.sub_indication == SubIndication.FORMAT_FAILURE
    said = f"{sig.reason} {sig.changes_reason}".lower()
    for word in case.words[PERSONAL]:
        assert word.lower() in said, (word, said)


def _signed_revision(data: bytes) -> bytes:
    m = BYTE_RANGE.search(data)
    assert m is not None
    return data[: int(m.group(3)) + int(m.group(4))]


@pytest.mark.parametrize(
    "name",
    [
        "shadow-hide-referenced-object",
        "shadow-hide-form-via-form",
        "shadow-replace-overwrite",
        "shadow-replace-object-stream",
        "shadow-hide-and-replace-unparseable",
        "isa-update-without-prev",
    ],
)
def test_the_attack_really_changes_what_a_reader_shows(
    name: str, cases: dict[str, shadow_attacks.Case]
) -> None:
    """PDFium (the renderer of Chromium) shows page 1 differently from the signed revision."""
    data = cases[name].data
    check = compare_revisions(_signed_revision(data), data)
    assert check.status == ShownCheck.DIFFERS, check.reason
    assert 1 in [p.page for p in check.pages if p.differs]


def test_isa_without_xref_is_a_definition_after_the_last_eof(cases: dict[str, shadow_attacks.Case]) -> None:
    """PDFium follows the cross-reference table and draws the signed page; readers that rebuild the table
    by scanning draw the appended definition: the bytes are there, outside every revision."""
    data = cases["isa-body-without-xref"].data
    tail = data[data.rindex(b"%%EOF") :]
    assert b" 0 obj" in tail and b"Van ban gia mao" in tail
