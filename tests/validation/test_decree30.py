"""Decree 30 conformance from the order, roles and coverage of signatures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sigaudit.cli import main
from sigaudit.model import (
    Changes,
    Coverage,
    Decree30,
    Indication,
    RevocationStatus,
    SignatureResult,
    SignerRole,
)
from sigaudit.validation.decree30 import decree30_conformance


def _sig(role: SignerRole, revision: int, coverage: Coverage) -> SignatureResult:
    return SignatureResult(
        field=f"{role}-{revision}",
        subfilter="/adbe.pkcs7.detached",
        signer=None,
        role=role,
        claimed_signing_time=datetime(2024, 3, 1, tzinfo=UTC),
        timestamp_time=None,
        digest_algorithm="sha256",
        signature_algorithm="rsassa_pkcs1v15",
        intact=True,
        crypto_valid=True,
        trusted=True,
        revocation=RevocationStatus.UNKNOWN,
        revocation_evidence=(),
        coverage=coverage,
        changes=Changes.NONE,
        changes_reason="",
        indication=Indication.TOTAL_PASSED,
        sub_indication=None,
        reason="",
        revision=revision,
    )


P, A, U = SignerRole.PERSONAL, SignerRole.AGENCY, SignerRole.UNKNOWN
FILE, REV = Coverage.ENTIRE_FILE, Coverage.ENTIRE_REVISION


def test_personal_then_agency_covering_the_file_is_complete_in_any_field_order() -> None:
    sigs = [_sig(A, 2, FILE), _sig(P, 1, REV)]  # fields listed agency first; revisions decide
    assert decree30_conformance(sigs) == Decree30.COMPLETE


def test_agency_before_person_is_wrong_order() -> None:
    assert decree30_conformance([_sig(A, 1, REV), _sig(P, 2, FILE)]) == Decree30.WRONG_ORDER


def test_changes_after_the_agency_signature_are_flagged() -> None:
    assert decree30_conformance([_sig(P, 1, REV), _sig(A, 2, REV)]) == Decree30.CHANGED_AFTER_AGENCY


def test_single_signatures_and_unknown_roles() -> None:
    assert decree30_conformance([_sig(A, 1, FILE)]) == Decree30.AGENCY_ONLY
    assert decree30_conformance([_sig(P, 1, FILE)]) == Decree30.PERSONAL_ONLY
    assert decree30_conformance([_sig(U, 1, FILE)]) == Decree30.ROLES_UNKNOWN
    assert decree30_conformance([]) == Decree30.NOT_SIGNED


@pytest.mark.slow
def test_an_agency_signature_of_another_agency_is_not_legally_complete(
    sample_docs: Path, demo_pki: Path, tmp_path: Path
) -> None:
    # A document signed by UBND tỉnh Phú Thọ (personal then agency), attributed by three manifests.
    source = sample_docs / "tinh/ubnd-tinh/2024/120-UBND-KGVX_2024-02-05.pdf"
    verdicts = {}
    for name in ("UBND tỉnh Phú Thọ", "Ủy ban nhân dân Tỉnh Phú Thọ", "UBND huyện Lâm Thao", ""):
        folder = tmp_path / f"case{len(verdicts)}"
        folder.mkdir()
        (folder / "a.pdf").write_bytes(source.read_bytes())
        (folder / "manifest.csv").write_text(f"file,agency_name\na.pdf,{name}\n", encoding="utf-8")
        out = folder / "r.json"
        result = CliRunner().invoke(
            main,
            ["scan", str(folder), "--trust-roots", str(demo_pki / "demo-root.pem"), "--no-store", "-q",
             "--json", str(out), "--csv", str(folder / "e.csv")],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        report = json.loads(out.read_text(encoding="utf-8"))
        [doc] = report["documents"]
        verdicts[name] = (doc["verdict"], doc["decree30"], doc["decree30_agency_named"])
        assert report["summary"]["all_total"]["legally_complete"] == (doc["decree30"] == "complete")
    assert verdicts == {
        "UBND tỉnh Phú Thọ": ("valid", "complete", True),
        "Ủy ban nhân dân Tỉnh Phú Thọ": ("valid", "complete", True),  # the abbreviation written out
        "UBND huyện Lâm Thao": ("valid", "other_agency", False),
        "": ("valid", "complete", None),  # the issuing agency is not known: not judged
    }
