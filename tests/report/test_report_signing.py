"""Signing the PDF report as officials sign: a PKCS#12 file, or a key on a PKCS#11 token.

The signing certificates are real ones issued by the demo intermediate CA (tests/realsign.py); the
token is a real SoftHSM2 token (Debian ``softhsm2``) that the module initialises in a temporary
folder, with the key imported by ``softhsm2-util`` and the certificates written by python-pkcs11, as a
CA's enrolment tool would. Round trip: ``sigaudit verify`` finds the signed report valid against the
demo root alone (so the signer's chain is in the signature) and lists the attached JSON and CSV with
the SHA-256 of the files ``--json``/``--csv`` wrote. Failures (a wrong passphrase or PIN, a token or
key that is not there) are exit code 2, with the reason, and leave no file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

from realsign import Credential, issue, load_issuer
from sigaudit.cli import main

SOFTHSM_LIB = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, PIN, SO_PIN, KEY = "sigaudit-test", "123456", "654321", "auditor"
PASSPHRASE = "mật khẩu 2024"


def _cli(*args: str, env: dict[str, Any] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def run(sample_docs: Path, demo_pki: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A stored scan of the sample archive, and its JSON report and CSV evidence."""
    out = tmp_path_factory.mktemp("signed")
    store = out / "store.sqlite"
    result = _cli(
        "scan", str(sample_docs), "--trust-roots", str(demo_pki / "demo-root.pem"),
        "--other-certs", str(demo_pki / "demo-intermediate.pem"), "--agencies",
        str(demo_pki.parent / "agencies.csv"), "--jobs", "1", "-q", "--store", str(store),
        "--json", str(out / "r.json"), "--csv", str(out / "e.csv"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"dir": out, "store": store, "json": out / "r.json", "csv": out / "e.csv"}


@pytest.fixture(scope="module")
def auditor(demo_pki: Path) -> Credential:
    """The auditing body's signing certificate, issued by the demo intermediate CA."""
    return issue(load_issuer(demo_pki), cn="Thanh tra tỉnh Phú Thọ (sigaudit test)", uid="MST:0100000099")


@pytest.fixture(scope="module")
def p12(auditor: Credential, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The certificate, its key and the intermediate in a PKCS#12 file, and its passphrase files."""
    folder = tmp_path_factory.mktemp("p12")
    data = pkcs12.serialize_key_and_certificates(
        b"auditor",
        auditor.key,
        auditor.cert,
        [auditor.issuer.cert],
        BestAvailableEncryption(PASSPHRASE.encode()),
    )
    (folder / "auditor.p12").write_bytes(data)
    (folder / "pass.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    (folder / "wrong.txt").write_text("not the passphrase\n", encoding="utf-8")
    return {"p12": folder / "auditor.p12", "pass": folder / "pass.txt", "wrong": folder / "wrong.txt"}


def _verify(pdf: Path, demo_pki: Path) -> Result:
    """``verify`` against the demo root only: the intermediate must come from the signature."""
    return _cli("verify", str(pdf), "--trust-roots", str(demo_pki / "demo-root.pem"))


def _assert_signed_report(pdf: Path, run: dict[str, Path], demo_pki: Path, signer_cn: str) -> None:
    result = _verify(pdf, demo_pki)
    assert result.exit_code == 0, result.output
    assert "verdict       VALID" in result.output
    assert "field Sig_SigAudit (/ETSI.CAdES.detached)" in result.output  # PAdES
    assert signer_cn in result.output
    for name, path in (("sigaudit-report.json", run["json"]), ("sigaudit-evidence.csv", run["csv"])):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert (
            f"{name}  {path.stat().st_size:,} bytes — associated file (Data)\n    SHA-256 {digest}"
            in result.output
        )


def test_a_report_signed_with_a_p12_file_validates_and_shows_its_evidence(
    run: dict[str, Path], p12: dict[str, Path], demo_pki: Path, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    result = _cli(
        "report", "--store", str(run["store"]), "-q", "--pdf", str(out),
        "--sign-p12", str(p12["p12"]), "--p12-passphrase-file", str(p12["pass"]),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _assert_signed_report(out, run, demo_pki, "Thanh tra tỉnh Phú Thọ (sigaudit test)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signed.pdf"]  # no partial file left


def test_the_passphrase_may_come_from_the_environment(
    run: dict[str, Path], p12: dict[str, Path], demo_pki: Path, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    result = _cli(
        "report", "--store", str(run["store"]), "-q", "--pdf", str(out), "--sign-p12", str(p12["p12"]),
        env={"SIGAUDIT_P12_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _verify(out, demo_pki).exit_code == 0


def test_a_wrong_passphrase_is_exit_2_and_leaves_the_earlier_report_alone(
    run: dict[str, Path], p12: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF- the report handed over last month")
    result = _cli(
        "report", "--store", str(run["store"]), "-q", "--pdf", str(out), "--xlsx", str(tmp_path / "w.xlsx"),
        "--sign-p12", str(p12["p12"]), "--p12-passphrase-file", str(p12["wrong"]),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "wrong passphrase" in result.output and "Traceback" not in result.output
    assert out.read_bytes() == b"%PDF- the report handed over last month"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # not even the workbook


def test_signing_options_need_a_pdf_and_one_key(run: dict[str, Path], p12: dict[str, Path]) -> None:
    base = ("report", "--store", str(run["store"]), "-q")
    no_pdf = _cli(*base, "--sign-p12", str(p12["p12"]), "--p12-passphrase-file", str(p12["pass"]))
    assert no_pdf.exit_code == 2 and "--pdf" in no_pdf.output
    no_pass = _cli(
        *base, "--pdf", "x.pdf", "--sign-p12", str(p12["p12"]), env={"SIGAUDIT_P12_PASSPHRASE": None}
    )  # type: ignore[dict-item]
    assert no_pass.exit_code == 2 and "SIGAUDIT_P12_PASSPHRASE" in no_pass.output
    half_token = _cli(*base, "--pdf", "x.pdf", "--sign-pkcs11-lib", str(SOFTHSM_LIB))
    assert half_token.exit_code == 2 and "--sign-pkcs11-token" in half_token.output


# --- a real software token ------------------------------------------------------------------------
def _softhsm_available() -> bool:
    return SOFTHSM_LIB.is_file() and shutil.which("softhsm2-util") is not None


@pytest.fixture(scope="module")
def token(auditor: Credential, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A SoftHSM2 token holding the auditor's key (imported) and certificate and the intermediate
    (written as certificate objects). SOFTHSM2_CONF points at a configuration in a temporary folder
    for this module, before the PKCS#11 library is first loaded into the test process."""
    if not _softhsm_available():
        if os.environ.get("CI"):
            pytest.fail("Debian's softhsm2 is not installed (.ci/run installs it)")
        pytest.skip("needs Debian's softhsm2 (apt-get install softhsm2)")
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = {**os.environ}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    key_pem = folder / "key.pem"
    key_pem.write_bytes(
        auditor.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    subprocess.run(
        ["softhsm2-util", "--import", str(key_pem), "--token", TOKEN, "--label", KEY, "--id", "01",
         "--pin", PIN],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    key_pem.unlink()
    lib = pkcs11.lib(str(SOFTHSM_LIB))
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        for label, cert, ident in ((KEY, auditor.cert, b"\x01"), ("issuer", auditor.issuer.cert, b"\x02")):
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: ident,
                    Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                    Attribute.SUBJECT: cert.subject.public_bytes(),
                }
            )
    (folder / "pin.txt").write_text(PIN + "\n", encoding="utf-8")
    (folder / "bad-pin.txt").write_text("000000\n", encoding="utf-8")
    yield {"pin": folder / "pin.txt", "bad_pin": folder / "bad-pin.txt"}
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def _token_args(pin_file: Path, token_label: str = TOKEN, key: str = KEY) -> tuple[str, ...]:
    return (
        "--sign-pkcs11-lib", str(SOFTHSM_LIB), "--sign-pkcs11-token", token_label, "--sign-pkcs11-key", key,
        "--sign-pkcs11-pin-file", str(pin_file),
    )  # fmt: skip


def test_a_report_signed_on_a_token_validates_and_shows_its_evidence(
    run: dict[str, Path], token: dict[str, Any], demo_pki: Path, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    result = _cli("report", "--store", str(run["store"]), "-q", "--pdf", str(out), *_token_args(token["pin"]))
    assert result.exit_code == 0, result.output
    _assert_signed_report(out, run, demo_pki, "Thanh tra tỉnh Phú Thọ (sigaudit test)")


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("bad_pin", "wrong PIN"),
        ("no_token", "No token matching"),
        ("no_key", "no key and certificate labelled"),
    ],
)
def test_token_failures_are_exit_2_with_the_reason_and_no_file(
    run: dict[str, Path], token: dict[str, Any], tmp_path: Path, case: str, why: str
) -> None:
    args = {
        "bad_pin": _token_args(token["bad_pin"]),
        "no_token": _token_args(token["pin"], token_label="no-such-token"),
        "no_key": _token_args(token["pin"], key="no-such-key"),
    }[case]
    out = tmp_path / "signed.pdf"
    result = _cli("report", "--store", str(run["store"]), "-q", "--pdf", str(out), *args)
    assert result.exit_code == 2, result.output
    assert why in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


# --- an RFC 3161 timestamp, only when asked -------------------------------------------------------
@pytest.fixture(scope="module")
def tsa(demo_pki: Path) -> Iterator[str]:
    """A time-stamping authority on a local port: pyHanko's in-process TSA (its certificate issued
    by the demo intermediate) behind a real HTTP server, as a TSA URL is reached."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from asn1crypto import tsp

    from realsign import timestamper

    authority = timestamper(load_issuer(demo_pki))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = authority.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    server.server_close()


def test_tsa_url_adds_a_signature_timestamp_and_an_unreachable_tsa_writes_nothing(
    run: dict[str, Path], p12: dict[str, Path], demo_pki: Path, tsa: str, tmp_path: Path
) -> None:
    key = ("--sign-p12", str(p12["p12"]), "--p12-passphrase-file", str(p12["pass"]))
    base = ("report", "--store", str(run["store"]), "-q")
    out = tmp_path / "stamped.pdf"
    result = _cli(*base, "--pdf", str(out), *key, "--tsa-url", tsa)
    assert result.exit_code == 0, result.output
    shown = _cli("verify", str(out), "--trust-roots", str(demo_pki / "demo-root.pem"), "--other-certs",
                 str(demo_pki / "demo-intermediate.pem"), "--json", "-")  # fmt: skip
    [signature] = json.loads(shown.output)["signatures"]
    assert signature["timestamp_time"] is not None and signature["time_basis"] == "timestamp"
    unstamped = tmp_path / "unstamped.pdf"  # without --tsa-url no timestamp: signing stays offline
    assert _cli(*base, "--pdf", str(unstamped), *key).exit_code == 0
    shown = _cli("verify", str(unstamped), "--trust-roots", str(demo_pki / "demo-root.pem"), "--json", "-")
    assert json.loads(shown.output)["signatures"][0]["timestamp_time"] is None
    gone = tmp_path / "gone.pdf"
    down = _cli(*base, "--pdf", str(gone), *key, "--tsa-url", "http://127.0.0.1:9/tsa")
    assert down.exit_code == 2 and "timestamp authority" in down.output, down.output
    assert not gone.exists() and not (tmp_path / ".gone.pdf.partial").exists()
