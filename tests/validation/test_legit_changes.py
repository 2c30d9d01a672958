"""Issue 17, item 2: legitimate changes after signing keep a document valid, whoever signed it.

Files come from scripts/make_legit_changes.py, built at test time: a letter with text, check box, radio,
combo and list fields, signed by pyHanko and, separately, by iText 5 (tests/foreign/ItextSign.java),
then changed as e-office tools do — form fills, comments (Text, FreeText, Ink, Stamp, Highlight, one
with the catalogue and /AcroForm /DR rewritten), incoming stamps (dấu đến), DSS and a document
timestamp — and a certification P=2 followed by a visible approval signature. Every one must be
``valid`` with each signature TOTAL_PASSED and its changes ``permitted`` (or none). Before issue 17 the
engine called 24 of them invalid (radio and choice fills, every comment with an appearance, stamps,
the Decree 30 order with a comment, an approval signature after P=2) and the hybrid file indeterminate.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from sigaudit.model import Changes, Indication, Verdict
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import make_foreign_corpus  # noqa: E402
import make_legit_changes as legit  # noqa: E402

MISSING = make_foreign_corpus.missing_tools()
pytestmark = pytest.mark.skipif(
    any("java" in m or "itext" in m.lower() for m in MISSING) and os.environ.get("CI") != "true",
    reason="iText 5 not installed: " + ", ".join(MISSING) + " (.ci/run installs it)",
)

CLASSES = [
    "fill-text",
    "fill-checkbox",
    "fill-radio",
    "fill-combo",
    "fill-listbox",
    "comment-text",
    "comment-freetext",
    "comment-ink",
    "comment-stamp",
    "comment-highlight",
    "comment-bookkeeping",
    "incoming-stamp",
    "incoming-freetext",
    "dss",
    "doc-timestamp",
    "decree30-comment",
    "approval-after-p2",
]
NAMES = [f"{who}-{cls}" for who in legit.SIGNERS for cls in CLASSES] + ["pyhanko-certified-crlf-signed-again"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, legit.LegitCase]:
    return {c.name: c for c in legit.build_legit_cases(tmp_path_factory.mktemp("legit"))}


def test_the_corpus_is_the_declared_one(cases: dict[str, legit.LegitCase]) -> None:
    declared = [f"{who}-{cls}" for who in legit.SIGNERS for cls in CLASSES]
    assert sorted(cases) == sorted([*declared, "pyhanko-certified-crlf-signed-again"])
    assert {c.signer for c in cases.values()} == {"pyhanko", "itext"}


@pytest.mark.parametrize("name", NAMES)
def test_legitimate_change_keeps_the_document_valid(
    name: str, cases: dict[str, legit.LegitCase], demo_trust: TrustConfig
) -> None:
    case = cases[name]
    outcome = validate_pdf(case.data, demo_trust)
    assert outcome.verdict == Verdict.VALID, (case.description, outcome.reason)
    two = case.kind == "approval-after-certification" or "decree30" in name
    assert len(outcome.signatures) == (2 if two else 1)
    for sig in outcome.signatures:
        assert sig.indication == Indication.TOTAL_PASSED, sig.reason
        assert sig.changes in (Changes.PERMITTED, Changes.NONE), sig.changes_reason
    # the signature the change follows (field order is not signing order)
    assert any(s.changes == Changes.PERMITTED for s in outcome.signatures), outcome.reason


@pytest.fixture(scope="module")
def odd_cases() -> dict[str, legit.LegitCase]:
    return {c.name: c for c in legit.build_odd_cases()}


def test_a_hybrid_reference_file_is_judged_through_the_lenient_parser(
    odd_cases: dict[str, legit.LegitCase], demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(odd_cases["pyhanko-hybrid-reference"].data, demo_trust)
    assert outcome.verdict == Verdict.VALID, outcome.reason
    assert any("lenient" in n for n in outcome.notes), outcome.notes


def test_two_signer_infos_are_never_unreadable(
    odd_cases: dict[str, legit.LegitCase], demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(odd_cases["pyhanko-two-signer-infos"].data, demo_trust)
    assert outcome.verdict != Verdict.UNREADABLE, outcome.reason


def test_two_signer_infos_are_judged_each(
    odd_cases: dict[str, legit.LegitCase], demo_trust: TrustConfig
) -> None:
    """Both SignerInfos sign with keys of the demo intermediate: each is reported, and both are valid."""
    outcome = validate_pdf(odd_cases["pyhanko-two-signer-infos"].data, demo_trust)
    assert outcome.verdict == Verdict.VALID, outcome.reason
    fields = [s.field for s in outcome.signatures]
    assert fields == ["Sig_CaNhan [signer 1 of 2]", "Sig_CaNhan [signer 2 of 2]"]
    signers = {s.signer.common_name for s in outcome.signatures if s.signer is not None}
    assert signers == {"Nguyễn Văn Thử", "UBND xã Thử Nghiệm"}
