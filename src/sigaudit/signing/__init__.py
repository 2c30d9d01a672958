"""Signing sigaudit's own PDF report, as officials sign: a PKCS#12 file or a PKCS#11 token, PAdES.

With :mod:`..validation`, the only package that imports pyHanko (its signers here, its validation
there). :mod:`.spec` describes a signing request without loading pyHanko; :mod:`.signer` signs.
"""

from .spec import SigningError, SignSpec

__all__ = ["SignSpec", "SigningError"]
