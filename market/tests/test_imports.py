"""Employment Projections and labor-supply inputs, checked against the published figures."""

from decimal import Decimal

import pytest

from market.models import CensusOccupation, Completions, Program, ProgramOccupation, Projection, Unemployment

pytestmark = pytest.mark.django_db


def test_projections_spot_values():
    total = Projection.objects.get(period="2024-34", code="00-0000")
    assert (total.employment_base, total.employment_target, total.openings) == (
        Decimal("169956.1"),
        Decimal("175167.9"),
        Decimal("18863.3"),
    )
    software = Projection.objects.get(period="2024-34", code="15-1252")
    assert software.kind == "line_item"
    assert (software.employment_base, software.employment_target, software.openings) == (
        Decimal("1693.8"),
        Decimal("1961.4"),
        Decimal("115.2"),
    )
    assert software.change_percent == Decimal("15.8")
    assert software.entry_education == "Bachelor's degree"
    assert software.median_wage_text == "133080"
    assert software.separations_rate is not None
    assert Projection.objects.count() == 1_113
    assert Projection.objects.filter(kind="line_item").count() == 832


def test_cps_unemployment_spot_values():
    software = Unemployment.objects.select_related("census_occupation").get(year=2025, census_occupation="1021")
    assert software.census_occupation.soc_code == "15-1252"
    assert (software.unemployed, software.labor_force, software.unemployment_rate) == (76, 2330, Decimal("3.3"))
    total = Unemployment.objects.get(year=2025, level="total")
    assert (total.unemployed, total.labor_force) == (7314, 170807)
    assert Unemployment.objects.filter(level="detailed").count() == 565
    assert CensusOccupation.objects.count() == 570


def test_crosswalk_drops_no_match_sentinels():
    socs = set(ProgramOccupation.objects.filter(program_code="11.0701").values_list("soc_code", flat=True))
    assert socs == {
        "11-3021",
        "15-1212",
        "15-1221",
        "15-1231",
        "15-1243",
        "15-1251",
        "15-1252",
        "15-1253",
        "15-1254",
        "15-1255",
        "15-1299",
        "15-2051",
        "25-1021",
    }
    assert ProgramOccupation.objects.filter(soc_code="15-1252").count() == 20
    assert not ProgramOccupation.objects.filter(soc_code="99-9999").exists()
    assert not ProgramOccupation.objects.filter(program_code="99.9999").exists()
    assert ProgramOccupation.objects.count() == 5_723
    assert Program.objects.get(code="11.0701").title == "Computer Science"


def test_completions_spot_values():
    bachelors = Completions.objects.filter(program_code="11.0701", award_level=5, state_abbr="US")
    assert dict(bachelors.values_list("academic_year", "total")) == {
        "2021-22": 40_112,
        "2022-23": 41_874,
        "2023-24": 44_426,
    }
    national_total = sum(
        Completions.objects.filter(academic_year="2023-24", state_abbr="US").values_list("total", flat=True)
    )
    assert national_total == 5_408_821
    state_total = sum(
        Completions.objects.filter(academic_year="2023-24").exclude(state_abbr="US").values_list("total", flat=True)
    )
    assert state_total == 5_459_862
