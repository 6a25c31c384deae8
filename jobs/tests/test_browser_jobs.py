"""Chromium: an employer signs up and posts a job that search finds with its pay comparison; a candidate says
they are open to work and the role page's supply count changes; another saves a search and unsubscribes from it; an
employer sees the pay verdict before publishing and uses the feed imports, job boards and webhooks screens. Skipped
like roles/tests/test_browser.py."""

import re

import pytest
from django.core import mail

from accounts.testing import PASSWORD, member
from jobs import alerts
from jobs.models import Posting, SavedSearch
from jobs.pay import pay_comparisons
from jobs.tests.conftest import oews_row
from roles.tests.test_browser import ARTIFACTS, AXE, browser, page, server  # noqa: F401 (fixtures)

# The live server writes (sign-ups, postings), so this module commits instead of rolling back: it runs after
# every other test (conftest), because the database is emptied when it ends.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def sign_up(page, server: str, username: str, *, organisation: str = "") -> None:  # noqa: F811
    page.goto(f"{server}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    if organisation:
        page.get_by_label("Employer: I post jobs for my organisation").check()
        page.get_by_label("Organisation name").fill(organisation)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{server}/accounts/signup/sent/")
    assert serious_violations(page) == []
    # The live server runs in this process: its email is in the test outbox. Open the confirmation link.
    link = re.search(r"http://[^/]+(/accounts/confirm/\S+/)", str(mail.outbox[-1].body))
    assert link, "the confirmation email has a link"
    page.goto(f"{server}{link.group(1)}")
    page.wait_for_url(f"{server}/accounts/")


def serious_violations(page) -> list:  # noqa: F811
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_employer_posts_and_candidate_opens_to_work(server, browser, snapshot_dir):  # noqa: F811
    """One test, because the database is emptied after each committing test."""
    for scenario in (
        employer_posts_a_job_and_finds_it_with_its_pay_comparison,
        candidate_opens_to_work,
        candidate_saves_a_search_and_unsubscribes,
        employer_checks_pay_before_publishing_and_manages_integrations,
    ):
        context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)  # axe is inline
        scenario(server, context.new_page(), snapshot_dir)
        context.close()


def employer_posts_a_job_and_finds_it_with_its_pay_comparison(server, page, snapshot_dir):  # noqa: F811
    sign_up(page, server, "ada", organisation="Acme Robotics")
    assert serious_violations(page) == []  # the account page
    page.goto(f"{server}/jobs/manage/organisation/")
    assert "ada" in page.locator("#members-heading + ul").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Invite colleagues and manage members").click()
    page.get_by_label("Their email address").fill("cole@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    assert "/accounts/join/" in page.locator("#invite-link").input_value()
    assert serious_violations(page) == []  # members, invitations, the link
    page.goto(f"{server}/accounts/keys/")
    assert page.get_by_label("It may change postings").is_checked()
    assert serious_violations(page) == []
    page.goto(f"{server}/accounts/")
    page.get_by_role("link", name="post a job").click()
    assert serious_violations(page) == []
    page.get_by_label("Title").fill("Senior Back-End Developer")
    page.get_by_label("Location").fill("Austin, TX")
    # Leaving the title shows the role it suggests, which the server files the posting under.
    page.wait_for_function("document.getElementById('id_role').placeholder.startsWith('Suggested: ')")
    suggested = page.get_by_label("Role").get_attribute("placeholder")
    page.get_by_label("Pay from").fill("90000")
    page.get_by_label("Pay up to").fill("100000")
    page.get_by_label("Pay per").select_option("year")
    page.get_by_label("Description").fill("We build **robots**.")
    page.get_by_label("Apply at (web address)").fill("https://acme.example/apply")
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url(f"{server}/jobs/manage/")
    assert "is published until" in page.locator("main").inner_text()
    assert serious_violations(page) == []

    page.goto(f"{server}/jobs/")
    page.get_by_label("Keywords").fill("back-end acme")
    page.get_by_label("Place").fill("Austin, TX")
    page.get_by_role("button", name="Search jobs").click()
    page.wait_for_url("**/jobs/?q=back-end*")
    result = page.locator("ol.postings > li").first
    assert "Senior Back-End Developer" in result.inner_text()
    comparison = result.locator("[class^=pay-]").inner_text()
    posting = Posting.objects.get(title="Senior Back-End Developer")
    assert posting.role is not None and suggested == f"Suggested: {posting.role.title}"
    # The band is the Austin metro's 25th-75th percentile for the role's occupation, as in the source file.
    row = oews_row(snapshot_dir, "12420", posting.role.occupation_id)
    p25, p75 = (int(row[column].replace(",", "")) for column in ("A_PCT25", "A_PCT75"))
    verdict = "below the 25th" if p25 > 95_000 else "above the 75th" if p75 < 95_000 else "within the 25th-75th"
    assert f"Pay is {verdict}" in comparison and f"${p25:,}-${p75:,}" in comparison
    assert serious_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "jobs-search-austin.png"), full_page=True)


