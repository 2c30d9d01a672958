"""Revocation evidence beyond the file: a folder of CRLs and OCSP responses (--revocation-dir), fetching
(--online, against a local HTTP server), which source decided, and revocation against the signing time.

Every document is signed by pyHanko with a certificate of the test PKI in tests/revpki.py, whose CRL
distribution point or OCSP responder is a URL on 127.0.0.1; CRLs and OCSP responses are real, signed by
the test root.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from revpki import Pki, document_timestamp, serving, sign, utc
from sigaudit import audit
from sigaudit.cli import main
from sigaudit.errors import ConfigError
from sigaudit.model import (
    CheckName,
    CheckStatus,
    Indication,
    RevocationSource,
    RevocationStatus,
    SubIndication,
    TimeBasis,
    Verdict,
)
from sigaudit.validation import speedups
from sigaudit.validation.engine import validate_pdf
from sigaudit.validation.trust import TrustConfig, build_trust

REVOKED_ON = utc(2024, 6, 1)
DEAD_URL = "http://127.0.0.1:9/never"  # nothing listens there; offline runs never ask


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="module")
def root(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pki.root_pem(tmp_path_factory.mktemp("root"))


def _trust(root: Path, **kwargs: object) -> TrustConfig:
    return build_trust([root], use_shipped=False, **kwargs)  # type: ignore[arg-type]


def _folder(tmp_path: Path, **files: bytes) -> Path:
    folder = tmp_path / "revocation"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name.replace("_", ".")).write_bytes(data)
    return folder


# --- --revocation-dir --------------------------------------------------------------------------------
def test_signer_revoked_in_the_revocation_folder_is_invalid_with_source_local(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    signer = pki.issue(crl_url=DEAD_URL)
    pdf = sign(signer, pki, claimed=utc(2024, 9, 1))  # the signer claims a time after the revocation
    folder = _folder(tmp_path, root_crl=pki.crl(((signer, REVOKED_ON),)))
    outcome = validate_pdf(pdf, _trust(root, revocation_dir=folder))
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.INVALID
    assert (sig.indication, sig.sub_indication) == (Indication.TOTAL_FAILED, SubIndication.REVOKED)
    assert sig.revocation == RevocationStatus.REVOKED
    assert sig.revocation_source == RevocationSource.LOCAL
    assert sig.revocation_evidence == ("local",)
    assert "revoked on 2024-06-01" in sig.reason and "before the signing time the signer claims" in sig.reason

    # The same document without the folder: nothing says revoked, soft-fail as before.
    without = validate_pdf(pdf, _trust(root))
    [sig] = without.signatures
    assert without.verdict == Verdict.VALID
    assert sig.revocation == RevocationStatus.UNKNOWN
    assert sig.revocation_source == RevocationSource.NONE
    assert sig.revocation_evidence == ()


def test_a_good_ocsp_response_in_the_folder_answers_with_source_local(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    signer = pki.issue(ocsp_url=DEAD_URL)
    folder = _folder(tmp_path, answer_ocsp=pki.ocsp(signer))
    [sig] = validate_pdf(sign(signer, pki), _trust(root, revocation_dir=folder)).signatures
    assert sig.indication == Indication.TOTAL_PASSED
    assert (sig.revocation, sig.revocation_source) == (RevocationStatus.GOOD, RevocationSource.LOCAL)


def test_a_pem_crl_and_a_der_ocsp_response_are_read(pki: Pki, root: Path, tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    signer = pki.issue(crl_url=DEAD_URL)
    pem = x509.load_der_x509_crl(pki.crl()).public_bytes(Encoding.PEM)
    folder = _folder(tmp_path, a_crl=pem, b_der=pki.ocsp(signer))
    trust = _trust(root, revocation_dir=folder)
    assert sorted(f.kind.value for f in trust.revocation) == ["crl", "ocsp"]
    [sig] = validate_pdf(sign(signer, pki), trust).signatures
    assert (sig.revocation, sig.revocation_source) == (RevocationStatus.GOOD, RevocationSource.LOCAL)


def test_a_damaged_file_is_a_warning_naming_it_and_the_rest_is_used(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    signer = pki.issue(crl_url=DEAD_URL)
    folder = _folder(tmp_path, good_crl=pki.crl(((signer, REVOKED_ON),)), broken_crl=b"not a CRL at all")
    trust = _trust(root, revocation_dir=folder)
    assert len(trust.revocation) == 1
    [warning] = trust.warnings
    assert "broken.crl" in warning and "not a CRL" in warning
    [sig] = validate_pdf(sign(signer, pki, claimed=utc(2024, 9, 1)), trust).signatures
    assert sig.revocation == RevocationStatus.REVOKED


def test_a_missing_or_empty_folder_is_a_configuration_error(root: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        _trust(root, revocation_dir=tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("no evidence here")
    with pytest.raises(ConfigError, match="holds no CRL"):
        _trust(root, revocation_dir=tmp_path / "empty")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.ocsp").write_bytes(b"\x30\x03\x0a\x01\x01")  # OCSPResponse malformedRequest
    with pytest.raises(ConfigError, match=r"no usable file.*malformed"):
        _trust(root, revocation_dir=tmp_path / "bad")


def test_the_fingerprint_changes_with_the_evidence_and_with_online(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    signer = pki.issue()
    plain = _trust(root)
    one = _trust(root, revocation_dir=_folder(tmp_path / "a", x_crl=pki.crl()))
    other = _trust(root, revocation_dir=_folder(tmp_path / "b", x_crl=pki.crl(((signer, REVOKED_ON),))))
    online = _trust(root, online=True)
    prints = {t.fingerprint() for t in (plain, one, other, online)}
    assert len(prints) == 4  # a new CRL, or going online, validates stored results again
    assert len({audit.verdict_fingerprint(t) for t in (plain, one, other, online)}) == 4
    assert _trust(root).fingerprint() == plain.fingerprint()


def test_remembered_paths_give_the_same_revocation_answer_as_validating_again(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    """The path cache is used with folder evidence (same for every document), never online; a path
    it remembers gives the revocation status and source a full validation gives."""
    assert speedups.install()
    both = pki.issue(crl_url=DEAD_URL, ocsp_url=DEAD_URL)  # the folder answers for the CRL only
    trust = _trust(root, revocation_dir=_folder(tmp_path, x_crl=pki.crl()))
    speedups.clear_caches()
    first = validate_pdf(sign(both, pki), trust).signatures[0]
    assert speedups.cache_info().paths, "the folder's evidence is in the key: the path is remembered"
    second = validate_pdf(sign(both, pki, field_name="Sig_Khac"), trust).signatures[0]
    assert (first.revocation, first.revocation_source) == (second.revocation, second.revocation_source)
    speedups.uninstall()
    third = validate_pdf(sign(both, pki), trust).signatures[0]
    assert (third.revocation, third.revocation_source) == (first.revocation, first.revocation_source)


# --- revocation and the signing time -------------------------------------------------------------------
def test_revocation_after_the_claimed_time_without_proof_is_revoked_no_poe(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    signer = pki.issue(crl_url=DEAD_URL)
    folder = _folder(tmp_path, x_crl=pki.crl(((signer, REVOKED_ON),)))
    outcome = validate_pdf(sign(signer, pki, claimed=utc(2024, 3, 1)), _trust(root, revocation_dir=folder))
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.INDETERMINATE
    assert (sig.indication, sig.sub_indication) == (Indication.INDETERMINATE, SubIndication.REVOKED_NO_POE)
    assert sig.revocation == RevocationStatus.REVOKED and sig.time_basis == TimeBasis.CLAIMED
    assert "no timestamp proves it" in sig.reason


def test_a_timestamp_before_the_revocation_keeps_the_signature_valid(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    """EU DSS: proof of existence (the signature timestamp) before the revocation time."""
    signer, tsa = pki.issue(crl_url=DEAD_URL), pki.issue("TEST TSA", tsa=True)
    folder = _folder(tmp_path, x_crl=pki.crl(((signer, REVOKED_ON),)))
    trust = _trust(root, revocation_dir=folder)
    before = sign(signer, pki, claimed=utc(2024, 3, 1), timestamper=pki.timestamper(tsa, utc(2024, 3, 1, 1)))
    outcome = validate_pdf(before, trust)
    [sig] = outcome.signatures
    assert outcome.verdict == Verdict.VALID, sig.reason
    assert sig.time_basis == TimeBasis.TIMESTAMP
    assert (sig.revocation, sig.revocation_source) == (RevocationStatus.REVOKED, RevocationSource.LOCAL)
    assert "revoked later, on 2024-06-01" in sig.reason
    checks = {c.name: c.status for c in sig.checks}
    assert checks[CheckName.NOT_REVOKED_AT_SIGNING_TIME] == CheckStatus.PASSED

    after = sign(signer, pki, claimed=utc(2024, 3, 1), timestamper=pki.timestamper(tsa, utc(2024, 7, 1)))
    [sig] = validate_pdf(after, trust).signatures
    assert sig.sub_indication == SubIndication.REVOKED_NO_POE
    assert "is not before the revocation" in sig.reason
    checks = {c.name: c.status for c in sig.checks}
    assert checks[CheckName.NOT_REVOKED_AT_SIGNING_TIME] == CheckStatus.UNKNOWN


def test_a_revoked_intermediate_ca_never_leaves_its_signers_valid(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    """The signer's own certificate is fine, but the CA that issued it was revoked: never valid, whether
    the signer claims a time before the CA's revocation or after it."""
    ca = pki.issue_ca("TEST Revoked Intermediate CA", crl_url=DEAD_URL)
    signer = ca.issue(crl_url=DEAD_URL)
    folder = _folder(
        tmp_path,
        root_crl=pki.crl(((ca.root, REVOKED_ON),)),  # the root revokes the intermediate
        ca_crl=ca.crl(),  # the intermediate's own CRL says nothing against the signer
    )
    trust = _trust(root, revocation_dir=folder)
    for claimed in (utc(2024, 3, 1), utc(2024, 7, 1)):
        outcome = validate_pdf(sign(signer, ca, claimed=claimed), trust)
        [sig] = outcome.signatures
        assert outcome.verdict != Verdict.VALID, (claimed, sig.reason)
        # EU DSS: REVOKED_CA_NO_POE (indeterminate), whichever time the signer claims.
        assert sig.sub_indication == SubIndication.REVOKED_CA_NO_POE, sig.reason
        assert "CA certificate in the chain was revoked on 2024-06-01" in sig.reason
        assert sig.intact and sig.crypto_valid
    # Without the root's CRL nothing says the CA was revoked: soft-fail, as for a signer.
    alone = validate_pdf(
        sign(signer, ca), _trust(root, revocation_dir=_folder(tmp_path / "b", ca_crl=ca.crl()))
    )
    assert alone.verdict == Verdict.VALID, alone.reason


