"""What the OpenAPI schema says beyond what django-ninja writes from the endpoints, in one place: the headers every
answer carries (`lib.api_http`: RateLimit-*, ETag on reads, Link on paged lists, Retry-After on a 429), the CSV
beside the JSON of the lists that offer it (`lib.api_csv`), and parameter examples in the form OpenAPI defines.
`config.api.RolescopeAPI.get_openapi_schema` applies them; the live answers are checked against them in
config/tests/test_api_schema.py."""

from typing import Any

RATE_LIMIT = {
    "RateLimit-Limit": "Requests this caller (key, else address) may make in the current one-minute window.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window ends.",
    "RateLimit-Policy": "The limit and its window, e.g. `60;w=60`.",
}
HEADERS: dict[str, dict[str, Any]] = {
    **{name: {"description": text, "schema": {"type": "integer"}} for name, text in RATE_LIMIT.items()},
    "RateLimit-Policy": {"description": RATE_LIMIT["RateLimit-Policy"], "schema": {"type": "string"}},
    "ETag": {
        "description": "The answer's version: send it back as If-None-Match for a 304 while it has not changed.",
        "schema": {"type": "string"},
    },
    "Link": {
        "description": 'The next and previous pages (RFC 8288: `<url>; rel="next"`, `<url>; rel="prev"`), when there '
        "are; in every format, CSV included.",
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}},
}
PAGING_PARAMETERS = {"page", "cursor"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _query_names(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}


def document_headers(schema: dict[str, Any]) -> None:
    """Declare the headers the API sends on each answer, and text/csv where `format=csv` is offered."""
    schema.setdefault("components", {})["headers"] = HEADERS
    for path in schema["paths"].values():
        for method, operation in path.items():
            parameters = _query_names(operation)
            for key, response in operation.get("responses", {}).items():
                status = str(key)  # ninja keys responses by int, openapi_extra by str
                headers = response.setdefault("headers", {})
                if status.startswith("2") or status == "429":
                    headers.update({name: _ref(name) for name in RATE_LIMIT})
                if status == "429":
                    headers["Retry-After"] = _ref("Retry-After")
                if method == "get" and status == "200":
                    headers["ETag"] = _ref("ETag")
                    if parameters & PAGING_PARAMETERS:
                        headers["Link"] = _ref("Link")
                    if "format" in parameters:
                        response.setdefault("content", {})["text/csv"] = {"schema": {"type": "string"}}
                if not headers:
                    del response["headers"]


def document_parameter_examples(schema: dict[str, Any]) -> None:
    """A parameter's `examples` is a map of Example objects in OpenAPI (a list only inside its JSON Schema, where
    django-ninja also writes it): code generators refuse the list."""
    for path in schema["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                examples = parameter.get("examples")
                if isinstance(examples, list):
                    parameter["examples"] = {f"example{n}": {"value": value} for n, value in enumerate(examples, 1)}
