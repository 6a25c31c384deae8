"""/jobs/ and GET /api/v1/jobs over many postings: a count capped at 1,000 and keyset (cursor) pages that give
every posting once, in order, with ties and NULLs in the sort keys; bad cursors are refused with a clear message."""

import base64
import json
from datetime import timedelta
from html import unescape
from urllib.parse import unquote

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation
from jobs import pagination
from jobs.models import Posting
from jobs.pagination import CURSOR_SALT, capped_count
from jobs.search import JobSearch, search_pages

pytestmark = pytest.mark.django_db


def make_postings(count: int, *, ties: bool = False) -> list[Posting]:
    """`count` live postings. With `ties`, many share a posting time and a pay, and some have neither."""
    employer = Organisation.objects.get_or_create(slug="scale-co", defaults={"name": "Scale Co"})[0]
    now = timezone.now()
    postings = []
    for number in range(count):
        posted = now - timedelta(hours=number // 4 if ties else number)  # four postings a timestamp
        pay = 50_000 + 10_000 * (number % 3) if ties else 50_000 + number
        postings.append(
            Posting(
                employer=employer,
                title=f"Scale tester {number}",
                status=Posting.Status.PUBLISHED,
                posted_at=None if ties and number % 11 == 5 else posted,
                expires_at=now + timedelta(days=30),
                annual_min=pay,
                annual_max=None if ties and number % 5 == 2 else pay,
                arrangement="remote" if number % 2 else "onsite",
                search_text=f"Scale tester {number}\nScale Co",
            )
        )
    return Posting.objects.bulk_create(postings)


def expected_order(sort: str) -> list[int]:
    found, _, _ = search_pages(JobSearch(sort=sort))
    return list(found.values_list("pk", flat=True))


# Capped count


@pytest.mark.parametrize(("rows", "value", "exact"), [(4, 4, True), (5, 5, True), (6, 5, False), (40, 5, False)])
def test_the_capped_count_is_exact_up_to_the_cap(rows, value, exact):
    make_postings(rows)
    assert capped_count(Posting.objects.live(), cap=5) == pagination.Count(value=value, exact=exact)


def test_the_count_is_exact_at_one_thousand_and_capped_at_one_thousand_and_one():
    make_postings(1000)
    body = Client().get("/api/v1/jobs", {"page_size": 1}).json()
    assert (body["count"], body["count_exact"]) == (1000, True)
    page = Client().get("/jobs/").content.decode()
    assert "1,000 postings open now" in page and "1,000+" not in page
    make_postings(1)
    body = Client().get("/api/v1/jobs", {"page_size": 1}).json()
    assert (body["count"], body["count_exact"]) == (1000, False)
    page = Client().get("/jobs/").content.decode()
    # Seen as "1,000+", read by a screen reader as words.
    assert '<span aria-hidden="true">1,000+ postings</span>' in page
    assert '<span class="visually-hidden">More than 1,000 postings</span>' in page
    assert "Page 1 of" not in page and "Page 1</li>" in page


def test_a_small_cap_shows_on_the_page_and_in_the_api(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    make_postings(6)
    assert Client().get("/api/v1/jobs").json()["count_exact"] is False
    assert "More than 5 postings" in Client().get("/jobs/").content.decode()
    assert "3 postings open now" in Client().get("/jobs/", {"remote": "1", "q": "scale"}).content.decode()


# Cursor pages


def walk_api(params: dict[str, str]) -> tuple[list[list[int]], list[int]]:
    """Every page's ids, following `next` from the first page, and the page numbers."""
    pages, numbers = [], []
    answer = Client().get("/api/v1/jobs", params).json()
    while True:
        pages.append([job["id"] for job in answer["results"]])
        numbers.append(answer["page"])
        if not answer["next"]:
            return pages, numbers
        assert "cursor=" in answer["next"] and "page=" not in answer["next"].replace("page_size=", "")
        answer = Client().get(answer["next"]).json()


@pytest.mark.parametrize("sort", ["newest", "salary"])
def test_cursor_pages_give_every_posting_once_in_order_with_ties(sort):
    make_postings(61, ties=True)
    expected = expected_order(sort)
    assert len(expected) == 61
    pages, numbers = walk_api({"sort": sort, "page_size": "7"})
    assert [pk for page in pages for pk in page] == expected
    assert numbers == list(range(1, 10)) and [len(page) for page in pages] == [7] * 8 + [5]
    # And back again with `previous`, page by page.
    answer = Client().get("/api/v1/jobs", {"sort": sort, "page_size": "7", "page": "9"}).json()
    back = [[job["id"] for job in answer["results"]]]
    while answer["previous"]:
        answer = Client().get(answer["previous"]).json()
        back.append([job["id"] for job in answer["results"]])
    assert back == pages[::-1] and answer["page"] == 1


def test_the_page_follows_next_links_through_every_posting():
    make_postings(45, ties=True)
    expected = expected_order("newest")
    seen, url, client = [], "/jobs/", Client()
    while url:
        page = client.get(url).content.decode()
        seen += [int(part.split("/", 1)[0]) for part in page.split('<h2><a href="/jobs/')[1:]]
        following = page.split('" rel="next"')[0].rsplit('href="', 1)[-1] if 'rel="next"' in page else None
        url = "/jobs/" + unescape(following) if following else ""
    assert seen == expected


def test_numbered_pages_still_work():
    make_postings(45)
    expected = expected_order("newest")
    body = Client().get("/api/v1/jobs", {"page": "2", "page_size": "20"}).json()
    assert [job["id"] for job in body["results"]] == expected[20:40] and body["page"] == 2
    assert "page=1" in body["previous"] and "cursor=" not in body["previous"] and "cursor=" in body["next"]
    page = Client().get("/jobs/", {"page": "3"}).content.decode()
    assert "Page 3 of 3" in page and 'rel="prev"' in page and 'rel="next"' not in page
    assert "Page 3 of 3" in Client().get("/jobs/", {"page": "99"}).content.decode()  # past the end: the last


# Bad cursors


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=") + ":forged"


def signed(payload: object) -> str:
    return signing.Signer(salt=CURSOR_SALT).sign_object(payload)


BAD_CURSORS = {
    "garbage": "not-a-cursor",
    "forged": forged({"o": "-posted_at,-id", "v": ["2026-01-01T00:00:00+00:00", 1], "p": 2, "b": 0}),
    "wrong types": signed({"o": "-posted_at,-id", "v": ["yesterday", "x"], "p": 2, "b": 0}),
    "too few values": signed({"o": "-posted_at,-id", "v": [1], "p": 2, "b": 0}),
    "no id": signed({"o": "-posted_at,-id", "v": [None, None], "p": 2, "b": 0}),
    "page out of range": signed({"o": "-posted_at,-id", "v": [None, 5], "p": 0, "b": 0}),
    "not an object": signed([1, 2]),
    "another order": signed({"o": "-annual_max,-posted_at,-id", "v": [None, None, 5], "p": 2, "b": 0}),
    "too long": "a" * 2000,
    "nul": "abc\x00",
}


@pytest.mark.parametrize("name", BAD_CURSORS)
def test_a_bad_cursor_is_a_400_problem_in_the_api_and_a_message_on_the_page(name):
    make_postings(3)
    answer = Client().get("/api/v1/jobs", {"cursor": BAD_CURSORS[name]})
    assert answer.status_code == 400, answer.content
    assert answer["Content-Type"].startswith("application/problem+json")
    if name != "nul":  # a NUL is refused before any view (lib.http)
        problem = answer.json()
        assert problem["title"] == "Invalid cursor" and "first page" in problem["detail"]
        page = Client().get("/jobs/", {"cursor": BAD_CURSORS[name]})
        assert page.status_code == 400
        text = page.content.decode()
        assert "Start again from the first page. Showing the first page." in text
        assert "3 postings open now" in text


def test_a_cursor_from_one_sort_is_refused_by_another():
    make_postings(30)
    following = Client().get("/api/v1/jobs", {"sort": "salary", "page_size": "5"}).json()["next"]
    cursor = following.split("cursor=")[1].split("&")[0]
    answer = Client().get("/api/v1/jobs", {"sort": "newest", "cursor": unquote(cursor)})
    assert answer.status_code == 400 and "another sort order" in answer.json()["detail"]


# Full text: the form that counts and the form read in sort order find the same postings


def test_both_forms_of_a_text_search_find_the_same_postings_with_every_word_as_a_prefix():
    make_postings(3)
    employer = Organisation.objects.get(slug="scale-co")
    now = timezone.now()
    titles = ["Engineering Manager", "Staff engineer", "Nurse", "Engine mechanic", "Clinical nurse engineer"]
    for number, title in enumerate(titles):
        Posting.objects.create(
            employer=employer,
            title=title,
            status=Posting.Status.PUBLISHED,
            posted_at=now - timedelta(minutes=number),
            expires_at=now + timedelta(days=30),
            arrangement="remote" if number % 2 else "onsite",
            search_text=f"{title}\nScale Co",
        )
    expected = {
        # Stemmed on both databases: "engineer" and "engine" are "engin".
        "engineer": ["Engineering Manager", "Staff engineer", "Engine mechanic", "Clinical nurse engineer"],
        "mechanic": ["Engine mechanic"],
        "NURS engineer": ["Clinical nurse engineer"],
        "scale co tester": ["Scale tester 0", "Scale tester 1", "Scale tester 2"],
    }
    for text, titles_found in expected.items():
        for remote in (False, True):
            plain, in_order, _ = search_pages(JobSearch(text=text, remote=remote))
            wanted = [t for t in titles_found if not remote or Posting.objects.get(title=t).arrangement == "remote"]
            assert sorted(plain.values_list("title", flat=True)) == sorted(wanted), (text, remote)
            assert list(plain.values_list("pk", flat=True)) == list(in_order.values_list("pk", flat=True))
            assert capped_count(plain).value == len(wanted)