def test_a_later_document_timestamp_is_proof_of_existence_too(pki: Pki, root: Path, tmp_path: Path) -> None:
    signer, tsa = pki.issue(crl_url=DEAD_URL), pki.issue("TEST TSA", tsa=True)
    trust = _trust(root, revocation_dir=_folder(tmp_path, x_crl=pki.crl(((signer, REVOKED_ON),))))
    signed = sign(signer, pki, claimed=utc(2024, 3, 1))
    stamped = document_timestamp(signed, pki.timestamper(tsa, utc(2024, 3, 2)))
    [sig] = validate_pdf(stamped, trust).signatures
    assert sig.time_basis == TimeBasis.DOCUMENT_TIMESTAMP
    assert sig.indication == Indication.TOTAL_PASSED, sig.reason
    assert "document timestamp proves (2024-03-02" in sig.reason


# --- --online -------------------------------------------------------------------------------------------
def test_online_fetches_the_crl_and_the_ocsp_response_from_the_certificate_urls(pki: Pki, root: Path) -> None:
    with serving() as server:
        by_crl = pki.issue(crl_url=server.url("/root.crl"))
        by_ocsp = pki.issue(ocsp_url=server.url("/ocsp"))
        revoked = pki.issue(crl_url=server.url("/root.crl"))
        server.routes["/root.crl"] = pki.crl(((revoked, REVOKED_ON),))
        server.routes["/ocsp"] = pki.ocsp(by_ocsp)
        trust = _trust(root, online=True, online_timeout_s=5)
        for cred in (by_crl, by_ocsp):
            [sig] = validate_pdf(sign(cred, pki), trust).signatures
            assert (sig.revocation, sig.revocation_source) == (RevocationStatus.GOOD, RevocationSource.ONLINE)
            assert sig.revocation_evidence == ("online",)
        [sig] = validate_pdf(sign(revoked, pki), trust).signatures
        assert sig.sub_indication == SubIndication.REVOKED
        assert sig.revocation_source == RevocationSource.ONLINE
        assert "/root.crl" in server.hits and "/ocsp" in server.hits

        # Offline (the default) the same files ask nothing: soft-fail, as before.
        hits = len(server.hits)
        [sig] = validate_pdf(sign(revoked, pki), _trust(root)).signatures
        assert sig.revocation == RevocationStatus.UNKNOWN and len(server.hits) == hits


