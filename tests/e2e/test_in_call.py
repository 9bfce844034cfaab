"""In the call, in Chromium: a gift recorded once however often the button is clicked, and the
vulnerable-donor flag that ends the ask."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from donorcall.donors.models import Donor
from donorcall.giving.models import Donation
from donorcall.outbox.sending import send_due_emails
from tests.e2e.test_call_center import (
    call,
    card,
    due,
    end_with,
    ready_for_call,
    start_shift,
    toasts,
)
from tests.factories import EmailAddressFactory
from tests.outbox_world import thank_you
from tests.queue_world import donor_on
from tests.smtp_server import SmtpServer, use_smtp

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


def test_an_appointment_booked_in_a_call_is_served_first_to_its_owner_at_its_time(
    page: Page, live_server, agent, floor, noon_in_london
):
    booked = donor_on(floor, **due(2))
    other = donor_on(floor, **due(1))
    start_shift(page, live_server.url, agent.username)
    ready_for_call(page)
    expect(card(page)).to_contain_text(booked.name)
    call(page)

    open_tab(page, "Schedule Appointment")
    booking = page.locator("#schedule-appointment")
    booking.get_by_label("Time", exact=True).fill("12:25")
    booking.get_by_label("Date", exact=True).fill("2026-11-24")
    # The fragment shows the time on the agent's own clock once both are in.
    expect(booking.locator("#agent-time")).to_contain_text("Tue 24 Nov 12:25 your time")
    booking.get_by_role("radio", name="Me").check()
    booking.get_by_role("button", name="Schedule Appointment").click()
    expect(toasts(page)).to_contain_text("Appointment booked for 24 November 2026 at 12:25")
    end_with(page, "3")  # No answer: the appointment stands
    expect(page.locator("#notice")).to_have_text("Will be called again after Tue 24 Nov 12:25.")

    ready_for_call(page)  # not due yet: someone else first
    expect(card(page)).to_contain_text(other.name)
    expect(card(page)).not_to_contain_text("Appointment call")
    call(page)
    end_with(page, "1")

    # (A jump, not a wait: under 30 minutes, or the idle session would end.)
    noon_in_london.shift(timedelta(minutes=26))
    ready_for_call(page)
    expect(card(page)).to_contain_text(booked.name)
    expect(card(page).locator(".appointment-label")).to_have_text("Appointment call")


def test_an_email_sent_in_a_call_arrives_with_its_merge_fields(
    page: Page, live_server, settings, admin, agent, floor
):
    donor = donor_on(floor, **due())
    Donor.objects.filter(pk=donor.pk).update(first_name="Ada")
    EmailAddressFactory(donor=donor, email="ada@example.org")
    thank_you(by=admin)
    with SmtpServer() as smtp:
        use_smtp(settings, smtp.port)
        start_shift(page, live_server.url, agent.username)
        ready_for_call(page)
        call(page)
        open_tab(page, "Send Email")
        sending = page.locator("#send-email")
        expect(sending).to_contain_text("Thank you, Ada")  # the preview, merged
        sending.get_by_role("button", name="Send email").click()
        expect(toasts(page)).to_contain_text("Email queued to ada@example.org.")
        assert send_due_emails()  # the worker's step
        (message,) = smtp.messages
    assert message["To"] == "ada@example.org" and message["Subject"] == "Thank you, Ada"
    assert f"Your reference is {donor.reference}." in message.get_content()