def candidate_opens_to_work(server, page, snapshot_dir):  # noqa: F811
    page.goto(f"{server}/roles/back-end-developer/")
    before = int(page.locator('[data-count="candidates"]').inner_text())
    sign_up(page, server, "cara")
    page.get_by_role("link", name="Your candidate profile").click()
    page.get_by_label("Roles you want").fill("Back-End Developer")
    page.get_by_label("Location").fill("Austin, TX")
    page.get_by_label("I am open to work").check()
    page.get_by_role("button", name="Save").click()
    assert "you are counted as open to work" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    page.goto(f"{server}/roles/back-end-developer/?location=Austin%2C+TX")
    assert int(page.locator('[data-count="candidates"]').inner_text()) == before + 1
    assert int(page.locator('[data-count="local-candidates"]').inner_text()) == 1


def candidate_saves_a_search_and_unsubscribes(server, page, snapshot_dir):  # noqa: F811
    """Issue 21, item 2: a new candidate saves a /jobs/ search, changes its emails in their account, then opens an
    alert's unsubscribe link."""
    sign_up(page, server, "cleo")
    page.goto(f"{server}/jobs/?q=nurse&location=Denver%2C+CO")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save this search").click()
    page.wait_for_url(f"{server}/accounts/saved-searches/")
    assert "Saved: “nurse” in Denver, CO." in page.locator("main").inner_text()
    assert serious_violations(page) == []
    page.get_by_label("Email").select_option("instant")
    page.get_by_role("button", name="Save changes to “nurse” in Denver, CO").click()
    assert "as soon as they are published" in page.locator("main").inner_text()
    saved = SavedSearch.objects.get(owner__username="cleo")
    assert saved.frequency == "instant"
    page.goto(f"{server}/accounts/saved-searches/unsubscribe/{alerts.unsubscribe_token(saved_search_id=saved.pk)}/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    assert "you will get no more emails for your saved search" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    assert SavedSearch.objects.get(pk=saved.pk).frequency == "off"


def employer_checks_pay_before_publishing_and_manages_integrations(server, page, snapshot_dir):  # noqa: F811
    """Issue 21 item 3 and 5: pay typed into the posting form shows the local band and the verdict before anything
    is submitted (the sentence the published posting gets); the manage list, the feed imports, job boards and
    webhooks screens pass axe-core."""
    member("ines", "Initech")
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{server}/accounts/")

    page.goto(f"{server}/jobs/manage/new/")
    page.get_by_label("Title").fill("ICU Nurse")
    page.get_by_label("Role").fill("Registered Nurses")
    page.get_by_label("Location").fill("Sunnyvale, CA")
    page.get_by_label("Pay per").select_option("hour")
    page.get_by_label("Pay from").fill("60")
    page.get_by_label("Pay up to").fill("70")
    result = page.locator("#pay-check-result")
    result.locator("p.pay-below").wait_for()  # written by the script while nothing is submitted
    preview = result.locator("p").first.inner_text()
    assert "Pay is below the 25th percentile for this role in San Jose-Sunnyvale-Santa Clara, CA" in preview
    assert "25th percentile" in result.locator("dl").inner_text()
    # with the live preview, "Check pay" no longer submits: Enter in a field is "Save and publish", the form's own
    assert page.get_by_role("button", name="Check pay").get_attribute("type") == "button"
    assert serious_violations(page) == []
    page.get_by_label("Apply at (web address)").fill("https://initech.example/apply?job=icu")
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url(f"{server}/jobs/manage/")
    posting = Posting.objects.get(title="ICU Nurse")
    assert pay_comparisons([posting])[posting.pk].sentence == preview  # the preview is the published verdict
    assert preview in page.locator("table").inner_text()
    assert serious_violations(page) == []

    page.goto(f"{server}/jobs/manage/imports/")
    assert page.get_by_label("Feed file").is_visible()
    assert serious_violations(page) == []

    page.goto(f"{server}/jobs/manage/boards/")
    assert page.get_by_label("Board name").is_visible()
    assert serious_violations(page) == []

    page.goto(f"{server}/jobs/manage/webhooks/")
    page.get_by_label("Endpoint address").fill("https://hooks.initech.example/rolescope")
    page.get_by_label("posting.closed").check()
    page.get_by_role("button", name="Add the endpoint").click()
    page.wait_for_url(f"{server}/jobs/manage/webhooks/*/")
    assert page.get_by_label("Signing secret", exact=False).input_value().startswith("whsec_")
    assert serious_violations(page) == []
    page.goto(f"{server}/jobs/manage/webhooks/")
    assert "hooks.initech.example" in page.locator("table").inner_text()
    assert serious_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "jobs-webhooks.png"), full_page=True)
