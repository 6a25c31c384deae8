"""Chromium: an employer types pay into the posting form and sees the local band and the verdict before publishing
(the same sentence the published posting shows), then the manage list with views and apply clicks, the feed
imports, job boards and webhooks screens; each page is checked with axe-core. Skipped like
roles/tests/test_browser.py."""

import pytest

from accounts.testing import PASSWORD, member
from jobs.models import Posting
from jobs.pay import pay_comparisons
from jobs.tests.test_browser_jobs import serious_violations
from roles.tests.test_browser import ARTIFACTS, browser, page, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_employers_loop_in_a_browser(server, page, settings):  # noqa: F811
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
