"""Supply, demand and difficulty recomputed independently from the source files."""

import csv
import gzip
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.core.cache import cache

from market.difficulty import NEW_ENTRANT_AWARD_LEVELS, national_market, statistical_units
from market.models import ProgramOccupation

pytestmark = pytest.mark.django_db


def rows(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def expected_new_entrants(snapshot_dir, soc):
    employment = {
        r["OCC_CODE"]: int(r["TOT_EMP"])
        for r in rows(snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz")
        if r["AREA"] == "99" and r["TOT_EMP"].isdigit()
    }
    units = statistical_units(employment)
    linked = defaultdict(set)
    for r in rows(snapshot_dir / "cip-soc/CIP2020_SOC2018_Crosswalk.csv.gz"):
        code = r["SOC2018Code"]
        unit = next((c for c in (code, code[:6] + "0", code[:5] + "00") if c in units), None)
        if unit:
            linked[r["CIP2020Code"]].add(unit)
    total = Decimal(0)
    for r in rows(snapshot_dir / "ipeds-completions/completions_national_cip6_awlevel_c2024.csv.gz"):
        if int(r["awlevel"]) in NEW_ENTRANT_AWARD_LEVELS and soc in linked.get(r["cipcode"], ()):
            share = Decimal(employment[soc]) / sum(employment[u] for u in linked[r["cipcode"]])
            total += int(r["ctotalt"]) * share
    return int(total.to_integral_value(ROUND_HALF_UP))


def test_software_developers_supply_and_demand(snapshot_dir):
    market = national_market("15-1252")
    workbook = openpyxl.load_workbook(snapshot_dir / "projections/occupation_2024-34.xlsx", read_only=True)
    line = next(r for r in workbook["Table 1.2"].iter_rows(values_only=True) if r[1] == "15-1252")
    assert market.openings == int(Decimal(str(line[10])) * 1000) == 115_200
    # CPS table 25b: Census 1021 "Software developers" maps to 15-1252 alone: 76 thousand unemployed.
    assert market.experienced == 76_000
    assert market.new_entrants == expected_new_entrants(snapshot_dir, "15-1252")
    supply = market.experienced + market.new_entrants
    assert market.supply == supply
    assert market.difficulty == (Decimal(100) * supply / (supply + market.openings)).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    assert {c.label for c in market.citations} == {"Job openings", "Experienced job seekers", "New entrants"}


def test_census_code_covering_several_occupations_is_split_by_employment(snapshot_dir):
    # Census 4720 Cashiers -> SOC broad 41-2010 (41-2011 Cashiers, 41-2012 Gambling change persons and booth cashiers).
    employment = {
        r["OCC_CODE"]: int(r["TOT_EMP"])
        for r in rows(snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz")
        if r["AREA"] == "99" and r["OCC_CODE"] in ("41-2011", "41-2012")
    }
    cashiers = national_market("41-2011").experienced
    booth = national_market("41-2012").experienced
    assert cashiers + booth in (251_000, 251_001, 250_999)  # rounding of two shares
    expected = Decimal(251_000) * employment["41-2011"] / sum(employment.values())
    assert cashiers == int(expected.to_integral_value(ROUND_HALF_UP))


def test_programs_are_never_counted_twice(snapshot_dir):
    # Every graduate of a program that feeds several occupations is shared out, not copied:
    # the new entrants of all occupations fed by 11.0701 Computer Science sum to at most its graduates.
    socs = list(ProgramOccupation.objects.filter(program_code="11.0701").values_list("soc_code", flat=True))
    assert len(socs) == 13
    total_entrants = sum(national_market(soc).new_entrants for soc in socs)
    all_linked_graduates = expected_total_linked(snapshot_dir, socs)
    assert total_entrants <= all_linked_graduates + len(socs)


def expected_total_linked(snapshot_dir, socs):
    programs = {
        r["CIP2020Code"]
        for r in rows(snapshot_dir / "cip-soc/CIP2020_SOC2018_Crosswalk.csv.gz")
        if r["SOC2018Code"] in socs
    }
    return sum(
        int(r["ctotalt"])
        for r in rows(snapshot_dir / "ipeds-completions/completions_national_cip6_awlevel_c2024.csv.gz")
        if r["cipcode"] in programs and int(r["awlevel"]) in NEW_ENTRANT_AWARD_LEVELS
    )


def test_missing_inputs_are_said_not_invented():
    market = national_market("55-1011")  # military: no OEWS employment
    assert market.supply is None and market.difficulty is None
    assert market.notes
