"""The shared text helpers (sigaudit.text): the two foldings differ in whitespace only, on purpose.

``fold`` (headings, level and direction words, agency names, numbers) collapses spaces, tabs and
underscores; ``fold_keep_spaces`` (a certificate's common name against the role prefixes) keeps them, so
a signer's role — and the results already in a store — stay what they were.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sigaudit.model import CertificateInfo, Level, SignerRole
from sigaudit.sources.manifest import parse_level, parse_manifest
from sigaudit.text import fold, fold_keep_spaces, name_key
from sigaudit.validation.policy import load_policy
from sigaudit.validation.roles import signer_role


@pytest.mark.parametrize(
    ("text", "folded", "kept"),
    [
        ("Ủy ban Nhân dân", "uy ban nhan dan", "uy ban nhan dan"),
        ("  Đà Nẵng ", "da nang", "da nang"),
        ("Số  ký_hiệu", "so ky hieu", "so  ky_hieu"),
        ("Bộ\tTài\nchính", "bo tai chinh", "bo\ttai\nchinh"),
        ("\u00a0Sở\u2003Nội vụ\u00a0", "so noi vu", "so\u2003noi vu"),  # no-break and em spaces
        ("", "", ""),
    ],
)
def test_the_two_foldings_differ_only_in_inner_whitespace(text: str, folded: str, kept: str) -> None:
    assert fold(text) == folded
    assert fold_keep_spaces(text) == kept
    assert fold(fold_keep_spaces(text)) == fold(text)


def _cert(common_name: str) -> CertificateInfo:
    at = datetime(2024, 1, 1, tzinfo=UTC)
    return CertificateInfo(f"CN={common_name}", common_name, None, None, (), "CN=CA", "1", "0", at, at)


def test_a_common_name_keeps_its_spacing_when_its_role_is_read() -> None:
    """The role prefixes ("bo ", "uy ban"…) are matched with the spacing as signed: a tab, an
    underscore or a doubled space inside a prefix does not make an agency signer."""
    assert signer_role(_cert("Bộ Tài chính")) == SignerRole.AGENCY
    assert signer_role(_cert("Ủy Ban nhân dân tỉnh Phú Thọ")) == SignerRole.AGENCY
    assert signer_role(_cert("Bộ\tTài chính")) == SignerRole.UNKNOWN
    assert signer_role(_cert("Ủy  ban nhân dân tỉnh Phú Thọ")) == SignerRole.UNKNOWN
    assert signer_role(_cert("Trường_THPT Hùng Vương")) == SignerRole.UNKNOWN


def test_a_policys_role_prefixes_keep_their_inner_spacing(tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text(
        'name = "spaced"\n[roles]\nagency_name_prefixes = ["Ban  Quản lý ", "Kho_bạc"]\n', encoding="utf-8"
    )
    rules = load_policy(policy).roles
    assert rules.agency_name_prefixes == ("ban  quan ly ", "kho_bac")


def test_headings_and_level_words_are_matched_with_spacing_collapsed() -> None:
    data = "Tệp,Số  và_ký hiệu,Cấp\nx.pdf,12/UBND-VP,  Trung   ương \n".encode()
    [entry], problems = parse_manifest(data, "")
    assert problems == []
    assert (entry.meta.number, entry.meta.notation) == ("12", "UBND-VP")
    assert entry.level == Level.CENTRAL
    assert parse_level("trung_uong") == Level.CENTRAL


def test_name_key_writes_abbreviations_out_and_drops_punctuation() -> None:
    assert name_key("UBND  TP. Việt_Trì") == "uy ban nhan dan thanh pho viet tri"
    assert name_key("Ủy ban nhân dân thành phố Việt Trì") == name_key("UBND TP Việt Trì")
