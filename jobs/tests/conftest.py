import csv
import gzip

import pytest
from django.core.cache import cache

from accounts.testing import member


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def acme():
    return member("ada", "Acme Robotics")


@pytest.fixture
def globex():
    return member("gus", "Globex")


def oews_row(snapshot_dir, area: str, occupation: str) -> dict[str, str]:
    path = snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r["AREA"] == area and r["OCC_CODE"] == occupation)


POSTING = {
    "title": "Senior Back-End Developer",
    "role": "",
    "location": "Austin, TX",
    "arrangement": "hybrid",
    "employment_type": "full_time",
    "salary_min": "90000",
    "salary_max": "100000",
    "salary_period": "year",
    "description": (
        "We build **robots**.\n\n- Python\n- PostgreSQL\n\n<script>alert('x')</script>[bad](javascript:alert(1))"
    ),
    "apply_url": "https://acme.example/jobs/1",
    "apply_email": "",
}
