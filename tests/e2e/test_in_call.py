"""In the call, in Chromium: a gift recorded once however often the button is clicked, and the
vulnerable-donor flag that ends the ask."""

import re

import pytest
from playwright.sync_api import Page, expect

from donorcall.giving.models import Donation
from tests.e2e.test_call_center import call, card, due, ready_for_call, start_shift, toasts
from tests.queue_world import donor_on

pytestmark = pytest.mark.usefixtures("noon_in_london")


def open_tab(page: Page, name: str) -> None:
    page.locator(".in-call .tabs").get_by_role("button", name=name).click()


def test_a_double_clicked_donation_is_recorded_once(page: Page, live_server, agent, floor):
    donor = donor_on(floor, **due())
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    call(page)
    open_tab(page, "Donation")
    page.get_by_label("Amount").fill("30")
    page.get_by_label("How the donor pays").select_option(label="Cheque")
    record = page.get_by_role("button", name="Record donation")
    record.dblclick()
    expect(toasts(page)).to_contain_text("Donation of GBP 30.00 recorded (pending).")
    expect(page.locator("#giving")).to_contain_text("30.00")
    assert Donation.objects.filter(donor=donor).count() == 1


def test_the_vulnerable_flag_blocks_a_gift(page: Page, live_server, agent, floor):
    donor = donor_on(floor, **due())
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    call(page)
    page.get_by_role("button", name="Vulnerable donor").click()
    expect(toasts(page)).to_contain_text("Flagged as possibly vulnerable")
    expect(card(page)).to_contain_text("Possibly vulnerable")
    open_tab(page, "Donation")
    page.get_by_label("Amount").fill("10")
    page.get_by_role("button", name="Record donation").click()
    expect(toasts(page)).to_contain_text(re.compile("flagged as possibly vulnerable"))
    assert not Donation.objects.filter(donor=donor).exists()
