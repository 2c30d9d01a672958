"""The sample generator's demo PKI and its signers (make_sample_docs.py).

``build_pki`` makes a declared DEMO PKI mirroring the Vietnamese Government specialised PKI (root,
intermediate, agency and personal certificates, an expired and a revoked one, CRLs, a rogue root);
``write_pki`` writes it to demo/pki/ and ``load_pki`` reads it back (``--bare-only``). The signers are
pyHanko (``sign_pyhanko``) and poppler's ``pdfsig`` on a throw-away NSS database (``PdfsigTool``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sample_common as common
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from sample_common import (
    AGENCIES,
    CCCD,
    CRL_URL_INTERMEDIATE,
    CRL_URL_ROOT,
    DEMO_O,
    OID_DOCUMENT_SIGNING,
    PROVINCE,
    UTC,
    utc,
)

# --------------------------------------------------------------------------------------
# Demo PKI
# --------------------------------------------------------------------------------------


@dataclass
class Cred:
    """A demo certificate with its key; ``name`` is the file stem in demo/pki."""

    name: str
    cert: x509.Certificate
    key: Any
    issuer: Cred | None
    role: str
    note: str = ""
    agency: str = ""

    @property
    def chain(self) -> list[x509.Certificate]:
        out, cur = [], self.issuer
        while cur is not None:
            out.append(cur.cert)
            cur = cur.issuer
        return out

    def asn1_cert(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def _name(**attrs: str) -> x509.Name:
    order = [
        ("C", NameOID.COUNTRY_NAME),
        ("ST", NameOID.STATE_OR_PROVINCE_NAME),
        ("L", NameOID.LOCALITY_NAME),
        ("O", NameOID.ORGANIZATION_NAME),
        ("OU", NameOID.ORGANIZATIONAL_UNIT_NAME),
        ("CN", NameOID.COMMON_NAME),
        ("UID", NameOID.USER_ID),
    ]
    # cryptography checks ub-common-name (64) in UTF-8 bytes and warns on every parse of a
    # longer value; keep the demo names within 64 bytes so tests run with -W error.
    for v in attrs.values():
        assert len(v.encode("utf-8")) <= 64, v
    return x509.Name([x509.NameAttribute(oid, attrs[k]) for k, oid in order if k in attrs])


def _make_cert(
    name: str,
    subject: x509.Name,
    issuer: Cred | None,
    *,
    ca: bool,
    not_before: dt.datetime,
    not_after: dt.datetime,
    ecdsa: bool = False,
    eku: list[ObjectIdentifier] | None = None,
    crl_url: str | None = None,
    role: str = "",
    note: str = "",
    agency: str = "",
    path_len: int | None = None,
) -> Cred:
    key = ec.generate_private_key(ec.SECP256R1()) if ecdsa else rsa.generate_private_key(65537, 2048)
    issuer_key = key if issuer is None else issuer.key
    issuer_name = subject if issuer is None else issuer.cert.subject
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        ku = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    else:
        ku = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    b = b.add_extension(ku, critical=True)
    if issuer is not None:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if crl_url:
        b = b.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
            ),
            critical=False,
        )
    cert = b.sign(issuer_key, hashes.SHA256())
    return Cred(name, cert, key, issuer, role, note, agency)


@dataclass
class Pki:
    root: Cred
    intermediate: Cred
    rogue_root: Cred
    rogue_signer: Cred
    agency: dict[str, Cred]
    person: dict[str, Cred]
    expired: Cred
    revoked: Cred
    crl_der: bytes
    root_crl_der: bytes

    def all(self) -> list[Cred]:
        return [
            self.root,
            self.intermediate,
            *self.agency.values(),
            *self.person.values(),
            self.expired,
            self.revoked,
            self.rogue_root,
            self.rogue_signer,
        ]


def build_pki() -> Pki:
    root = _make_cert(
        "demo-root",
        _name(C="VN", O=DEMO_O, CN="DEMO RootCA chuyên dùng Chính phủ G2 (sigaudit test)"),
        None,
        ca=True,
        not_before=utc(2018, 1, 1),
        not_after=utc(2050, 1, 1),
        path_len=1,
        role="root",
        note="trust anchor for the demo archive",
    )
    inter = _make_cert(
        "demo-intermediate",
        _name(C="VN", O=DEMO_O, CN="DEMO CA phục vụ các cơ quan Nhà nước G2 (sigaudit)"),
        root,
        ca=True,
        not_before=utc(2018, 6, 1),
        not_after=utc(2048, 1, 1),
        path_len=0,
        crl_url=CRL_URL_ROOT,
        role="intermediate",
    )
    person_eku = [ExtendedKeyUsageOID.EMAIL_PROTECTION, OID_DOCUMENT_SIGNING]
    agency: dict[str, Cred] = {}
    person: dict[str, Cred] = {}
    for a in AGENCIES.values():
        agency[a.key] = _make_cert(
            f"agency-{a.key}",
            _name(
                C="VN",
                ST="Phú Thọ" if a.level != "central" else "Hà Nội",
                L=a.place if a.level != "central" else "Hà Nội",
                O=a.parent_name,
                CN=a.name,
                UID=f"MST:{a.mst}",
            ),
            inter,
            ca=False,
            not_before=utc(2020, 1, 1),
            not_after=utc(2045, 1, 1),
            ecdsa=a.ecdsa,
            crl_url=CRL_URL_INTERMEDIATE,
            role="agency",
            agency=a.code,
            # NB poppler/NSS reports "Unknown issue with Certificate" for a signer without EKU,
            # so every agency that signs with pdfsig must have one.
            eku=person_eku if a.agency_eku else None,
        )
        person[a.key] = _make_cert(
            f"person-{a.key}",
            _name(
                C="VN",
                L=a.place if a.level != "central" else "Hà Nội",
                O=a.parent_name,
                OU=a.name,
                CN=a.person,
                UID=f"CCCD:{CCCD[a.key]}",
            ),
            inter,
            ca=False,
            not_before=utc(2020, 1, 1),
            not_after=utc(2045, 1, 1),
            ecdsa=a.ecdsa,
            eku=person_eku,
            crl_url=CRL_URL_INTERMEDIATE,
            role="person",
            agency=a.code,
        )
    snv = AGENCIES["so-noi-vu"]
    expired = _make_cert(
        "person-expired-so-noi-vu",
        _name(
            C="VN", L="Phú Thọ", O=snv.parent_name, OU=snv.name, CN="Đặng Quốc Khánh", UID="CCCD:025071005566"
        ),
        inter,
        ca=False,
        not_before=utc(2019, 1, 1),
        not_after=dt.datetime(2020, 12, 31, 23, 59, 59, tzinfo=UTC),
        eku=person_eku,
        crl_url=CRL_URL_INTERMEDIATE,
        role="person",
        note="EXPIRED: valid 2019-01-01..2020-12-31",
        agency=snv.code,
    )
    gc = AGENCIES["gia-cam"]
    revoked = _make_cert(
        "person-revoked-gia-cam",
        _name(
            C="VN", L="Gia Cẩm", O=gc.parent_name, OU=gc.name, CN="Ngô Thanh Tùng", UID="CCCD:025087004321"
        ),
        inter,
        ca=False,
        not_before=utc(2020, 1, 1),
        not_after=utc(2045, 1, 1),
        eku=person_eku,
        crl_url=CRL_URL_INTERMEDIATE,
        role="person",
        note="REVOKED 2024-01-01 (keyCompromise) in demo-intermediate.crl",
        agency=gc.code,
    )
    rogue_root = _make_cert(
        "rogue-root",
        _name(
            C="VN",
            O="sigaudit DEMO - ROGUE, never trust",
            CN="RootCA chuyên dùng Chính phủ G2 (sigaudit ROGUE test)",
        ),
        None,
        ca=True,
        not_before=utc(2018, 1, 1),
        not_after=utc(2050, 1, 1),
        path_len=0,
        role="rogue-root",
        note="UNTRUSTED: never pass it to the tool",
    )
    lt = AGENCIES["lam-thao"]
    rogue_signer = _make_cert(
        "rogue-signer",
        _name(C="VN", ST="Phú Thọ", L="Lâm Thao", O=PROVINCE, CN=lt.name, UID=f"MST:{lt.mst}"),
        rogue_root,
        ca=False,
        not_before=utc(2020, 1, 1),
        not_after=utc(2045, 1, 1),
        role="agency",
        note="impersonates UBND huyện Lâm Thao; chains to rogue-root",
        agency=lt.code,
    )

    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(inter.cert.subject)
        .last_update(utc(2024, 6, 1))
        .next_update(utc(2045, 1, 1))
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revoked.cert.serial_number)
            .revocation_date(utc(2024, 1, 1))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
        .add_extension(x509.CRLNumber(7), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(inter.key.public_key()), critical=False
        )
        .sign(inter.key, hashes.SHA256())
    )
    root_crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.cert.subject)
        .last_update(utc(2024, 6, 1))
        .next_update(utc(2045, 1, 1))
        .add_extension(x509.CRLNumber(3), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False
        )
        .sign(root.key, hashes.SHA256())
    )
    return Pki(
        root,
        inter,
        rogue_root,
        rogue_signer,
        agency,
        person,
        expired,
        revoked,
        crl.public_bytes(serialization.Encoding.DER),
        root_crl.public_bytes(serialization.Encoding.DER),
    )


PKI_README = """\
# DEMO PKI — for sigaudit tests only. NEVER trust it in production.

