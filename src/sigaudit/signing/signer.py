"""Sign a PDF with pyHanko's signers: a PAdES signature from a PKCS#12 file or a PKCS#11 token.

The signature is PAdES baseline (``/ETSI.CAdES.detached``, SHA-256) in a new incremental revision,
with the signer's certificate chain embedded (from the PKCS#12 file, or every certificate on the
token), and an RFC 3161 signature timestamp only when a timestamp authority is named: by default
signing stays offline. Every failure — a wrong passphrase or PIN, a token or key that is not there, a
timestamp authority that does not answer — is a :class:`.spec.SigningError` saying so.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.timestamps import HTTPTimeStamper

from .spec import SigningError, SignSpec


@contextmanager
def open_signer(spec: SignSpec) -> Iterator[signers.Signer]:
    """The pyHanko signer of ``spec``, its key and certificate loaded (a token's session is open
    while the block runs)."""
    if spec.p12 is not None:
        yield _p12_signer(spec)
        return
    with _pkcs11_signer(spec) as signer:
        yield signer


def check_signer(spec: SignSpec) -> str:
    """Open the key of ``spec`` once and say whose it is; raises :class:`SigningError` when it
    cannot be used, so a command fails before it scans or writes anything."""
    with open_signer(spec) as signer:
        cert = signer.signing_cert
        if cert is None:
            raise SigningError("the signing key has no certificate")
        return str(cert.subject.human_friendly)


def sign_pdf(pdf: bytes, spec: SignSpec) -> bytes:
    """``pdf`` with a PAdES signature of the key ``spec`` names, in a new incremental revision."""
    meta = signers.PdfSignatureMetadata(
        field_name=spec.field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=spec.reason,
        location=spec.location or None,
    )
    timestamper = HTTPTimeStamper(spec.tsa_url, timeout=30) if spec.tsa_url else None
    with open_signer(spec) as signer:
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            out = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
        except (PyHankoSigningError, OSError, ValueError) as exc:
            where = f" (timestamp authority {spec.tsa_url})" if spec.tsa_url else ""
            raise SigningError(f"cannot sign the report{where}: {exc}") from exc
        except Exception as exc:  # the token's library, the network: said in words, never a traceback
            raise SigningError(f"cannot sign the report: {type(exc).__name__}: {exc}") from exc
    return bytes(out.getvalue())


def _p12_signer(spec: SignSpec) -> signers.SimpleSigner:
    assert spec.p12 is not None
    try:
        data = spec.p12.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read {spec.p12}: {exc.strerror or exc}") from exc
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=spec.p12_passphrase)
    except ValueError as exc:
        raise SigningError(
            f"cannot open {spec.p12}: wrong passphrase, or not a PKCS#12 file with a key and its certificate"
        ) from exc
    if not isinstance(signer, signers.SimpleSigner):
        raise SigningError(f"cannot open {spec.p12}: no key and certificate in it")
    return signer


@contextmanager
def _pkcs11_signer(spec: SignSpec) -> Iterator[signers.Signer]:
    """A signer on the token's key; the session is closed when the block ends."""
    try:  # python-pkcs11 is pyHanko's optional 'pkcs11' extra, loaded only for a token
        from pkcs11 import PKCS11Error
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError as exc:
        raise SigningError(
            f"signing with a token needs python-pkcs11 (pip install 'pyHanko[pkcs11]'): {exc}"
        ) from exc
    lib, token, key = spec.pkcs11_lib, spec.pkcs11_token, spec.pkcs11_key
    try:
        session = open_pkcs11_session(
            str(lib), token_criteria=TokenCriteria(label=token), user_pin=spec.pkcs11_pin
        )
    except (PKCS11Error, PyHankoSigningError, OSError, RuntimeError) as exc:
        raise SigningError(f"cannot open the token {token!r} through {lib}: {_why(exc)}") from exc
    try:
        signer = PKCS11Signer(session, key_label=key, cert_label=key, other_certs_to_pull=None)
        try:
            signer.signing_cert  # noqa: B018 -- loads the key and certificate now, to fail here
        except (PKCS11Error, PyHankoSigningError) as exc:
            raise SigningError(
                f"no key and certificate labelled {key!r} on the token {token!r}: {_why(exc)}"
            ) from exc
        yield signer
    finally:
        session.close()


def _why(exc: BaseException) -> str:
    """python-pkcs11's exceptions are often bare classes (``PinIncorrect()``): their name says it."""
    name = type(exc).__name__
    if name in ("PinIncorrect", "PinInvalid", "PinLenRange"):
        return f"wrong PIN ({name})"
    if name == "PinLocked":
        return "the PIN is locked (PinLocked): unblock the token first"
    return str(exc) or name
