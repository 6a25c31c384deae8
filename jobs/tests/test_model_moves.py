"""OEWS areas moved from wages to geo, organisations from jobs.Employer to accounts.Organisation: the migrations
move the tables (a rename) and every row and foreign key comes through. Run in a scratch database of the kind the
suite runs on (SQLite, or PostgreSQL in CI's second pass)."""

import uuid

import psycopg
import pytest
from django.db import connection

from jobs.tests import model_moves_scenario as scenario
from lib.testing.migrations import run_scenario


@pytest.fixture
def scratch_database(tmp_path):
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"rolescope_moves_{uuid.uuid4().hex[:8]}"
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_areas_and_organisations_move_with_every_row(scratch_database):
    after = run_scenario("jobs.tests.model_moves_scenario", scratch_database)
    assert after["areas"] == [list(area) for area in sorted(scenario.AREAS)]
    assert after["organisations"] == [list(organisation) for organisation in sorted(scenario.ORGANISATIONS)]
    assert after["estimates"] == [[code, 90_000] for code, *_ in sorted(scenario.AREAS)]
    assert after["counties"] == [
        ["48453", "Austin-Round Rock-San Marcos, TX"],
        ["48457", "Big Thicket Region of Texas nonmetropolitan area"],
    ]
    assert after["postings"] == [
        ["Back-End Developer 0", "acme-robotics", "0012420", "web-developers"],
        ["Back-End Developer 1", "globex", "0012420", "web-developers"],
    ]
    assert after["profiles"] == [["member0", "acme-robotics"], ["member1", "globex"]]
    assert after["keys"] == [["rs_00000000", "Acme Robotics"], ["rs_00000001", "Globex"]]
    assert after["candidates"] == [["cara", "4800003"]]
    assert after["tables"] == ["accounts_organisation", "geo_area"]  # renamed; the platform counter is gone
