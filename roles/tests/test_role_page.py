"""The role page, checked against the BLS source files, for several roles and places."""

import csv
import gzip
import html
import re
from decimal import Decimal

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def oews_row(path, area, occupation):
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["AREA"] == area and row["OCC_CODE"] == occupation:
                return row
    raise AssertionError(f"{occupation} in {area} not in {path.name}")


def dollars(value: str) -> str:
    return f"${int(value):,}"


@pytest.fixture
def oews_2025(snapshot_dir):
    return snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_back_end_developer_national_figures_match_oews(client, oews_2025, snapshot_dir):
    response = client.get("/roles/back-end-developer/")
    assert response.status_code == 200
    page = text_of(response)
    row = oews_row(oews_2025, "99", "15-1254")
    assert (
        f"Low {dollars(row['A_PCT25'])} a year Medium {dollars(row['A_MEDIAN'])} a year "
        f"High {dollars(row['A_PCT75'])} a year" in page
    )
    assert f"10th percentile {dollars(row['A_PCT10'])} ${row['H_PCT10']}" in page
    assert f"Employment: {int(row['TOT_EMP']):,} (relative standard error {row['EMP_PRSE']}%)" in page
    assert "15-1254 Web Developers" in page and "May 2025" in page
    assert "Technical › Back-End Developer" in page or "Technical Back-End Developer" in page
    previous = oews_row_plain(snapshot_dir / "oews-history/national_M2024_dl.csv.gz", "15-1254")
    change = ((Decimal(row["A_MEDIAN"]) - Decimal(previous)) * 100 / Decimal(previous)).quantize(Decimal("0.1"))
    assert f"+{change}%" in page
    assert f"May 2024 (${int(previous):,}) to May 2025 ({dollars(row['A_MEDIAN'])})" in page
    # The customer's own text, in seed order.
    assert "A Back-End Developer is responsible for designing and implementing the server-side logic" in page
    assert (
        page.index("Salary national average")
        < page.index("Change from previous year")
        < page.index("Supply and demand")
        < page.index("Salary variance")
        < page.index("Short description")
        < page.index("Duties / responsibilities")
        < page.index("Skills / requirements / qualifications")
        < page.index("Job zone")
        < page.index("Share role details")
        < page.index("Return to job listings")
    )
    assert "Job Zone Three: Medium Preparation Needed" in page
    assert "Specific vocational preparation (SVP) range: 6.0 to < 7.0 on the SVP scale" in page
    assert "over 1 year, up to 2 years of preparation" in page


def oews_row_plain(path, occupation):
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return next(row["A_MEDIAN"] for row in csv.DictReader(handle) if row["OCC_CODE"] == occupation)


@pytest.mark.parametrize(
    ("slug", "location", "area", "area_name"),
    [
        ("back-end-developer", "Austin, TX", "12420", "Austin-Round Rock-San Marcos, TX"),
        ("software-developers", "Sunnyvale, California", "41940", "San Jose-Sunnyvale-Santa Clara, CA"),
        ("registered-nurses", "94086", "41940", "San Jose-Sunnyvale-Santa Clara, CA"),
        ("registered-nurses", "Seattle-Tacoma-Bellevue, WA", "42660", "Seattle-Tacoma-Bellevue, WA"),
    ],
)
def test_local_figures_match_oews(client, oews_2025, slug, location, area, area_name):
    response = client.get(f"/roles/{slug}/", {"location": location})
    assert response.status_code == 200
    page = text_of(response)
    occupation = re.search(r"for the occupation (\d{2}-\d{4})", page).group(1)
    row = oews_row(oews_2025, area, occupation)
    assert f"come from the {area_name} metropolitan area estimates" in page
    local = page[page.index("Salary variance") :]
    assert (
        f"Low {dollars(row['A_PCT25'])} a year Medium {dollars(row['A_MEDIAN'])} a year "
        f"High {dollars(row['A_PCT75'])} a year" in local
    )
    national = oews_row(oews_2025, "99", occupation)
    difference = (Decimal(row["A_MEDIAN"]) - Decimal(national["A_MEDIAN"])) * 100 / Decimal(national["A_MEDIAN"])
    sign = "+" if difference > 0 else "−"
    assert f"{sign}{abs(difference.quantize(Decimal('0.1')))}% against the national median" in local
    assert "Local demand" in local


