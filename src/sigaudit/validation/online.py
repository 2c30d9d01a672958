"""Network fetching for ``--online``: pyhanko-certvalidator's aiohttp fetchers, bounded.

Each request (OCSP, CRL, issuer certificate from AIA) may take at most the configured timeout, and a
document at most ``ONLINE_LIMITS`` requests. pyhanko-certvalidator 0.33's aiohttp fetchers turn
connection and HTTP errors into their fetch errors (which soft-fail revocation checking treats as "no
evidence"), but let a request that times out raise a bare ``TimeoutError`` out of the whole
validation: a responder that never answers made the signature "validation error: TimeoutError". The
wrappers here turn that timeout into the fetch error of its kind, so a silent responder reads as
missing evidence (``revocation: unknown``), like an unreachable one.

aiohttp is imported only when a backend is made, i.e. only by runs that fetch.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from typing import Any

from pyhanko_certvalidator.errors import CRLFetchError, OCSPFetchError
from pyhanko_certvalidator.fetchers import (
    CertificateFetcher,
    CRLFetcher,
    FetcherBackend,
    Fetchers,
    OCSPFetcher,
    OwnedFetcherBackend,
)
from pyhanko_certvalidator.fetchers.api import FetchLimits

# pyhanko-certvalidator's defaults (1000 requests, 200 issuer certificates) are meant for any PKI, and a
# hostile certificate could make each request wait for the whole timeout. A Vietnamese chain needs one
# OCSP request or CRL per certificate and at most one or two missing intermediates.
ONLINE_LIMITS = FetchLimits(max_requests=12, max_cert_requests=4, max_aia_urls_per_object=2)


class _OCSP(OCSPFetcher):
    def __init__(self, inner: Any, timeout_s: float) -> None:
        self._inner = inner
        self._timeout_s = timeout_s

    async def fetch(self, cert: Any, authority: Any) -> Any:
        try:
            return await self._inner.fetch(cert, authority)
        except TimeoutError as exc:
            raise OCSPFetchError(f"the OCSP responder did not answer within {self._timeout_s:g} s") from exc

    def fetched_responses(self) -> Iterable[Any]:
        return self._inner.fetched_responses()  # type: ignore[no-any-return]

    def fetched_responses_for_cert(self, cert: Any) -> Iterable[Any]:
        return self._inner.fetched_responses_for_cert(cert)  # type: ignore[no-any-return]


class _CRL(CRLFetcher):
    def __init__(self, inner: Any, timeout_s: float) -> None:
        self._inner = inner
        self._timeout_s = timeout_s

    async def fetch(self, cert: Any, *, use_deltas: Any = None) -> Any:
        try:
            return await self._inner.fetch(cert, use_deltas=use_deltas)
        except TimeoutError as exc:
            raise CRLFetchError(f"the CRL was not served within {self._timeout_s:g} s") from exc

    def fetched_crls(self) -> Iterable[Any]:
        return self._inner.fetched_crls()  # type: ignore[no-any-return]

    def fetched_crls_for_cert(self, cert: Any) -> Iterable[Any]:
        return self._inner.fetched_crls_for_cert(cert)  # type: ignore[no-any-return]


class _Certificates(CertificateFetcher):
    """Issuer certificates from AIA; a URL that does not answer in time yields nothing more."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def fetch_cert_issuers(self, cert: Any) -> AsyncGenerator[Any, None]:
        try:
            async for issuer in self._inner.fetch_cert_issuers(cert):
                yield issuer
        except TimeoutError:
            return

    async def fetch_crl_issuers(self, certificate_list: Any) -> AsyncGenerator[Any, None]:
        try:
            async for issuer in self._inner.fetch_crl_issuers(certificate_list):
                yield issuer
        except TimeoutError:
            return

    def fetched_certs(self) -> Iterable[Any]:
        return self._inner.fetched_certs()  # type: ignore[no-any-return]


class _BoundedBackend(FetcherBackend):
    """The aiohttp backend with its request budget, each fetcher's timeouts made fetch errors."""

    def __init__(self, timeout_s: float) -> None:
        from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

        self._inner = AIOHttpFetcherBackend(per_request_timeout=timeout_s, limits=ONLINE_LIMITS)
        self._timeout_s = timeout_s

    def get_fetchers(self) -> Fetchers:
        inner = self._inner.get_fetchers()
        return Fetchers(
            ocsp_fetcher=_OCSP(inner.ocsp_fetcher, self._timeout_s),
            crl_fetcher=_CRL(inner.crl_fetcher, self._timeout_s),
            cert_fetcher=_Certificates(inner.cert_fetcher),
        )

    async def close(self) -> None:
        await self._inner.close()  # type: ignore[no-untyped-call]


def fetcher_backend(timeout_s: float) -> Any:
    """A fetcher backend for one validation context, which owns it: pyHanko closes its HTTP session
    after each validation call, in the event loop that opened it."""
    return OwnedFetcherBackend(_BoundedBackend(timeout_s))
