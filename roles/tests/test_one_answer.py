"""One answer on every surface: for (occupation, area) pairs drawn at random from the BLS source file, the role
page, the role card API, the wages API and the CSV download show the same numbers, and they equal the file.

Hypothesis draws 500 pairs from the estimates whose detailed occupation has its own role and whose median is
published; the place for each area is typed as a person would (a metro area's title, a town in a nonmetropolitan
area, a state's name)."""

import csv
import functools
import gzip
import html
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from geo.models import Area, City
from roles.models import Role

pytestmark = pytest.mark.django_db
OEWS_2025 = settings.ROLESCOPE_SNAPSHOT_DIR / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
PERCENTILES = {"p10": "PCT10", "p25": "PCT25", "median": "MEDIAN", "p75": "PCT75", "p90": "PCT90", "mean": "MEAN"}


def area_code(row: dict[str, str]) -> str:
    kind, number = row["AREA_TYPE"], int(row["AREA"])
    return {"1": "0000000", "2": f"{number:02d}00000", "3": f"{number:02d}00000", "4": f"00{number:05d}"}.get(
        kind, f"{number:07d}"
    )


@functools.cache
def source_rows() -> dict[tuple[str, str], dict[str, str]]:
    """(occupation, area code) -> the row of the May 2025 file, for detailed occupations."""
    with gzip.open(OEWS_2025, "rt", encoding="utf-8-sig", newline="") as handle:
        return {
            (row["OCC_CODE"], area_code(row)): row for row in csv.DictReader(handle) if row["O_GROUP"] == "detailed"
        }


def typed_place(area: Area) -> str | None:
    """What a person would type for this area: a metro title, a state's name, a town in a nonmetropolitan area."""
    if area.kind == Area.Kind.METRO:
        return area.name
    if area.kind == Area.Kind.STATE and area.state_abbr != "DC":
        return f"{area.name} State" if area.name in ("New York", "Washington") else area.name
    if area.kind == Area.Kind.NONMETRO:
        town = City.objects.filter(county__oews_area=area).order_by("-population").first()
        return f"{town.name}, {town.state.abbr}" if town else None
    return None


@functools.cache
def pairs() -> list[tuple[str, str, str, str]]:
    """(role slug, occupation, area code, typed place) for every estimate with a published median whose detailed
    occupation has its own role; about 150,000."""
    roles = dict(Role.objects.filter(is_curated=False).values_list("occupation_id", "slug"))
    places = {area.code: typed_place(area) for area in Area.objects.exclude(kind=Area.Kind.NATIONAL)}
    found = []
    for (occupation, code), row in source_rows().items():
        published = row["A_MEDIAN"].isdigit() or re.fullmatch(r"\d+\.\d+", row["H_MEDIAN"])
        place = places.get(code)
        if occupation in roles and place and published and (occupation, "0000000") in source_rows():
            found.append((roles[occupation], occupation, code, place))
    return sorted(found)


def published(value: str) -> Decimal | None:
    return Decimal(value) if re.fullmatch(r"\d+(\.\d+)?", value) else None


def number(value: float | int | str | None) -> Decimal | None:
    return None if value in (None, "", "#", "*") else Decimal(str(value))


def money(value: Decimal, unit: str) -> str:
    return f"${int(value):,}" if unit == "year" else f"${value:,.2f}"


def page_text(client: Client, slug: str, place: str) -> str:
    body = client.get(f"/roles/{slug}/", {"location": place}).content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """500 pairs, four requests each, from one address: more than an anonymous caller may make in a minute."""
    settings.API_ANON_RATE_PER_MINUTE = settings.PAGE_WORK_RATE_PER_MINUTE = 1_000_000


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return pairs()


def test_the_sample_space_is_large(sample):
    assert len(sample) > 50_000
    kinds = {code[:2] == "00" for _, _, code, _ in sample}
    assert kinds == {True, False}  # metro areas, and states and nonmetropolitan areas


@hypothesis_settings(
    max_examples=500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_page_api_and_csv_show_the_source_numbers(data, sample):
    # an index, not sampled_from(sample): hypothesis hashes every element of a sampled_from list on each draw
    slug, occupation, code, place = sample[data.draw(st.integers(0, len(sample) - 1), label="pair")]
    row = source_rows()[(occupation, code)]
    client = Client()

    card = client.get(f"/api/v1/roles/{slug}", {"location": place}).json()
    local = card["local"]
    assert local["area"]["code"] == code, (place, local["area"])
    wages = client.get("/api/v1/wages", {"occupation": occupation, "area": code}).json()
    rows = {
        r["section"]: r
        for r in csv.DictReader(
            client.get(f"/roles/{slug}/figures.csv", {"location": place}).content.decode().splitlines()
        )
    }
    download = rows["local"]
    for unit, prefix, suffix in (("annual", "A_", "usd_per_year"), ("hourly", "H_", "usd_per_hour")):
        for key, column in PERCENTILES.items():
            expected = published(row[prefix + column])
            assert number(local[unit][key]) == expected, (unit, key)
            assert number(wages[unit][key]) == expected, (unit, key)
            cell = download[f"{unit}_{key}_{suffix}"]
            assert (number(cell) if cell not in ("#", "*") else None) == expected, (unit, key)
            if expected is None and row[prefix + column] in ("#", "*"):
                assert cell == row[prefix + column]  # the BLS symbol, as the file has it
    employment = published(row["TOT_EMP"])
    assert number(local["employment"]) == number(wages["employment"]) == employment
    assert number(download["employment"] or None) == employment

    unit = local["wage_unit"]
    prefix = "A_" if unit == "year" else "H_"
    per = "a year" if unit == "year" else "an hour"
    lmh = [published(row[prefix + column]) for column in ("PCT25", "MEDIAN", "PCT75")]
    page = page_text(client, slug, place)
    local_page = page[page.index("Salary variance") :]
    for label, value in zip(("Low", "Medium", "High"), lmh, strict=True):
        shown = f"{money(value, unit)} {per}" if value is not None else "Not published"
        assert f"{label} {shown}" in local_page, (label, shown)
