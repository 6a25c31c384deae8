"""The job seeker's path (issue 19): outlook, how to get in, next steps, what Low/Medium/High mean and what the pay buys
in a place, on the role page, in the role card API and in the CSV download, each equal to its source file."""

import csv
import gzip
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest

from geo.imports.rpp import parse
from roles.card import occupation_profile

pytestmark = pytest.mark.django_db

BOZEMAN = "Bozeman, MT"


def projections(shared_data) -> dict[str, dict[str, str]]:
    """BLS table 1.2 as the shared folder's CSV extract gives it (independent of the importer, which reads the xlsx)."""
    path = shared_data / "projections/ep_table_1_2_occupational_projections_2024_34.csv"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["occ_code"]: row for row in csv.DictReader(handle)}


def bea_all_items(path, fips: str) -> Decimal:
    """The 2024 all-items RPP of one area, read from BEA's file directly."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for values in csv.reader(handle):
            if len(values) > 8 and values[0].strip().strip('"') == fips and values[4] == "1":
                return Decimal(values[-1])
    raise AssertionError(fips)


def oews_row(snapshot_dir, area: str, occupation: str) -> dict[str, str]:
    path = snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r["AREA"] == area and r["OCC_CODE"] == occupation)


@pytest.mark.parametrize("slug,soc", [("registered-nurses", "29-1141"), ("electricians", "47-2111")])
def test_outlook_and_entry_equal_the_projections(client, shared_data, slug, soc):
    table = projections(shared_data)
    row, total = table[soc], table["00-0000"]
    card = client.get(f"/api/v1/roles/{slug}").json()
    outlook, entry = card["outlook"], card["entry"]
    assert outlook["period"] == "2024-34"
    assert outlook["employment_base"] == float(row["emp_2024_thousands"])
    assert outlook["employment_target"] == float(row["emp_2034_thousands"])
    assert outlook["change"] == float(row["emp_change_num_thousands"])
    assert outlook["change_percent"] == float(row["emp_change_pct"])
    assert outlook["openings"] == float(row["openings_annual_avg_thousands"])
    assert outlook["all_occupations_change_percent"] == float(total["emp_change_pct"])
    assert (entry["education"], entry["work_experience"], entry["job_training"]) == (
        row["typical_entry_education"],
        row["work_experience"],
        row["typical_ojt"],
    )
    assert any("Employment Projections 2024-34" in citation for citation in card["citations"])
    page = client.get(f"/roles/{slug}/").content.decode()
    employment = f"{int(Decimal(row['emp_2024_thousands']) * 1000):,}"
    assert 'id="outlook-heading"' in page and employment in page
    assert f"+{row['emp_change_pct']}%" in page and f"+{total['emp_change_pct']}%" in page
    assert row["typical_ojt"] in page.split('id="entry-heading"')[1]
    national = next(csv.DictReader(io.StringIO(client.get(f"/roles/{slug}/figures.csv").content.decode())))
    assert national["employment_change_percent"] == row["emp_change_pct"]
    assert national["typical_on_the_job_training"] == row["typical_ojt"]


def test_electricians_name_their_apprenticeship(client):
    card = client.get("/api/v1/roles/electricians").json()
    assert card["entry"]["job_training"] == "Apprenticeship" and card["entry"]["apprenticeship"] is True
    entry = client.get("/roles/electricians/").content.decode().split('id="entry-heading"')[1]
    assert (
        "<strong>Apprenticeship:</strong> BLS gives an apprenticeship as the typical way into this occupation" in entry
    )
    nurses = client.get("/api/v1/roles/registered-nurses").json()
    assert nurses["entry"]["apprenticeship"] is False


def test_next_steps_pay_and_skills_equal_the_profiles_and_oews(client, snapshot_dir):
    card = client.get("/api/v1/roles/registered-nurses").json()
    assert card["next_steps"], "O*NET relates occupations to registered nurses"
    own = occupation_profile("29-1141")
    own_top = {r.name for r in own.skills[:10]}
    nurses = oews_row(snapshot_dir, "99", "29-1141")
    for step in card["next_steps"][:3]:
        related = occupation_profile(_soc_of(client, step))
        theirs = [r.name for r in related.skills[:10]]
        assert step["skills"]["shared"] == [n for n in theirs if n in own_top]
        assert step["skills"]["build"] == [n for n in theirs if n not in own_top]
        if step["unit"] == "year":
            row = oews_row(snapshot_dir, "99", related.national.estimate.occupation_id)
            median = int(row["A_MEDIAN"].replace(",", ""))
            assert step["median"] == median
            assert step["difference"] == median - int(nurses["A_MEDIAN"].replace(",", ""))
    page = client.get("/roles/registered-nurses/").content.decode()
    first = card["next_steps"][0]
    assert 'id="next-heading"' in page and first["role"]["title"] in page
    assert f"{len(first['skills']['shared'])} of its top {first['skills']['top']} skills" in page


def _soc_of(client, step) -> str:
    return client.get(f"/api/v1/roles/{step['role']['slug']}").json()["occupation"]["code"]


def test_bozeman_pay_at_us_prices_equals_bea_and_oews(client, shared_data, snapshot_dir):
    rpp = bea_all_items(shared_data / "rpp/MARPP_MSA_2008_2024.csv", "14580")
    row = oews_row(snapshot_dir, "14580", "29-1141")
    median = Decimal(row["A_MEDIAN"].replace(",", ""))
    expected = (median * 100 / rpp).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    card = client.get("/api/v1/roles/registered-nurses", {"location": BOZEMAN}).json()
    prices = card["prices"]
    assert prices["rpp"] == float(rpp) and prices["year"] == 2024
    assert prices["medium"] == float(expected)
    assert any("Regional Price Parities 2024" in c for c in card["citations"])
    page = client.get("/roles/registered-nurses/", {"location": BOZEMAN}).content.decode()
    section = page.split('id="price-parity"')[1]
    assert f"<strong>{rpp}</strong>" in section and f"${int(expected):,}" in section
    assert "not an adjustment for inflation" in section
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/roles/registered-nurses/figures.csv", {"location": BOZEMAN}).content.decode())
        )
    )
    local = next(r for r in rows if r["section"] == "local")
    assert Decimal(local["rpp_all_items"]) == rpp and Decimal(local["median_at_us_prices"]) == expected
    assert [r["next_step_role"] for r in rows if r["section"] == "next_step"] == [
        s["role"]["title"] for s in card["next_steps"]
    ]


def test_a_nonmetro_area_takes_its_states_nonmetro_portion(client, shared_data):
    """Dillon, MT is in the Southwest Montana nonmetropolitan area: BEA's Montana nonmetropolitan portion (30999)."""
    rpp = bea_all_items(shared_data / "rpp/PARPP_PORT_2008_2024.csv", "30999")
    card = client.get("/api/v1/roles/registered-nurses", {"location": "Dillon, MT"}).json()
    assert card["location"]["area"]["code"] == "3000003"
    assert card["prices"]["rpp"] == float(rpp) and card["prices"]["bea_area"] == "Montana (Nonmetropolitan Portion)"
    page = client.get("/roles/registered-nurses/", {"location": "Dillon, MT"}).content.decode()
    assert "the nonmetropolitan part of Montana" in page.split('id="price-parity"')[1]


