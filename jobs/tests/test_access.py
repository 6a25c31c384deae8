"""Who may open what, persona by persona (accounts.testing writes the rules down): every cell is a real request."""

import pytest

from jobs.schemas import PostingFields
from jobs.services.postings import posting_upsert

pytestmark = pytest.mark.django_db

WHO = ("anonymous", "candidate", "member", "other_member", "editor", "staff")
LOGIN = 302  # sent to sign in


def acme_draft(personas):
    fields = PostingFields(title="Back-End Developer", location="Austin, TX", apply_url="https://acme.example/apply")
    return posting_upsert(organisation=personas.organisation, fields=fields, acting_user=personas.member)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/jobs/manage/", (LOGIN, 403, 200, 200, 200, 200)),
        ("/jobs/manage/new/", (LOGIN, 403, 200, 200, 403, 403)),  # editors and staff post for no organisation
        ("/jobs/manage/organisation/", (LOGIN, 403, 200, 200, 403, 403)),
        ("/accounts/", (LOGIN, 200, 200, 200, 200, 200)),
        ("/accounts/profile/", (LOGIN, 200, 200, 200, 200, 200)),
        ("/accounts/keys/", (LOGIN, 200, 200, 200, 200, 200)),
        ("/admin/", (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200)),
    ],
)
def test_pages_by_persona(personas, page, expected):
    answers = tuple(personas.client(who).get(page).status_code for who in WHO)
    assert answers == expected, dict(zip(WHO, answers, strict=True))


def test_a_draft_by_persona(personas):
    draft = acme_draft(personas)
    pages = {
        draft.get_absolute_url(): (404, 404, 200, 404, 200, 200),
        f"/jobs/manage/{draft.pk}/edit/": (LOGIN, 404, 200, 404, 200, 200),
    }
    for page, expected in pages.items():
        answers = tuple(personas.client(who).get(page).status_code for who in WHO)
        assert answers == expected, (page, dict(zip(WHO, answers, strict=True)))
    # Only the organisation's own members (and moderators) can act on it; a refusal changes nothing.
    for who in ("candidate", "other_member"):
        assert personas.client(who).post(f"/jobs/manage/{draft.pk}/publish/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"