def test_alaska_nonmetro_and_state_fallbacks(client, oews_2025):
    page = text_of(client.get("/roles/registered-nurses/", {"location": "Juneau, AK"}))
    row = oews_row(oews_2025, "200006", "29-1141")
    assert "come from the Alaska nonmetropolitan area estimates" in page
    assert f"Medium {dollars(row['A_MEDIAN'])}" in page[page.index("Salary variance") :]


def test_ambiguous_place_offers_a_choice(client):
    page = text_of(client.get("/roles/registered-nurses/", {"location": "Springfield"}))
    assert "Several places match “Springfield”. Which one?" in page
    assert "Springfield, IL" in page and "Springfield, MO" in page and "Springfield, MA" in page


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("Atlantis, ZZ", "We couldn't find a state called “ZZ”."),
        ("Qwxyzzy", "We couldn't find “Qwxyzzy”."),
        ("", "Enter a city and state (Austin, TX), a ZIP code or a metro area."),
        ("x" * 5000, "That is too long for a place name (at most 100 characters)."),
        ("00000", "We couldn't find ZIP code 00000."),
    ],
)
def test_bad_places_get_a_clear_message_never_a_server_error(client, location, message):
    response = client.get("/roles/back-end-developer/", {"location": location})
    assert response.status_code == 200
    assert message in text_of(response)
    assert 'role="alert"' in response.content.decode()


def test_unknown_place_suggests_the_nearest_names(client):
    page = text_of(client.get("/roles/back-end-developer/", {"location": "Nwe York, NY"}))
    assert "Did you mean:" in page and "New York, NY" in page


def test_markup_in_the_location_is_escaped(client):
    response = client.get("/roles/back-end-developer/", {"location": '<script>alert("x")</script>'})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_role_page_query_count_is_pinned(client, django_assert_max_num_queries):
    client.get("/roles/registered-nurses/", {"location": "Austin, TX"})  # warm the per-release caches
    cache.delete_many([])
    with django_assert_max_num_queries(20):
        response = client.get("/roles/back-end-developer/", {"location": "Sunnyvale, CA"})
    assert response.status_code == 200