def test_a_responder_that_never_answers_costs_the_timeout_not_a_hang(pki: Pki, root: Path) -> None:
    with serving(hang=True) as server:
        signer = pki.issue(crl_url=server.url("/root.crl"), ocsp_url=server.url("/ocsp"))
        pdf = sign(signer, pki)
        started = time.monotonic()
        outcome = validate_pdf(pdf, _trust(root, online=True, online_timeout_s=1))
        elapsed = time.monotonic() - started
    [sig] = outcome.signatures
    assert server.hits, "the responder was asked"
    assert elapsed < 15
    assert sig.revocation == RevocationStatus.UNKNOWN and sig.revocation_source == RevocationSource.NONE
    assert outcome.verdict == Verdict.VALID, sig.reason  # soft-fail: missing evidence, not an error


# --- the command line -----------------------------------------------------------------------------------
def test_scan_and_verify_take_the_folder_and_report_the_source(pki: Pki, root: Path, tmp_path: Path) -> None:
    signer = pki.issue(crl_url=DEAD_URL)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "revoked.pdf").write_bytes(sign(signer, pki, claimed=utc(2024, 9, 1)))
    folder = _folder(tmp_path, x_crl=pki.crl(((signer, REVOKED_ON),)), y_crl=b"garbage")
    runner = CliRunner()
    common = ["--trust-roots", str(root), "--no-shipped-roots", "--revocation-dir", str(folder)]
    result = runner.invoke(
        main,
        ["scan", str(docs), *common, "--no-store", "-q", "-j", "1", "--json", str(tmp_path / "r.json"),
         "--csv", str(tmp_path / "r.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning: revocation evidence" in result.output and "y.crl" in result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    [doc] = report["documents"]
    [sig] = doc["signatures"]
    assert doc["verdict"] == "invalid"
    assert (sig["revocation_source"], sig["revocation_evidence"]) == ("local", ["local"])
    assert any("y.crl" in w for w in report["warnings"])
    assert report["manifest"]["revocation_evidence"][0]["kind"] == "crl"
    assert report["manifest"]["online"] is False
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = next(csv.DictReader(handle))
    assert (cells["revocation_source"], cells["time_basis"]) == ("local", "claimed")
    assert cells["check_not_revoked_at_signing_time"] == "failed"

    result = runner.invoke(main, ["verify", str(docs / "revoked.pdf"), *common])
    assert result.exit_code == 1
    assert "revoc. source local" in result.output and "time basis    claimed" in result.output


def test_the_folder_can_come_from_sigaudit_toml_and_a_missing_one_is_exit_2(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    signer = pki.issue(ocsp_url=DEAD_URL)
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(sign(signer, pki))
    _folder(tmp_path, a_ocsp=pki.ocsp(signer))
    config = tmp_path / "sigaudit.toml"
    config.write_text(
        f'[verify]\nrevocation-dir = "revocation"\ntrust-roots = ["{root}"]\nno-shipped-roots = true\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(config), "verify", str(pdf), "--json", "-"])
    assert result.exit_code == 0, result.output
    [sig] = json.loads(result.output)["signatures"]
    assert (sig["revocation"], sig["revocation_source"]) == ("good", "local")

    result = runner.invoke(main, ["verify", str(pdf), "--revocation-dir", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "revocation folder" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_an_offline_scan_with_a_revocation_folder_opens_no_socket(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    """Like tests/test_no_network.py, with the folder given: the workers never touch the network."""
    from test_no_network import HOOK

    signer = pki.issue(crl_url="http://crl.sigaudit-demo.invalid/x.crl", ocsp_url=DEAD_URL)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.pdf").write_bytes(sign(signer, pki))
    folder = _folder(tmp_path, x_crl=pki.crl())
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    log = tmp_path / "net.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")]),
        "SIGAUDIT_NET_LOG": str(log),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "sigaudit", "scan", str(docs), "--trust-roots", str(root),
         "--no-shipped-roots", "--revocation-dir", str(folder), "--no-store", "-q", "-j", "1",
         "--json", str(tmp_path / "r.json")],
        env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not log.exists() or not log.read_text().strip()
    [doc] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["documents"]
    assert doc["signatures"][0]["revocation_source"] == "local"


def test_scan_online_in_worker_processes_records_the_online_source(
    pki: Pki, root: Path, tmp_path: Path
) -> None:
    with serving() as server:
        signer = pki.issue(ocsp_url=server.url("/ocsp"))
        server.routes["/ocsp"] = pki.ocsp(signer)
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "a.pdf").write_bytes(sign(signer, pki))
        result = CliRunner().invoke(
            main,
            ["scan", str(docs), "--trust-roots", str(root), "--no-shipped-roots", "--online",
             "--online-timeout", "5", "--no-store", "-q", "-j", "1", "--json", str(tmp_path / "r.json")],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["manifest"]["online"] is True and report["manifest"]["online_timeout_s"] == 5
    [sig] = report["documents"][0]["signatures"]
    assert (sig["revocation"], sig["revocation_source"]) == ("good", "online")
    assert server.hits == ["/ocsp"]