Generated by `scripts/make_sample_docs.py`; every run makes new keys. The private keys
(`*.DEMO-ONLY.key.pem`, unencrypted) are published on purpose so that anyone can re-sign
the sample documents. Nothing here is related to the real Government specialised PKI
(Ban Cơ yếu Chính phủ); the names only mimic its conventions.

| file | what |
|---|---|
| `demo-root.pem` | self-signed demo root (the trust anchor to configure for `sample_docs/`) |
| `demo-intermediate.pem` | demo intermediate, issues all agency and personal certificates |
| `demo-intermediate.crl` | DER CRL of the intermediate: lists `person-revoked-gia-cam` as revoked on 2024-01-01 (thisUpdate 2024-06-01, nextUpdate 2045-01-01) |
| `demo-root.crl` | DER CRL of the root, empty (proves the intermediate is not revoked; needed with revocation_mode hard-fail/require) |
| `agency-*.pem` | agency certificates: CN = agency, O = parent People's Committee, UID = MST:…; no EKU for `ubnd-tinh` and `viet-tri`, emailProtection + documentSigning for the others |
| `person-*.pem` | personal certificates: CN = person, OU = agency, O = parent, UID = CCCD:…; EKU emailProtection + documentSigning |
| `person-expired-so-noi-vu.pem` | expired personal certificate (2019-01-01 … 2020-12-31) |
| `person-revoked-gia-cam.pem` | revoked personal certificate (see the CRL) |
| `rogue-root.pem`, `rogue-signer.pem` | an UNTRUSTED root and a signer impersonating UBND huyện Lâm Thao; never give the rogue root to the tool |
| keys | RSA 2048, except ECDSA P-256 for `vp-ubnd` and `lam-thao` (agency and person) |
| `index.json` | every certificate: subject, role, agency code, key type, validity, SHA-256 fingerprint |

