"""API keys (admin, account page), per-key and per-address limits, CORS, and the wrong-owner cases."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiKey
from accounts.services import api_key_check, api_key_create
from accounts.testing import candidate
from wages.models import WageEstimate

pytestmark = pytest.mark.django_db
URL = "/api/v1/wages?occupation=15-1252&area=0000000"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def alice():
    return User.objects.create_user("alice", password="correct horse battery")


@pytest.fixture
def bob():
    return User.objects.create_user("bob", password="another long passphrase")


def test_keys_are_stored_hashed_and_checked(alice):
    key, plain = api_key_create(user=alice, name="notebook")
    assert plain.startswith(key.prefix) and plain not in (key.key_hash, key.prefix)
    assert len(key.key_hash) == 64
    assert api_key_check(plain) == key
    assert api_key_check(plain + "x") is None
    assert api_key_check("rs_00000000_nothing") is None


def test_anonymous_limit_answers_429_with_retry_after(client, settings):
    settings.API_ANON_RATE_PER_MINUTE = 3
    statuses = [client.get(URL).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    blocked = client.get(URL)
    assert blocked.status_code == 429
    assert blocked["Content-Type"] == "application/problem+json"
    assert 0 < int(blocked["Retry-After"]) <= 60
    assert blocked["RateLimit-Limit"] == "3" and blocked["RateLimit-Remaining"] == "0"
    body = blocked.json()
    assert body["status"] == 429 and "use an API key for a higher limit" in body["detail"]


def test_a_key_raises_the_limit_and_is_counted_apart(client, settings, alice):
    settings.API_ANON_RATE_PER_MINUTE = 1
    settings.API_KEY_RATE_PER_MINUTE = 5
    _, plain = api_key_create(user=alice, name="HR system")
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    answers = [client.get(URL, HTTP_X_API_KEY=plain) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert answers[-1]["RateLimit-Limit"] == "5" and answers[-1]["RateLimit-Remaining"] == "0"
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 429
    assert ApiKey.objects.get(prefix=plain[:11]).last_used_at is not None


def test_a_key_can_have_its_own_limit(client, alice):
    _, plain = api_key_create(user=alice, name="partner", rate_limit_per_minute=2)
    assert [client.get(URL, HTTP_X_API_KEY=plain).status_code for _ in range(3)] == [200, 200, 429]


def test_wrong_or_revoked_key_is_401(client, alice):
    key, plain = api_key_create(user=alice, name="old")
    response = client.get(URL, HTTP_X_API_KEY="rs_deadbeef_not-a-key")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert "not valid or has been revoked" in response.json()["detail"]
    key.revoked_at = key.created_at
    key.save()
    assert client.get(URL, HTTP_X_API_KEY=plain).status_code == 401


def test_cors_for_gets_and_preflight(client):
    response = client.get(URL, HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "RateLimit-Remaining" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        URL, HTTP_ORIGIN="https://partner.example", HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key"
    )
    assert preflight.status_code == 204
    assert "X-API-Key" in preflight["Access-Control-Allow-Headers"]
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Origin" not in client.get("/roles/").headers


def test_account_page_creates_shows_once_and_revokes(client, alice):
    assert client.get("/accounts/keys/").status_code == 302  # sign in first
    client.force_login(alice)
    page = client.post("/accounts/keys/", {"name": "my notebook"})
    assert page.status_code == 200
    plain = page.context["new_key"]
    assert plain and plain in page.content.decode()
    key = ApiKey.objects.get(user=alice)
    assert key.name == "my notebook" and api_key_check(plain) == key
    again = client.get("/accounts/keys/").content.decode()
    assert plain not in again and key.prefix in again
    assert client.post(f"/accounts/keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.post("/accounts/keys/", {"name": ""}).status_code == 400


def test_nobody_revokes_someone_elses_key(client, alice, bob):
    key, plain = api_key_create(user=alice, name="alice's")
    client.force_login(bob)
    assert client.post(f"/accounts/keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
    assert plain not in client.get("/accounts/keys/").content.decode()
    assert key.prefix not in client.get("/accounts/keys/").content.decode()


def test_revoke_needs_post_and_csrf(alice):
    from django.test import Client

    key, _ = api_key_create(user=alice, name="k")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.get(f"/accounts/keys/{key.pk}/revoke/").status_code == 405
    assert strict.post(f"/accounts/keys/{key.pk}/revoke/").status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_staff_create_keys_in_the_admin_and_see_them_once(client, alice):
    staff = User.objects.create_superuser("admin", "admin@example.org", "a long admin passphrase")
    client.force_login(staff)
    response = client.post(
        "/admin/accounts/apikey/add/",
        {"user": alice.pk, "name": "from staff", "rate_limit_per_minute": "100"},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="from staff")
    message = next(str(m) for m in response.context["messages"] if "The new key is" in str(m))
    plain = message.split("The new key is ")[1].split(" ")[0]
    assert api_key_check(plain) == key and key.rate_limit_per_minute == 100 and key.user == alice
    client.logout()
    assert client.get("/admin/accounts/apikey/").status_code == 302  # staff only


def test_distinct_cells_with_a_key_cost_one_query_each():
    # An integrator's traffic: a different (occupation, metro) each call. The key, the release and the area are in
    # process memory; the estimate is one indexed read. (A process also reads the named versions at most once a
    # second, whatever it serves: not counted here.)
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
