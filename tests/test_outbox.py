"""The outbox end to end: an email queued during a call goes through a real SMTP server
(aiosmtpd) with its merge fields filled and an unsubscribe link that withdraws consent; the
sender re-checks consent and the suppression ledger, and retries a failing server with
back-off before marking the email failed."""

import json
import re
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from conftest import client_for
from donorcall.donors.actions import suppress, withdraw_consent
from donorcall.donors.models import Channel, ConsentEvent, ConsentState, SuppressionReason
from donorcall.outbox import actions
from donorcall.outbox.models import EmailStatus, OutgoingEmail
from donorcall.outbox.sending import BACKOFF, MAX_ATTEMPTS, claim_due_emails, send_due_emails
from donorcall.runtime.worker import STEPS
from tests.outbox_world import HTMX, NOON, purpose, put_on_call, thank_you
from tests.smtp_server import SmtpServer, free_port, use_smtp


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        use_smtp(settings, server.port)
        yield server


@pytest.fixture(autouse=True)
def clock(smtp):
    # Before anyone signs in (a session idle since real time would have expired at NOON), and
    # after the server: its thread starts on real time, then the test's clock stands still.
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def call(agent, clock):
    return put_on_call(agent)


@pytest.fixture
def template(admin):
    return thank_you(by=admin)


def send_in_call(client: Client, template, **data):
    response = client.post("/outbox/in-call/send/", {"template": template.pk, **data},
                           headers=HTMX)  # fmt: skip
    assert response.status_code == 200, response.content
    return response, json.loads(response["HX-Trigger"])["toast"]


def unsubscribe_path(message) -> str:
    url = re.search(r"https?://\S+/outbox/unsubscribe/\S+/", message.get_content()).group()
    return urlsplit(url).path


# --- Sent in a call ----------------------------------------------------------------------------


def test_an_email_sent_in_a_call_arrives_with_its_merge_fields_filled(
    agent, agent_client, call, template, smtp
):
    fragment = agent_client.get("/outbox/in-call/")
    assert b"Thank you, Ada" in fragment.content and b"ada@example.org" in fragment.content

    _, toast = send_in_call(agent_client, template)
    assert toast == {"message": "Email queued to ada@example.org.", "level": "success"}
    assert send_due_emails() is True

    [message] = smtp.messages
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Thank you, Ada"
    body = message.get_content()
    assert "Dear Ada Lovelace" in body and f"reference is {call.donor.reference}" in body
    assert "{" not in body
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts, email.call, email.queued_by) == ("sent", 1, call, agent)
    assert email.provider_message_id == str(message["Message-ID"]).strip() and email.sent_at == NOON
    assert send_due_emails() is False  # nothing left


def test_a_service_email_carries_no_unsubscribe_link(agent, agent_client, call, admin, smtp):
    receipt = thank_you(by=admin, code="service", name="Receipt")
    send_in_call(agent_client, receipt)
    send_due_emails()
    [message] = smtp.messages
    assert message["List-Unsubscribe"] is None and "unsubscribe" not in message.get_content()


def test_a_double_submitted_send_queues_one_email(agent_client, call, template, smtp):
    send_in_call(agent_client, template)
    _, toast = send_in_call(agent_client, template)
    assert toast["level"] == "success"
    assert OutgoingEmail.objects.count() == 1
    send_due_emails()
    assert len(smtp.messages) == 1


def test_an_email_rolled_back_with_the_callers_transaction_is_never_sent(
    agent, call, template, smtp
):
    class OutcomeFailed(Exception):
        pass

    with pytest.raises(OutcomeFailed), transaction.atomic():
        actions.queue_email(call.donor, template, by=agent, call=call)
        assert OutgoingEmail.objects.count() == 1
        raise OutcomeFailed
    assert OutgoingEmail.objects.count() == 0
    assert send_due_emails() is False and smtp.messages == []


