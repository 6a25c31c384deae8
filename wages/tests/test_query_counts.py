"""The wages and releases endpoints against their recorded query counts (wages/tests/query_counts.json)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

PAGES = {
    "api-wages": ("/api/v1/wages", {"occupation": "15-1252", "area": "0041940"}),
    "api-wages-located": ("/api/v1/wages", {"occupation": "29-1141", "location": "Austin, TX"}),
    "api-releases": ("/api/v1/releases", None),
}


@pytest.mark.parametrize("name", PAGES)
def test_query_count(query_baseline, name):
    url, params = PAGES[name]
    query_baseline("wages", name, Client(), url, params)


def test_distinct_cells_with_a_key_cost_one_query_each():
    # An integrator's traffic: a different (occupation, metro) each call. The key, the release and the area are in
    # process memory; the estimate is one indexed read. (A process also reads the named versions at most once a
    # second, whatever it serves: not counted here.)
    from accounts.services import api_key_create
    from accounts.testing import candidate
    from wages.models import WageEstimate

    _, key = api_key_create(user=candidate("ida"), name="integration")
    client = Client(HTTP_X_API_KEY=key)
    cells = list(
        WageEstimate.objects.filter(area__kind="metro", release__staged=False, annual_median__isnull=False)
        .order_by("occupation_id", "area_id")
        .values_list("occupation_id", "area_id", "annual_median")[::997][:6]
    )
    assert len(cells) == 6
    assert client.get("/api/v1/wages", {"occupation": "15-1252", "area": "0041940"}).status_code == 200  # warm
    for occupation, area, annual_median in cells:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/v1/wages", {"occupation": occupation, "area": area})
        queries = [q["sql"] for q in captured.captured_queries if "sources_version" not in q["sql"]]
        assert len(queries) == 1 and "wages_wageestimate" in queries[0]
        assert answer.status_code == 200 and answer.json()["area"]["code"] == area
        assert answer.json()["annual"]["median"] == annual_median  # as the source file has it