Certificates carry a CRL distribution point under `crl.sigaudit-demo.invalid` (a reserved
TLD that never resolves): an auditor must work offline with the files here.
"""  # noqa: E501  (the README's table rows are long on purpose)


def write_pki(pki: Pki) -> None:
    common.PKI.mkdir(parents=True)
    index = []
    for c in pki.all():
        (common.PKI / f"{c.name}.pem").write_bytes(c.cert.public_bytes(serialization.Encoding.PEM))
        (common.PKI / f"{c.name}.DEMO-ONLY.key.pem").write_bytes(
            c.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        index.append(
            {
                "file": f"{c.name}.pem",
                "key_file": f"{c.name}.DEMO-ONLY.key.pem",
                "role": c.role,
                "agency_code": c.agency or None,
                "subject": c.cert.subject.rfc4514_string(),
                "issuer": c.cert.issuer.rfc4514_string(),
                "key": "ECDSA P-256" if isinstance(c.key, ec.EllipticCurvePrivateKey) else "RSA 2048",
                "not_before": c.cert.not_valid_before_utc.isoformat(),
                "not_after": c.cert.not_valid_after_utc.isoformat(),
                "serial": format(c.cert.serial_number, "x"),
                "sha256": c.cert.fingerprint(hashes.SHA256()).hex(),
                "note": c.note,
            }
        )
    (common.PKI / "demo-intermediate.crl").write_bytes(pki.crl_der)
    (common.PKI / "demo-root.crl").write_bytes(pki.root_crl_der)
    (common.PKI / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (common.PKI / "README.md").write_text(PKI_README, encoding="utf-8")


# --------------------------------------------------------------------------------------
# Signing
# --------------------------------------------------------------------------------------


class _TimedPdfSigner(signers.PdfSigner):
    """PdfSigner whose claimed signing time (CMS signingTime and /M) is fixed."""

    def __init__(
        self,
        *args: Any,
        signing_time: dt.datetime,
        presign_vc: ValidationContext | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time
        self._presign_vc = presign_vc

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        if self._presign_vc is not None:
            # pyHanko refuses to embed validation info for a revoked signer. Build the signer's
            # path in a context without CRLs instead, while the real CRL (which says "revoked")
            # still goes into adbe-revocationInfoArchival, as a careless signing tool would do.
            orig = session._perform_presign_signer_validation
            presign_vc = self._presign_vc

            async def presign(_vc: Any, key_usage: Any) -> Any:
                return await orig(presign_vc, key_usage)

            session._perform_presign_signer_validation = presign
        return session


def pyhanko_signer(c: Cred) -> signers.SimpleSigner:
    return signers.SimpleSigner(
        signing_cert=c.asn1_cert(),
        signing_key=c.asn1_key(),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(x.public_bytes(serialization.Encoding.DER)) for x in c.chain[:-1]]
        ),
    )


def sign_pyhanko(
    pdf: bytes,
    c: Cred,
    field_name: str,
    when: dt.datetime,
    *,
    reason: str,
    location: str,
    vc: ValidationContext | None = None,
    embed: bool = False,
    presign_vc: ValidationContext | None = None,
    password: str | None = None,
) -> bytes:
    # strict=False: pdfsig 22.12 writes xref entries with generation 1 for objects that never
    # had a generation 0 ("orphaned generation"), which pyHanko's strict reader refuses.
    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if password is not None:
        w.encrypt(password)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        embed_validation_info=embed,
        validation_context=vc,
    )
    s = _TimedPdfSigner(meta, signer=pyhanko_signer(c), signing_time=when, presign_vc=presign_vc)
    return s.sign_pdf(w).getvalue()


class PdfsigTool:
    """Signs with poppler's pdfsig from a throw-away NSS database holding the demo creds."""

    def __init__(self, pki: Pki, workdir: Path) -> None:
        self.db = workdir / "nssdb"
        self.db.mkdir()
        self.work = workdir
        subprocess.run(
            ["certutil", "-N", "-d", f"sql:{self.db}", "--empty-password"], check=True, capture_output=True
        )
        for ca, nick in [(pki.root, "demo-root"), (pki.intermediate, "demo-intermediate")]:
            p = workdir / f"{nick}.pem"
            p.write_bytes(ca.cert.public_bytes(serialization.Encoding.PEM))
            trust = "CT,C,C" if ca is pki.root else ",,"
            subprocess.run(
                ["certutil", "-A", "-d", f"sql:{self.db}", "-n", nick, "-t", trust, "-a", "-i", str(p)],
                check=True,
                capture_output=True,
            )
        self.nicks: set[str] = set()

    def _import(self, c: Cred) -> str:
        nick = c.name
        if nick not in self.nicks:
            p12 = pkcs12.serialize_key_and_certificates(
                nick.encode(),
                c.key,
                c.cert,
                c.chain,
                serialization.BestAvailableEncryption(b"demo"),
            )
            path = self.work / f"{nick}.p12"
            path.write_bytes(p12)
            subprocess.run(
                ["pk12util", "-i", str(path), "-d", f"sql:{self.db}", "-W", "demo", "-K", ""],
                check=True,
                capture_output=True,
            )
            self.nicks.add(nick)
        return nick

    def sign(self, pdf: bytes, c: Cred, field_name: str, reason: str) -> bytes:
        nick = self._import(c)
        src, dst = self.work / "in.pdf", self.work / "out.pdf"
        src.write_bytes(pdf)
        # pdfsig 22.12 sizes /Contents from a trial signature; with ECDSA the DER signature
        # length varies (70-72 bytes), so most attempts end in "signDocument: unable update
        # signature" (exit 3). Retrying until one fits is the workaround.
        for _attempt in range(60):
            dst.unlink(missing_ok=True)
            r = subprocess.run(
                [
                    "pdfsig",
                    "-add-signature",
                    "-nssdir",
                    f"sql:{self.db}",
                    "-nick",
                    nick,
                    "-digest",
                    "SHA256",
                    "-reason",
                    reason,
                    "-new-signature-field-name",
                    field_name,
                    str(src),
                    str(dst),
                ],
                capture_output=True,
                text=True,
            )
            if r.returncode == 0 and dst.exists():
                return dst.read_bytes()
            if "unable update signature" not in r.stderr + r.stdout:
                break
        raise RuntimeError(f"pdfsig failed ({r.returncode}): {r.stdout}{r.stderr}")

    def check(self, pdf: bytes) -> str:
        src = self.work / "check.pdf"
        src.write_bytes(pdf)
        r = subprocess.run(
            ["pdfsig", "-nssdir", f"sql:{self.db}", "-no-ocsp", str(src)], capture_output=True, text=True
        )
        return r.stdout + r.stderr


def load_pki() -> tuple[dict[str, Cred], dict[str, Cred]]:
    """The agency and personal credentials of the checked-in demo PKI, read back from demo/pki/ (the
    files and keys stay as they are: ``--bare-only`` signs with them)."""

    def load(name: str, issuer: Cred | None) -> Cred:
        cert = x509.load_pem_x509_certificate((common.PKI / f"{name}.pem").read_bytes())
        key = serialization.load_pem_private_key(
            (common.PKI / f"{name}.DEMO-ONLY.key.pem").read_bytes(), None
        )
        return Cred(name, cert, key, issuer, "")

    inter = load("demo-intermediate", load("demo-root", None))
    agency = {k: load(f"agency-{k}", inter) for k in AGENCIES}
    person = {k: load(f"person-{k}", inter) for k in AGENCIES}
    return agency, person
