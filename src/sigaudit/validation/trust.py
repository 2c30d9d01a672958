"""Trust configuration: which roots are anchors, which certificates help build paths.

Trust fails closed: only roots named here are trusted, never the operating system's store. The
shipped Vietnamese anchors (``sigaudit/trust_roots``) are checked against their pinned SHA-256
fingerprints every time they are loaded; a mismatch stops the run.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ..errors import ConfigError

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


@dataclass(frozen=True)
class Anchor:
    """A trust anchor or helper certificate, with where it came from."""

    der: bytes
    subject: str
    sha256: str  # upper-case, colon-separated, as openssl prints it
    source: str


@dataclass(frozen=True)
class TrustConfig:
    """Everything validation needs to know about trust. Picklable, so workers can receive it."""

    roots: tuple[Anchor, ...]
    other_certs: tuple[Anchor, ...]

    def fingerprint(self) -> str:
        """A digest of the trust inputs; changes whenever a root or helper certificate changes."""
        h = hashlib.sha256()
        for group in (self.roots, self.other_certs):
            for sha in sorted(a.sha256 for a in group):
                h.update(sha.encode())
            h.update(b"|")
        return h.hexdigest()


def fingerprint(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _certs_from_bytes(data: bytes, source: str) -> list[Anchor]:
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise ConfigError(f"{source}: not a PEM or DER certificate ({exc})") from exc
    out = []
    for cert in certs:
        der = cert.public_bytes(Encoding.DER)
        out.append(Anchor(der, cert.subject.rfc4514_string(), fingerprint(der), source))
    return out


def load_certificates(path: Path) -> list[Anchor]:
    """Load certificates from a PEM/DER file or every certificate file in a folder (recursively)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in CERT_SUFFIXES)
        if not files:
            raise ConfigError(f"{path}: folder holds no certificate files ({', '.join(CERT_SUFFIXES)})")
        return [a for f in files for a in load_certificates(f)]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read certificate file {path}: {exc.strerror or exc}") from exc
    return _certs_from_bytes(data, str(path))


def shipped_anchors(base: Traversable | None = None) -> tuple[list[Anchor], list[Anchor]]:
    """The shipped roots and intermediates, each verified against its pinned fingerprint.

    ``base`` is the folder holding ``anchors.toml``; by default the one inside the package.
    """
    base = base or resources.files("sigaudit") / "trust_roots"
    pins = tomllib.loads((base / "anchors.toml").read_text(encoding="utf-8"))
    roots: list[Anchor] = []
    others: list[Anchor] = []
    for item in pins.get("anchor", []):
        rel = str(item["file"])
        certs = _certs_from_bytes((base / rel).read_bytes(), f"shipped:{rel}")
        if len(certs) != 1 or certs[0].sha256 != str(item["sha256"]).upper():
            got = certs[0].sha256 if certs else "nothing"
            raise ConfigError(
                f"shipped trust anchor {rel} does not match its pinned fingerprint "
                f"{item['sha256']} (found {got}); the installation has been altered"
            )
        (roots if item["role"] == "root" else others).append(certs[0])
    return roots, others


def build_trust(
    extra_roots: Iterable[Path] = (),
    other_certs: Iterable[Path] = (),
    use_shipped: bool = True,
) -> TrustConfig:
    """Assemble the trust configuration; with no root at all this is a configuration error."""
    roots: list[Anchor] = []
    others: list[Anchor] = []
    if use_shipped:
        shipped_roots, shipped_others = shipped_anchors()
        roots += shipped_roots
        others += shipped_others
    for p in extra_roots:
        roots += load_certificates(p)
    for p in other_certs:
        others += load_certificates(p)
    if not roots:
        raise ConfigError("no trust root configured: give --trust-roots or drop --no-shipped-roots")
    return TrustConfig(roots=tuple(_dedupe(roots)), other_certs=tuple(_dedupe(others)))


def _dedupe(items: list[Anchor]) -> list[Anchor]:
    seen: set[str] = set()
    out = []
    for a in items:
        if a.sha256 not in seen:
            seen.add(a.sha256)
            out.append(a)
    return out
