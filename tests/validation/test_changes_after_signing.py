"""Changes after signing: harmless ones stay valid (``permitted``), forged content never is.

Every file comes from scripts/make_attack_files.py, built at test time: a prepared letter (a text field,
a second page, a form XObject, a hidden sentence under a white cover) signed by pyHanko with keys from
the demo intermediate, then changed with pyHanko's IncrementalPdfFileWriter or raw byte edits —
comments, form fills, later signatures, DSS data; incremental-saving attacks; shadow attacks (hide,
replace, hide-and-replace); signature wrapping; DocMDP P=1/2/3 and FieldMDP certifications. Each case
declares the verdict, each signature's ``changes`` and words its ``changes_reason`` must contain.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from sigaudit.model import Changes, Indication, SubIndication, Verdict
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import make_attack_files as attacks  # noqa: E402

NAMES = [
    "approval-only",
    "comment-after-approval",
    "form-fill-after-approval",
    "second-signature",
    "dss-after-approval",
    "stamp-after-approval",
    "isa-comment-and-widget-removed",
    "isa-comment-and-content",
    "isa-content-replaced",
    "isa-page-added",
    "isa-page-removed",
    "shadow-hide",
    "shadow-replace-xobject",
    "shadow-replace-font",
    "shadow-hide-and-replace",
    "swa-moved-signed-range",
    "docmdp-p1-form-fill",
    "docmdp-p1-comment",
    "docmdp-p1-dss",
    "docmdp-p2-form-fill",
    "docmdp-p2-comment",
    "docmdp-p3-comment",
    "fieldmdp-locked-field-changed",
]
FORGERIES = {"isa", "shadow", "swa"}
# forgeries of the page's annotations rather than of what its content draws
ANNOTATION_FORGERIES = {"isa-comment-and-widget-removed"}


@pytest.fixture(scope="module")
def cases() -> dict[str, attacks.Case]:
    return {c.name: c for c in attacks.build_cases()}


def test_the_corpus_is_the_declared_one(cases: dict[str, attacks.Case]) -> None:
    assert sorted(cases) == sorted(NAMES)
    kinds = {c.kind for c in cases.values()}
    assert kinds == {"control", "harmless", "isa", "shadow", "swa", "certification"}


@pytest.mark.parametrize("name", NAMES)
def test_verdict_changes_and_reason(
    name: str, cases: dict[str, attacks.Case], demo_trust: TrustConfig
) -> None:
    case = cases[name]
    outcome = validate_pdf(case.data, demo_trust)
    assert outcome.verdict == Verdict(case.verdict), (case.description, outcome.reason)
    if case.kind in FORGERIES:
        assert outcome.verdict != Verdict.VALID
    by_field = {s.field: s for s in outcome.signatures}
    for field, expected in case.changes.items():
        sig = by_field[field]
        assert sig.changes == Changes(expected), (field, sig.changes_reason)
        reason = sig.changes_reason.lower()
        for word in case.words[field]:
            assert word.lower() in reason, (word, sig.changes_reason)
        assert "reference(idnum" not in reason  # objects are named in words, not as pyHanko's reprs
        if sig.changes == Changes.DISALLOWED:
            assert sig.indication == Indication.TOTAL_FAILED
            assert sig.sub_indication == SubIndication.FORMAT_FAILURE
        else:
            assert sig.indication == Indication.TOTAL_PASSED, sig.reason
            assert sig.intact and sig.crypto_valid and sig.trusted
    if outcome.verdict == Verdict.INVALID:
        assert outcome.reason.split(":")[0] in case.changes  # the culprit is the signature changed after


def _page_state(pdf: bytes) -> tuple[object, ...]:
    """What a viewer would draw on page 1, and the page count, in the file's last revision."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    pages = reader.root["/Pages"]
    page = pages["/Kids"][0].get_object()
    contents = page["/Contents"]
    streams = [c.get_object().data for c in contents] if isinstance(contents, list) else [contents.data]
    resources = page["/Resources"]
    xobjects = tuple(x.get_object().data for x in resources.get("/XObject", {}).values())
    fonts = tuple(str(f.get_object().get("/BaseFont")) for f in resources["/Font"].values())
    return int(pages["/Count"]), tuple(streams), xobjects, fonts


