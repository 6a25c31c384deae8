"""Programmes near you: the institutions, programmes and completions equal the IPEDS files in the snapshot (HD2024,
C2024_A) through the CIP-SOC crosswalk; nearest first by great-circle distance, largest first without a place."""

import csv
import gzip
import math
from collections import defaultdict
from functools import cache

import pytest
from django.conf import settings

from conftest import requires_shared_data
from geo.models import City
from market.imports.programmes import parquet_rows
from market.programmes import AWARD_LEVELS, programmes_for

pytestmark = pytest.mark.django_db
SNAPSHOT = settings.ROLESCOPE_SNAPSHOT_DIR
NURSES = "29-1141"


def read(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def source():
    """From the files: institutions, each occupation's programs, each program's occupations, completions."""
    institutions = {int(row["UNITID"]): row for row in read(SNAPSHOT / "ipeds-completions/hd2024.csv.gz")}
    programs_of, socs_of = defaultdict(set), defaultdict(set)
    for row in read(SNAPSHOT / "cip-soc/CIP2020_SOC2018_Crosswalk.csv.gz"):
        cip, soc = row["CIP2020Code"].strip(), row["SOC2018Code"].strip()
        if cip != "99.9999" and soc != "99-9999":
            programs_of[soc].add(cip)
            socs_of[cip].add(soc)
    completions = read(SNAPSHOT / "ipeds-completions/c2024_a_majornum1.csv.gz")
    return institutions, programs_of, socs_of, completions


def expected_schools(soc):
    """unitid -> [(cip, award level, awards)] for the institutions whose programs prepare for `soc`."""
    institutions, programs_of, _, completions = source()
    schools = defaultdict(list)
    for row in completions:
        if row["CIPCODE"] in programs_of[soc] and int(row["UNITID"]) in institutions and int(row["CTOTALT"]) > 0:
            schools[int(row["UNITID"])].append((row["CIPCODE"], int(row["AWLEVEL"]), int(row["CTOTALT"])))
    return schools


def miles(lat1, lon1, lat2, lon2):
    # the spherical law of cosines, a formula of its own (the product uses the haversine)
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    cosine = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 3958.8 * math.acos(min(1.0, cosine))


def test_nursing_programmes_near_bozeman_equal_the_files():
    bozeman = City.objects.get(name="Bozeman", state__abbr="MT")
    point = (float(bozeman.latitude), float(bozeman.longitude))
    found = programmes_for(NURSES, point=point, near="Bozeman, MT", limit=10)
    institutions, _, socs_of, _ = source()
    schools = expected_schools(NURSES)
    distances = {
        unitid: miles(*point, float(institutions[unitid]["LATITUDE"]), float(institutions[unitid]["LONGITUD"]))
        for unitid in schools
    }
    total = {unitid: sum(awards for *_, awards in programs) for unitid, programs in schools.items()}
    nearest = sorted(schools, key=lambda unitid: (round(distances[unitid], 6), -total[unitid], unitid))[:10]
    assert found.institutions == len(schools)
    assert found.academic_year == "2023-24"
    assert [school.unitid for school in found.schools] == nearest
    for school in found.schools:
        row = institutions[school.unitid]
        assert (school.name, school.city, school.state) == (row["INSTNM"], row["CITY"], row["STABBR"])
        web = row["WEBADDR"]
        assert school.url == (web if web.startswith(("http://", "https://")) else f"https://{web}")
        assert school.distance_miles == pytest.approx(distances[school.unitid], abs=0.06)
        listed = sorted((p.code, p.completions) for p in school.programmes)
        assert listed == sorted((cip, awards) for cip, _, awards in schools[school.unitid])
        assert school.completions == sum(awards for _, _, awards in schools[school.unitid])
        for programme in school.programmes:
            assert programme.other_occupations == len(socs_of[programme.code] - {NURSES})
            assert programme.award_level in AWARD_LEVELS.values()
    # Montana State University (Bozeman) is the nearest, with its bachelor's in nursing
    assert found.schools[0].city == "Bozeman" and found.schools[0].distance_miles < 5


def test_without_a_place_the_largest_nationally():
    found = programmes_for(NURSES, limit=5)
    schools = expected_schools(NURSES)
    largest = sorted(schools, key=lambda unitid: (-sum(awards for *_, awards in schools[unitid]), unitid))[:5]
    assert [school.unitid for school in found.schools] == largest
    assert all(school.distance_miles is None for school in found.schools)


def test_a_state_without_a_point_lists_its_largest():
    found = programmes_for(NURSES, state="MT", near="Montana", limit=5)
    institutions, *_ = source()
    schools = {u: p for u, p in expected_schools(NURSES).items() if institutions[u]["STABBR"] == "MT"}
    largest = sorted(schools, key=lambda unitid: (-sum(awards for *_, awards in schools[unitid]), unitid))[:5]
    assert [school.unitid for school in found.schools] == largest


def test_programmes_feeding_several_occupations_are_labelled_not_hidden():
    """Registered nursing (51.3801) prepares for more than Registered Nurses in the crosswalk: it is listed, with
    the count of the others."""
    _, _, socs_of, _ = source()
    shared = {cip for cip in socs_of if NURSES in socs_of[cip] and len(socs_of[cip]) > 1}
    found = programmes_for(NURSES, limit=50)
    listed = [p for school in found.schools for p in school.programmes if p.code in shared]
    assert listed and all(p.other_occupations == len(socs_of[p.code]) - 1 for p in listed)


def test_an_occupation_without_programmes_has_none():
    assert programmes_for("99-0000") is None


@requires_shared_data
def test_the_snapshot_file_is_the_parquet_extract_trimmed(shared_data):
    """The snapshot's completions are the shared Parquet file's rows: crosswalk programs with awards."""
    rows = list(parquet_rows(shared_data / "ipeds-completions/c2024_a_majornum1.parquet", shared_data))
    with gzip.open(SNAPSHOT / "ipeds-completions/c2024_a_majornum1.csv.gz", "rt", newline="") as handle:
        assert rows == list(csv.reader(handle))
