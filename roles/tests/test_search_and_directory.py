"""Home, directory and search: titles, alternate titles and typos."""

import pytest
from django.core.cache import cache

from roles.models import Category, Role
from roles.search import search_roles
from roles.services import role_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def titles(query, limit=5):
    return [hit.title for hit in search_roles(query, limit)]


def test_every_detailed_occupation_is_a_role_and_back_end_developer_is_curated():
    from occupations.models import Occupation

    detailed = Occupation.objects.filter(level="detailed").count()
    assert Role.objects.filter(is_curated=False).count() == detailed
    role = Role.objects.get(slug="back-end-developer")
    assert role.is_curated and role.occupation_id == "15-1254" and role.category.name == "Technical"
    assert len(role.duty_list) == 20 and len(role.skill_list) == 10
    assert Role.objects.get(occupation_id="15-1252", is_curated=False).category.name == "Technical"
    assert Role.objects.get(occupation_id="29-1141").category.name == "Healthcare"


def test_search_tolerates_typos_and_knows_other_titles():
    assert titles("sofware developer")[0] == "Software Developers"
    assert titles("Back-End Developer")[0] == "Back-End Developer"
    assert "Web Developers" in titles("back end engineer")
    assert titles("registered nurse")[0] == "Registered Nurses"
    assert titles("acountant")[0] == "Accountants and Auditors"
    assert search_roles("") == [] and search_roles("x") == []


def test_alternate_title_match_says_what_matched():
    hit = next(h for h in search_roles("back end engineer") if h.title == "Web Developers")
    assert hit.matched == "Back End Engineer"


def test_search_sees_edited_roles_at_once():
    role = Role.objects.get(slug="back-end-developer")
    role.title = "Server-Side Developer"
    role_save(role=role)
    assert titles("server side developer")[0] == "Server-Side Developer"


def test_home_lists_categories_and_search(client):
    body = client.get("/").content.decode()
    assert '<label for="role-search">Search roles</label>' in body
    technical = Category.objects.get(slug="technical")
    assert f'?category=technical">Technical</a> <span class="explain">({technical.roles.count()})' in body
    assert "Back-End Developer" in body


def test_directory_search_filters_and_escapes(client):
    body = client.get("/roles/", {"q": "sofware developer"}).content.decode()
    assert '<a href="/roles/software-developers/">Software Developers</a>' in body
    body = client.get("/roles/", {"category": "healthcare"}).content.decode()
    assert "Registered Nurses" in body and "Software Developers" not in body
    body = client.get("/roles/", {"q": "<b>zzzzqqq</b>"}).content.decode()
    assert "No roles match “&lt;b&gt;zzzzqqq&lt;/b&gt;”" in body


def test_directory_lists_every_role_a_to_z(client):
    body = client.get("/roles/").content.decode()
    assert body.count('<li><a href="/roles/') >= Role.objects.count()
    assert 'id="letter-A"' in body and 'id="letter-Z"' in body


def test_autocomplete_endpoints(client):
    places = client.get("/autocomplete/places", {"q": "austin"}).json()["results"]
    assert places[0] == "Austin, TX"
    roles = client.get("/autocomplete/roles", {"q": "nurs"}).json()["results"]
    assert any(r["title"] == "Registered Nurses" and r["url"] == "/roles/registered-nurses/" for r in roles)
    assert client.get("/autocomplete/places", {"q": ""}).json() == {"results": []}


def test_methodology_and_about(client):
    methodology = client.get("/methodology/").content.decode()
    assert "100 × supply ÷ (supply + openings)" in methodology and "not designed as a time series" in methodology
    about = client.get("/about/").content.decode()
    assert "O*NET 30.1 Database" in about and "simplemaps.com/data/us-cities" in about
    assert "arshkon/linkedin-job-postings" in about and "CC BY-SA 4.0" in about
