"""The committed openapi.json stays usable by code generators: a typed Python client is generated from it with
openapi-python-client (pinned in requirements-dev.txt) and used against a live server for what an integrator does
first: one wage, a page of the bulk list, the occupations and a comparison. Figures are checked against the bundled
OEWS file."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from wages.tests.source import source_rows

SCHEMA = Path(settings.BASE_DIR) / "openapi.json"
GENERATOR = str(Path(sys.executable).parent / "openapi-python-client")
CONFIG = """\
project_name_override: rolescope_client
package_name_override: rolescope_client
post_hooks: []
content_type_overrides:
  application/gzip: application/octet-stream
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated into a temporary folder and imported from there."""
    folder = tmp_path_factory.mktemp("client")
    (folder / "config.yaml").write_text(CONFIG)
    done = subprocess.run(
        [GENERATOR, "generate", "--path", str(SCHEMA), "--config", "config.yaml", "--meta", "none"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The generator warns about what it leaves out; nothing may be left out.
    assert "Warning" not in done.stdout and "Unable" not in done.stdout, done.stdout
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("rolescope_client")
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith("rolescope_client")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker):
    """A server thread on the session's database, and a read key made for it (committed, then removed)."""
    from django.contrib.auth.models import User
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    from accounts.services import api_key_create

    with django_db_blocker.unblock():
        settings_dict = connection.settings_dict
        if str(settings_dict["NAME"]) != str(settings_dict["TEST"].get("NAME")) and "test_" not in str(
            settings_dict["NAME"]
        ):
            pytest.skip("no test database was set up: run this file whole (its first test is marked django_db)")
        user = User.objects.create_user("generated-client", "generated-client@example.com")
        _, plain = api_key_create(user=user, name="generated client")
        server = LiveServer("127.0.0.1:0")
        try:
            yield server.url, plain
        finally:
            server.stop()
            user.delete()


@pytest.mark.django_db
def test_the_schema_names_each_model_and_operation_once(client):
    """What stops generators: two components with one title (two `Percentiles` once), a repeated operationId, or
    parameter examples as a list (OpenAPI wants a map there)."""
    schema = client.get("/api/v1/openapi.json").json()
    titles = [component.get("title", name) for name, component in schema["components"]["schemas"].items()]
    assert len(titles) == len(set(titles))
    operations = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(operations) == len(set(operations))
    for path in schema["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                assert isinstance(parameter.get("examples", {}), dict), parameter["name"]


# Not in a test transaction: the server thread writes (a key's last use), which a transaction held open here would
# block on SQLite. Its database is set up because the test above is marked django_db.
def test_a_generated_client_reads_wages_the_bulk_list_occupations_and_compare(generated, live):
    url, key = live
    api = importlib.import_module("rolescope_client.api.wages.get_wages")
    occupations = importlib.import_module("rolescope_client.api.occupations.list_occupations")
    compare = importlib.import_module("rolescope_client.api.compare.compare")
    models = importlib.import_module("rolescope_client.models")
    client = generated.AuthenticatedClient(base_url=url, token=key, prefix="Bearer", raise_on_unexpected_status=True)

    source = source_rows()[("29-1141", "0000000")]
    answer = api.sync(client=client, occupation="29-1141")
    assert isinstance(answer, models.WageOut), answer
    assert answer.annual.median == float(source["A_MEDIAN"])
    assert answer.employment == int(source["TOT_EMP"].replace(",", ""))
    assert answer.release.year == 2025

    page = api.sync(client=client, area="0000000", group="29-11", limit=5)
    assert isinstance(page, models.WageListOut), page
    assert len(page.results) == 5 and page.next_cursor
    for row in page.results:
        published = source_rows()[(row.occupation_code, "0000000")]["A_MEDIAN"].replace(",", "")
        assert row.annual.median == (float(published) if published.replace(".", "").isdigit() else None)
    following = api.sync(client=client, area="0000000", group="29-11", limit=5, cursor=page.next_cursor)
    assert isinstance(following, models.WageListOut)
    assert following.results[0].occupation_code > page.results[-1].occupation_code

    listed = occupations.sync(client=client, group="29-11")
    assert isinstance(listed, models.OccupationListOut), listed
    nurses = next(row for row in listed.results if row.code == "29-1141")
    assert nurses.title == source["OCC_TITLE"] and "29-1141.00" in nurses.onet_codes

    compared = compare.sync(client=client, roles="registered-nurses,15-1252", locations="Austin, TX;Springfield")
    assert isinstance(compared, models.CompareOut), compared
    assert [str(location.status) for location in compared.locations] == ["found", "ambiguous"]
    assert compared.locations[1].choices  # the ambiguous place asks for a choice; the other is answered
    assert [(cell.role, cell.location) for cell in compared.results] == [
        ("registered-nurses", compared.locations[0].label),
        ("software-developers", compared.locations[0].label),
    ]
    for cell in compared.results:
        published = source_rows()[(cell.soc_code, cell.area.code)]
        assert cell.medium == float(published["A_MEDIAN"].replace(",", ""))
        assert cell.employment == int(published["TOT_EMP"].replace(",", ""))
