"""The seeds' "Calling a Donor", in Chromium: from Sign In to Sign Out, in Preview and in
Progressive mode, with the keyboard where an agent would use it.

The server's clock is moved to a Tuesday at noon in London (ticking), so the donors are inside
calling hours whatever time the suite runs; the browser keeps its own clock, which the screen
never relies on (it counts the seconds the server gives it)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from donorcall.campaigns.models import (
    DiallingMode,
    Disposition,
    EndedReason,
    Priority,
    QueueEntry,
    QueueState,
)
from donorcall.giving.models import Payment, PaymentStatus, RegularGift
from tests.callcenter_world import NOON
from tests.factories import PhoneNumberFactory
from tests.queue_world import donor_on, fictional_number

pytestmark = pytest.mark.usefixtures("noon_in_london")


def due(hours: float = 1) -> dict:
    return {"due_at": NOON - timedelta(hours=hours)}


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def start_shift(page: Page, base_url: str, username: str) -> None:
    """Seeds steps 1–2: Communications › Call Center, job role, Sign In, Shift Time
    Confirmation, "Success signed into shift"."""
    log_in(page, base_url, username)
    page.get_by_role("navigation").get_by_role("link", name="Call Center").click()
    page.get_by_label("Job role").select_option(label="Agent")
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", name="Shift Time Confirmation")).to_be_visible()
    page.get_by_label("Your shift ends at").fill("18:00")
    page.get_by_label("Extension hours").select_option(label="1 hour")
    page.get_by_role("button", name="Confirm").click()
    expect(toasts(page)).to_contain_text("Success signed into shift")
    expect(status(page)).to_have_text("Not ready")


def toasts(page: Page):
    return page.locator("#toasts")


def status(page: Page):
    return page.locator("#agent-status")


def card(page: Page):
    return page.locator("#donor-card")


def version(page: Page) -> int:
    return int(page.locator("#console").get_attribute("data-version") or 0)


def press(page: Page, key: str) -> None:
    """A key, then wait for the screen the server sends back (the status version moves on)."""
    before = version(page)
    page.keyboard.press(key)
    page.wait_for_function(
        "v => Number(document.getElementById('console').dataset.version) > v", arg=before
    )


def ready_for_call(page: Page) -> None:
    before = version(page)
    page.get_by_role("button", name=re.compile("^Ready for Call")).click()
    page.wait_for_function(
        "v => Number(document.getElementById('console').dataset.version) > v", arg=before
    )


def call(page: Page) -> None:
    press(page, "c")
    expect(status(page)).to_have_text("On call")


def end_with(page: Page, reason_key: str, notes: str = "") -> None:
    """End call, then the ended reason by its key, notes, Ctrl+Enter."""
    press(page, "e")
    expect(status(page)).to_have_text("Wrap-up")
    page.keyboard.press(reason_key)
    if notes:
        page.get_by_label("Notes").fill(notes)
    press(page, "Control+Enter")


def test_the_seed_flow_in_preview_mode(page: Page, live_server, agent, floor, screenshot):
    ada = donor_on(floor, **due())
    ada.first_name = "Ada"
    ada.save(update_fields=["first_name"])
    gift = RegularGift.objects.create(
        donor=ada, kind="sponsorship", amount=Decimal("25.00"), frequency="monthly",
        started_on=date(2025, 1, 1), method="direct_debit",
    )  # fmt: skip
    Payment.objects.create(
        regular_gift=gift, due_on=date(2026, 11, 1), amount=Decimal("25.00"),
        status=PaymentStatus.FAILED, failure_reason="Insufficient funds",
    )  # fmt: skip
    declined = Disposition.objects.create(
        ended_reason=EndedReason.objects.get(code="concluded"), name="Will think about it"
    )
    start_shift(page, live_server.url, agent.username)

    # Step 3: the dialler popup, with the team's campaign; Ready for Call (by its key).
    expect(page.get_by_label("Failed payments")).to_be_checked()
    page.keyboard.press("r")
    expect(status(page)).to_have_text("Preview")
    # Step 4: name, reference and phone number, the profile beside, the script.
    expect(card(page)).to_contain_text(ada.name)
    expect(card(page)).to_contain_text(ada.reference)
    expect(card(page)).to_contain_text("07700 900")
    expect(page.locator(".failed-payment")).to_contain_text("Insufficient funds")
    expect(page.locator(".script")).to_contain_text("Hello Ada")
    expect(card(page)).not_to_contain_text("Appointment call")
    screenshot("call-center-preview")

    # Step 5: the call, a tel: link and a running timer; End call; ended reason; disposition.
    call(page)
    number = ada.phone_numbers.get().number
    expect(page.locator(f'#donor-card a[href="tel:{number}"]')).to_be_visible()
    timer = page.locator(".call-timer .clock")
    expect(timer).not_to_have_text("0:00", timeout=3000)
    press(page, "e")
    expect(status(page)).to_have_text("Wrap-up")
    page.keyboard.press("1")  # Concluded
    expect(page.locator(".disposition-choice:visible")).to_have_count(1)
    page.locator("#id_disposition_concluded").select_option(label="Will think about it")
    page.get_by_label("Notes").fill("Will ring back after payday")
    screenshot("call-center-outcome")
    press(page, "Control+Enter")
    expect(toasts(page)).to_contain_text("Concluded: this donor will not be called again")
    expect(status(page)).to_have_text("Wrap-up")
    placed = ada.calls.get()
    assert (placed.ended_reason, placed.disposition, placed.notes) == (
        "concluded", declined, "Will ring back after payday"
    )  # fmt: skip

    # Then Ready again: nobody else is left, so Out of Data.
    page.keyboard.press("r")
    expect(page.get_by_role("heading", name="Out of Data")).to_be_visible()


def test_the_seed_flow_in_progressive_mode(page: Page, live_server, agent, floor):
    floor.dialling_mode, floor.wrap_up_seconds = DiallingMode.PROGRESSIVE, 2
    floor.save()
    first = donor_on(floor, **due(2))
    second = donor_on(floor, **due(1))
    start_shift(page, live_server.url, agent.username)

    ready_for_call(page)
    expect(status(page)).to_have_text("On call")  # the call started by itself
    expect(card(page)).to_contain_text(first.name)
    expect(page.get_by_role("button", name=re.compile("^Skip"))).to_have_count(0)
    end_with(page, "3")  # No answer
    expect(page.locator("#notice")).to_contain_text("Will be called again after")
    expect(page.locator("#wrap-up-countdown")).to_contain_text("Next donor in")
    # After the wrap-up countdown, the next donor comes by itself.
    expect(card(page)).to_contain_text(second.name, timeout=8000)
    expect(status(page)).to_have_text("On call")


def test_the_wrap_up_countdown_can_be_paused(page: Page, live_server, agent, floor):
    floor.dialling_mode, floor.wrap_up_seconds = DiallingMode.PROGRESSIVE, 3
    floor.save()
    donor_on(floor, **due(2))
    donor_on(floor, **due(1))
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    end_with(page, "1")
    page.keyboard.press("p")
    page.wait_for_timeout(4500)
    expect(status(page)).to_have_text("Wrap-up")
    page.keyboard.press("r")
    expect(status(page)).to_have_text("On call")


def test_skip_needs_a_reason(page: Page, live_server, agent, floor):
    first = donor_on(floor, **due(2))
    second = donor_on(floor, **due(1))
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    expect(card(page)).to_contain_text(first.name)

    page.keyboard.press("s")
    expect(toasts(page)).to_contain_text("Choose a skip reason.")
    expect(card(page)).to_contain_text(first.name)
    page.get_by_label("Skip reason").select_option(label="Known complaint")
    page.get_by_role("button", name=re.compile("^Skip")).click()
    expect(toasts(page)).to_contain_text("Skipped (Known complaint).")
    expect(card(page)).to_contain_text(second.name)


def test_wrong_number_is_gone_from_the_profile(page: Page, live_server, agent, floor):
    donor = donor_on(floor, **due())
    wrong = donor.phone_numbers.get()
    PhoneNumberFactory(donor=donor, number=fictional_number(donor.pk + 500), is_primary=False)
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    numbers = page.locator("#phone-numbers .phone-number")
    expect(numbers).to_have_count(2)
    call(page)
    end_with(page, "5")  # Wrong number
    expect(toasts(page)).to_contain_text("Number removed.")
    expect(numbers).to_have_count(1)
    expect(numbers).not_to_contain_text(wrong.display)


def test_do_not_call_shows_the_phone_consent_withdrawn(page: Page, live_server, agent, floor):
    donor_on(floor, **due())
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    phone_row = page.locator("#consent tbody tr").first
    expect(phone_row).not_to_contain_text("Withdrawn")
    call(page)
    end_with(page, "2")  # Do not call
    expect(toasts(page)).to_contain_text("phone consent for fundraising withdrawn")
    expect(phone_row).to_contain_text("Withdrawn")


def test_no_answer_says_when_the_donor_comes_back(page: Page, live_server, agent, floor):
    donor_on(floor, **due())
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    call(page)
    end_with(page, "3", notes="Rang out")
    # The campaign retries No answer after 4 hours: 16:00 in London.
    expect(page.locator("#notice")).to_have_text("Will be called again after Tue 24 Nov 16:00.")
    later = QueueEntry.objects.get().due_at - NOON
    assert timedelta(hours=4) <= later < timedelta(hours=4, minutes=1)


def test_an_appointment_is_served_first_with_its_label(page: Page, live_server, agent, floor):
    donor_on(floor, **due(24))
    booked = donor_on(
        floor, due_at=NOON - timedelta(minutes=5), priority=Priority.OWN_APPOINTMENT, owner=agent
    )
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    expect(card(page)).to_contain_text(booked.name)
    expect(card(page).locator(".appointment-label")).to_have_text("Appointment call")


def test_out_of_data_then_it_checks_again_by_itself(page: Page, live_server, agent, floor):
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    expect(page.get_by_role("heading", name="Out of Data")).to_be_visible()
    expect(page.locator(".out-of-data")).to_contain_text("checks again by itself")
    expect(status(page)).to_have_text("Ready")

    late = donor_on(floor, **due())
    expect(card(page)).to_contain_text(late.name, timeout=9000)
    expect(status(page)).to_have_text("Preview")


def test_break_resume_and_sign_out(page: Page, live_server, agent, floor):
    donor_on(floor, **due())
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    expect(status(page)).to_have_text("Preview")

    page.get_by_label("Break reason").select_option(label="Lunch")
    page.get_by_role("button", name=re.compile("^Take Break")).click()
    expect(toasts(page)).to_contain_text("On break: Lunch.")
    expect(status(page)).to_have_text("On break")
    assert QueueEntry.objects.get().state == QueueState.OPEN  # the previewed donor went back

    page.get_by_role("button", name=re.compile("^Resume Shift")).click()
    expect(toasts(page)).to_contain_text("Shift resumed")
    expect(status(page)).to_have_text("Not ready")

    page.get_by_role("button", name="Sign Out", exact=True).click()
    expect(toasts(page)).to_contain_text("Signed out of your shift.")
    expect(status(page)).to_have_text("Offline")
    expect(page.get_by_role("button", name="Sign In", exact=True)).to_be_visible()


def test_calls_lists_todays_calls(page: Page, live_server, agent, floor):
    donor = donor_on(floor, **due())
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    call(page)
    end_with(page, "4", notes="At work")  # Not available
    expect(toasts(page)).to_contain_text("Will be called again after")
    page.get_by_role("link", name="Calls", exact=True).click()
    expect(page.locator("#calls")).to_contain_text(donor.name)
    expect(page.locator("#calls")).to_contain_text("Not available")
    page.get_by_role("link", name="Back to the Call Center").click()
    expect(status(page)).to_have_text("Wrap-up")


def test_the_screen_holds_at_1280_by_720(page: Page, live_server, agent, floor):
    page.set_viewport_size({"width": 1280, "height": 720})
    donor_on(floor, **due())
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    for name in ("^Call", "^Skip"):
        expect(page.get_by_role("button", name=re.compile(name))).to_be_in_viewport()
    call(page)
    press(page, "e")
    expect(page.get_by_role("button", name=re.compile("^Save outcome"))).to_be_in_viewport()


def test_two_agents_on_one_campaign_never_see_the_same_donor(
    browser: Browser, page: Page, live_server, agent, other_agent, floor
):
    donors = [donor_on(floor, **due(hours)) for hours in (4, 3, 2, 1)]
    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    other.set_default_timeout(10_000)
    try:
        start_shift(page, live_server.url, agent.username)
        start_shift(other, live_server.url, other_agent.username)
        seen: list[tuple[str, str]] = []
        for _ in range(2):
            ready_for_call(page)
            ready_for_call(other)
            expect(status(page)).to_have_text("Preview")
            expect(status(other)).to_have_text("Preview")
            mine = card(page).locator(".donor-reference").inner_text()
            theirs = card(other).locator(".donor-reference").inner_text()
            assert mine != theirs
            seen += [(mine, "agent"), (theirs, "other")]
            for screen in (page, other):
                call(screen)
                end_with(screen, "1")
                expect(status(screen)).to_have_text("Wrap-up")
        assert sorted(ref for ref, _ in seen) == sorted(d.reference for d in donors)
    finally:
        other.context.close()