def test_every_forgery_really_changes_what_is_shown(cases: dict[str, attacks.Case]) -> None:
    """The attacks are real: each changes page 1 or the page count against the signed control."""
    signed = _page_state(cases["approval-only"].data)
    for case in cases.values():
        if case.kind in FORGERIES and case.name not in ANNOTATION_FORGERIES:
            assert _page_state(case.data) != signed, case.name
    assert _page_state(cases["comment-after-approval"].data) == signed  # a comment draws nothing new


def test_signature_wrapping_keeps_a_matching_digest(
    cases: dict[str, attacks.Case], demo_trust: TrustConfig
) -> None:
    """Only the ByteRange's shape betrays the wrapping: the digest and the signature value verify."""
    outcome = validate_pdf(cases["swa-moved-signed-range"].data, demo_trust)
    [sig] = outcome.signatures
    assert sig.intact and sig.crypto_valid
    assert "ByteRange does not cover the file except the signature value" in sig.reason


def test_hide_and_replace_names_the_page_content(
    cases: dict[str, attacks.Case], demo_trust: TrustConfig
) -> None:
    outcome = validate_pdf(cases["shadow-hide-and-replace"].data, demo_trust)
    reason = outcome.signatures[0].changes_reason
    assert "a page's content stream" in reason and "the page tree" in reason, reason


def test_known_limit_widget_page_entry_makes_a_later_signature_unexplained(
    demo_pki: Path, demo_trust: TrustConfig
) -> None:
    """README, known limits: with /P on a text field's widget, pyHanko 0.38 cannot explain a second
    signature filled into an existing field, so the first is reported disallowed. If a pyHanko upgrade
    fixes this, this test fails: then drop the limit from the README."""
    from realsign import issue, load_issuer

    issuer = load_issuer(demo_pki)
    base = attacks.prepared_letter(widget_page_entry=True)
    both = attacks.sign(attacks.sign(base, issue(issuer), "Sig_CaNhan"), issue(issuer), "Sig_CoQuan")
    outcome = validate_pdf(both, demo_trust)
    assert outcome.verdict == Verdict.INVALID
    first = outcome.signatures[0]
    assert first.changes == Changes.DISALLOWED, first.changes_reason
    assert "a form field" in first.changes_reason, first.changes_reason


@pytest.mark.slow
def test_scan_and_verify_report_the_same_through_the_cli(
    cases: dict[str, attacks.Case], demo_pki: Path, tmp_path: Path
) -> None:
    """End to end (worker processes, JSON report, verify): each file's declared verdict, and the
    reason in words, with no traceback."""
    import json

    from click.testing import CliRunner

    from sigaudit.cli import main

    folder = tmp_path / "attacks"
    folder.mkdir()
    for case in cases.values():
        (folder / f"{case.name}.pdf").write_bytes(case.data)
    trust = ["--trust-roots", str(demo_pki / "demo-root.pem")]
    trust += ["--other-certs", str(demo_pki / "demo-intermediate.pem")]
    report = tmp_path / "r.json"
    result = CliRunner().invoke(
        main, ["scan", str(folder), *trust, "--no-store", "-q", "--json", str(report)]
    )
    assert result.exit_code == 0, result.output
    verdicts = {
        Path(d["path"]).stem: d["verdict"]
        for d in json.loads(report.read_text(encoding="utf-8"))["documents"]
    }
    assert verdicts == {c.name: c.verdict for c in cases.values()}
    result = CliRunner().invoke(main, ["verify", str(folder / "shadow-replace-font.pdf"), *trust])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert "a font" in result.output, result.output
