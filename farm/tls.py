"""A self-signed certificate for the farm's https hosts, generated when the farm starts.

One EC certificate lists every https host as a subject alternative name; a crawl trusts it as
a CA file (``Farm.ca_file`` → ``nianbao crawl --ca-file``), as an operator trusts a corporate
proxy's CA. Real county portals serve self-signed, expired or hostname-mismatched certificates
often enough (portals.md §4.3) that a host may instead serve a *broken* one
(``TLS_BROKEN``): self-signed by another key and expired, which no CA file vouches for.
"""

from __future__ import annotations

import datetime as dt
import ssl
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# TLS alert record: level fatal (2), description handshake_failure (40)
HANDSHAKE_FAILURE_ALERT = b"\x15\x03\x01\x00\x02\x02\x28"


def make_certificate(
    hosts: Iterable[str], directory: Path, *, stem: str = "farm", expired: bool = False
) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    names = sorted({h.split(":")[0] for h in hosts})
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "nianbao sample-portal farm"),
            x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "farm.test"),
        ]
    )
    now = dt.datetime.now(dt.UTC) - (dt.timedelta(days=400) if expired else dt.timedelta())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in [*names, "farm.test"]]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{stem}-cert.pem", directory / f"{stem}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(
    hosts: Iterable[str], directory: Path | None = None, *, broken: bool = False
) -> ssl.SSLContext:
    """The farm's TLS context: the trusted certificate (``farm-cert.pem``), or with ``broken``
    an expired self-signed one of another key (``broken-cert.pem``)."""
    directory = directory or Path(tempfile.mkdtemp(prefix="farm-tls-"))
    cert, key = make_certificate(
        hosts, directory, stem="broken" if broken else "farm", expired=broken
    )
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(["http/1.1"])  # the farm speaks HTTP/1.1 only
    return ctx
