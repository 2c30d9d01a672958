"""What to sign a report with: a PKCS#12 file or a PKCS#11 token, and an optional timestamp authority.

Plain values, loadable without pyHanko, so the command line can describe a signing request before
anything is signed; :mod:`.signer` does the signing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SigauditError


class SigningError(SigauditError):
    """The report cannot be signed as asked: a wrong passphrase or PIN, a missing token or key, an
    unreachable timestamp authority (exit code 2; nothing is written)."""


@dataclass(frozen=True)
class SignSpec:
    """The signing key: ``p12`` (with its passphrase), or a PKCS#11 token's key by labels."""

    p12: Path | None = None
    p12_passphrase: bytes | None = field(default=None, repr=False)
    pkcs11_lib: str | None = None  # the token's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so
    pkcs11_token: str | None = None  # the token's label
    pkcs11_key: str | None = None  # the label of the private key and of its certificate on the token
    pkcs11_pin: str | None = field(default=None, repr=False)
    tsa_url: str | None = None  # RFC 3161 timestamp authority; None keeps signing offline
    field_name: str = "Sig_SigAudit"
    reason: str | None = None
    location: str | None = None
