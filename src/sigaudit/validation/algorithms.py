"""Signature algorithms: reading iText's key OID as ECDSA, and naming the algorithm a policy refused.

The judgement of what is weak stays pyhanko-certvalidator's (its DisallowWeakAlgorithmsPolicy, set
up from the validation policy in rules.py); this module only widens what counts as a signature
mechanism (id-ecPublicKey) and puts a refusal into words, which pyHanko does not do.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from asn1crypto import algos, keys
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator, SignatureValidationContext

from ..model import SubIndication
from .roles import certificate_info
from .rules import Rules

# iText 5 (and other BouncyCastle-based signers) write the key's OID, id-ecPublicKey, as the CMS
# signatureAlgorithm of an ECDSA signature instead of ecdsa-with-SHAxxx (see KeyOidEcdsaValidator).
ID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"

# The sub-indications that mean "an algorithm or key the policy refuses" (see weak_algorithm).
CRYPTO_CONSTRAINTS = {
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
}


class KeyOidEcdsaValidator(DefaultSignatureValidator):
    """pyhanko-certvalidator's signature check, reading id-ecPublicKey as ECDSA with the CMS digest.

    pyhanko-certvalidator knows no signature mechanism for the OID id-ecPublicKey and reports the
    signature as not verifying, so every ECDSA signature made by iText 5 came out ``invalid``. The OID
    names an EC key, whose only signature scheme is ECDSA, and the digest is the SignerInfo's own
    digestAlgorithm (which the algorithm policy still judges): the value is verified exactly as an
    ecdsa-with-<digest> signature, nothing else is relaxed. Adobe Reader and EU DSS accept these files.
    """

    def validate_signature(
        self,
        signature: bytes,
        signed_data: bytes,
        public_key_info: keys.PublicKeyInfo,
        signature_algorithm: algos.SignedDigestAlgorithm,
        context: SignatureValidationContext = SignatureValidationContext(),  # noqa: B008  # frozen
    ) -> None:
        md = context.contextual_md_algorithm
        if signature_algorithm["algorithm"].dotted == ID_EC_PUBLIC_KEY and md is not None:
            signature_algorithm = algos.SignedDigestAlgorithm({"algorithm": f"{md}_ecdsa"})
        super().validate_signature(signature, signed_data, public_key_info, signature_algorithm, context)


SIGNATURE_VALIDATOR = KeyOidEcdsaValidator()


def mechanism_words(mechanism: str | None) -> str | None:
    """The CMS signature mechanism as reported (id-ecPublicKey named for what it stands for)."""
    return "ecdsa (id-ecPublicKey)" if mechanism == ID_EC_PUBLIC_KEY else mechanism


def weak_algorithm(
    embedded: EmbeddedPdfSignature, path: Any, context: ValidationContext, rules: Rules
) -> str | None:
    """Which algorithm or key made pyHanko report a crypto constraints failure, in words.

    The judgement stays pyhanko-certvalidator's: the same policy is asked the questions pyHanko asked
    (the CMS digest and signature mechanism with the signer's key and their combination, then each
    certificate's signature with its issuer's key); the first refusal is put into words. The digest
    comes first: a SHA-1 digest also disqualifies sha1_rsa, and the digest is the root cause.
    """
    moment = context.best_signature_time
    signer_info = embedded.signer_info
    digest = signer_info["digest_algorithm"]
    mechanism = signer_info["signature_algorithm"]
    if not rules.cms_algorithms.digest_algorithm_allowed(digest, moment):
        return f"digest algorithm {digest['algorithm'].native} not allowed by the policy"
    problem = _signature_problem(mechanism, embedded.signer_cert.public_key, moment, rules)
    if problem is not None:
        return f"the signature uses {problem}"
    if not rules.cms_algorithms.digest_combination_allowed(mechanism, digest, moment):
        return (
            f"digest algorithm {digest['algorithm'].native} does not match the signature algorithm "
            f"{mechanism['algorithm'].native}"
        )
    if path is None:  # the chain was not built (pyHanko stops at a refused CMS signature)
        return None
    try:
        certs = list(path.iter_certs(include_root=True))
    except Exception:
        return None
    # Each certificate is signed with its issuer's key; the trust anchor's own signature is not used.
    for issuer, cert in itertools.pairwise(certs):
        problem = _signature_problem(cert["signature_algorithm"], issuer.public_key, moment, rules)
        if problem is not None:
            subject = certificate_info(cert.dump()).subject
            return f"the certificate {subject} is signed with {problem}"
    return None


def _signature_problem(
    algo: algos.SignedDigestAlgorithm, key: keys.PublicKeyInfo, moment: datetime | None, rules: Rules
) -> str | None:
    if rules.algorithms.signature_algorithm_allowed(algo, moment, key):
        return None
    minimum = rules.policy.min_rsa_bits
    if key.algorithm == "rsa" and key.bit_size < minimum:
        return f"an RSA key of {key.bit_size} bits; the policy requires at least {minimum}"
    return f"the signature algorithm {algo['algorithm'].native}, not allowed by the policy"
