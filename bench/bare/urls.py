"""The bare app's three answers: an HTML page, a JSON document (both read once, at import) and /healthz."""

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

# BARE_PAGE and BARE_JSON name the files where bench/floor.py wrote the product's answers (a role page, a wages
# answer), sent byte for byte; without them, stand-ins of about the same sizes (25 kB, 0.9 kB).
PAGE = (
    Path(os.environ["BARE_PAGE"]).read_bytes()
    if os.environ.get("BARE_PAGE")
    else b"<!doctype html><html><body>" + b"<p>bare page</p>" * 1600 + b"</body></html>"
)
JSON = Path(os.environ["BARE_JSON"]).read_bytes() if os.environ.get("BARE_JSON") else b'{"bare": "' + b"x" * 900 + b'"}'


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


def json(request: HttpRequest) -> HttpResponse:
    return HttpResponse(JSON, content_type="application/json")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("page", page),
    path("json", json),
    path("healthz", healthz),
]
