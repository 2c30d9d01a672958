"""The validation policy in force: a named TOML file, read once into a frozen value (no pyHanko here).

The shipped policy is ``sigaudit/policies/default.toml``; ``--policy FILE`` (or ``policy`` in
sigaudit.toml) replaces it. A key a custom file leaves out takes the shipped file's value; unknown
keys and bad values are errors that name the key. The policy's name and the SHA-256 of the file's
bytes go into every report's manifest and into the result store's verdict fingerprint, so changing
the file validates stored documents again.

``ValidationPolicy`` is picklable: worker processes and Dask workers receive it with each task's
arguments, beside the trust configuration. The engine builds pyHanko's settings from it once per
policy (keyed by its SHA-256).
"""

from __future__ import annotations

import enum
import functools
import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import CheckName
from .roles import DEFAULT_ROLE_RULES, RoleRules, fold

__all__ = [
    "FIXED_RULES",
    "AnchorValidity",
    "MissingRevocation",
    "ValidationPolicy",
    "default_policy",
    "load_policy",
    "parse_policy",
]

SHIPPED = "shipped"

# What every policy shares: rules that are code, not configuration. Part of the manifest and of the
# verdict fingerprint; change the wording with the rule.
FIXED_RULES = (
    "revocation evidence embedded in the file (CMS adbe-revocationInfoArchival, DSS), from "
    "--revocation-dir and, with --online only, fetched; "
    "validation at run time, and again at the time a valid signature timestamp (else a later valid "
    "document timestamp) proves when the certificate was revoked or expired by then; "
    "signer revoked: REVOKED when the signer's claimed signing time is not before the revocation, "
    "valid when a timestamp proves existence before it, else INDETERMINATE/REVOKED_NO_POE; "
    "a signature timestamp token that is not intact, valid and trusted (same roots): "
    "INDETERMINATE/SIG_CONSTRAINTS_FAILURE; "
    "ByteRange must be [0 a b c] within the file leaving out exactly /Contents "
    "(else TOTAL_FAILED/FORMAT_FAILURE); "
    "ECDSA signatures whose CMS signatureAlgorithm is id-ecPublicKey verified as ecdsa-with-<digest>; "
    "pyHanko's default difference analysis plus new comment (markup) annotations explained at "
    "ANNOTATIONS level"
)

# asn1crypto's names of digest algorithms (what pyhanko-certvalidator compares weak_digests with).
DIGEST_NAMES = frozenset(
    {
        "md2",
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "sha512_224",
        "sha512_256",
        "sha3_224",
        "sha3_256",
        "sha3_384",
        "sha3_512",
        "shake128",
        "shake256",
    }
)
# asn1crypto's names of the X.509 keyUsage bits.
KEY_USAGE_NAMES = frozenset(
    {
        "digital_signature",
        "non_repudiation",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    }
)
MIN_RSA_RANGE = (512, 16384)


class MissingRevocation(enum.StrEnum):
    """What a signature without revocation evidence for its signer's certificate becomes."""

    SOFT_FAIL = "soft-fail"  # can still be valid; revocation reads "unknown"
    INDETERMINATE = "indeterminate"  # INDETERMINATE / TRY_LATER, as EU DSS (BBB_XCV_IRDPFC)


class AnchorValidity(enum.StrEnum):
    """Whether a trust anchor must be within its own validity period at the signing time."""

    ENFORCE = "enforce"  # outside it: INDETERMINATE / CHAIN_CONSTRAINTS_FAILURE (trust.anchor_validity)
    IGNORE = "ignore"  # anchors are trusted whatever their dates (pyHanko's and RFC 5280's behaviour)


class KeyUsageMatch(enum.StrEnum):
    ANY = "any"
    ALL = "all"


