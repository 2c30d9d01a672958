"""The validation contexts of one document, and the trust configuration parsed once per process.

pyhanko-certvalidator judges chains and revocation within a ValidationContext: the roots, helper
certificates and revocation data it may use, the validation time, and whether it may fetch. A
document gets one for its signers, one for timestamp tokens, and point-in-time ones for the time a
timestamp proves (see Contexts).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from asn1crypto import crl, ocsp, x509
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from ..model import RevocationSource
from .algorithms import SIGNATURE_VALIDATOR
from .evidence import Evidence, Group
from .rules import Rules
from .trust import EvidenceKind, TrustConfig


class TrustCache:
    """asn1crypto certificates and revocation evidence for a TrustConfig, parsed once per process."""

    def __init__(self) -> None:
        self._key: str | None = None
        self.roots: list[x509.Certificate] = []
        self.others: list[x509.Certificate] = []
        self.local = Group(RevocationSource.LOCAL)

    def get(self, trust: TrustConfig) -> tuple[list[x509.Certificate], list[x509.Certificate], Group]:
        key = trust.fingerprint()
        if key != self._key:
            self.roots = [x509.Certificate.load(a.der) for a in trust.roots]
            self.others = [x509.Certificate.load(a.der) for a in trust.other_certs]
            self.local = Group(
                RevocationSource.LOCAL,
                tuple(
                    crl.CertificateList.load(f.der) for f in trust.revocation if f.kind == EvidenceKind.CRL
                ),
                tuple(ocsp.OCSPResponse.load(f.der) for f in trust.revocation if f.kind == EvidenceKind.OCSP),
            )
            self._key = key
        return self.roots, self.others, self.local


class Contexts:
    """The validation contexts of one document: the signers' (made by the caller), a separate one for
    timestamp tokens (so that a TSA's missing revocation data is not taken for the signer's), and
    point-in-time ones for the time a timestamp attests. All share the roots and the evidence."""

    def __init__(
        self,
        signer: ValidationContext,
        roots: list[x509.Certificate],
        others: list[x509.Certificate],
        evidence: Evidence,
        moment: datetime | None,
        trust: TrustConfig,
        rules: Rules,
    ) -> None:
        self.signer = signer
        self.rules = rules
        self._args = (roots, others, evidence, moment)
        self._online = trust.online_timeout_s if trust.online else None
        self._ts: ValidationContext | None = None

    @property
    def ts(self) -> ValidationContext:
        if self._ts is None:
            self._ts = make_context(*self._args, self.rules, online_timeout_s=self._online)
        return self._ts

    def ts_for(self, embedded: EmbeddedPdfSignature) -> ValidationContext | None:
        """The timestamp context when the signature carries a signature timestamp token."""
        return self.ts if has_signature_timestamp(embedded) else None

    def at(self, when: datetime) -> ValidationContext:
        """A context validating at ``when`` (point in time), with every CRL and OCSP response known so
        far (including fetched ones) usable although issued later, and no further fetching."""
        roots, others, evidence, _ = self._args
        return ValidationContext(
            trust_roots=roots,
            other_certs=others + list(evidence.certs),
            crls=list(self.signer.crls),
            ocsps=list(self.signer.ocsps),
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=when,
            retroactive_revinfo=True,
            algorithm_usage_policy=self.rules.algorithms,
            signature_validator=SIGNATURE_VALIDATOR,
        )


TRUST_CACHE = TrustCache()


def make_context(
    roots: list[x509.Certificate],
    others: list[x509.Certificate],
    evidence: Evidence,
    moment: datetime | None,
    rules: Rules,
    online_timeout_s: float | None = None,
) -> ValidationContext:
    """The validation context; offline unless ``online_timeout_s`` is given (then each request may take
    that long). The context owns its fetcher backend: pyHanko closes its HTTP session after each
    validation call, in the event loop that opened it."""
    backend = None
    if online_timeout_s is not None:
        from .online import fetcher_backend  # aiohttp is loaded only by runs that fetch

        backend = fetcher_backend(online_timeout_s)
    return ValidationContext(
        trust_roots=roots,
        other_certs=others + list(evidence.certs),
        crls=list(evidence.crls),
        ocsps=list(evidence.ocsps),
        allow_fetching=backend is not None,
        fetcher_backend=backend,
        revocation_mode="soft-fail",
        moment=moment,
        algorithm_usage_policy=rules.algorithms,
        signature_validator=SIGNATURE_VALIDATOR,
    )


def usable_evidence(
    roots: list[x509.Certificate],
    others: list[x509.Certificate],
    evidence: Evidence,
    moment: datetime | None,
    notes: list[str],
    rules: Rules,
) -> Evidence:
    """The evidence without the items pyHanko cannot even load (asn1crypto parses lazily, so a damaged
    item surfaces only when the validation context is built); the good items are kept."""

    def usable(crls: Iterable[Any] = (), ocsps: Iterable[Any] = (), certs: Iterable[Any] = ()) -> bool:
        single = Evidence((Group(RevocationSource.NONE, tuple(crls), tuple(ocsps)),), tuple(certs))
        try:
            make_context(roots, others, single, moment, rules)
        except Exception:
            return False
        return True

    groups = tuple(
        Group(
            g.source,
            tuple(c for c in g.crls if usable(crls=(c,))),
            tuple(o for o in g.ocsps if usable(ocsps=(o,))),
        )
        for g in evidence.groups
    )
    kept = Evidence(groups, tuple(c for c in evidence.certs if usable(certs=(c,))))
    if not usable(kept.crls, kept.ocsps, kept.certs):  # each loads alone, not together: use none
        kept = Evidence(tuple(Group(g.source) for g in groups), ())
    before = len(evidence.crls) + len(evidence.ocsps) + len(evidence.certs)
    dropped = before - len(kept.crls) - len(kept.ocsps) - len(kept.certs)
    notes.append(f"{dropped} damaged certificate(s)/CRL(s)/OCSP response(s) carried by the file not used")
    return kept


def has_signature_timestamp(embedded: EmbeddedPdfSignature) -> bool:
    """Whether the signature carries a signature timestamp token (an unsigned attribute)."""
    try:
        attrs = embedded.signer_info["unsigned_attrs"]
        return any(a["type"].native == "signature_time_stamp_token" for a in attrs or ())
    except Exception:
        return False
