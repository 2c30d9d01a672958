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

An anchor is trusted input (RFC 5280 §6.1.1), and pyHanko does not look at its dates. Two rules here
do: loading warns about every root expired or not yet valid at the time of the run
(:func:`anchor_date_warnings`), and under the policy's ``anchor_validity = "enforce"`` (the default) a
signature made outside its anchor's validity period is indeterminate (:func:`anchor_validity`, called
by the engine).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

from ..errors import ConfigError
from ..model import Indication, SignatureResult, SubIndication, TimeBasis
from .policy import AnchorValidity, ValidationPolicy

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
class TrustWarning:
    """One warning about the trust configuration as values, for the terminal to word in its language;
    :attr:`text` is the English line (what the run's warnings and the JSON report record).

    ``what`` is ``expired`` or ``not_yet_valid`` (the root ``subject`` from ``source`` with digest
    ``sha256`` is out of its validity at the run's time: it ended, or begins, at ``moment``), or
    ``evidence_unused`` (the revocation evidence file ``source`` is skipped; ``detail`` says why, as
    the parser or the system said it)."""

    what: str
    source: str
    subject: str = ""
    sha256: str = ""
    moment: str = ""
    detail: str = ""

    @property
    def text(self) -> str:
        if self.what == "evidence_unused":
            return f"revocation evidence {self.source} not used: {self.detail}"
        state = (
            f"expired on {self.moment}" if self.what == "expired" else f"is not valid before {self.moment}"
        )
        return (
            f"trust anchor {self.subject} ({self.source}, SHA-256 {self.sha256}) {state}: signatures "
            'made outside its validity are indeterminate under policy anchor_validity = "enforce"'
        )


@dataclass(frozen=True)
class TrustConfig:
    """Everything validation needs to know about trust. Picklable, so workers can receive it."""

    roots: tuple[Anchor, ...]
    other_certs: tuple[Anchor, ...]
    revocation: tuple[RevocationFile, ...] = ()  # from --revocation-dir
    online: bool = False  # --online: fetch OCSP, CRLs and missing issuers over the network
    online_timeout_s: float = DEFAULT_ONLINE_TIMEOUT_S  # per request
    notices: tuple[TrustWarning, ...] = ()  # what loading found wrong (roots out of date, damaged files)

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notices in English, as the run's warnings record them."""
        return tuple(notice.text for notice in self.notices)

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


def load_revocation_dir(folder: Path) -> tuple[tuple[RevocationFile, ...], tuple[TrustWarning, ...]]:
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
    warnings: list[TrustWarning] = []
    for path in files:
        try:
            found.append(_revocation_file(path))
        except (ValueError, OSError) as exc:
            words = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            warnings.append(TrustWarning("evidence_unused", str(path), detail=words))
    if not found:
        raise ConfigError(
            f"revocation folder {folder}: no usable file ({'; '.join(w.text for w in warnings)})"
        )
    return tuple(_dedupe(found)), tuple(warnings)  # the same bytes twice: kept once (the first)


def build_trust(
    extra_roots: Iterable[Path] = (),
    other_certs: Iterable[Path] = (),
    use_shipped: bool = True,
    revocation_dir: Path | None = None,
    online: bool = False,
    online_timeout_s: float = DEFAULT_ONLINE_TIMEOUT_S,
    now: datetime | None = None,
) -> TrustConfig:
    """Assemble the trust configuration; with no root at all this is a configuration error.

    Its ``notices`` name every root expired or not yet valid at ``now`` (default: the current time)
    and every damaged revocation evidence file skipped.
    """
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
    roots = _dedupe(roots)
    warnings = (*anchor_date_warnings(roots, now or datetime.now(UTC)), *warnings)
    return TrustConfig(
        roots=tuple(roots),
        other_certs=tuple(_dedupe(others)),
        revocation=revocation,
        online=online,
        online_timeout_s=float(online_timeout_s),
        notices=warnings,
    )


# --- the trust anchors' own validity periods --------------------------------------------------------

ANCHOR_OUTSIDE_VALIDITY = "signed outside the validity period of the trust anchor"
_PROOF_WORDS = {
    TimeBasis.TIMESTAMP: "the time the signature timestamp proves",
    TimeBasis.DOCUMENT_TIMESTAMP: "the time a later document timestamp proves",
}


@dataclass(frozen=True)
class AnchorPeriod:
    """A trust anchor's subject and validity period (aware UTC datetimes)."""

    subject: str
    not_before: datetime
    not_after: datetime

    def words(self) -> str:
        return f"{self.subject}, valid {self.not_before.isoformat()} to {self.not_after.isoformat()}"


@functools.lru_cache(maxsize=64)
def anchor_period(der: bytes) -> AnchorPeriod:
    """The validity period of the anchor certificate ``der`` (read once per anchor)."""
    cert = x509.load_der_x509_certificate(der)
    return AnchorPeriod(cert.subject.rfc4514_string(), cert.not_valid_before_utc, cert.not_valid_after_utc)


def anchor_date_warnings(roots: Iterable[Anchor], now: datetime) -> tuple[TrustWarning, ...]:
    """One warning per root that is expired, or not yet valid, at ``now``, naming it."""
    out = []
    for root in roots:
        period = anchor_period(root.der)
        if now > period.not_after:
            what, moment = "expired", period.not_after
        elif now < period.not_before:
            what, moment = "not_yet_valid", period.not_before
        else:
            continue
        out.append(TrustWarning(what, root.source, period.subject, root.sha256, moment.isoformat()))
    return tuple(out)


def anchor_validity(
    result: SignatureResult,
    anchor_der: bytes | None,
    proof: datetime | None,
    moment: datetime,
    policy: ValidationPolicy,
) -> SignatureResult:
    """A passed signature whose signing time falls outside its trust anchor's validity period becomes
    INDETERMINATE / CHAIN_CONSTRAINTS_FAILURE, under ``anchor_validity = "enforce"``.

    ``anchor_der`` is the root that ended the validated path; the time judged is ``proof`` (what a
    signature or later document timestamp proves) when there is one, else the time the signer claims,
    else ``moment`` (the validation time). Other verdicts are left as they are: they already say why
    the signature is not valid.
    """
    if (
        policy.anchor_validity != AnchorValidity.ENFORCE
        or anchor_der is None
        or result.indication != Indication.TOTAL_PASSED
    ):
        return result
    if proof is not None:
        when, what = proof, _PROOF_WORDS.get(result.time_basis, "the proven signing time")
    elif result.claimed_signing_time is not None:
        when, what = result.claimed_signing_time, "the signing time the signer claims"
    else:
        when, what = moment, "the validation time (the signature states no signing time)"
    period = anchor_period(anchor_der)
    if period.not_before <= when <= period.not_after:
        return result
    side = "after it expired" if when > period.not_after else "before it was valid"
    return dataclasses.replace(
        result,
        indication=Indication.INDETERMINATE,
        sub_indication=SubIndication.CHAIN_CONSTRAINTS_FAILURE,
        reason=f"{ANCHOR_OUTSIDE_VALIDITY} {period.words()}: {what} ({when.isoformat()}) is {side} "
        f'(policy {policy.name}: anchor_validity = "enforce")',
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
