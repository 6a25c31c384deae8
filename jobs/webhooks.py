"""Sending one webhook: the signature its receiver checks, the refusal of addresses inside our own network, and one
HTTP POST that follows no redirect. What is sent, when, and how often it is tried again is
`jobs.services.webhooks`'s.

The signature is Stripe's scheme: the header `Rolescope-Signature: t=<unix time>,v1=<hex>` where the hex is
HMAC-SHA256, keyed with the endpoint's secret, of `<unix time>.<the request body>`. A receiver recomputes it, compares
in constant time and refuses a timestamp more than a few minutes old (a replayed delivery)."""

import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

SIGNATURE_HEADER = "Rolescope-Signature"
USER_AGENT = "rolescope-webhooks/1"
MAX_ERROR = 2_000


class TargetRefused(Exception):
    """An endpoint address we will not send to (not http(s), or inside a private network in production)."""


@dataclass(frozen=True)
class Answer:
    """How one attempt went: the status the endpoint answered (None when it could not be reached) and why it failed."""

    status: int | None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Rolescope-Signature` header's value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: int | None = None) -> bool:
    """What a receiver does (and what docs/api.md shows): the header's v1 matches and its time is recent."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((now if now is not None else int(time.time())) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not address.is_global or address.is_multicast


def target_problem(url: str) -> str | None:
    """Why `url` cannot be an endpoint as written (checked when it is registered), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Enter a web address starting with https://."
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return None
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")) or (literal and _refused(literal)):
        return "Webhooks are sent only to public internet addresses, not to private or loopback ones."
    return None


def resolve_target(host: str, port: int) -> str:
    """The address to connect to for `host`: every address it resolves to must be public (unless
    WEBHOOK_ALLOW_PRIVATE_TARGETS), and the connection is made to the one checked, so a name that resolves again to
    a private address in between (DNS rebinding) is not followed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"{host} could not be resolved ({exc})") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and any(_refused(address) for address in addresses):
        raise TargetRefused(f"{host} resolves to a private, loopback or reserved address; webhooks are not sent there")
    return str(addresses[0])


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` once: no redirect followed, no retry here (the delivery's schedule retries), a timeout
    for connecting and for the answer. The answer's body is not read beyond a little for the error message."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return Answer(None, "the endpoint's address is not an http(s) address")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = resolve_target(parts.hostname, port)
    except TargetRefused as exc:
        return Answer(None, str(exc))
    timeout = urllib3.Timeout(connect=settings.WEBHOOK_TIMEOUT_SECONDS, read=settings.WEBHOOK_TIMEOUT_SECONDS)
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    pool: urllib3.HTTPConnectionPool
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, server_hostname=parts.hostname,
            assert_hostname=parts.hostname, cert_reqs="CERT_REQUIRED",
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    path = parts.path or "/"
    try:
        with pool:
            response = pool.urlopen(
                "POST", path + (f"?{parts.query}" if parts.query else ""), body=body,
                headers={**headers, "Host": host_header}, redirect=False, retries=False, preload_content=False,
            )  # fmt: skip
            snippet = response.read(300, decode_content=False)
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        return Answer(None, f"{exc.__class__.__name__}: {exc}"[:MAX_ERROR])
    if 200 <= response.status < 300:
        return Answer(response.status)
    location = response.headers.get("Location", "")[:200]
    where = f" (redirect to {location}, not followed)" if response.status < 400 else ""
    text = snippet.decode("utf-8", "replace").strip()
    return Answer(response.status, f"HTTP {response.status}{where}{': ' + text if text else ''}"[:MAX_ERROR])
