"""Gifts during a call: a donation, a regular gift or sponsorship, a failed payment resolved,
and the vulnerable-donor flag that ends the ask. A double-submitted gift is recorded once."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from donorcall.callcenter.models import Call
from donorcall.donors.models import DonorEvent
from donorcall.giving.models import (
    Donation,
    DonationStatus,
    Payment,
    PaymentLink,
    PaymentStatus,
    RegularGift,
)
from donorcall.outbox.models import OutgoingEmail
from tests.callcenter_world import HTMX, NOON, htmx, ready, signed_in, toast
from tests.factories import EmailAddressFactory
from tests.queue_world import donor_on
from tests.test_call_center import clock  # noqa: F401 (the autouse frozen clock)
from tests.test_payment_gateway import callback_body, gateway, post_callback  # noqa: F401


@pytest.fixture
def on_call(agent, agent_client, job_role, team, campaign):
    donor = donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    return donor


def cash(amount: str) -> dict:
    return {"amount": amount, "currency": "GBP", "method": "cash", "request_key": uuid.uuid4()}


def test_a_double_submitted_donation_is_recorded_once(agent_client, on_call):
    key = str(uuid.uuid4())
    form = {"amount": "25.00", "currency": "GBP", "method": "cheque", "request_key": key}
    first = htmx(agent_client, "in-call/donation", form)
    second = htmx(agent_client, "in-call/donation", form)
    assert toast(first)["message"] == "Donation of GBP 25.00 recorded (pending)."
    assert toast(second)["level"] == "success"
    donation = Donation.objects.get()
    assert (donation.donor, donation.status, donation.call) == (
        on_call, DonationStatus.PENDING, Call.objects.get()
    )  # fmt: skip
    assert donation.campaign == "Failed payments"
    assert first["HX-Retarget"] == "#console"  # the profile shows the new gift
    assert b"GBP" in first.content


def test_a_bad_amount_names_the_field_and_records_nothing(agent_client, on_call):
    response = htmx(agent_client, "in-call/donation", cash("lots"))
    assert b"Enter a number" in response.content
    assert not Donation.objects.exists()


def test_a_direct_debit_needs_its_mandate_reference(agent_client, on_call):
    form = {
        "kind": "regular_gift", "amount": "10", "currency": "GBP", "frequency": "monthly",
        "started_on": "2026-12-01", "method": "direct_debit", "request_key": str(uuid.uuid4()),
    }  # fmt: skip
    refused = htmx(agent_client, "in-call/regular-gift", form)
    assert toast(refused)["level"] == "error"
    assert not RegularGift.objects.exists()
    form["mandate_reference"] = "DDI-0042"
    done = htmx(agent_client, "in-call/regular-gift", form)
    assert toast(done) == {
        "message": "Regular gift of GBP 10.00 set up. No email can go to this donor: send the "
        "confirmation by post.",
        "level": "warning",
    }
    assert RegularGift.objects.get().call == Call.objects.get()


def test_a_regular_gift_is_confirmed_in_writing_through_the_outbox(agent_client, on_call):
    EmailAddressFactory(donor=on_call, email="ada@example.org")
    form = {
        "kind": "sponsorship", "amount": "25", "currency": "GBP", "frequency": "monthly",
        "started_on": "2026-12-01", "method": "direct_debit", "mandate_reference": "DDI-0042",
        "sponsored": "Child 7", "request_key": str(uuid.uuid4()),
    }  # fmt: skip
    done = htmx(agent_client, "in-call/regular-gift", form)
    assert toast(done)["message"].endswith("Confirmation email queued to ada@example.org.")
    email = OutgoingEmail.objects.get()
    assert (email.call, email.status) == (Call.objects.get(), "queued")
    assert "a monthly sponsorship of GBP 25.00 by direct debit (mandate DDI-0042)" in email.body
    assert "from 1 December 2026" in email.body and "Alice" in email.body


def test_a_failed_payment_is_resolved_in_the_call(agent_client, on_call):
    gift = RegularGift.objects.create(
        donor=on_call, kind="sponsorship", amount=Decimal("25"), started_on=date(2025, 1, 1),
        method="direct_debit", mandate_reference="DDI-1", sponsored="Child 7",
    )  # fmt: skip
    failed = Payment.objects.create(
        regular_gift=gift, due_on=date(2026, 11, 1), amount=Decimal("25"),
        status=PaymentStatus.FAILED, failure_reason="Insufficient funds",
    )  # fmt: skip
    listing = agent_client.get("/call-center/in-call/failed-payment/", headers=HTMX)
    assert b"Insufficient funds" in listing.content
    done = htmx(agent_client, "in-call/failed-payment", {"payment": failed.pk,
                                                         "outcome": "paid_now"})  # fmt: skip
    assert toast(done)["message"] == "Failed payment resolved."
    failed.refresh_from_db()
    assert failed.status == PaymentStatus.PAID


def test_another_donors_payment_is_refused(agent_client, on_call, campaign):
    stranger = donor_on(campaign)
    gift = RegularGift.objects.create(
        donor=stranger, amount=Decimal("5"), started_on=date(2025, 1, 1), method="standing_order"
    )
    failed = Payment.objects.create(
        regular_gift=gift, due_on=date(2026, 11, 1), amount=Decimal("5"),
        status=PaymentStatus.FAILED,
    )  # fmt: skip
    refused = htmx(agent_client, "in-call/failed-payment", {"payment": failed.pk,
                                                            "outcome": "cancelled"})  # fmt: skip
    assert toast(refused)["level"] == "error"
    failed.refresh_from_db()
    assert failed.status == PaymentStatus.FAILED


def test_the_vulnerable_flag_blocks_a_gift_and_keeps_only_the_flag(agent, agent_client, on_call):
    flagged = htmx(agent_client, "in-call/vulnerable")
    assert toast(flagged)["level"] == "warning"
    on_call.refresh_from_db()
    assert on_call.vulnerable_flagged_by == agent and on_call.vulnerable_flagged_at
    assert Call.objects.get().vulnerable_flagged
    assert DonorEvent.objects.filter(donor=on_call, kind="vulnerable_flagged").count() == 1

    refused = htmx(agent_client, "in-call/donation", cash("5"))
    assert toast(refused)["message"].startswith("This donor has been flagged as possibly")
    assert not Donation.objects.exists()


def test_in_call_actions_need_a_call_on_screen(agent_client, job_role):
    signed_in(agent_client, job_role)
    assert agent_client.get("/call-center/in-call/donation/").status_code == 404
    assert agent_client.post("/call-center/in-call/vulnerable/").status_code == 404
    assert agent_client.get("/call-center/in-call/nothing/").status_code == 404


def test_managers_are_alerted_and_clear_the_flag(agent, agent_client, manager_client, on_call):
    htmx(agent_client, "in-call/vulnerable")
    home = manager_client.get("/")
    assert b"1 donor flagged as possibly vulnerable" in home.content
    listing = manager_client.get("/donors/vulnerable/")
    assert on_call.name.encode() in listing.content and b"Alice Agent" in listing.content
    assert agent_client.get("/donors/vulnerable/").status_code == 403

    manager_client.post(f"/donors/{on_call.pk}/vulnerable/clear/")
    on_call.refresh_from_db()
    assert on_call.vulnerable_flagged_at is None
    assert b"No donor is flagged" in manager_client.get("/donors/vulnerable/").content


# --- Pay by link: the gateway makes the link, the outbox emails it -------------------------------


@pytest.fixture
def fake_gateway(request):
    """The payment gateway's link API on a local port (tests/test_payment_gateway.py)."""
    return request.getfixturevalue("gateway")


