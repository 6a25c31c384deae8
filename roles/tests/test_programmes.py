"""Programmes near you on the role page, in the role card API and in the CSV and JSON downloads: the same
institutions, in the same order, as `market.programmes` finds from the IPEDS files (market/tests/test_programmes.py
checks those against the files)."""

import csv
import io

import pytest
from django.core.cache import cache

from geo.models import City
from market.programmes import programmes_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def bozeman_programmes():
    bozeman = City.objects.get(name="Bozeman", state__abbr="MT")
    return programmes_for("29-1141", point=(float(bozeman.latitude), float(bozeman.longitude)), near="Bozeman, MT")


def test_the_role_page_lists_nursing_programmes_near_bozeman(client):
    expected = bozeman_programmes()
    page = client.get("/roles/registered-nurses/", {"location": "Bozeman, MT"}).content.decode()
    section = page[page.index('id="programmes"') :]
    section = section[: section.index("</section>")]
    assert "Nearest first to <strong>Bozeman, MT</strong>" in section
    positions = [section.index(f">{school.name}</a>") for school in expected.schools]
    assert positions == sorted(positions)  # nearest first
    first = expected.schools[0]
    assert f'href="{first.url}"' in section and f"{first.programmes[0].completions:,}" in section
    assert "<caption>" in section and "IPEDS Completions 2023-24" in section


def test_the_card_api_and_downloads_carry_the_same_programmes(client):
    expected = bozeman_programmes()
    body = client.get("/api/v1/roles/registered-nurses", {"location": "Bozeman, MT"}).json()["programmes"]
    assert body["near"] == "Bozeman, MT" and body["academic_year"] == "2023-24"
    assert body["institutions"] == expected.institutions
    assert [(s["unitid"], s["distance_miles"], s["completions"]) for s in body["schools"]] == [
        (s.unitid, s.distance_miles, s.completions) for s in expected.schools
    ]
    download = client.get("/roles/registered-nurses/figures.json", {"location": "Bozeman, MT"}).json()
    assert download["programmes"] == body
    rows = list(csv.DictReader(io.StringIO(client.get("/roles/registered-nurses/figures.csv",
                                                       {"location": "Bozeman, MT"}).content.decode())))  # fmt: skip
    programme_rows = [row for row in rows if row["section"] == "programme"]
    assert [(int(r["institution_unitid"]), r["cip_code"], int(r["completions"])) for r in programme_rows] == [
        (s.unitid, p.code, p.completions) for s in expected.schools for p in s.programmes
    ]
    assert rows[0]["section"] == "national" and programme_rows[0]["sources"].startswith("U.S. Department of Education")


def test_without_a_place_the_largest_nationally(client):
    expected = programmes_for("29-1141")
    body = client.get("/api/v1/roles/registered-nurses").json()["programmes"]
    assert body["near"] == "" and [s["unitid"] for s in body["schools"]] == [s.unitid for s in expected.schools]
    page = client.get("/roles/registered-nurses/").content.decode()
    assert "The largest nationally by awards that year" in page


def test_the_table_rows_group_each_institutions_programmes_and_escape_what_ipeds_wrote():
    """`programme_rows` (the table's rows, built in Python): one row a programme, the institution's name, city and
    distance spanning its rows, every text escaped."""
    from market.programmes import Programme, Programmes, ProgrammeSchool
    from roles.templatetags.rolescope import programme_rows

    nursing = Programme("51.3801", "Registered Nursing <RN>", "Bachelor's degree", 1234, 2)
    practical = Programme("51.3901", "Practical Nursing", "Certificate of 1 to under 2 years", 9, 0)
    school = ProgrammeSchool(1, "A & B College", "Bozeman", "MT", "https://ab.example/?a=1&b=2", 12.5, 1243,
                             [nursing, practical])  # fmt: skip
    html = programme_rows(Programmes("2023-24", "Bozeman, MT", [school], 1))
    assert html.count("<tr>") == 2 and html.count('rowspan="2"') == 3
    assert '<a href="https://ab.example/?a=1&amp;b=2" rel="noopener nofollow">A &amp; B College</a>' in html
    assert '<td rowspan="2">13 mi</td>' in html  # floatformat's rounding, half up
    assert 'Registered Nursing &lt;RN&gt; <span class="note">(CIP 51.3801)</span>' in html
    assert "also prepares for 2 other occupations</span>" in html and "<td>1,234</td>" in html
    assert html.count("also prepares") == 1  # the practical nursing programme prepares for this occupation only
