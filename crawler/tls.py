"""TLS verified by default; a broken certificate is fetched unverified only as a recorded fallback.

Every https request — the plain ones and those a rendered page makes, which Scrapy fetches for
Chromium (crawler/browser.py) — is checked against the system's CA certificates (Debian's
``ca-certificates``) plus any CA file the operator names (``NIANBAO_CA_FILE``: a corporate
proxy's or the sample farm's CA), with the hostname checked too. Proxy variables change nothing
here: a proxy that terminates TLS is trusted only through a CA file.

Many county portals serve expired, self-signed or mismatched certificates. When a host's
certificate fails verification, the request is asked again over an unverified connection and the
host stays unverified for the rest of the crawl (``TlsFallbackMiddleware``); every fetch records
whether its TLS was verified (``fetches.tls_verified``: 1, 0, or NULL for plain http) and each
portal's count of unverified fetches goes to ``portal_runs.tls_fallback`` and the stats
(``nianbao/tls_unverified``). ``NIANBAO_TLS_FALLBACK = False`` makes a broken certificate an
error instead.

Scrapy 2.19 offers only ``DOWNLOAD_VERIFY_CERTIFICATES`` (platform CAs, no CA file, no
fallback) and deprecates a custom ``DOWNLOADER_CLIENTCONTEXTFACTORY``, so our download handler
installs this policy's context factory itself.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

from OpenSSL import SSL
from scrapy.core.downloader.contextfactory import _ScrapyClientContextFactory
from scrapy.crawler import Crawler
from twisted.internet._sslverify import IOpenSSLTrustRoot
from twisted.internet.ssl import optionsForClientTLS
from zope.interface import implementer

logger = logging.getLogger(__name__)

# Where Debian (and most distributions) keep the CA bundle; OpenSSL's compiled-in default of
# the wheel's own OpenSSL may point elsewhere.
SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")


class CAFileError(ValueError):
    """The CA file named by the operator cannot be used."""


@implementer(IOpenSSLTrustRoot)
class SystemAndFileTrust:
    """The system's CA certificates, plus the operator's CA file(s)."""

    def __init__(self, ca_files: list[Path]) -> None:
        self.ca_files = ca_files

    def _addCACertsToContext(self, context: SSL.Context) -> None:
        context.set_default_verify_paths()
        for bundle in SYSTEM_BUNDLES:
            if Path(bundle).is_file():
                context.load_verify_locations(bundle)
                break
        for path in self.ca_files:
            context.load_verify_locations(str(path))


class TlsPolicy:
    """One crawl's TLS rules and what came of them: which hosts fell back, fetches per portal."""

    def __init__(self, verify: bool = True, ca_file: str = "", fallback: bool = True) -> None:
        self.verify = verify
        self.fallback = fallback
        self.ca_files = [Path(p) for p in str(ca_file or "").split(",") if p.strip()]
        for path in self.ca_files:
            if not path.is_file():
                raise CAFileError(f"CA file {path} does not exist")
            try:
                SSL.Context(SSL.TLS_CLIENT_METHOD).load_verify_locations(str(path))
            except SSL.Error as exc:
                raise CAFileError(f"CA file {path} holds no usable certificate: {exc}") from exc
        self.trust = SystemAndFileTrust(self.ca_files)
        self.unverified_hosts: set[str] = set()  # certificate failed: fetched unverified
        self.unverified_fetches: Counter[str] = Counter()  # portal code → fetches

    @classmethod
    def from_settings(cls, settings) -> TlsPolicy:
        return cls(
            verify=settings.getbool("NIANBAO_TLS_VERIFY", True),
            ca_file=settings.get("NIANBAO_CA_FILE") or "",
            fallback=settings.getbool("NIANBAO_TLS_FALLBACK", True),
        )

    def verifies(self, host: str) -> bool:
        return self.verify and host.lower() not in self.unverified_hosts


class VerifyingContextFactory(_ScrapyClientContextFactory):
    """Scrapy's context factory (its TLS version and cipher settings), verifying unless the
    crawl's policy says this host fell back."""

    def __init__(self, *args: Any, policy: TlsPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any):
        from .state import CrawlState

        return super().from_crawler(crawler, *args, policy=CrawlState.of(crawler).tls, **kwargs)

    def creatorForNetloc(self, hostname: bytes, port: int):
        host = hostname.decode("ascii")
        if not self.policy.verifies(host):
            return super().creatorForNetloc(hostname, port)  # Scrapy's own: no verification
        return optionsForClientTLS(
            hostname=host,
            trustRoot=self.policy.trust,
            extraCertificateOptions=self._get_cert_options_kwargs(),
        )


_CERT_WORDS = ("certificate verify failed", "verificationerror", "certificateerror",
               "hostname mismatch", "does not match", "self-signed", "self signed",
               "certificate has expired", "unable to get local issuer")  # fmt: skip


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (Twisted's ``reasons``, ``__cause__``), outermost first."""
    out: list[BaseException] = []
    todo: list = [exc]
    while todo and len(out) < 20:
        e = todo.pop(0)
        if not isinstance(e, BaseException) or any(e is o for o in out):
            continue
        out.append(e)
        todo.extend(getattr(f, "value", f) for f in getattr(e, "reasons", None) or ())
        todo.extend((e.__cause__, e.__context__))
    return out


def _text(e: BaseException) -> str:
    if isinstance(e, SSL.Error) and e.args and isinstance(e.args[0], list):
        # [('SSL routines', '', 'certificate verify failed')] → the words
        return "; ".join(str(t[-1]) for t in e.args[0] if isinstance(t, tuple)) or str(e)
    return f"{type(e).__name__}: {e}"


def certificate_failed(exc: BaseException) -> str | None:
    """Why the certificate was refused, when ``exc`` (a download error) is a verification
    failure — not a refused connection or a handshake the server broke off."""
    for cause in reversed(_causes(exc)):  # the innermost says it plainest
        text = _text(cause)
        if any(word in text.lower() for word in _CERT_WORDS):
            return text[:300]
    return None