def by_link(amount: str = "40") -> dict:
    return {"amount": amount, "currency": "GBP", "method": "pay_by_link",
            "request_key": uuid.uuid4()}  # fmt: skip


def test_pay_by_link_emails_the_gateways_link_and_the_callback_receives_the_gift(
    agent_client, on_call, fake_gateway
):
    EmailAddressFactory(donor=on_call, email="ada@example.org")
    sent = htmx(agent_client, "in-call/donation", by_link())
    assert toast(sent)["message"] == "Payment link for GBP 40.00 emailed to ada@example.org."
    donation = Donation.objects.get()
    assert (donation.method, donation.status) == ("online", DonationStatus.PENDING)
    email = OutgoingEmail.objects.get()
    link = PaymentLink.objects.get()
    assert link.url in email.body and "GBP 40.00" in email.subject
    assert fake_gateway.requests[0]["body"]["amount"] == "40.00"

    paid = post_callback(callback_body(link, amount="40.00"), at=NOON)
    assert paid.status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.RECEIVED


def test_pay_by_link_without_an_email_address_writes_nothing(agent_client, on_call, fake_gateway):
    refused = htmx(agent_client, "in-call/donation", by_link())
    assert toast(refused) == {"message": "This donor has no email address.", "level": "error"}
    assert not Donation.objects.exists() and not fake_gateway.requests


def test_pay_by_link_not_set_up_says_so_and_writes_nothing(agent_client, on_call):
    EmailAddressFactory(donor=on_call, email="ada@example.org")
    refused = htmx(agent_client, "in-call/donation", by_link())
    assert "Pay by link is not set up" in toast(refused)["message"]
    assert not Donation.objects.exists()


def test_a_gateway_down_keeps_the_gift_pending_and_the_same_form_tries_again(
    agent_client, on_call, fake_gateway
):
    EmailAddressFactory(donor=on_call, email="ada@example.org")
    form = by_link()
    fake_gateway.answer_status = 503
    failed = htmx(agent_client, "in-call/donation", form)
    assert toast(failed)["level"] == "error"
    assert b'value="%s"' % str(form["request_key"]).encode() in failed.content  # same key back
    fake_gateway.answer_status = 201
    sent = htmx(agent_client, "in-call/donation", form)
    assert toast(sent)["level"] == "success"
    assert Donation.objects.count() == 1 and OutgoingEmail.objects.count() == 1


def test_two_gifts_by_link_on_one_call_get_an_email_each(agent_client, on_call, fake_gateway):
    EmailAddressFactory(donor=on_call, email="ada@example.org")
    first, second = by_link("40"), by_link("15")
    for form in (first, second, first):  # the last one a retried first form
        assert toast(htmx(agent_client, "in-call/donation", form))["level"] == "success"
    assert Donation.objects.count() == 2
    emails = {email.subject: email.body for email in OutgoingEmail.objects.all()}
    assert len(emails) == 2, emails.keys()
    for link in PaymentLink.objects.select_related("donation"):
        amount = f"GBP {link.donation.amount:.2f}"
        subject = next(subject for subject in emails if amount in subject)
        assert link.url in emails[subject]