@dataclass(frozen=True)
class ValidationPolicy:
    """A validation policy, as read from its TOML file.

    ``checks`` are the legal conditions reported per signature (the others are ``not_applicable``);
    they never change a verdict. ``missing_revocation``, ``weak_digests``, ``min_rsa_bits``,
    ``key_usage``/``key_usage_match``, ``roles`` and ``anchor_validity`` do.
    """

    name: str
    sha256: str  # of the file's bytes, lower-case hex
    source: str  # the file's path, or "shipped"
    description: str
    checks: frozenset[CheckName]
    missing_revocation: MissingRevocation
    weak_digests: frozenset[str]
    min_rsa_bits: int
    key_usage: frozenset[str]  # required key usages; empty: not checked
    key_usage_match: KeyUsageMatch
    roles: RoleRules = DEFAULT_ROLE_RULES
    # certificatePolicies OIDs of which the signer's certificate must name one (empty: not checked);
    # reported by the usage_matches_certificate check, never a change of verdict
    certificate_policies: frozenset[str] = frozenset()
    anchor_validity: AnchorValidity = AnchorValidity.ENFORCE

    def rules(self) -> str:
        """The policy's rules in words, for the manifest."""
        weak = ", ".join(sorted(self.weak_digests)) or "none"
        usage = (
            f"key usage {' and '.join(sorted(self.key_usage))} required"
            if self.key_usage_match == KeyUsageMatch.ALL
            else f"key usage {' or '.join(sorted(self.key_usage))}"
        )
        if not self.key_usage:
            usage = "key usage not checked"
        if self.certificate_policies:
            usage += f"; certificate policy one of {', '.join(sorted(self.certificate_policies))} (reported)"
        disabled = [c.value for c in CheckName if c not in self.checks]
        return (
            f"missing revocation evidence: {self.missing_revocation.value}; "
            f"weak digests refused: {weak}; RSA keys of at least {self.min_rsa_bits} bits; {usage}; "
            f"trust anchor validity at the signing time: {self.anchor_validity.value}; "
            f"legal checks not reported: {', '.join(disabled) or 'none'}; {FIXED_RULES}"
        )

    def manifest(self) -> dict[str, object]:
        """What a report's manifest says about the policy."""
        return {
            "name": self.name,
            "sha256": self.sha256,
            "source": self.source,
            "description": self.description,
            "rules": self.rules(),
        }


def load_policy(path: Path | None) -> ValidationPolicy:
    """The policy in ``path``, or the shipped one when ``path`` is None."""
    if path is None:
        return default_policy()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read policy {path}: {exc.strerror or exc}") from exc
    return parse_policy(data, str(path), base=default_policy())


@functools.cache
def default_policy() -> ValidationPolicy:
    """The shipped policy (sigaudit/policies/default.toml), read once per process."""
    data = resources.files("sigaudit").joinpath("policies/default.toml").read_bytes()
    return parse_policy(data, SHIPPED, base=None)


_TABLES: dict[str, frozenset[str]] = {
    "checks": frozenset(c.value for c in CheckName),
    "revocation": frozenset({"missing_revocation"}),
    "algorithms": frozenset({"weak_digests", "min_rsa_bits"}),
    "key_usage": frozenset({"required", "match", "certificate_policies"}),
    "roles": frozenset({"personal_uid_prefixes", "agency_uid_prefixes", "agency_name_prefixes"}),
    "trust": frozenset({"anchor_validity"}),
}
_TOP = frozenset({"name", "description"})


