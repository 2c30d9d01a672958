"""The legal validity conditions of a signature (docs/regulations.md), as named per-signature checks.

Derived data, not a second validation: each check reads what the engine already decided for the
signature (its ``SignatureResult``) and says, in words, what that means for one of the six conditions
of Decree 130/2018 Art. 9 / Decree 68/2024 Art. 31 / Circular 41/2017 Art. 8. The validation policy's
``[checks]`` chooses which are reported; a check it leaves out is ``not_applicable``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..model import (
    Changes,
    CheckName,
    CheckStatus,
    Indication,
    LegalCheck,
    RevocationStatus,
    SignatureResult,
    SubIndication,
    TimeBasis,
)
from .policy import ValidationPolicy
from .trust import ANCHOR_OUTSIDE_VALIDITY

# Failures of the signature itself (EN 319 102-1 TOTAL_FAILED), as opposed to "not established".
_BROKEN = frozenset(
    {SubIndication.HASH_FAILURE, SubIndication.SIG_CRYPTO_FAILURE, SubIndication.FORMAT_FAILURE}
)
_WEAK = frozenset({SubIndication.CRYPTO_CONSTRAINTS_FAILURE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE})
# Trust problems found after a path to a configured root was built: another condition's business.
_PATH_BUILT = frozenset(
    {
        SubIndication.REVOKED,
        SubIndication.REVOKED_NO_POE,
        SubIndication.EXPIRED,
        SubIndication.OUT_OF_BOUNDS_NO_POE,
        SubIndication.OUT_OF_BOUNDS_NOT_REVOKED,
        SubIndication.NOT_YET_VALID,
        SubIndication.TRY_LATER,
    }
)

SOLE_CONTROL_WORDS = (
    "assumed: a file cannot show that the signing key was under the signer's sole control "
    "(Decree 130/2018 Art. 9)"
)


def legal_checks(sig: SignatureResult, policy: ValidationPolicy) -> tuple[LegalCheck, ...]:
    """The six conditions for ``sig``, in the order the law lists them."""
    out = []
    for name, judge in _JUDGES.items():
        if name not in policy.checks:
            out.append(
                LegalCheck(name, CheckStatus.NOT_APPLICABLE, f"not checked under policy {policy.name}")
            )
        else:
            status, detail = judge(sig, policy)
            out.append(LegalCheck(name, status, detail))
    return tuple(out)


def signing_time(sig: SignatureResult) -> tuple[datetime | None, str]:
    """The signing time the checks use and where it comes from, in words (regulations.md: only an RFC 3161
    timestamp attests it; otherwise it is the signer's claim)."""
    if sig.timestamp_time is not None and sig.timestamp_valid:
        return sig.timestamp_time, "attested by an RFC 3161 timestamp"
    if sig.time_basis == TimeBasis.DOCUMENT_TIMESTAMP and sig.claimed_signing_time is not None:
        return sig.claimed_signing_time, "claimed by the signer; a later document timestamp proves existence"
    if sig.claimed_signing_time is not None:
        if sig.timestamp_time is not None:
            return sig.claimed_signing_time, "claimed by the signer; the timestamp token did not validate"
        return sig.claimed_signing_time, "claimed by the signer, not attested by a timestamp"
    return None, "no signing time in the signature"


def _valid_at_signing_time(sig: SignatureResult, policy: ValidationPolicy) -> tuple[CheckStatus, str]:
    when, source = signing_time(sig)
    if sig.signer is None:
        return CheckStatus.UNKNOWN, "the signer's certificate could not be read"
    if when is None:
        return CheckStatus.UNKNOWN, source
    span = f"{sig.signer.not_before.isoformat()} to {sig.signer.not_after.isoformat()}"
    stated = f"signing time {when.isoformat()} ({source})"
    if sig.signer.not_before <= when <= sig.signer.not_after:
        return CheckStatus.PASSED, f"{stated} within the certificate's validity, {span}"
    return CheckStatus.FAILED, f"{stated} outside the certificate's validity, {span}"


def _not_revoked(sig: SignatureResult, policy: ValidationPolicy) -> tuple[CheckStatus, str]:
    evidence = ", ".join(sig.revocation_evidence) or "none"
    source = f"revocation evidence ({evidence}; the answer from {sig.revocation_source.value})"
    if sig.revocation == RevocationStatus.GOOD:
        return CheckStatus.PASSED, f"{source} shows it not revoked"
    if sig.revocation == RevocationStatus.REVOKED:
        if sig.indication == Indication.TOTAL_PASSED:  # a timestamp proves signing before the revocation
            return CheckStatus.PASSED, f"revoked after signing, as a timestamp proves: {sig.reason}"
        if sig.sub_indication == SubIndication.REVOKED_NO_POE:
            return CheckStatus.UNKNOWN, sig.reason
        return CheckStatus.FAILED, sig.reason
    if sig.revocation == RevocationStatus.UNKNOWN:
        return (
            CheckStatus.UNKNOWN,
            "no revocation evidence (in the file, the revocation folder or fetched) covers the "
            f"certificate (missing evidence is {policy.missing_revocation.value} under policy {policy.name})",
        )
    return CheckStatus.UNKNOWN, f"not checked: no chain to a configured root was validated ({sig.reason})"


def _signature_intact(sig: SignatureResult, policy: ValidationPolicy) -> tuple[CheckStatus, str]:
    if sig.indication == Indication.TOTAL_FAILED and sig.sub_indication in _BROKEN:
        return CheckStatus.FAILED, sig.reason
    if not (sig.intact and sig.crypto_valid) or sig.changes == Changes.DISALLOWED:
        return CheckStatus.UNKNOWN, f"not verified: {sig.reason}"
    if sig.sub_indication in _WEAK:
        return CheckStatus.UNKNOWN, f"the signature verifies, but cannot be relied on: {sig.reason}"
    words = "the signature verifies with the certificate's public key and the signed bytes are unchanged"
    if sig.changes == Changes.PERMITTED:
        words += f"; later changes permitted ({sig.changes_reason})"
    return CheckStatus.PASSED, words


def _chain(sig: SignatureResult, policy: ValidationPolicy) -> tuple[CheckStatus, str]:
    if sig.sub_indication == SubIndication.CHAIN_CONSTRAINTS_FAILURE and sig.reason.startswith(
        ANCHOR_OUTSIDE_VALIDITY
    ):  # the root was reached, but was not a valid anchor when the signature was made
        return CheckStatus.FAILED, sig.reason
    # pyHanko checks key usage only once a path to a root validated (CHAIN_CONSTRAINTS_FAILURE).
    if (
        sig.trusted
        or sig.sub_indication == SubIndication.CHAIN_CONSTRAINTS_FAILURE
        or (sig.chain and sig.sub_indication in _PATH_BUILT)
    ):
        root = sig.chain[0] if sig.chain else "a configured root"
        return CheckStatus.PASSED, f"the chain reaches {root}"
    if sig.sub_indication == SubIndication.NO_CERTIFICATE_CHAIN_FOUND:
        return CheckStatus.FAILED, sig.reason
    return CheckStatus.UNKNOWN, f"not established: {sig.reason}"


def _usage(sig: SignatureResult, policy: ValidationPolicy) -> tuple[CheckStatus, str]:
    joiner = " and " if policy.key_usage_match.value == "all" else " or "
    wanted = joiner.join(u.replace("_", " ") for u in sorted(policy.key_usage))
    accepted = policy.certificate_policies
    if not policy.key_usage and not accepted:
        return CheckStatus.NOT_APPLICABLE, f"policy {policy.name} requires no key usage or certificate policy"
    usage = f"policy {policy.name} requires no key usage"
    if policy.key_usage:
        if sig.key_usage_ok is None:
            return CheckStatus.UNKNOWN, "the signer's certificate was not examined"
        if not sig.key_usage_ok:
            return (
                CheckStatus.FAILED,
                f"the certificate's key usage lacks {wanted}, which policy {policy.name} requires",
            )
        usage = f"the certificate's key usage allows signing ({wanted})"
    if not accepted:
        return CheckStatus.PASSED, usage
    if sig.signer is None:
        return CheckStatus.UNKNOWN, f"{usage}; the certificate's policies could not be read"
    named = sorted(accepted.intersection(sig.signer.policies))
    if named:
        return CheckStatus.PASSED, f"{usage}; the certificate names the accepted policy {named[0]}"
    return (
        CheckStatus.FAILED,
        f"{usage}; but the certificate names none of the policies {policy.name} accepts "
        f"({', '.join(sorted(accepted))}; it names {', '.join(sig.signer.policies) or 'none'})",
    )


def _sole_control(sig: SignatureResult, policy: ValidationPolicy) -> tuple[CheckStatus, str]:
    return CheckStatus.ASSUMED, SOLE_CONTROL_WORDS


_JUDGES: dict[CheckName, Callable[[SignatureResult, ValidationPolicy], tuple[CheckStatus, str]]] = {
    CheckName.VALID_AT_SIGNING_TIME: _valid_at_signing_time,
    CheckName.NOT_REVOKED_AT_SIGNING_TIME: _not_revoked,
    CheckName.SIGNATURE_INTACT: _signature_intact,
    CheckName.CHAIN_TO_RECOGNISED_ROOT: _chain,
    CheckName.USAGE_MATCHES_CERTIFICATE: _usage,
    CheckName.SOLE_CONTROL: _sole_control,
}