def test_the_fragment_offers_only_templates_the_donor_has_not_withdrawn(
    agent_client, call, template, admin
):
    receipt = thank_you(by=admin, code="service", name="Receipt", subject="Your receipt")
    withdraw_consent(call.donor, channel=Channel.EMAIL, purpose=purpose(), source="call", by=None)
    page = agent_client.get("/outbox/in-call/").content.decode()
    assert "Receipt" in page and "Thank you" not in page
    _, toast = send_in_call(agent_client, template)
    assert toast["level"] == "error" and "withdrawn email consent" in toast["message"]
    assert OutgoingEmail.objects.count() == 0
    preview = agent_client.get(f"/outbox/in-call/preview/?template={receipt.pk}")
    assert b"Your receipt" in preview.content and b'id="email-preview"' in preview.content


def test_no_call_on_screen_is_404(agent_client, template, clock):
    assert agent_client.get("/outbox/in-call/").status_code == 404
    assert agent_client.get(f"/outbox/in-call/preview/?template={template.pk}").status_code == 404
    assert agent_client.post("/outbox/in-call/send/", {"template": template.pk}).status_code == 404


def test_the_in_call_fragment_needs_the_call_center(client, template):
    assert client.get("/outbox/in-call/").status_code == 302  # to sign in


# --- Unsubscribe -------------------------------------------------------------------------------


def test_the_unsubscribe_link_withdraws_consent(agent_client, call, template, smtp):
    send_in_call(agent_client, template)
    send_due_emails()
    path = unsubscribe_path(smtp.messages[0])
    assert str(call.donor.pk) not in path.split("/")[-2].split(":")[0]  # a signed token only

    donor_browser = Client(enforce_csrf_checks=True)
    page = donor_browser.get(path)
    assert page.status_code == 200 and b"Stop fundraising emails" in page.content
    assert not ConsentEvent.objects.exists()  # a GET (a mail scanner) changes nothing
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    done = donor_browser.post(path, {"csrfmiddlewaretoken": token.decode()})
    assert b"You are unsubscribed" in done.content

    state = ConsentState.objects.get(donor=call.donor, channel=Channel.EMAIL)
    assert (state.status, state.purpose, state.event.source) == ("withdrawn", purpose(), "web")
    donor_browser.post(path, {"csrfmiddlewaretoken": token.decode()})
    assert ConsentEvent.objects.count() == 1  # twice is still one withdrawal


def test_one_click_unsubscribe_from_the_mail_program(agent_client, call, template, smtp):
    send_in_call(agent_client, template)
    send_due_emails()
    url = str(smtp.messages[0]["List-Unsubscribe"]).strip().strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(url).path, "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 200
    assert ConsentState.objects.get(donor=call.donor, channel=Channel.EMAIL).status == "withdrawn"


def test_a_tampered_unsubscribe_link_is_404(client, agent_client, call, template):
    send_in_call(agent_client, template)
    assert client.get("/outbox/unsubscribe/1:forged/").status_code == 404
    assert client.post("/outbox/unsubscribe/1:forged/").status_code == 404


# --- Checked again at send time ----------------------------------------------------------------


def test_a_suppressed_address_is_not_sent_to(agent, agent_client, call, template, smtp):
    send_in_call(agent_client, template)
    suppress("email", "ada@example.org", reason=SuppressionReason.DO_NOT_CALL, by=None)
    send_due_emails()
    email = OutgoingEmail.objects.get()
    assert email.status == EmailStatus.SUPPRESSED and smtp.messages == []
    assert email.last_error == "Address suppressed: Donor asked not to be contacted."


def test_a_suppressed_address_is_refused_when_queueing(agent, agent_client, call, template):
    suppress("email", "ADA@example.org", reason=SuppressionReason.FPS, by=None)
    _, toast = send_in_call(agent_client, template)
    assert toast["level"] == "error" and "suppressed" in toast["message"]
    assert OutgoingEmail.objects.count() == 0


def test_consent_withdrawn_before_sending_stops_the_email(agent_client, call, template, smtp):
    send_in_call(agent_client, template)
    withdraw_consent(call.donor, channel=Channel.EMAIL, purpose=purpose(), source="letter",
                     by=None)  # fmt: skip
    send_due_emails()
    email = OutgoingEmail.objects.get()
    assert email.status == EmailStatus.SUPPRESSED and smtp.messages == []
    assert email.last_error == "Email consent for fundraising withdrawn."