def test_a_nonmetro_area_whose_state_has_no_nonmetro_portion_shows_no_price_level(client, shared_data):
    """BEA writes 0.000 for the nonmetropolitan portion of a state that has none (Delaware), while OEWS has a Sussex
    Delaware nonmetropolitan area (ZIP 19963, Milford, DE): no price level, said in words; never a division by 0."""
    assert bea_all_items(shared_data / "rpp/PARPP_PORT_2008_2024.csv", "10999") == 0
    assert "10999" not in {p.fips for p in parse(shared_data / "rpp/PARPP_PORT_2008_2024.csv", "PARPP")}
    card = client.get("/api/v1/roles/registered-nurses", {"location": "19963"}).json()
    assert card["location"]["area"]["code"] == "1000005" and card["prices"] is None
    page = client.get("/roles/registered-nurses/", {"location": "19963"})
    assert page.status_code == 200
    assert "BEA publishes no regional price parity for Sussex Delaware nonmetropolitan area" in page.content.decode()


def test_rpp_parser_reads_beas_spot_checks(shared_data):
    metro = {p.fips: p for p in parse(shared_data / "rpp/MARPP_MSA_2008_2024.csv", "MARPP")}
    portions = {p.fips: p for p in parse(shared_data / "rpp/PARPP_PORT_2008_2024.csv", "PARPP")}
    # SOURCE.md's spot checks: Seattle 2024 111.133, San Jose 110.423, U.S. nonmetropolitan portion 88.699
    assert (metro["42660"].rpp, metro["41940"].rpp, metro["00999"].rpp) == (
        Decimal("111.133"),
        Decimal("110.423"),
        Decimal("88.699"),
    )
    assert metro["42660"].year == 2024 and portions["30999"].name == "Montana (Nonmetropolitan Portion)"


def test_low_medium_high_are_explained_in_words(client):
    page = client.get("/roles/electricians/").content.decode()
    section = page.split('id="pay-meaning-heading"')[1].split("</section>")[0]
    assert "percentiles" in section and "25th percentile" in section and "75th percentile" in section


def test_charts_carry_the_published_percentiles(client, snapshot_dir, shared_data):
    """The wage distribution (national beside Bozeman) and the outlook picture name the figures of the source files."""
    page = client.get("/roles/registered-nurses/", {"location": BOZEMAN}).content.decode()
    desc = page.split('id="wage-chart-desc">')[1].split("</desc>")[0]
    for area, name in (("99", "United States"), ("14580", "Bozeman, MT")):
        row = oews_row(snapshot_dir, area, "29-1141")
        for column in ("A_PCT10", "A_PCT25", "A_MEDIAN", "A_PCT75", "A_PCT90"):
            assert f"${int(row[column].replace(',', '')):,}" in desc.split(name)[1].split(".")[0], (name, column)
    with gzip.open(snapshot_dir / "oews-history/national_M2024_dl.csv.gz", "rt", encoding="utf-8-sig") as handle:
        may_2024 = next(r for r in csv.DictReader(handle) if r["OCC_CODE"] == "29-1141")
    history = page.split('id="history-chart-title">')[1].split("</title>")[0]
    assert f"May 2024 ${int(may_2024['A_MEDIAN'].replace(',', '')):,}" in history
    table = projections(shared_data)
    nurses, total = table["29-1141"]["emp_change_pct"], table["00-0000"]["emp_change_pct"]
    assert f"Registered Nurses +{nurses}%; All occupations +{total}%" in page.split('id="outlook-chart-title">')[1]
