"""How long nginx in front may keep a page is the app's to say (lib.http.cached_page): `X-Accel-Expires` carries
PAGE_CACHE_SECONDS on every anonymous page it marks, beside the browser's Cache-Control and the ETag."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.mark.parametrize("seconds", [5, 0])
def test_a_cached_page_tells_nginx_how_long_to_keep_it(client, settings, seconds):
    settings.PAGE_CACHE_SECONDS = seconds
    rendered = client.get("/roles/registered-nurses/", {"location": "Seattle, WA"})
    again = client.get("/roles/registered-nurses/", {"location": "Seattle, WA"})
    for response in (rendered, again):
        assert response.status_code == 200
        assert response["X-Accel-Expires"] == str(seconds)
        assert "public" in response["Cache-Control"] and response["ETag"]
    unchanged = client.get(
        "/roles/registered-nurses/", {"location": "Seattle, WA"}, headers={"If-None-Match": again["ETag"]}
    )
    assert unchanged.status_code == 304 and unchanged["X-Accel-Expires"] == str(seconds)


def test_a_page_for_a_signed_in_person_is_not_marked_for_nginx(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="a long test passphrase"))
    page = client.get("/roles/registered-nurses/")
    assert page.status_code == 200 and "X-Accel-Expires" not in page
