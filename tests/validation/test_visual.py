"""validation/visual.py on real rendered PDFs: what a signed revision shows against the file now.

The files are pyHanko-signed letters from scripts/make_attack_files.py and make_legit_changes.py,
changed afterwards (a comment in a blank area or over the text, a form fill, a shadow "hide"), and
rendered by PDFium through pypdfium2.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from sigaudit.model import ShownCheck
from sigaudit.validation.visual import Rect, VisualLimits, compare_revisions

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import make_attack_files as attacks  # noqa: E402
import make_legit_changes as legit  # noqa: E402

from realsign import issue, load_issuer  # noqa: E402

BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


@pytest.fixture(scope="module")
def signed() -> bytes:
    """The form letter signed by a person (pyHanko); nothing after the signature."""
    person = issue(load_issuer(attacks.DEMO_PKI), cn="Nguyễn Văn Thử", uid="CCCD:001090000003")
    return attacks.sign(legit.form_letter(), person, attacks.PERSONAL)


def _revision(data: bytes) -> bytes:
    m = BYTE_RANGE.search(data)
    assert m is not None
    return data[: int(m.group(3)) + int(m.group(4))]


def test_nothing_changed_is_the_same(signed: bytes) -> None:
    check = compare_revisions(signed, signed)
    assert check.status == ShownCheck.SAME, check.reason
    assert [p.page for p in check.pages] == [1, 2]
    assert not any(p.differs or p.added for p in check.pages)


def test_a_comment_in_a_blank_area_is_seen_but_covers_nothing(signed: bytes) -> None:
    data = legit.add_annotation(signed, "/Stamp", legit.INCOMING)
    check = compare_revisions(_revision(data), data)
    assert check.status == ShownCheck.SAME, check.reason
    [added] = check.pages[0].added
    assert added.subtype == "Stamp" and not added.covers_signed_content
    assert added.rect == Rect(*legit.COMMENT_RECT)


def test_a_comment_over_the_text_is_reported_as_covering_signed_content(signed: bytes) -> None:
    data = legit.add_annotation(signed, "/FreeText", "Sai", rect=legit.OVER_TEXT)
    check = compare_revisions(_revision(data), data)
    assert check.status == ShownCheck.SAME  # outside the annotation nothing changed
    assert check.covers_signed_content
    assert "covers signed content on page(s) 1" in check.reason


def test_a_form_fill_differs_unless_its_widget_is_explained(signed: bytes) -> None:
    data = legit.fill_choice(signed, legit.COMBO)
    check = compare_revisions(_revision(data), data)
    assert check.status == ShownCheck.DIFFERS and check.pages[0].differs
    combo = Rect(72, 250, 272, 266)  # the combo box's widget (make_legit_changes.form_letter)
    assert compare_revisions(_revision(data), data, explained=[(1, combo)]).status == ShownCheck.SAME


def test_a_shadow_hide_differs_where_the_cover_was() -> None:
    person = issue(load_issuer(attacks.DEMO_PKI))
    data = attacks.shadow_hide(attacks.sign(attacks.prepared_letter(), person, attacks.PERSONAL))
    check = compare_revisions(_revision(data), data)
    assert check.status == ShownCheck.DIFFERS
    assert check.pages[0].differs and check.pages[0].changed_pixels > 100
    assert "differs from what was signed on page(s) 1" in check.reason


def test_a_page_added_changes_the_page_count(signed: bytes) -> None:
    data = attacks.add_page(signed)
    check = compare_revisions(_revision(data), data)
    assert check.status == ShownCheck.DIFFERS
    assert "page count changed from 2 to 3" in check.reason


def test_limits_leave_pages_unchecked_and_say_so(signed: bytes) -> None:
    check = compare_revisions(signed, signed, VisualLimits(max_pages=1))
    assert check.status == ShownCheck.INCOMPLETE
    assert "compared 1 of 2 page(s)" in check.reason
    tiny = compare_revisions(signed, signed, VisualLimits(max_pixels=10_000))
    assert tiny.status == ShownCheck.SAME  # the scale is lowered, not the check skipped


def test_what_cannot_be_rendered_is_not_called_the_same(signed: bytes) -> None:
    check = compare_revisions(b"%PDF-1.7\nnot really a PDF", signed)
    assert check.status == ShownCheck.NOT_RENDERED
    assert "could not be rendered" in check.reason
