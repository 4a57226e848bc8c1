"""The editor's month in a real browser: Debian's Chromium driven by Playwright against a live
server. Log in, accept three, reject one, edit a summary, move an item to another sector (all
by keyboard), write the foreword, preview and approve; then check what was stored."""

import re
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.web import factories

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
FOREWORD = "November brought **new inspections** across our sectors.\n\n- Care homes\n- Prisons"
NEW_SUMMARY = (
    "The inspectorate found that 38% of care homes required improvement, up from 31% the year "
    "before, with staff vacancies at 152,000 and spending of £2.4 billion across England."
)


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop; the test itself only uses the ORM around it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(20_000)
        # The Content-Security-Policy must not block anything the editor app uses (htmx,
        # editor.js, styles, the email preview frames): Chromium logs each violation.
        blocked: list[str] = []
        context.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield page
        context.close()
        browser.close()
        assert not blocked, blocked


UNLABELLED_CONTROLS = """() => Array.from(
  document.querySelectorAll('input:not([type=hidden]), select, textarea, button, iframe'))
  .filter(el => el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
    && !el.getAttribute('aria-labelledby') && !el.getAttribute('title')
    && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 100))"""


def check_accessible(page):
    """Every visible control has a name, and keyboard focus is visible (Tab from the top)."""
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => [document.activeElement.tagName, getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert outline[0] != "BODY" and outline[1] != "none", outline


BUSY = "() => !!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def settle(page, timeout_seconds: float = 20.0):
    """Wait until htmx has finished its requests and swaps, as a user waits for the screen.

    Polled from here with `evaluate` (run through the DevTools protocol): Playwright's
    `wait_for_function` compiles its predicate inside the page, which the app's CSP (no
    'unsafe-eval') rightly refuses."""
    deadline = time.monotonic() + timeout_seconds
    while page.evaluate(BUSY):
        assert time.monotonic() < deadline, "htmx never settled"
        page.wait_for_timeout(25)


def row_status(page, index: int):
    return page.locator(".queue-row").nth(index).locator(".badge").first


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_reviews_and_approves_the_month(live_server, browser_page, tmp_path_factory):
    from policypulse.audit.models import AuditEntry
    from policypulse.editions.models import Edition
    from policypulse.summaries.models import Summary
    from policypulse.triage.models import TriageLabel

    factories.make_candidates(8)
    factories.make_sources()
    factories.make_user("editor@example.org", "editor")
    shots = tmp_path_factory.mktemp("editor-screenshots")
    page = browser_page

    # Log in: the dashboard sends an anonymous visitor to the log-in page first.
    page.goto(f"{live_server.url}/editor/")
    expect(page).to_have_url(re.compile(r"/editor/login/\?next="))
    check_accessible(page)
    page.get_by_label("E-mail").fill("editor@example.org")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    page.screenshot(path=shots / "1-dashboard.png", full_page=True)
    check_accessible(page)

    # The review queue, by keyboard only.
    page.goto(f"{live_server.url}/editor/queue/?month=2026-11")
    rows = page.locator(".queue-row")
    expect(rows).to_have_count(8)
    titles = [rows.nth(i).locator(".row-link").inner_text() for i in range(5)]
    for index in range(3):
        page.keyboard.press("j")
        expect(page.locator("#item-title")).to_contain_text(titles[index])
        page.keyboard.press("a")
        expect(page.locator("#item-status")).to_have_text("Accepted")
        expect(row_status(page, index)).to_have_text("accepted")
        settle(page)
    page.keyboard.press("j")
    expect(page.locator("#item-title")).to_contain_text(titles[3])
    page.keyboard.press("r")
    expect(page.locator("#item-status")).to_have_text("Rejected")
    expect(row_status(page, 3)).to_have_text("rejected")
    settle(page)

    # Edit a summary: e opens the box, Ctrl+Enter saves, the guard runs again.
    page.keyboard.press("j")
    expect(page.locator("#item-title")).to_contain_text(titles[4])
    page.keyboard.press("e")
    expect(page.locator("#summary-input")).to_be_focused()
    page.locator("#summary-input").fill(NEW_SUMMARY)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#summary-text")).to_contain_text("across England")
    expect(page.locator("#summary-h .badge")).to_have_text("edited")
    expect(page.locator("#summary-text mark.found").first).to_have_text("38%")

    # Move the same item to another sector: s focuses the select, choosing saves it.
    page.keyboard.press("Escape")
    page.keyboard.press("s")
    expect(page.locator("#sector-select")).to_be_focused()
    page.locator("#sector-select").select_option("justice")
    expect(page.locator(f"#{rows.nth(4).get_attribute('id')} .row-meta")).to_contain_text("justice")
    page.screenshot(path=shots / "2-review-queue.png", full_page=True)
    assert page.evaluate(UNLABELLED_CONTROLS) == []

    # Search every publication, with a filter.
    page.keyboard.press("Escape")
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Words").fill("inspectorate")
    page.get_by_label("Sector").select_option("justice")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".results li")).to_have_count(3)  # two triaged there, one moved
    check_accessible(page)

    # The edition: build the draft, rewrite the foreword, preview, approve.
    page.get_by_role("link", name="Editions").click()
    page.get_by_role("button", name=re.compile("Build or refresh")).click()
    expect(page.locator("#foreword-draft")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Foreword")).fill(FOREWORD)
    expect(page.locator("#foreword-live strong", has_text="new inspections")).to_be_visible()
    page.get_by_role("button", name="Save foreword").click()
    expect(page.locator("#foreword-panel .badge")).to_have_text("Written by the editor")
    desktop = page.frame_locator("#preview-desktop")
    expect(desktop.locator("body")).to_contain_text("new inspections")
    expect(page.frame_locator("#preview-phone").locator("body")).to_contain_text(titles[0])
    expect(desktop.locator("body")).not_to_contain_text(titles[3])  # rejected: not in it
    pdf = page.request.get(live_server.url + page.locator("#pdf-link").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.screenshot(path=shots / "3-edition-editor.png", full_page=True)
    check_accessible(page)
    page.get_by_role("button", name="Approve and freeze").click()
    expect(page.locator("#edition-status")).to_have_text("Approved")
    expect(page.locator("#foreword-input")).to_have_count(0)
    page.screenshot(path=shots / "4-approved.png", full_page=True)
    print(f"\nScreenshots: {shots}")

    # What was stored.
    edition = Edition.objects.get()
    assert edition.status == "approved" and edition.approved_by.username == "editor@example.org"
    assert edition.foreword == FOREWORD and not edition.foreword_is_draft
    decisions = dict(
        TriageLabel.objects.filter(decided_by="editor").values_list(
            "publication__title", "decision"
        )
    )
    assert [decisions[t] for t in titles[:4]] == ["accepted"] * 3 + ["rejected"]
    moved = TriageLabel.objects.get(publication__title=titles[4])
    assert moved.sector == "justice" and moved.decided_by == "editor"
    summary = Summary.objects.get(publication__title=titles[4])
    assert summary.text == NEW_SUMMARY and summary.edited_by_editor
    assert [c["rule"] for c in summary.checks] == ["length"]  # every figure is in the source
    in_edition = set(edition.items.values_list("title", flat=True))
    assert set(titles[:3]) <= in_edition and titles[3] not in in_edition
    assert edition.items.get(title=titles[4]).sector == "justice"
    actions = sorted(
        AuditEntry.objects.exclude(action="user-created").values_list("action", flat=True)
    )
    assert actions.count("decision") == 4 and "summary" in actions and "sector" in actions
    assert {"edition-built", "foreword", "approved"} <= set(actions)
    assert set(
        AuditEntry.objects.exclude(action="user-created").values_list("user__username", flat=True)
    ) == {"editor@example.org"}
    # Inside Playwright's event loop the ORM gets a connection of its own; close it, or on
    # PostgreSQL the open session stops the test database from being dropped.
    from django.db import connections

    connections.close_all()
