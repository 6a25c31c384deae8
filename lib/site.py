"""Absolute links (canonical, share, emails, API page links) never echo the Host a client sent.

A page kept in the shared page cache is served to every later visitor on every server, whatever Host they send; so
one request with `Host: LOCALHOST.` (which Django's host check accepts as `localhost`) used to write
`http://LOCALHOST./...` into the canonical and share links everyone then got. Links are built from SITE_URL when it
is set (production: the address people use), else from the request's host in the one form nginx's `$host` (part of
its cache key) and the page cache agree on: lower case, no trailing dot, no default port."""

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port

DEFAULT_PORTS = {"http": "80", "https": "443"}


def site_origin(request: HttpRequest) -> str:
    """`scheme://host[:port]` of absolute links: SITE_URL, else the request's host, normalised."""
    if settings.SITE_URL:
        return str(settings.SITE_URL)
    domain, port = split_domain_port(request.get_host())  # validated against ALLOWED_HOSTS; lower case, no dot
    if ":" in domain:
        domain = f"[{domain}]"  # an IPv6 literal
    scheme = request.scheme or "http"
    return f"{scheme}://{domain}" + (f":{port}" if port and port != DEFAULT_PORTS.get(scheme) else "")


def absolute_url(request: HttpRequest, location: str) -> str:
    """`location` (a path, with its query) as an absolute link on this site."""
    return site_origin(request) + location
