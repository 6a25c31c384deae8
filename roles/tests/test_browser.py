"""Real Chromium through Playwright: what a person sees and can do, with and without JavaScript.

Needs Debian's chromium (`apt-get install chromium`) and axe-core (`npm ci`). Without them these tests
are skipped, unless ROLESCOPE_REQUIRE_BROWSER=1 (CI), where they fail instead.
"""

import csv
import gzip
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

CHROMIUM = shutil.which("chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

if not (CHROMIUM and AXE.exists()):
    reason = "needs Debian's chromium and `npm ci` (axe-core)"
    if os.environ.get("ROLESCOPE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"Browser tests are required here but cannot run: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def server(django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        live = LiveServer("127.0.0.1:0")
        yield live.url
        live.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests make no ORM calls meanwhile.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    # axe-core is injected as an inline script, which the site's Content-Security-Policy rightly refuses: these
    # pages bypass it. test_no_content_security_policy_violations browses with the policy enforced.
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_no_content_security_policy_violations(server, browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    for path in ("/", "/roles/", "/roles/back-end-developer/?location=Austin%2C+TX", "/jobs/", "/api/v1/docs"):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{server}/roles/registered-nurses/")
    page.locator("#location").press_sequentially("Sunnyv", delay=30)  # the autocomplete script runs under the policy
    page.locator("#location-suggestions option").first.wait_for(state="attached")
    context.close()
    assert refused == []


def austin_row(snapshot_dir):
    path = snapshot_dir / "oews-2025/all_data_M_2025_cross_industry.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r["AREA"] == "12420" and r["OCC_CODE"] == "15-1254")


def test_back_end_developer_in_austin(server, page, snapshot_dir):
    page.goto(f"{server}/roles/back-end-developer/")
    assert page.locator("h1").inner_text() == "Back-End Developer"
    page.get_by_label("Enter City, State to view local salaries and candidate demand").fill("Austin, TX")
    page.get_by_role("button", name="Show local figures").click()
    page.wait_for_url("**/roles/back-end-developer/?location=Austin*")
    local = page.locator("#local")
    row = austin_row(snapshot_dir)
    text = local.inner_text()
    assert "Austin-Round Rock-San Marcos, TX" in text
    assert f"${int(row['A_MEDIAN']):,}" in text and f"${int(row['A_PCT25']):,}" in text
    assert page.locator("#permalink").input_value().endswith("/roles/back-end-developer/?location=Austin%2C+TX")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "back-end-developer-austin.png"), full_page=True)
    assert (ARTIFACTS / "back-end-developer-austin.png").stat().st_size > 50_000


def test_place_autocomplete_offers_suggestions(server, page):
    page.goto(f"{server}/roles/registered-nurses/")
    page.locator("#location").press_sequentially("Sunnyv", delay=30)
    page.wait_for_function("document.querySelectorAll('#location-suggestions option').length > 0")
    options = page.locator("#location-suggestions option").evaluate_all("els => els.map(e => e.value)")
    assert "Sunnyvale, CA" in options


def test_keyboard_skip_link_reaches_the_content(server, page):
    page.goto(f"{server}/roles/back-end-developer/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_without_javascript_the_form_still_works(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/roles/back-end-developer/")
    page.fill("#location", "94086")
    page.press("#location", "Enter")
    page.wait_for_url("**location=94086*")
    assert "San Jose-Sunnyvale-Santa Clara, CA" in page.locator("#local").inner_text()
    assert page.locator("button.copy-link").is_hidden()  # the copy button needs JavaScript, so it stays hidden
    context.close()


def serious_violations(page, selectors: list[str] | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page, or only inside `selectors`, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (include) => await axe.run(include ? {include: include} : document, {resultTypes: ['violations']})",
        [[selector] for selector in selectors] if selectors else None,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/roles/",
        "/roles/back-end-developer/?location=Austin%2C+TX",
        "/roles/registered-nurses/?location=Bozeman%2C+MT",  # programmes near you (issue 19)
        "/roles/?q=nurse",
        "/methodology/",
    ],
)
def test_no_serious_accessibility_violations(server, page, path):
    page.goto(f"{server}{path}")
    assert serious_violations(page) == []


def test_job_seekers_sections_registered_nurses_in_bozeman(server, page):
    """Issue 19: the outlook, how to get in, next steps, what the pay buys and the charts are shown and axe-core finds
    no serious or critical violation in them."""
    page.goto(f"{server}/roles/registered-nurses/?location=Bozeman%2C+MT")
    sections = ["#pay-meaning", "#charts", "#outlook", "#entry", "#next-steps", "#price-parity"]
    for selector in sections:
        assert page.locator(selector).is_visible(), selector
    assert "2024" in page.locator("#outlook").inner_text()
    assert page.locator("#charts svg[role=img]").count() == 2
    assert serious_violations(page, sections) == []


def test_compare_five_by_five_sorts_and_is_accessible(server, page):
    roles = ["software-developers", "registered-nurses", "web-developers", "actors", "15-1211"]
    places = ["Austin, TX", "94086", "Seattle, WA", "Springfield", "Denver, CO"]
    query = "&".join([*(f"role={r}" for r in roles), *(f"location={p.replace(' ', '+')}" for p in places)])
    page.goto(f"{server}/compare/?{query}")
    assert page.locator("h1").inner_text() == "Compare roles and places"
    assert "Several places match" in page.locator(".compare-places").inner_text()  # Springfield asks, alone
    assert page.locator("#compare-table tbody tr").count() == 5 * 4
    page.get_by_role("button", name="Medium").click()  # progressive enhancement: the header sorts the rows
    assert page.locator("#compare-table th[aria-sort]").get_attribute("aria-sort") == "ascending"
    medians = page.locator("#compare-table tbody tr td:nth-child(6)").evaluate_all(
        "cells => cells.map(c => c.dataset.sort).filter(v => v !== '').map(Number)"
    )
    assert medians == sorted(medians) and len(medians) >= 15
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare-5x5.png"), full_page=True)
    assert serious_violations(page) == []
