"""A manager finds a donor by phone number, typed differently from how it was entered."""

import re

from playwright.sync_api import Page, expect

from conftest import PASSWORD
from donorcall.donors.actions import DonorDetails, create_donor


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_manager_finds_a_donor_by_number_and_opens_the_profile(
    page: Page, live_server, manager, screenshot
):
    create_donor(
        DonorDetails(first_name="Ada", last_name="Lovelace"), phone_number="07700 900123", by=None
    )

    sign_in(page, live_server.url, manager.username)
    page.get_by_role("navigation").get_by_role("link", name="Donors", exact=True).click()
    page.fill("input[name=q]", "+44 7700 900123")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name="Ada Lovelace", exact=True).click()

    expect(page).to_have_url(re.compile(r"/donors/\d+/?$"))
    expect(page.locator("h1")).to_contain_text("Lovelace")
    expect(page.locator("main")).to_contain_text("07700 900123")
    screenshot("e2e-profile")
