"""The validation rules in force, by name (importing this does not load pyHanko).

``POLICY`` is part of the result store's verdict fingerprint and of every report's manifest, so
changing how verdicts are decided invalidates stored results. Bump the version with any rule change.
"""

from __future__ import annotations

__all__ = ["POLICY"]

POLICY = (
    "sigaudit-core/4: revocation evidence embedded in the file, from --revocation-dir and, with "
    "--online only, fetched; soft-fail on missing evidence; "
    "validation at run time, and again at the time a valid signature timestamp (else a later valid "
    "document timestamp) proves when the certificate was revoked or expired by then; "
    "signer revoked: REVOKED when the signer's claimed signing time is not before the revocation, "
    "valid when a timestamp proves existence before it, else INDETERMINATE/REVOKED_NO_POE; "
    "a signature timestamp token that is not intact, valid and trusted (same roots): "
    "INDETERMINATE/SIG_CONSTRAINTS_FAILURE; "
    "key usage nonRepudiation or digitalSignature; "
    "md2/md5/sha1 digests and sha1-based mechanisms and RSA keys under 2048 bits refused in the "
    "signature and the certificate chain (INDETERMINATE/CRYPTO_CONSTRAINTS_FAILURE); "
    "ByteRange must be [0 a b c] within the file leaving out exactly /Contents "
    "(else TOTAL_FAILED/FORMAT_FAILURE); "
    "ECDSA signatures whose CMS signatureAlgorithm is id-ecPublicKey verified as ecdsa-with-<digest>; "
    "pyHanko's default difference analysis plus new comment (markup) annotations explained at "
    "ANNOTATIONS level"
)
