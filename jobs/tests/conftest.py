import csv
import gzip

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from accounts.models import Profile
from accounts.services import organisation_create

PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def member(username: str, organisation: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    organisation_create(user=user, name=organisation)
    return user


def candidate(username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    Profile.objects.create(user=user, kind=Profile.Kind.CANDIDATE)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


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
