"""Every list endpoint answers CSV beside its JSON (`format=csv` or `Accept: text/csv`): the same rows, columns named
as the JSON's fields (nested objects as `object.field`), paging in a `Link` header. And the headers the committed
openapi.json declares (RateLimit-*, ETag, Link, text/csv) are the ones the live answers carry."""

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from accounts.testing import member
from jobs.models import Posting
from jobs.schemas import PostingFields
from jobs.services.postings import posting_upsert

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(settings.BASE_DIR) / "openapi.json").read_text())
# Each list: its address, a query with more than one page where it pages, and the key of its rows in the JSON.
LISTS = [
    ("/api/v1/roles", {"page_size": 5}, "results"),
    ("/api/v1/roles", {"q": "nurse", "page_size": 3}, "results"),
    ("/api/v1/areas", {"type": "metro", "page_size": 7, "page": 2}, "results"),
    ("/api/v1/jobs", {"page_size": 4}, "results"),
    ("/api/v1/releases", {}, "oews"),
    ("/api/v1/occupations", {"group": "29-11"}, "results"),
]


@pytest.fixture
def postings(db):
    """Five published postings, three of them paid (with a comparison against the local OEWS band)."""
    organisation = member("ada", "Acme Robotics").profile.employer
    for number, salary in enumerate([None, None, 38, 45, 52]):
        fields = {"title": f"Registered Nurse {number}", "role": "registered-nurses", "location": "Denver, CO"}
        if salary is not None:
            fields |= {"salary_min": salary, "salary_max": salary + 6, "salary_period": "hour"}
        fields["apply_url"] = "https://acme.example/apply"
        posting_upsert(organisation=organisation, fields=PostingFields.model_validate(fields), publish=True)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def json_cell(item: dict[str, Any], column: str) -> str:
    """A JSON value as the CSV writes it: text as is, numbers as Python writes them, null as empty, true/false,
    lists and maps as JSON text."""
    value: Any = item
    for key in column.split("."):
        value = None if value is None else value[key]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


@pytest.mark.parametrize(("path", "params", "rows"), LISTS)
def test_csv_has_the_json_rows_and_columns(client, postings, path, params, rows):
    answer = client.get(path, params)
    assert answer.status_code == 200, answer.content[:300]
    items = answer.json()[rows]
    assert items, f"{path} {params} has no rows to compare"
    by_format = client.get(path, {**params, "format": "csv"})
    by_accept = client.get(path, params, headers={"Accept": "text/csv"})
    for response in (by_format, by_accept):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
    assert by_format.content == by_accept.content
    table = csv_rows(by_format.content.decode())
    assert len(table) == len(items)
    columns = list(table[0])
    # Every field of the JSON is a column, or an object spread into columns named after it.
    for field in items[0]:
        assert field in columns or any(column.startswith(f"{field}.") for column in columns), field
    for item, row in zip(items, table, strict=True):
        assert row == {column: json_cell(item, column) for column in columns}
    # The same pages, in the format asked for: the links keep format=csv (Accept travels with the next request).
    assert by_accept.get("Link") == answer.get("Link")
    assert (by_format.get("Link") or "").replace("&format=csv", "") == (answer.get("Link") or "")


def test_csv_of_an_empty_page_still_names_its_columns(client):
    response = client.get("/api/v1/areas", {"q": "no such area anywhere", "format": "csv"})
    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["code,name,kind,state"]


def test_a_job_with_a_pay_comparison_spreads_it_into_columns(client, postings):
    answer = client.get("/api/v1/jobs", {"min_salary": 1, "page_size": 50}).json()
    compared = [item for item in answer["results"] if item["pay_comparison"]]
    assert compared, "no posting in the bundled data with a pay comparison"
    table = csv_rows(client.get("/api/v1/jobs", {"min_salary": 1, "page_size": 50, "format": "csv"}).content.decode())
    row = next(row for row in table if row["id"] == str(compared[0]["id"]))
    assert row["pay_comparison.band_low"] == str(compared[0]["pay_comparison"]["band_low"])
    assert row["pay_comparison.verdict"] == compared[0]["pay_comparison"]["verdict"]


