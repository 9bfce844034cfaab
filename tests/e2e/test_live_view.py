"""Live, in Chromium: a manager watches the floor while an agent works the Call Center in
another browser. A change on the agent's screen reaches the manager's within 2 seconds (the
page polls its fragment every second; the snapshot behind it is at most a second old)."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_call_center import log_in, start_shift, toasts

pytestmark = pytest.mark.usefixtures("noon_in_london")
TWO_SECONDS = 2_000  # ms


@pytest.fixture
def manager_page(browser: Browser, live_server, manager):
    cache.clear()  # no snapshot left from another test in this process
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, live_server.url, manager.username)
    page.get_by_role("navigation").get_by_role("link", name="Live").click()
    yield page
    context.close()


def test_a_manager_sees_an_agent_take_a_break_within_two_seconds(
    page: Page, manager_page: Page, live_server, agent, floor
):
    start_shift(page, live_server.url, agent.username)
    row = manager_page.locator(f"#agent-{agent.pk}")
    expect(row).to_have_attribute("data-status", "not_ready")
    expect(row).to_contain_text("Alice Agent")

    page.get_by_label("Break reason").select_option(label="Lunch")
    page.get_by_role("button", name=re.compile("^Take Break")).click()
    expect(toasts(page)).to_contain_text("On break: Lunch.")
    expect(row).to_have_attribute("data-status", "on_break", timeout=TWO_SECONDS)
    expect(row).to_contain_text("Lunch", timeout=TWO_SECONDS)


def test_a_manager_signs_an_agent_out_from_the_live_view(
    page: Page, manager_page: Page, live_server, agent, floor
):
    start_shift(page, live_server.url, agent.username)
    row = manager_page.locator(f"#agent-{agent.pk}")
    expect(row).to_be_visible()
    manager_page.on("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Sign out").click()
    expect(toasts(manager_page)).to_contain_text("Alice Agent: signed out.")
    expect(row).to_have_count(0)
    expect(manager_page.locator(".live-actions-log")).to_contain_text("signed out — Alice Agent")
