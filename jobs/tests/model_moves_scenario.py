"""Migration scenario (run by lib.testing.migrations in a scratch database): rows written before OEWS areas moved
from wages to geo and organisations from jobs.Employer to accounts.Organisation must all be there after, with the
same keys and values, and every foreign key still pointing at them."""

from datetime import UTC, datetime
from typing import Any

from django.db import connection

BEFORE = [
    ("sources", "0002_importrun_release_length"),
    ("occupations", "0001_initial"),
    ("wages", "0001_initial"),
    ("geo", "0001_initial"),
    ("market", "0001_initial"),
    ("roles", "0001_initial"),
    ("accounts", "0002_apikey_employer_profile"),
    ("jobs", "0002_accounts_candidates_fulltext"),
]
AREAS = [
    ("0000000", "national", "U.S.", ""),
    ("4800000", "state", "Texas", "TX"),
    ("0012420", "metro", "Austin-Round Rock-San Marcos, TX", "TX"),
    ("4800003", "nonmetro", "Big Thicket Region of Texas nonmetropolitan area", "TX"),
]
ORGANISATIONS = [(101, "Acme Robotics", "acme-robotics"), (102, "Globex", "globex")]
WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def seed(apps: Any) -> None:
    Area = apps.get_model("wages", "Area")
    for code, kind, name, state in AREAS:
        Area.objects.create(code=code, kind=kind, name=name, state_abbr=state)
    Occupation = apps.get_model("occupations", "Occupation")
    occupation = Occupation.objects.create(code="15-1254", title="Web Developers", level="detailed")
    Release = apps.get_model("wages", "Release")
    release = Release.objects.create(year=2025)
    Estimate = apps.get_model("wages", "WageEstimate")
    for code, *_ in AREAS:
        Estimate.objects.create(release=release, area_id=code, occupation=occupation, annual_median=90_000)
    State = apps.get_model("geo", "State")
    State.objects.create(fips="48", abbr="TX", name="Texas")
    County = apps.get_model("geo", "County")
    County.objects.create(fips="48453", name="Travis", state_id="48", oews_area_id="0012420")
    County.objects.create(fips="48457", name="Tyler", state_id="48", oews_area_id="4800003")
    Employer = apps.get_model("jobs", "Employer")
    for pk, name, slug in ORGANISATIONS:
        Employer.objects.create(pk=pk, name=name, slug=slug, location="Austin, TX", description="*Robots*")
    User = apps.get_model("auth", "User")
    Profile = apps.get_model("accounts", "Profile")
    ApiKey = apps.get_model("accounts", "ApiKey")
    for number, (pk, _, _) in enumerate(ORGANISATIONS):
        user = User.objects.create(username=f"member{number}", password="!")
        Profile.objects.create(user=user, kind="employer", employer_id=pk)
        ApiKey.objects.create(
            user=user, name="HR", prefix=f"rs_0000000{number}", key_hash=f"{number:064d}", employer_id=pk
        )
    Category = apps.get_model("roles", "Category")
    Role = apps.get_model("roles", "Role")
    category = Category.objects.create(slug="technical", name="Technical")
    role = Role.objects.create(slug="web-developers", title="Web Developers", category=category, occupation=occupation)
    Posting = apps.get_model("jobs", "Posting")
    for number, (pk, _, _) in enumerate(ORGANISATIONS):
        Posting.objects.create(
            employer_id=pk,
            title=f"Back-End Developer {number}",
            role=role,
            area_id="0012420",
            location_label="Austin, TX",
            status="published",
            posted_at=WHEN,
            expires_at=WHEN,
            search_text="Back-End Developer",
        )
    Candidate = apps.get_model("jobs", "Candidate")
    candidate = Candidate.objects.create(user=User.objects.create(username="cara", password="!"), area_id="4800003")
    candidate.desired_roles.add(role)
    Counter = apps.get_model("jobs", "Counter")
    Counter.objects.create(name="platform", value=7)


def check(apps: Any) -> dict[str, Any]:
    """Everything the newest models read back, as plain JSON."""
    Area = apps.get_model("geo", "Area")
    Organisation = apps.get_model("accounts", "Organisation")
    return {
        "areas": sorted(Area.objects.values_list("code", "kind", "name", "state_abbr")),
        "organisations": sorted(Organisation.objects.values_list("pk", "name", "slug")),
        "estimates": sorted(apps.get_model("wages", "WageEstimate").objects.values_list("area__code", "annual_median")),
        "counties": sorted(apps.get_model("geo", "County").objects.values_list("fips", "oews_area__name")),
        "postings": sorted(
            apps.get_model("jobs", "Posting").objects.values_list("title", "employer__slug", "area__code", "role__slug")
        ),
        "profiles": sorted(
            apps.get_model("accounts", "Profile").objects.values_list("user__username", "employer__slug")
        ),
        "keys": sorted(apps.get_model("accounts", "ApiKey").objects.values_list("prefix", "employer__name")),
        "candidates": sorted(apps.get_model("jobs", "Candidate").objects.values_list("user__username", "area__code")),
        "tables": sorted(
            name
            for name in connection.introspection.table_names()
            if name in ("geo_area", "wages_area", "accounts_organisation", "jobs_employer", "jobs_counter")
        ),
    }
