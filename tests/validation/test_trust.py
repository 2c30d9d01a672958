"""Shipped trust anchors match their pins; trust configuration fails closed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from sigaudit.errors import ConfigError
from sigaudit.validation.trust import build_trust, load_certificates, shipped_anchors

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "sigaudit" / "trust_roots"

# The fingerprints published with the anchors (shared/trust-anchors/README.md), pinned here a second
# time, independently of anchors.toml, so a change to both the file and its pin is still caught.
PUBLISHED = {
    "roots/vgca-root-g2.pem": "F0:4B:A4:B4:59:A7:C9:A1:B9:71:AD:9B:1C:B8:33:E6:95:A8:0C:79:AE:A6:3B:17:4B:66:A7:0E:DF:E2:FD:B8",
    "roots/vn-national-root-ca.pem": "BA:C8:BF:60:9A:B4:20:A8:EE:17:80:D7:4F:4D:E5:C7:F7:18:49:59:D2:A7:37:5B:0A:75:E4:C2:9F:09:08:E7",
    "intermediates/vgca-ca-state-agencies-g2.pem": "D8:CA:B7:A4:AE:F9:2E:6B:B2:50:9D:7C:61:CE:E7:B4:4F:37:31:B2:D2:10:74:96:35:30:27:7B:36:6F:AE:4B",
    "intermediates/vnpt-ca-sha2.pem": "7D:6B:A5:24:53:17:F9:ED:5D:8B:C7:65:A4:63:4D:26:AC:63:40:D3:6B:9F:58:4D:F3:B5:2D:9C:4A:81:A3:06",
}


@pytest.mark.parametrize("rel", sorted(PUBLISHED))
def test_shipped_file_matches_published_fingerprint(rel: str) -> None:
    cert = x509.load_pem_x509_certificate((SHIPPED / rel).read_bytes())
    digest = hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest().upper()
    assert ":".join(digest[i : i + 2] for i in range(0, 64, 2)) == PUBLISHED[rel]


def test_shipped_anchors_split_roots_from_intermediates() -> None:
    roots, others = shipped_anchors()
    assert {a.sha256 for a in roots} == {PUBLISHED[k] for k in PUBLISHED if k.startswith("roots/")}
    assert {a.sha256 for a in others} == {PUBLISHED[k] for k in PUBLISHED if k.startswith("intermediates/")}
    assert any("RootCA chuyên dùng Chính phủ G2" in a.subject for a in roots)


def test_altered_shipped_anchor_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "trust_roots"
    shutil.copytree(SHIPPED, copy)
    # Swap the Government root for the national root's bytes: the pin no longer matches.
    shutil.copy(copy / "roots/vn-national-root-ca.pem", copy / "roots/vgca-root-g2.pem")
    with pytest.raises(ConfigError, match="does not match its pinned fingerprint"):
        shipped_anchors(copy)


def test_no_root_at_all_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="no trust root"):
        build_trust(use_shipped=False)


def test_extra_roots_are_added_and_intermediates_never_become_anchors(demo_pki: Path) -> None:
    trust = build_trust([demo_pki / "demo-root.pem"], [demo_pki / "demo-intermediate.pem"])
    root_subjects = [a.subject for a in trust.roots]
    assert any("DEMO RootCA" in s for s in root_subjects)
    assert not any("DEMO CA" in s for s in root_subjects)
    assert any("DEMO CA" in a.subject for a in trust.other_certs)
    only_demo = build_trust([demo_pki / "demo-root.pem"], use_shipped=False)
    assert len(only_demo.roots) == 1


def test_certificate_folder_and_der_files_load(tmp_path: Path, demo_pki: Path) -> None:
    cert = x509.load_pem_x509_certificate((demo_pki / "demo-root.pem").read_bytes())
    (tmp_path / "root.der").write_bytes(cert.public_bytes(Encoding.DER))
    (tmp_path / "notes.txt").write_text("ignored")
    loaded = load_certificates(tmp_path)
    assert len(loaded) == 1 and "DEMO RootCA" in loaded[0].subject


def test_garbage_certificate_file_is_a_configuration_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with pytest.raises(ConfigError, match="not a PEM or DER certificate"):
        load_certificates(bad)
