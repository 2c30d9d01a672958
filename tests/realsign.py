"""Helpers shared by the algorithm and ByteRange tests: real signing with pyHanko, byte-level edits.

Everything here makes real signed PDFs (no stand-in for the validation engine): certificates issued by
the demo intermediate CA (whose DEMO-ONLY key is published in demo/pki/), documents signed by pyHanko,
and in-place edits of a signed file that keep every offset valid.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import algos
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

BYTERANGE = re.compile(rb"/ByteRange\s*\[([^\]]*)\] *")


@dataclass(frozen=True)
class Issuer:
    cert: x509.Certificate
    key: Any  # an RSA private key


@dataclass(frozen=True)
class Credential:
    cert: x509.Certificate
    key: Any
    issuer: Issuer


def load_issuer(demo_pki: Path) -> Issuer:
    cert = x509.load_pem_x509_certificate((demo_pki / "demo-intermediate.pem").read_bytes())
    key = serialization.load_pem_private_key(
        (demo_pki / "demo-intermediate.DEMO-ONLY.key.pem").read_bytes(), None
    )
    return Issuer(cert, key)


CURVES: dict[str, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}


def issue(
    issuer: Issuer,
    *,
    bits: int = 2048,
    cn: str = "UBND xã Thử Nghiệm",
    sha1: bool = False,
    curve: str | None = None,
    uid: str = "MST:0100000001",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    policies: tuple[str, ...] = (),
) -> Credential:
    """A signing certificate valid now, issued by ``issuer`` (an agency's by default; ``uid="CCCD:…"``
    makes a person's); an RSA key of ``bits``, or an ECDSA key on ``curve`` ("P-256", "P-384").
    ``sha1``: the issuer signs it with sha1WithRSAEncryption (cryptography no longer signs certificates
    with SHA-1, so the TBS part is signed again by hand with the issuer's key). ``not_before`` and
    ``not_after`` replace the validity period (default: from yesterday for a year). ``policies``: the
    certificatePolicies OIDs the certificate names."""
    key: Any = (
        rsa.generate_private_key(65537, bits) if curve is None else ec.generate_private_key(CURVES[curve])
    )
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, cn),
                    x509.NameAttribute(NameOID.USER_ID, uid),
                ]
            )
        )
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - dt.timedelta(days=1))
        .not_valid_after(not_after or now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    if policies:
        builder = builder.add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier(p), None) for p in policies]
            ),
            critical=False,
        )
    cert = builder.sign(issuer.key, hashes.SHA256())
    if sha1:
        cert = _resign_with_sha1(cert, issuer)
    return Credential(cert, key, issuer)


def _resign_with_sha1(cert: x509.Certificate, issuer: Issuer) -> x509.Certificate:
    algo = algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    parsed = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    tbs = parsed["tbs_certificate"].copy()
    tbs["signature"] = algo
    tbs_der = tbs.dump(force=True)
    value = issuer.key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA1())
    resigned = asn1_x509.Certificate(
        {"tbs_certificate": tbs, "signature_algorithm": algo, "signature_value": value}
    )
    return x509.load_der_x509_certificate(resigned.dump(force=True))


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def pyhanko_signer(cred: Credential) -> signers.SimpleSigner:
    key_der = cred.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=_asn1_cert(cred.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(cred.issuer.cert)]),
    )


def timestamper(issuer: Issuer, *, trusted: bool = True) -> timestamps.DummyTimeStamper:
    """An in-process RFC 3161 time-stamping authority whose certificate the demo intermediate issues
    (``trusted=False``: a self-signed TSA certificate, which chains to no configured root)."""
    key = rsa.generate_private_key(65537, 2048)
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "DEMO TSA (sigaudit test)")])
    signer_key = issuer.key if trusted else key
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.cert.subject if trusted else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), critical=False
        )
        .sign(signer_key, hashes.SHA256())
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return timestamps.DummyTimeStamper(
        tsa_cert=_asn1_cert(cert), tsa_key=asn1_keys.PrivateKeyInfo.load(key_der), certs_to_embed=None
    )


def encrypt_with_empty_password(pdf: bytes) -> bytes:
    """``pdf`` encrypted (AES-256) with an owner password and the empty user password; without the
    ISO 32004 MAC, which would need a pdfMacData attribute that ``resign_last`` does not make."""
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    writer.encrypt("owner-secret", "", pdf_mac=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(
    pdf: bytes,
    cred: Credential,
    *,
    field: str = "Sig_CoQuan",
    md: str = "sha256",
    tsa: timestamps.TimeStamper | None = None,
) -> bytes:
    """Sign ``pdf`` in a new incremental revision with pyHanko (opening it with the empty password if
    it is encrypted); with ``tsa``, the signature carries an RFC 3161 signature timestamp."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if writer.prev.encrypted:
        writer.encrypt("")
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm=md)
    return signers.PdfSigner(meta, signer=pyhanko_signer(cred), timestamper=tsa).sign_pdf(writer).getvalue()


def last_byte_range(data: bytes) -> list[int]:
    *_, last = BYTERANGE.finditer(data)
    return [int(v) for v in last.group(1).split()]


def set_last_byte_range(data: bytes, values: list[int]) -> bytes:
    """Rewrite the last /ByteRange array in place: same length, padded with spaces, offsets unchanged."""
    *_, last = BYTERANGE.finditer(data)
    text = b"/ByteRange [" + b" ".join(b"%d" % v for v in values) + b"]"
    room = last.end() - last.start()
    assert len(text) <= room, f"no room for {text!r} in {room} bytes"
    out = data[: last.start()] + text.ljust(room) + data[last.end() :]
    assert len(out) == len(data)
    return out


def resign_last(data: bytes, cred: Credential, values: list[int]) -> bytes:
    """Rewrite the last signature's /ByteRange to ``values`` and sign again, over exactly those ranges,
    with ``cred``'s key: the result's digest matches, so only the ByteRange itself is wrong."""
    _, len1, start2, _ = last_byte_range(data)  # where the /Contents hex string really is
    out = bytearray(set_last_byte_range(data, values))
    md = hashlib.sha256()
    for offset, length in zip(values[::2], values[1::2], strict=True):
        md.update(bytes(out[offset : offset + length]))  # like pyHanko: reading stops at the end of file
    cms = asyncio.run(pyhanko_signer(cred).async_sign(md.digest(), "sha256"))
    hex_value = cms.dump().hex().upper().encode()
    room = start2 - len1 - 2  # between < and >
    assert out[len1 : len1 + 1] == b"<" and out[start2 - 1 : start2] == b">"
    assert len(hex_value) <= room
    out[len1 + 1 : start2 - 1] = hex_value.ljust(room, b"0")
    return bytes(out)