def test_paged_lists_send_a_link_header_to_their_pages(client, postings):
    first = client.get("/api/v1/areas", {"page_size": 10})
    second_url = first.json()["next"]
    assert first["Link"] == f'<{second_url}>; rel="next"'
    second = client.get(second_url)
    links = second["Link"].split(", ")
    assert links == [f'<{second.json()["next"]}>; rel="next"', f'<{second.json()["previous"]}>; rel="prev"']
    jobs = client.get("/api/v1/jobs", {"page_size": 2})
    assert f'<{jobs.json()["next"]}>; rel="next"' in jobs["Link"]
    bulk = client.get("/api/v1/wages", {"limit": 3})
    assert bulk["Link"] == f'<{bulk.json()["next"]}>; rel="next"'
    last = client.get("/api/v1/areas", {"page_size": 100, "q": "Austin"})
    assert last.json()["next"] is None and not last.has_header("Link")
    exposed = first["Access-Control-Expose-Headers"]
    assert "Link" in exposed and "ETag" in exposed and "RateLimit-Remaining" in exposed


def _examples() -> list[tuple[str, str, dict[str, Any]]]:
    posting = Posting.objects.live().order_by("pk").values_list("pk", flat=True).first()
    return [
        ("/api/v1/", "/api/v1/", {}),
        ("/api/v1/roles", "/api/v1/roles", {"page_size": 2}),
        ("/api/v1/roles/{slug}", "/api/v1/roles/registered-nurses", {}),
        ("/api/v1/compare", "/api/v1/compare", {"roles": "registered-nurses"}),
        ("/api/v1/occupations", "/api/v1/occupations", {"group": "29"}),
        ("/api/v1/occupations/{soc_code}", "/api/v1/occupations/29-1141", {}),
        ("/api/v1/wages", "/api/v1/wages", {"occupation": "29-1141"}),
        ("/api/v1/wages", "/api/v1/wages", {"limit": 2}),
        ("/api/v1/areas", "/api/v1/areas", {"page_size": 2}),
        ("/api/v1/locations/resolve", "/api/v1/locations/resolve", {"q": "Austin, TX"}),
        ("/api/v1/releases", "/api/v1/releases", {}),
        ("/api/v1/jobs", "/api/v1/jobs", {"page_size": 2}),
        ("/api/v1/jobs/{job_id}", f"/api/v1/jobs/{posting}", {}),
    ]


HEADERS_CHECKED = {"ETag", "Link", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"}


def test_live_headers_are_the_ones_the_schema_declares(client, postings):
    seen = set()
    for template, url, params in _examples():
        declared = SCHEMA["paths"][template]["get"]["responses"]["200"]
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.content[:200])
        sent = {name for name in HEADERS_CHECKED if response.has_header(name)}
        # Link is sent when there is another page: each example here has one, but one estimate is no list.
        expected = set(declared.get("headers", {})) & HEADERS_CHECKED
        if "occupation" in params:
            expected.discard("Link")
        assert sent == expected, url
        assert ("text/csv" in declared["content"]) == any(p["name"] == "format" for p in _parameters(template)), url
        seen.add(template)
    gets = {path for path, operations in SCHEMA["paths"].items() if "get" in operations}
    # Not asked here: the download (its headers are checked in wages/tests/test_downloads.py) and a feed import's
    # status (a key's own import).
    assert gets - seen == {"/api/v1/releases/{year}/download", "/api/v1/jobs/imports/{import_id}"}


def _parameters(template: str) -> list[dict[str, Any]]:
    return SCHEMA["paths"][template]["get"].get("parameters", [])


def test_a_429_sends_retry_after_and_the_limits_as_declared(client, settings):
    settings.API_ANON_RATE_PER_MINUTE = 1
    client.get("/api/v1/areas", REMOTE_ADDR="203.0.113.9")
    refused = client.get("/api/v1/areas", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    declared = set(SCHEMA["paths"]["/api/v1/areas"]["get"]["responses"]["429"]["headers"])
    assert declared == {"Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"}
    assert all(refused.has_header(name) for name in declared)
    assert int(refused["Retry-After"]) == int(refused["RateLimit-Reset"]) > 0
