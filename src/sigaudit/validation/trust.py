"""Trust configuration: which roots are anchors, which certificates help build paths, and the
revocation evidence and network access validation may use.

Trust fails closed: only roots named here are trusted, never the operating system's store. The
shipped Vietnamese anchors (``sigaudit/trust_roots``) are checked against their pinned SHA-256
fingerprints every time they are loaded; a mismatch stops the run.

Revocation evidence from a folder (``--revocation-dir``: CRLs and OCSP responses) is read once here and
travels to the workers with the rest of the trust configuration; its digests are part of the
fingerprint, so a new CRL makes stored results be validated again. ``online`` (``--online``) lets the
engine fetch CRLs, OCSP responses and missing issuers over the network; it is marked in the
fingerprint too, so an online result is never reused by an offline run or the other way round.
"""

from __future__ import annotations

import enum
import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

from ..errors import ConfigError

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}
CRL_SUFFIXES = {".crl"}
OCSP_SUFFIXES = {".ocsp", ".der"}
DEFAULT_ONLINE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Anchor:
    """A trust anchor or helper certificate, with where it came from."""

    der: bytes
    subject: str
    sha256: str  # upper-case, colon-separated, as openssl prints it
    source: str


class EvidenceKind(enum.StrEnum):
    """What a revocation evidence file holds."""

    CRL = "crl"
    OCSP = "ocsp"  # a DER OCSPResponse


@dataclass(frozen=True)
class RevocationFile:
    """A CRL or OCSP response read from ``--revocation-dir`` (checked to parse; judged by the engine)."""

    kind: EvidenceKind
    der: bytes
    sha256: str  # of ``der``, lower-case hex
    source: str  # the file it came from


@dataclass(frozen=True)
class TrustConfig:
    """Everything validation needs to know about trust. Picklable, so workers can receive it."""

    roots: tuple[Anchor, ...]
    other_certs: tuple[Anchor, ...]
    revocation: tuple[RevocationFile, ...] = ()  # from --revocation-dir
    online: bool = False  # --online: fetch OCSP, CRLs and missing issuers over the network
    online_timeout_s: float = DEFAULT_ONLINE_TIMEOUT_S  # per request
    warnings: tuple[str, ...] = ()  # what loading skipped (damaged evidence files), for the run's warnings

    def fingerprint(self) -> str:
        """A digest of the trust inputs; changes whenever a root or helper certificate, a revocation
        evidence file or the online mode changes. Computed once: the engine asks for every document."""
        known: str | None = self.__dict__.get("_fingerprint")
        if known is None:
            known = self._digest()
            object.__setattr__(self, "_fingerprint", known)  # a cache of derived data, not state
        return known

    def _digest(self) -> str:
        h = hashlib.sha256()
        for group in (self.roots, self.other_certs):
            for sha in sorted(a.sha256 for a in group):
                h.update(sha.encode())
            h.update(b"|")
        # Only when used, so that a configuration without them keeps its earlier fingerprint.
        if self.revocation:
            h.update(b"revocation:")
            for sha in sorted(f.sha256 for f in self.revocation):
                h.update(sha.encode())
            h.update(b"|")
        if self.online:
            h.update(b"online|")
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


def _revocation_file(path: Path) -> RevocationFile:
    """One evidence file, parsed to check it; ValueError (or OSError) says why it cannot be used."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in OCSP_SUFFIXES:
        try:
            response = ocsp.load_der_ocsp_response(data)
        except ValueError:
            if suffix == ".ocsp":
                raise ValueError("not a DER OCSP response") from None
        else:
            if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
                raise ValueError(f"OCSP response status is {response.response_status.name.lower()}")
            return RevocationFile(EvidenceKind.OCSP, data, hashlib.sha256(data).hexdigest(), str(path))
    try:  # .crl, or a .der that is not an OCSP response
        if b"-----BEGIN" in data:
            der = x509.load_pem_x509_crl(data).public_bytes(Encoding.DER)
        else:
            der = x509.load_der_x509_crl(data).public_bytes(Encoding.DER)
    except ValueError:
        raise ValueError(
            "not a CRL (DER or PEM)" if suffix in CRL_SUFFIXES else "neither a DER OCSP response nor a CRL"
        ) from None
    return RevocationFile(EvidenceKind.CRL, der, hashlib.sha256(der).hexdigest(), str(path))


def load_revocation_dir(folder: Path) -> tuple[tuple[RevocationFile, ...], tuple[str, ...]]:
    """The CRLs (``.crl``, DER or PEM) and OCSP responses (``.ocsp``/``.der``, DER) in ``folder`` and its
    subfolders, with a warning for each damaged file (skipped). A missing folder, one without such
    files, or one whose every file is damaged is a configuration error."""
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ConfigError(f"revocation folder {folder} {what}")
    suffixes = CRL_SUFFIXES | OCSP_SUFFIXES
    try:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    except OSError as exc:
        raise ConfigError(f"cannot read revocation folder {folder}: {exc.strerror or exc}") from exc
    if not files:
        raise ConfigError(
            f"revocation folder {folder} holds no CRL (.crl) or OCSP response (.ocsp, .der) files"
        )
    found: list[RevocationFile] = []
    warnings: list[str] = []
    for path in files:
        try:
            found.append(_revocation_file(path))
        except (ValueError, OSError) as exc:
            words = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            warnings.append(f"revocation evidence {path} not used: {words}")
    if not found:
        raise ConfigError(f"revocation folder {folder}: no usable file ({'; '.join(warnings)})")
    return tuple(_dedupe(found)), tuple(warnings)  # the same bytes twice: kept once (the first)


def build_trust(
    extra_roots: Iterable[Path] = (),
    other_certs: Iterable[Path] = (),
    use_shipped: bool = True,
    revocation_dir: Path | None = None,
    online: bool = False,
    online_timeout_s: float = DEFAULT_ONLINE_TIMEOUT_S,
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
    if not online_timeout_s > 0:
        raise ConfigError("the online timeout must be a positive number of seconds")
    revocation, warnings = load_revocation_dir(revocation_dir) if revocation_dir is not None else ((), ())
    return TrustConfig(
        roots=tuple(_dedupe(roots)),
        other_certs=tuple(_dedupe(others)),
        revocation=revocation,
        online=online,
        online_timeout_s=float(online_timeout_s),
        warnings=warnings,
    )


class _Digested(Protocol):
    @property
    def sha256(self) -> str: ...


_D = TypeVar("_D", bound=_Digested)


def _dedupe(items: Iterable[_D]) -> list[_D]:
    """The items in order, each content (SHA-256) kept once: the first."""
    seen: set[str] = set()
    out = []
    for a in items:
        if a.sha256 not in seen:
            seen.add(a.sha256)
            out.append(a)
    return out