def parse_policy(data: bytes, source: str, base: ValidationPolicy | None) -> ValidationPolicy:
    """Check and read a policy file's bytes; keys it leaves out come from ``base`` (the shipped one).

    With ``base=None`` (the shipped file itself) every key must be present.
    """
    where = "the shipped policy" if source == SHIPPED else f"policy {source}"
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}") from exc
    for key, value in doc.items():
        if key in _TOP:
            continue
        if key not in _TABLES:
            known = ", ".join([*sorted(_TOP), *(f"[{t}]" for t in _TABLES)])
            raise ConfigError(f"{where}: unknown key {key!r} (known: {known})")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {key} must be a table [{key}]")
        unknown = sorted(set(value) - _TABLES[key])
        if unknown:
            known = ", ".join(sorted(_TABLES[key]))
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} in [{key}] (known: {known})")

    def get(table: str | None, key: str, check: Callable[[Any], Any], fallback: Any) -> Any:
        """The checked value of ``[table] key``, else ``fallback`` (when there is a base)."""
        section: Mapping[str, Any] = doc if table is None else doc.get(table, {})
        label = key if table is None else f"[{table}] {key}"
        if key not in section:
            if base is None:
                raise ConfigError(f"{where}: {label} is missing")
            return fallback
        try:
            return check(section[key])
        except ValueError as exc:
            raise ConfigError(f"{where}: {label} {exc}, not {section[key]!r}") from exc

    name = get(None, "name", _name, None)
    if name is None:
        raise ConfigError(f"{where}: name is missing (say which policy this is and its version)")
    checks = {
        c for c in CheckName if get("checks", c.value, _bool, c in base.checks if base is not None else None)
    }
    rules = base.roles if base is not None else DEFAULT_ROLE_RULES
    roles = RoleRules(
        personal_uid_prefixes=_roles(doc, "personal_uid_prefixes", rules.personal_uid_prefixes, where),
        agency_uid_prefixes=_roles(doc, "agency_uid_prefixes", rules.agency_uid_prefixes, where),
        agency_name_prefixes=_roles(doc, "agency_name_prefixes", rules.agency_name_prefixes, where),
    )
    return ValidationPolicy(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        source=source,
        description=get(None, "description", _text, ""),
        checks=frozenset(checks),
        missing_revocation=get(
            "revocation",
            "missing_revocation",
            _choice(MissingRevocation),
            base.missing_revocation if base else None,
        ),
        weak_digests=get(
            "algorithms", "weak_digests", _names(DIGEST_NAMES), base.weak_digests if base else None
        ),
        min_rsa_bits=get("algorithms", "min_rsa_bits", _rsa_bits, base.min_rsa_bits if base else None),
        key_usage=get("key_usage", "required", _names(KEY_USAGE_NAMES), base.key_usage if base else None),
        key_usage_match=get(
            "key_usage", "match", _choice(KeyUsageMatch), base.key_usage_match if base else None
        ),
        roles=roles,
        certificate_policies=get(
            "key_usage", "certificate_policies", _oids, base.certificate_policies if base else None
        ),
        anchor_validity=get(
            "trust", "anchor_validity", _choice(AnchorValidity), base.anchor_validity if base else None
        ),
    )


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value.strip()


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _choice(kind: type[enum.StrEnum]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        try:
            return kind(value)
        except ValueError:
            raise ValueError("must be one of " + ", ".join(f'"{k.value}"' for k in kind)) from None

    return check


def _names(known: frozenset[str]) -> Callable[[Any], frozenset[str]]:
    def check(value: Any) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("must be a list of names")
        bad = [v for v in value if v not in known]
        if bad:
            raise ValueError(f"names {bad[0]!r}, which is none of {', '.join(sorted(known))}")
        return frozenset(value)

    return check


def _oids(value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of dotted object identifiers")
    bad = [v for v in value if not re.fullmatch(r"[0-2](\.(0|[1-9][0-9]*))+", v)]
    if bad:
        raise ValueError(f"names {bad[0]!r}, which is not a dotted object identifier such as 2.16.704.1.2.3")
    return frozenset(value)


def _rsa_bits(value: Any) -> int:
    low, high = MIN_RSA_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"must be an integer from {low} to {high}")
    return value


def _roles(doc: Mapping[str, Any], key: str, fallback: tuple[str, ...], where: str) -> tuple[str, ...]:
    section = doc.get("roles", {})
    if key not in section:
        return fallback
    value = section[key]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: [roles] {key} must be a non-empty list of strings, not {value!r}")
    if key == "agency_name_prefixes":  # compared with the folded common name
        return tuple(fold(v) + (" " if v.endswith(" ") else "") for v in value)
    return tuple(v.strip().upper() for v in value)
