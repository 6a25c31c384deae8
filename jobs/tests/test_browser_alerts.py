"""Chromium: a new candidate signs up, saves a /jobs/ search, finds it in their account and changes its emails,
then opens an alert's unsubscribe link; each page is checked with axe-core. Skipped as roles/tests/test_browser.py."""

import pytest
from django.core import mail

from jobs import alerts
from jobs.models import SavedSearch
from jobs.tests.test_browser_jobs import sign_up
from roles.tests.test_browser import browser, page, serious_violations, server  # noqa: F401 (fixtures)

# The live server writes, so this module commits instead of rolling back; it runs after every other test.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_new_candidate_saves_a_search_and_unsubscribes(server, page):  # noqa: F811
    sign_up(page, server, "cara")
    page.goto(f"{server}/jobs/?q=nurse&location=Denver%2C+CO")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save this search").click()
    page.wait_for_url(f"{server}/accounts/saved-searches/")
    assert "Saved: “nurse” in Denver, CO." in page.locator("main").inner_text()
    assert serious_violations(page) == []
    page.get_by_label("Email").select_option("instant")
    page.get_by_role("button", name="Save changes to “nurse” in Denver, CO").click()
    assert "as soon as they are published" in page.locator("main").inner_text()
    saved = SavedSearch.objects.get()
    assert saved.frequency == "instant"
    mail.outbox.clear()
    page.goto(f"{server}/accounts/saved-searches/unsubscribe/{alerts.unsubscribe_token(saved_search_id=saved.pk)}/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    assert "you will get no more emails for your saved search" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    assert SavedSearch.objects.get().frequency == "off"
