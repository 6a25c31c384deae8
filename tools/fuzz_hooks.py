"""Schemathesis hooks for `make api-fuzz` (loaded through SCHEMATHESIS_HOOKS).

The schema states every rule of a posting that JSON Schema can express. Some it cannot: a place must be one
rolescope knows, a role must name one, the pay's lower end must be at most its upper end, and Django's URL and email
validators are stricter than the schema's patterns. Generated values that the schema allows are adjusted to follow
those rules too, so the fuzzer reaches the code that saves postings instead of stopping at a 422 every time;
values that break the schema are left alone, so negative tests stay negative.
"""

import re
from typing import Any

import schemathesis

PLACE = re.compile(r"^[^\x00]*[0-9A-Za-zÀ-ɏ][^\x00]*$")
URL = re.compile(r"^https?://\S+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
KNOWN_PLACES = ("Austin, TX", "Denver, CO", "94086", "Seattle, WA")


def _allowed(value: Any, pattern: re.Pattern[str], most: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= most and bool(pattern.match(value))


@schemathesis.hook
def map_body(ctx: Any, body: Any) -> Any:
    operation = ctx.operation
    writes = operation.path in ("/api/v1/jobs", "/api/v1/jobs/{job_id}") and operation.method.upper() != "GET"
    if not writes or not isinstance(body, dict):
        return body
    if _allowed(body.get("location"), PLACE, 200):
        body["location"] = KNOWN_PLACES[len(body["location"]) % len(KNOWN_PLACES)]
    if isinstance(body.get("role"), str) and len(body["role"]) <= 200 and "\x00" not in body["role"]:
        body["role"] = ""  # suggested from the title
    low, high = body.get("salary_min"), body.get("salary_max")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        body["salary_min"], body["salary_max"] = high, low
    if _allowed(body.get("apply_url"), URL, 500):
        body["apply_url"] = "https://acme.example.org/jobs/apply"
    if _allowed(body.get("apply_email"), EMAIL, 254):
        body["apply_email"] = "jobs@acme.example.org"
    return body