# --- A failing server --------------------------------------------------------------------------


def test_a_failing_server_is_retried_with_back_off_then_marked_failed(
    agent_client, call, template, smtp, clock, manager
):
    smtp.inbox.reply = "451 4.3.0 Try again later"
    send_in_call(agent_client, template)
    for attempt, wait in enumerate(BACKOFF, start=1):
        assert send_due_emails() is True
        email = OutgoingEmail.objects.get()
        assert (email.status, email.attempts) == (EmailStatus.QUEUED, attempt)
        assert email.last_error == "SMTP 451 4.3.0 Try again later"
        assert email.next_attempt_at == NOON + sum(BACKOFF[: attempt - 1], timedelta()) + wait
        clock.shift(wait - timedelta(seconds=1))
        assert send_due_emails() is False  # not due yet
        clock.shift(timedelta(seconds=1))
    assert send_due_emails() is True
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, MAX_ATTEMPTS)
    assert email.last_error == "SMTP 451 4.3.0 Try again later" and smtp.messages == []

    manager_client = client_for(manager)  # signed in now: hours have passed
    page = manager_client.get("/outbox/?status=failed").content.decode()
    assert "Try again later" in page and "Resend" in page
    smtp.inbox.reply = "250 Message accepted for delivery"
    manager_client.post(f"/outbox/{email.pk}/resend/")
    assert OutgoingEmail.objects.get().status == EmailStatus.QUEUED
    send_due_emails()
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT and len(smtp.messages) == 1


def test_a_server_that_is_not_there_is_retried(settings, agent_client, call, template):
    settings.EMAIL_PORT = free_port()
    send_in_call(agent_client, template)
    send_due_emails()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert email.last_error.startswith("ConnectionRefusedError")


def test_a_refused_recipient_fails_at_once(agent_client, call, template, smtp):
    smtp.inbox.reply = "550 5.1.1 No such mailbox"
    send_in_call(agent_client, template)
    send_due_emails()
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert email.last_error == "SMTP 550 5.1.1 No such mailbox"


def test_a_vanished_senders_claim_is_taken_back(agent, call, template, smtp, clock):
    actions.queue_email(call.donor, template, by=agent, call=call)
    assert len(claim_due_emails(10)) == 1  # …and the worker dies before sending
    assert send_due_emails() is False
    clock.shift(timedelta(minutes=10))
    assert send_due_emails() is True
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)


def test_erasing_the_donor_erases_their_emails_and_stops_queued_ones(agent, admin, call, template,
                                                                    smtp):  # fmt: skip
    from donorcall.donors.actions import erase_donor

    actions.queue_email(call.donor, template, by=agent, call=call)
    erase_donor(call.donor, reason="Their request", by=admin)
    email = OutgoingEmail.objects.get()
    assert (email.status, email.to_address, email.body) == ("suppressed", "", "(erased)")
    assert send_due_emails() is False and smtp.messages == []


def test_an_email_that_keeps_killing_the_sender_is_given_up(agent, call, template, smtp, clock):
    actions.queue_email(call.donor, template, by=agent, call=call)
    for _ in range(MAX_ATTEMPTS):
        assert len(claim_due_emails(10)) == 1  # …and the worker dies each time
        clock.shift(timedelta(minutes=10))
    assert claim_due_emails(10) == []
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, MAX_ATTEMPTS)
    assert smtp.messages == []


def test_the_worker_runs_the_sender():
    assert "send_outbox" in [step.__name__ for step in STEPS]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_claim_the_same_email(agent, admin):
    from tests.factories import DonorFactory, EmailAddressFactory

    template = thank_you(by=admin)
    for n in range(30):
        donor = DonorFactory()
        EmailAddressFactory(donor=donor, email=f"donor{n}@example.org")
        actions.queue_email(donor, template, by=agent)
    claimed: list[list[int]] = []
    barrier = threading.Barrier(3)

    def worker() -> None:
        from django.db import connection

        barrier.wait()
        for _ in range(3):
            claimed.append([email.pk for email in claim_due_emails(5)])
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [pk for batch in claimed for pk in batch]
    assert len(ids) == len(set(ids)) == 30
