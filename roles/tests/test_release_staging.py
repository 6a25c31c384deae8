"""The role page, its downloads, the role card and /compare show the current release; a staged one only with
?release=YEAR and a notice; publishing and rolling back switch every answer at once, page cache and memos included
(two requests before and after each switch, in one process)."""

import html
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from wages.tests.releases import ANNUAL_RAISE, write_release

pytestmark = pytest.mark.django_db

SOFTWARE_2025, AUSTIN_2025 = 135_980, 134_120  # May 2025 medians of 15-1252: the nation, Austin
NOTICE = "You are looking at the staged May 2026 release"
URL = "/roles/software-developers/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def staged_2026(snapshot_dir, tmp_path):
    call_command("import_oews", str(write_release(snapshot_dir, tmp_path, 2026)), "--stage", verbosity=0)


def text_of(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def money(value: int) -> str:
    return f"${value:,}"


def page_shows(client, year: int, **params) -> str:
    """The page twice (the second from the page cache), checked to show release `year`'s national figures."""
    pages = [text_of(client.get(URL, params)) for _ in range(2)]
    assert pages[0] == pages[1]
    page = pages[0]
    median = SOFTWARE_2025 + (ANNUAL_RAISE if year == 2026 else 0)
    assert f"Medium {money(median)} a year" in page
    assert f"Occupational Employment and Wage Statistics, May {year}" in page  # the citation
    return page


def card_shows(client, year: int, staged: bool, **params) -> dict:
    cards = [client.get("/api/v1/roles/software-developers", {"location": "Austin, TX", **params}) for _ in range(2)]
    assert cards[0].content == cards[1].content
    card = cards[0].json()
    raise_by = ANNUAL_RAISE if year == 2026 else 0
    assert (card["national"]["release"]["year"], card["national"]["release"]["staged"]) == (year, staged)
    assert card["national"]["annual"]["median"] == SOFTWARE_2025 + raise_by
    assert card["local"]["annual"]["median"] == AUSTIN_2025 + raise_by
    assert card["citations"][0].endswith(f"May {year}")
    return card


def test_staged_release_is_seen_only_with_release_and_a_notice(client, staged_2026):
    page = page_shows(client, 2025)
    assert NOTICE not in page and "May 2024 ($133,080) to May 2025 ($135,980)" in page
    assert "May 2026" not in page  # not in the history either

    staged = page_shows(client, 2026, release="2026")
    assert NOTICE in staged and "without ?release= this page shows May 2025" in staged
    assert f"May 2025 ({money(SOFTWARE_2025)}) to May 2026 ({money(SOFTWARE_2025 + ANNUAL_RAISE)})" in staged
    content = client.get(URL, {"release": "2026"}).content.decode()
    assert '<meta name="robots" content="noindex">' in content
    assert 'figures.json?release=2026"' in content and '<input type="hidden" name="release" value="2026">' in content

    card_shows(client, 2025, False)
    card = card_shows(client, 2026, True, release=2026)
    assert card["change_from_previous_year"]["from_release"] == "May 2025"
    assert card["change_from_previous_year"]["to_release"] == "May 2026"
    assert [point["release"] for point in card["history"]][-2:] == ["May 2025", "May 2026"]

    download = client.get(f"{URL}figures.json", {"release": "2026", "location": "Austin, TX"}).json()
    assert download["national"]["release"]["name"] == "May 2026" and download["national"]["release"]["staged"]


def test_publish_and_rollback_switch_every_answer_at_once(client, staged_2026):
    page_shows(client, 2025)
    card_shows(client, 2025, False)
    call_command("release_publish", "2026", "--allow-partial", verbosity=0)
    page = page_shows(client, 2026)
    assert NOTICE not in page
    assert f"May 2025 ({money(SOFTWARE_2025)}) to May 2026 ({money(SOFTWARE_2025 + ANNUAL_RAISE)})" in page
    card_shows(client, 2026, False)
    earlier = page_shows(client, 2025, release="2025")
    assert "You are looking at the May 2025 release, an earlier one; the current release is May 2026." in earlier

    call_command("release_rollback", verbosity=0)
    page = page_shows(client, 2025)
    assert NOTICE not in page and "May 2026" not in page
    card_shows(client, 2025, False)
    assert NOTICE in page_shows(client, 2026, release="2026")


def test_compare_uses_the_current_release_unless_asked(client, staged_2026):
    def medians(**params):
        body = client.get("/api/v1/compare", {"roles": "software-developers,registered-nurses", **params}).json()
        return body["release"]["name"], [cell["medium"] for cell in body["results"]]

    assert medians() == ("May 2025", [SOFTWARE_2025, 97_550])
    assert medians(release=2026) == ("May 2026", [SOFTWARE_2025 + ANNUAL_RAISE, 97_550 + ANNUAL_RAISE])
    assert medians(release=2026, locations="Austin, TX") == (
        "May 2026",
        [AUSTIN_2025 + ANNUAL_RAISE, 97_550 + ANNUAL_RAISE],
    )


def test_a_release_not_loaded_is_a_clear_404(client, staged_2026):
    response = client.get(URL, {"release": "2031"})
    assert response.status_code == 404
    page = html.unescape(response.content.decode())
    assert "Release May 2031 is not loaded." in page and "May 2026</a> (staged)" in page
    assert client.get(URL, {"release": "soon"}).status_code == 404
    for url, params in [
        ("/api/v1/roles/software-developers", {"release": 2031}),
        ("/api/v1/compare", {"roles": "software-developers", "release": 2031}),
        (f"{URL}figures.json", {"release": "2031"}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 404, url
        assert response.json()["title"] == "Unknown release", url
