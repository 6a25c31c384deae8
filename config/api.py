"""The public REST API, v1: one NinjaAPI wiring each app's router, with problem+json errors."""

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from pydantic import Field

from accounts.api_auth import AUTH, KEY_GUESSING_WAIT_SECONDS, THROTTLE, InvalidKey, KeyGuessing, caller_key
from geo.api import areas_router
from geo.api import router as geo_router
from jobs.api import router as jobs_router
from lib.api import ERRORS, field_message
from lib.api_csv import csv_answer, link_header, wants_csv
from lib.api_openapi import document_headers, document_parameter_examples
from lib.outage import DETAIL, RETRY_AFTER_SECONDS, TITLE, unavailable_logged
from lib.problems import PROBLEM_CONTENT_TYPE, ApiProblem, problem_response
from roles.api import compare_router, occupations_router
from roles.api import router as roles_router
from wages.api import releases_router
from wages.api import router as wages_router

logger = logging.getLogger("rolescope.api")

DESCRIPTION = """
What US roles pay nationally and locally, how pay moved, how hard each role is to hire for and what it takes,
from public data (BLS OEWS and Employment Projections, O*NET, Census, HUD, NCES). Every figure names its release.

**Keys and limits.** Anonymous calls are limited per address; an API key (create one on your account page and
send it as `X-API-Key: <key>` or `Authorization: Bearer <key>`) raises the limit. Every response carries
`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`; over the limit the answer is 429 with `Retry-After`.

**Job postings.** Anyone may search `/jobs`. Writing (`POST /jobs`, `PATCH /jobs/{id}`, publish, close, renew,
`POST /jobs/import`) needs a key created by a member of an employer organisation: it changes only that
organisation's postings (another organisation's posting is 403, an unknown or someone else's draft 404).

**Errors** are RFC 9457 `application/problem+json` documents; validation errors name the field, and an unknown
place or code comes with suggestions.

**Caching.** GET responses carry an `ETag`; send it back as `If-None-Match` for a 304.
"""


class RolescopeAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Problem responses (300 and 4xx) are documented as application/problem+json, keys as optional security."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema["paths"].values():
            for method, operation in path.items():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 300 and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
                # The schemes come from the auth classes. Reads need no key (`{}`: anonymous, limited per
                # address); writes do.
                if method == "get":
                    operation["security"] = [{}, *operation.get("security", [])]
        document_parameter_examples(schema)
        document_headers(schema)
        return schema

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        """The answer as JSON, or as CSV where the endpoint offers it (lib.api_csv) and the caller asked for it; a
        paged list's links in a Link header too."""
        status = temporal_response.status_code if temporal_response else status
        marked = getattr(request, "csv_rows", None)
        if marked is not None and status == 200 and wants_csv(request, request.GET.get("format")):
            schema, rows, filename = marked
            rendered = json.loads(self.renderer.render(request, data, response_status=status))
            response = csv_answer(rendered[rows], schema, filename)
        else:
            response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        link = link_header(data) if status == 200 else None
        if link is not None:
            response["Link"] = link
        return response


api = RolescopeAPI(
    title="rolescope API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api-v1",
    servers=[{"url": "/", "description": "This rolescope instance"}],
    auth=AUTH,
    throttle=THROTTLE,
)
api.add_router("/roles", roles_router)
api.add_router("/compare", compare_router)
api.add_router("/occupations", occupations_router)
api.add_router("/", wages_router)
api.add_router("/areas", areas_router)
api.add_router("/locations", geo_router)
api.add_router("/releases", releases_router)
api.add_router("/jobs", jobs_router)


class ApiIndexOut(Schema):
    docs: str = Field(description="The interactive documentation.")
    openapi: str = Field(description="The OpenAPI 3.1 schema.")
    releases: str = Field(description="The data releases, each with its whole-release download.")
    wages: str = Field(description="One estimate, or the release's estimates as a paged list.")
    occupations: str
    compare: str
    roles: str
    guide: str = Field(description="The guide with worked examples and the changelog with the deprecation policy.")


@api.get("/", response={200: ApiIndexOut, **ERRORS}, summary="API index", operation_id="api_index", tags=["index"])
def index(request: HttpRequest) -> ApiIndexOut:
    """Where to start: the documentation, the schema and the main collections."""

    def url(path: str) -> str:
        return request.build_absolute_uri(f"/api/v1/{path}")

    return ApiIndexOut(
        docs=url("docs"),
        openapi=url("openapi.json"),
        releases=url("releases"),
        wages=url("wages"),
        occupations=url("occupations"),
        compare=url("compare"),
        roles=url("roles"),
        guide="docs/api.md and docs/api-changelog.md in the rolescope repository",
    )


@api.exception_handler(AuthenticationError)
def on_no_key(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        401, "API key required", "Send an API key (X-API-Key) created by a member of an employer organisation."
    )


@api.exception_handler(KeyGuessing)
def on_key_guessing(request: HttpRequest, exc: KeyGuessing | None = None) -> HttpResponse:
    response = problem_response(
        429, "Too many wrong keys", "This address sent too many wrong API keys; try again in a minute."
    )
    response["Retry-After"] = str(KEY_GUESSING_WAIT_SECONDS)
    return response


@api.exception_handler(InvalidKey)
def on_invalid_key(request: HttpRequest, exc: InvalidKey) -> HttpResponse:
    return problem_response(
        401,
        "Invalid API key",
        "The API key is not valid or has been revoked. Create a key on your account page, or call without one at "
        "the anonymous rate.",
    )


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    if getattr(request, "key_guessing", False):  # a valid key from an address that guessed too many (CallerThrottle)
        return on_key_guessing(request)
    quota = getattr(request, "rate_quota", None)
    keyed = caller_key(request) is not None
    limit = quota.limit if quota else "a limited number of"
    wait = quota.reset_seconds if quota else 60
    response = problem_response(
        429,
        "Too many requests",
        f"This {'key' if keyed else 'address'} may make {limit} requests a minute. Try again in {wait} seconds"
        f"{'' if keyed else ', or use an API key for a higher limit'}.",
    )
    response["Retry-After"] = str(wait)
    return response


@api.exception_handler(ApiProblem)
def on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(exc.status, exc.title, exc.detail, **exc.extra)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
        message = field_message(str(error.get("msg", "is not valid")))
        errors.append({"field": ".".join(location) or "request", "message": message})
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem_response(422, "Invalid request", f"Check these fields: {summary}.", errors=errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(exc.status_code, "Request failed", str(exc))


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django refuses to read it): the documented 413, not a 500."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem_response(413, "Request too large", f"Send at most {limit:,} bytes in a JSON body.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, "Not found", str(exc) or "There is nothing at this address; see /api/v1/docs.")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A passing outage (lib/outage.py): 503 with Retry-After; nothing was written."""
    unavailable_logged(request, exc)
    response = problem_response(503, TITLE, DETAIL)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(Exception)
def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.get_full_path())
    return problem_response(500, "Server error", "Something went wrong on our side; it has been logged.")
