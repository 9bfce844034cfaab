"""Inbound calls in Chromium: a phone system's signed request pops the caller's donor on the
Ready agent's screen within two seconds; an unknown number opens the new-donor form with the
number filled in."""

import json
import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from donorcall.giving.gateways.signatures import HEADER, sign
from donorcall.lib.clock import now
from donorcall.staff.models import JobRole
from donorcall.telephony.models import PhoneLine
from tests.e2e.test_call_center import card, log_in, status, toasts
from tests.factories import DonorFactory, PhoneNumberFactory

pytestmark = pytest.mark.usefixtures("noon_in_london")
SECRET = "phone-system-secret"
LINE = "+442079460000"


@pytest.fixture
def inbound_floor(settings, agent, floor):
    settings.DONORCALL_TELEPHONY_SECRET = SECRET
    role = JobRole.objects.create(
        name="Inbound caller", makes_outbound_calls=False, takes_inbound_calls=True
    )
    role.members.add(agent)
    PhoneLine.objects.create(number=LINE, name="Supporter care", team=floor.teams.get())


def ready_for_inbound(page: Page, base_url: str, username: str) -> None:
    log_in(page, base_url, username)
    page.goto(base_url + "/call-center/")
    page.get_by_label("Job role").select_option(label="Inbound caller")
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.get_by_role("button", name="Confirm").click()
    expect(toasts(page)).to_contain_text("Success signed into shift")
    page.get_by_role("button", name=re.compile("^Ready for inbound calls")).click()
    expect(status(page)).to_have_text("Ready")


def ring(caller: str) -> dict:
    body = json.dumps({"event": "ringing", "call_id": "pbx-42", "caller": caller,
                       "called": LINE}).encode()  # fmt: skip
    response = Client().post(
        "/api/v1/telephony/inbound", body, content_type="application/json",
        headers={HEADER: sign(body, secret=SECRET, at=now())},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    return response.json()


def test_a_signed_request_pops_the_donor_on_the_agents_screen(
    page: Page, live_server, agent, inbound_floor
):
    donor = DonorFactory(first_name="Mary", last_name="Somerville")
    PhoneNumberFactory(donor=donor, number="+447700900555")
    ready_for_inbound(page, live_server.url, agent.username)

    assert ring("07700 900555")["agent_id"] == agent.pk
    expect(status(page)).to_have_text("On call", timeout=2000)
    expect(card(page)).to_contain_text("Mary Somerville", timeout=2000)
    expect(page.locator("#phone-numbers")).to_contain_text("07700 900555")


def test_an_unknown_number_opens_the_new_donor_form_with_the_number(
    page: Page, live_server, agent, inbound_floor
):
    ready_for_inbound(page, live_server.url, agent.username)
    ring("07700 900999")
    caller = page.locator("#inbound-caller")
    expect(caller).to_contain_text("No donor has this number", timeout=2000)
    expect(caller.get_by_label("Phone number")).to_have_value("07700 900999")
    caller.get_by_label("Last name").fill("Franklin")
    caller.get_by_label("First name").fill("Rosalind")
    caller.get_by_role("button", name="Add donor and take the call").click()
    expect(toasts(page)).to_contain_text("Rosalind Franklin added, with the caller's number.")
    expect(card(page)).to_contain_text("Rosalind Franklin")
