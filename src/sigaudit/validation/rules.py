"""pyHanko's settings for one validation policy (policy.py), built once per policy."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

from .policy import KeyUsageMatch, ValidationPolicy


@dataclass(frozen=True)
class Rules:
    """pyHanko's settings for one validation policy.

    Algorithms: pyhanko-certvalidator's DisallowWeakAlgorithmsPolicy does the refusing, in the CMS
    signature (digest, signature mechanism, signer key size) and in every certificate of the chain (the
    issuer's signature mechanism and key size); pyHanko then reports CRYPTO_CONSTRAINTS_FAILURE. The
    policy is spelt out rather than left to pyHanko's default so that an upgrade cannot loosen it
    silently. SHA-1-based mechanisms (sha1_rsa, sha1_ecdsa, ...) fall with their digest.
    Key usage: pyHanko's own constraint on the signer certificate (an empty set checks nothing).
    """

    policy: ValidationPolicy
    algorithms: Any  # DisallowWeakAlgorithmsPolicy
    cms_algorithms: Any  # CMSAlgorithmUsagePolicy
    key_usage: KeyUsageConstraints


@functools.lru_cache(maxsize=8)
def rules_for(policy: ValidationPolicy) -> Rules:
    """The Rules of ``policy`` (remembered: a run uses one or two policies)."""
    algorithms = DisallowWeakAlgorithmsPolicy(  # type: ignore[no-untyped-call]  # untyped __init__
        weak_hash_algos=policy.weak_digests, rsa_key_size_threshold=policy.min_rsa_bits
    )
    key_usage = KeyUsageConstraints(
        key_usage=set(policy.key_usage),
        match_all_key_usages=policy.key_usage_match == KeyUsageMatch.ALL,
    )
    return Rules(policy, algorithms, CMSAlgorithmUsagePolicy.lift_policy(algorithms), key_usage)