def test_conditional_get_answers_304(client):
    first = client.get("/roles/back-end-developer/", {"location": "Austin, TX"})
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert "max-age" in first["Cache-Control"]
    again = client.get("/roles/back-end-developer/", {"location": "Austin, TX"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_soc_code_redirects_to_its_role(client):
    response = client.get("/roles/soc/29-1141/")
    assert response.status_code == 302 and response["Location"] == "/roles/registered-nurses/"
    assert client.get("/roles/soc/99-9999/").status_code == 404
    assert client.get("/roles/no-such-role/").status_code == 404


def test_share_section_and_social_tags(client):
    response = client.get("/roles/back-end-developer/", {"location": "austin, tx"})
    body = response.content.decode()
    assert 'property="og:title" content="Back-End Developer in Austin, TX · rolescope"' in body
    assert 'name="twitter:card" content="summary_large_image"' in body
    image = "http://testserver/roles/back-end-developer/preview.png?location=Austin%2C+TX"
    assert f'property="og:image" content="{image}"' in body
    assert "http://testserver/roles/back-end-developer/?location=Austin%2C+TX" in body
    assert "https://www.linkedin.com/sharing/share-offsite/?url=http%3A//testserver/roles/back-end-developer/" in body
    assert "https://x.com/intent/post?url=" in body and "mailto:?subject=Back-End%20Developer" in body
    assert "/roles/back-end-developer/figures.csv?location=Austin%2C+TX" in body
    assert 'media="print"' in body


def test_page_works_without_javascript(client):
    body = client.get("/roles/back-end-developer/").content.decode()
    form = re.search(r'<form method="get" action="/roles/back-end-developer/#local"[^>]*>.*?</form>', body, re.S)
    assert form and 'name="location"' in form.group(0) and 'type="submit"' in form.group(0)
    assert '<label for="location">Enter City, State to view local salaries and candidate demand</label>' in body


def test_downloads_carry_the_same_figures_as_the_page(client, oews_2025):
    data = client.get("/roles/back-end-developer/figures.json", {"location": "Austin, TX"}).json()
    row = oews_row(oews_2025, "12420", "15-1254")
    assert data["local"]["annual"]["median"] == int(row["A_MEDIAN"])
    assert data["local"]["area"]["code"] == "0012420"
    assert data["national"]["release"]["citation"].endswith("May 2025")
    assert data == client.get("/api/v1/roles/back-end-developer", {"location": "Austin, TX"}).json()
    response = client.get("/roles/back-end-developer/figures.csv", {"location": "Austin, TX"})
    assert response["Content-Disposition"] == 'attachment; filename="back-end-developer-austin-tx.csv"'
    rows = {r["section"]: r for r in csv.DictReader(response.content.decode().splitlines())}
    local = rows["local"]
    assert (local["place"], local["area_code"], local["release"]) == ("Austin, TX", "0012420", "May 2025")
    for column, field in [
        ("annual_p10_usd_per_year", "A_PCT10"),
        ("annual_median_usd_per_year", "A_MEDIAN"),
        ("annual_mean_usd_per_year", "A_MEAN"),
        ("hourly_median_usd_per_hour", "H_MEDIAN"),
        ("hourly_p90_usd_per_hour", "H_PCT90"),
        ("employment", "TOT_EMP"),
        ("employment_rse_percent", "EMP_PRSE"),
        ("mean_wage_rse_percent", "MEAN_PRSE"),
        ("location_quotient", "LOC_QUOTIENT"),
    ]:
        assert Decimal(local[column]) == Decimal(row[field]), column
    assert Decimal(local["median_vs_national_percent"]) == Decimal(str(data["local_difference_percent"]))
    assert int(local["job_openings"]) == data["local_market"]["job_openings"]
    assert local["market_basis"] == "public estimates"
    national = rows["national"]
    assert Decimal(national["change_from_previous_release_percent"]) == Decimal(
        str(data["change_from_previous_year"]["percent"])
    )
    assert national["change_basis"] == "annual median"
    assert int(national["candidate_supply"]) == data["market"]["candidate_supply"]
    page = text_of(client.get("/roles/back-end-developer/", {"location": "Austin, TX"}))
    assert (
        f"Candidate supply {data['market']['candidate_supply']:,} Job openings {data['market']['job_openings']:,}"
        in page
    )
    assert client.get("/roles/back-end-developer/figures.xml").status_code == 404


def test_a_hash_the_release_does_not_use_as_a_ceiling_is_not_published_for_the_area(client, oews_2025):
    """May 2025 marks every wage of Alabama's oral surgeons "#", yet publishes wages far above $239,200 elsewhere:
    the page says BLS publishes no median there and shows the nation's, never "$239,200 or more"."""
    row = oews_row(oews_2025, "1", "29-1022")  # Oral and maxillofacial surgeons, Alabama
    assert row["A_MEDIAN"] == "#"
    national = oews_row(oews_2025, "99", "29-1022")
    page = text_of(client.get("/roles/soc/29-1022/", {"location": "Alabama"}, follow=True))
    local = page[page.index("Salary variance") :]
    assert "BLS publishes no median wage for this occupation in Alabama (its cells are marked “#”" in local
    assert f"Medium {dollars(national['A_MEDIAN'])} a year" in local
    assert "or more" not in local


def test_a_partly_marked_estimate_says_not_published_for_this_area(client, oews_2025):
    row = oews_row(oews_2025, "24340", "29-1211")  # Anesthesiologists, Grand Rapids: the 90th marked "#"
    assert row["A_PCT90"] == "#" and row["A_MEDIAN"].isdigit()
    page = text_of(client.get("/roles/soc/29-1211/", {"location": "Grand Rapids, MI"}, follow=True))
    local = page[page.index("Salary variance") :]
    assert f"Medium {dollars(row['A_MEDIAN'])} a year High {dollars(row['A_PCT75'])} a year" in local
    assert "90th percentile Not published for this area Not published for this area" in local
    assert "“# indicates a wage equal to or greater than $115.00 per hour or $239,200 per year”" in local
    assert "publishes wages up to $946,560 a year elsewhere" in local


def test_a_hash_in_a_release_that_uses_it_as_a_ceiling_reads_as_one(client, snapshot_dir):
    """May 2024 publishes nothing above $239,200: its "#" means "$239,200 or more" (anesthesiologists' median)."""
    with gzip.open(snapshot_dir / "oews-history/national_M2024_dl.csv.gz", "rt", encoding="utf-8-sig") as handle:
        row = next(r for r in csv.DictReader(handle) if r["OCC_CODE"] == "29-1211")
    assert row["A_MEDIAN"] == "#"
    page = text_of(client.get("/roles/soc/29-1211/", follow=True))
    assert "May 2024 $239,200 or more $115.00 or more" in page


def test_unpublished_metro_cell_falls_back_to_the_state(client, oews_2025):
    from geo.models import City

    with gzip.open(oews_2025, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    states = {(r["PRIM_STATE"], r["OCC_CODE"]): r for r in rows if r["AREA_TYPE"] == "2"}
    row = next(
        r
        for r in rows
        if r["AREA_TYPE"] == "4"
        and r["O_GROUP"] == "detailed"
        and r["A_MEDIAN"] == "*"
        and states.get((r["PRIM_STATE"], r["OCC_CODE"]), {}).get("A_MEDIAN", "*").isdigit()
        and City.objects.filter(county__oews_area=f"00{r['AREA']}", state__abbr=r["PRIM_STATE"]).exists()
    )
    state = states[(row["PRIM_STATE"], row["OCC_CODE"])]
    city = City.objects.filter(county__oews_area=f"00{row['AREA']}", state__abbr=row["PRIM_STATE"]).first()
    page = text_of(
        client.get(f"/roles/soc/{row['OCC_CODE']}/", {"location": f"{city.name}, {row['PRIM_STATE']}"}, follow=True)
    )
    local = page[page.index("Salary variance") :]
    area, state_name = row["AREA_TITLE"], state["AREA_TITLE"]
    said = f"BLS publishes no median wage for this occupation in {area}; the figures are for {state_name}."
    assert said in local
    assert f"shown here for {state['AREA_TITLE']}" in local
    listed = client.get(
        "/api/v1/wages", {"occupation": row["OCC_CODE"], "location": f"{city.name}, {row['PRIM_STATE']}"}
    )
    assert listed.json()["area_note"] == said  # the same sentence in the API
    assert f"Medium {dollars(state['A_MEDIAN'])}" in local


def test_link_previews_quote_the_local_figure(client, oews_2025):
    body = client.get("/roles/registered-nurses/", {"location": "seattle wa"}).content.decode()
    row = oews_row(oews_2025, "42660", "29-1141")
    said = f"Median {dollars(row['A_MEDIAN'])} a year in Seattle-Tacoma-Bellevue, WA (BLS OEWS May 2025)."
    assert f'<meta property="og:description" content="{said}' in html.unescape(body)
    assert f'<meta name="twitter:description" content="{said}">' in html.unescape(body)
    assert '<meta name="twitter:title" content="Registered Nurses in Seattle, WA · rolescope">' in body


def test_the_place_travels_with_every_link(client):
    body = html.unescape(client.get("/roles/registered-nurses/", {"location": "Bozeman MT"}).content.decode())
    place = "location=Bozeman%2C+MT"
    links = re.findall(r'href="([^"]+)"', body)
    related = [link for link in links if link.startswith("/roles/") and "/figures." not in link and "soc" not in link]
    assert related and all(place in link for link in related if link != "/roles/"), related
    for text in ("See the postings", "Return to job listings", "Download figures (CSV)"):
        link = re.search(rf'href="([^"]+)"[^>]*>{re.escape(text)}', body).group(1)
        assert place in link, (text, link)
    category = re.search(r'href="(/roles/\?category=[^"]+)"', body).group(1)
    assert place in category
    directory = html.unescape(client.get(category).content.decode())
    roles = [link for link in re.findall(r'href="(/roles/[a-z0-9-]+/[^"]*)"', directory)]
    assert roles and all(place in link for link in roles)


def test_places_of_one_area_share_its_local_figures_until_the_data_changes(client, oews_2025):
    """Two ZIP codes of the Seattle metro area are answered with the area's figures (one per occupation and area, read
    with indexed queries, kept by no worker), equal to the source file; after a data-version bump they are read
    afresh and show the same."""
    from geo.resolve import resolve
    from roles.card import local_figures, occupation_profile
    from sources import versions

    first, second = resolve("98101").place, resolve("98109").place
    assert first is not None and second is not None and first.area == second.area
    kept = local_figures(occupation_profile("29-1141"), "29-1141", first.area)
    other = local_figures(occupation_profile("29-1141"), "29-1141", second.area)
    assert other.located.estimate == kept.located.estimate and other.located.asked == kept.located.asked
    row = oews_row(oews_2025, first.area.code.lstrip("0"), "29-1141")
    assert kept.local is not None and kept.local.medium.text == dollars(row["A_MEDIAN"])
    assert other.local is not None and other.local.medium.text == kept.local.medium.text
    for place in ("98101", "98109"):
        assert dollars(row["A_MEDIAN"]) in text_of(client.get("/roles/registered-nurses/", {"location": place}))
    versions.bump("data")
    again = local_figures(occupation_profile("29-1141"), "29-1141", first.area)
    assert again is not kept and again.local.medium.text == kept.local.medium.text


def test_the_site_navigation_follows_the_script_prefix(client):
    """The navigation's addresses are reversed once per script prefix: a site mounted under /rolescope links there."""
    plain = client.get("/roles/registered-nurses/").content.decode()  # the role object is kept from here on
    assert 'href="/jobs/"' in plain and 'href="/roles/registered-nurses/"' in plain
    from django.test.utils import override_script_prefix

    cache.clear()  # the page cache is keyed by the path a WSGI server sees, which the test client leaves unprefixed
    with override_script_prefix("/rolescope/"):  # as a WSGI server's SCRIPT_NAME sets it
        mounted = client.get("/roles/registered-nurses/").content.decode()
    assert 'href="/rolescope/jobs/"' in mounted and 'href="/jobs/"' not in mounted
    assert 'href="/rolescope/roles/registered-nurses/"' in mounted  # the role object kept between requests too


def test_two_local_reliability_warnings_read_as_two_sentences(client, oews_2025):
    """Electricians in Brattleboro, VT (the Southern Vermont nonmetropolitan area): both the employment and the mean
    wage estimates are above 10% relative standard error in the source, and the page's text (as a browser reads it,
    tags adding no space) keeps the two warnings apart."""
    row = oews_row(oews_2025, "5000001", "47-2111")
    assert float(row["EMP_PRSE"]) > 10 and float(row["MEAN_PRSE"]) > 10
    response = client.get("/roles/electricians/", {"location": "Brattleboro VT"})
    assert response.status_code == 200
    read = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode())))
    assert (
        f"Less reliable: The employment estimate has a relative standard error of {row['EMP_PRSE']}%. "
        f"Less reliable: The mean wage estimate has a relative standard error of {row['MEAN_PRSE']}%."
    ) in read
