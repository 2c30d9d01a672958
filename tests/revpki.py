"""A small test PKI for revocation and time: a root, signers whose certificates point to a local HTTP
server for their CRL and OCSP responder, a TSA, real CRLs and OCSP responses, and PDFs signed by pyHanko.

Everything is real (cryptography builds certificates, CRLs and OCSP responses; pyHanko signs and
timestamps); the HTTP server listens on 127.0.0.1 only and serves what the test gives it.
"""

from __future__ import annotations

import datetime as dt
import http.server
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

REPO = Path(__file__).resolve().parents[1]
# An unsigned letter from the sample archive (no signature field): the document every test signs.
UNSIGNED = REPO / "sample_docs" / "tinh" / "so-noi-vu" / "2024" / "du-thao-265-SNV_2024-05-10.pdf"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def utc(year: int, month: int = 1, day: int = 1, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Cred:
    cert: x509.Certificate
    key: Any

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def asn1_cert(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.der)

    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    )


class Pki:
    """A root CA (the trust anchor) issuing signers and a TSA directly."""

    def __init__(
        self,
        name: str = "TEST Revocation Root",
        *,
        not_before: dt.datetime = dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after: dt.datetime = dt.datetime(2045, 1, 1, tzinfo=dt.UTC),
    ) -> None:
        """``not_before``/``not_after``: the root's validity period (an expired root, one not yet valid)."""
        key = rsa.generate_private_key(65537, 2048)
        self.root = Cred(
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()),
            key,
        )

    def issue_ca(self, name: str, *, crl_url: str | None = None) -> Pki:
        """An intermediate CA issued by this one, as a Pki that issues signers in its turn."""
        key = rsa.generate_private_key(65537, 2048)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(self.root.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(utc(2021))
            .not_valid_after(utc(2044))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()), critical=False
            )
        )
        if crl_url:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
                ),
                critical=False,
            )
        sub = Pki.__new__(Pki)
        sub.root = Cred(builder.sign(self.root.key, hashes.SHA256()), key)
        return sub

    def root_pem(self, folder: Path) -> Path:
        path = folder / "test-root.pem"
        path.write_bytes(self.root.cert.public_bytes(serialization.Encoding.PEM))
        return path

    def issue(
        self,
        cn: str = "UBND xã Kiểm Thử",
        *,
        crl_url: str | None = None,
        ocsp_url: str | None = None,
        not_before: dt.datetime = dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
        not_after: dt.datetime = dt.datetime(2040, 1, 1, tzinfo=dt.UTC),
        tsa: bool = False,
    ) -> Cred:
        key = rsa.generate_private_key(65537, 2048)
        builder = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COMMON_NAME, cn),
                        x509.NameAttribute(NameOID.USER_ID, "MST:0100000009"),
                    ]
                )
            )
            .issuer_name(self.root.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root.key.public_key()), critical=False
            )
        )
        if tsa:
            builder = builder.add_extension(
                x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
            ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        else:
            builder = builder.add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            )
        if crl_url:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
                ),
                critical=False,
            )
        if ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                        )
                    ]
                ),
                critical=False,
            )
        return Cred(builder.sign(self.root.key, hashes.SHA256()), key)

    def crl(
        self,
        revoked: tuple[tuple[Cred, dt.datetime], ...] = (),
        this_update: dt.datetime = NOW - dt.timedelta(hours=1),
        next_update: dt.datetime = NOW + dt.timedelta(days=30),
    ) -> bytes:
        """A DER CRL of the root listing ``revoked`` (credential, revocation date)."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.cert.subject)
            .last_update(this_update)
            .next_update(next_update)
            .add_extension(x509.CRLNumber(1), critical=False)
        )
        for cred, when in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cred.cert.serial_number)
                .revocation_date(when)
                .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
                .build()
            )
        return builder.sign(self.root.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp(self, cred: Cred, *, revoked_at: dt.datetime | None = None) -> bytes:
        """A DER OCSP response about ``cred``, signed by the root itself (its issuer)."""
        status = ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cred.cert,
            issuer=self.root.cert,
            algorithm=hashes.SHA1(),
            cert_status=status,
            this_update=NOW - dt.timedelta(hours=1),
            next_update=NOW + dt.timedelta(days=7),
            revocation_time=revoked_at,
            revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
        )
        response = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.root.cert).sign(
            self.root.key, hashes.SHA256()
        )
        return response.public_bytes(serialization.Encoding.DER)

    def timestamper(self, tsa: Cred, at: dt.datetime | None = None) -> timestamps.DummyTimeStamper:
        """pyHanko's in-process RFC 3161 TSA with ``tsa``'s key; ``at`` fixes the time it states."""
        return timestamps.DummyTimeStamper(
            tsa_cert=tsa.asn1_cert(),
            tsa_key=tsa.asn1_key(),
            certs_to_embed=SimpleCertificateStore.from_certs([self.root_asn1()]),
            fixed_dt=at,
        )

    def root_asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.root.cert.public_bytes(serialization.Encoding.DER))


class _TimedSigner(signers.PdfSigner):
    """PdfSigner whose claimed signing time (CMS signingTime and /M) is fixed."""

    def __init__(self, *args: Any, signing_time: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        return session


def sign(
    cred: Cred,
    pki: Pki,
    *,
    claimed: dt.datetime = NOW,
    timestamper: Any = None,
    pdf: bytes | None = None,
    field_name: str = "Sig_CoQuan",
) -> bytes:
    """Sign (the unsigned sample letter by default) with pyHanko, claiming ``claimed`` as signing time,
    with a signature timestamp from ``timestamper`` when given."""
    source = pdf if pdf is not None else UNSIGNED.read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(source), strict=False)
    signer = signers.SimpleSigner(
        signing_cert=cred.asn1_cert(),
        signing_key=cred.asn1_key(),
        cert_registry=SimpleCertificateStore.from_certs([pki.root_asn1()]),
    )
    meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256")
    out = _TimedSigner(meta, signer=signer, timestamper=timestamper, signing_time=claimed).sign_pdf(writer)
    return bytes(out.getvalue())


def document_timestamp(pdf: bytes, timestamper: Any, field_name: str = "Dau_Thoi_Gian") -> bytes:
    """Add a document timestamp (/DocTimeStamp) in a new revision with pyHanko's PdfTimeStamper."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = signers.PdfTimeStamper(timestamper, field_name=field_name).timestamp_pdf(writer, "sha256")
    return bytes(out.getvalue())


@dataclass
class Server:
    """A local HTTP server answering GET (CRLs) and POST (OCSP) from ``routes``; with ``hang`` it
    never answers (until stopped). ``hits`` records the paths asked for."""

    routes: dict[str, bytes] = field(default_factory=dict)
    hang: bool = False
    hits: list[str] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def serving(hang: bool = False) -> Iterator[Server]:
    state = Server(hang=hang)
    stop = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            state.hits.append(self.path)
            if state.hang:
                stop.wait(60)  # bounded: the server is stopped when the test ends
                return
            body = state.routes.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            kind = "application/ocsp-response" if self.command == "POST" else "application/pkix-crl"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            self.rfile.read(length)
            self._answer()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
