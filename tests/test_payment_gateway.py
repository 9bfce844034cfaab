"""Payment gateways: the offline gateway, and pay by link against a small local HTTP server that
plays the gateway (its real protocol: docs/payments.md)."""

import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.test import Client

from donorcall.donors.models import Donor, DonorEvent
from donorcall.giving import actions
from donorcall.giving.gateways import (
    GatewayUnavailable,
    PayByLinkUnavailable,
    payment_link_email_context,
    record_offline_gift,
    request_payment_link,
)
from donorcall.giving.gateways import pay_by_link as pay_by_link_module
from donorcall.giving.gateways.signatures import HEADER, sign
from donorcall.giving.models import Donation, PaymentLink
from donorcall.lib.errors import DomainError, InvalidInput
from tests.factories import DonorFactory

NOW = datetime(2025, 6, 15, 11, 0, tzinfo=UTC)
SECRET = "whsec_test_secret"
KEY = "sk_test_key"
CALLBACK = "/giving/gateway/callback/"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


class FakeGateway:
    """The gateway's link API, as a real one behaves: Bearer key checked, one link per
    idempotency key (a retry gets the first answer back)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.links: dict[str, dict] = {}
        self.answer_status = 201
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
                )
                time.sleep(gateway.delay)
                status, answer = gateway.answer(self.headers, json.loads(body))
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/payment-links"

    def answer(self, headers, body: dict) -> tuple[int, dict]:
        if headers.get("Authorization") != f"Bearer {KEY}":
            return 401, {"error": "unauthorised"}
        if self.answer_status >= 300:
            return self.answer_status, {"error": "something went wrong"}
        key = headers["Idempotency-Key"]
        if key not in self.links:
            link_id = f"plink_{len(self.links) + 1}"
            self.links[key] = {
                "id": link_id,
                "url": f"https://pay.example.org/l/{link_id}",
                "status": "created",
            }
        return self.answer_status, self.links[key]


@pytest.fixture
def gateway(settings) -> Iterator[FakeGateway]:
    fake = FakeGateway()
    thread = threading.Thread(target=fake.server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    configure(settings, fake.url)
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def configure(settings, url: str) -> None:
    settings.DONORCALL_PAYMENT_LINK_URL = url
    settings.DONORCALL_PAYMENT_LINK_KEY = KEY
    settings.DONORCALL_PAYMENT_LINK_SECRET = SECRET
    settings.DONORCALL_PUBLIC_URL = "https://calls.example.org"


@pytest.fixture
def ada(db) -> Donor:
    return DonorFactory(reference="D00001234", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def donation(ada, agent) -> Donation:
    """A gift the donor will pay online, taken on the phone: pending until the gateway says."""
    return actions.record_donation(
        ada, amount="25.00", currency="GBP", received_on=date(2025, 6, 15), method="online",
        status="pending", by=agent,
    )  # fmt: skip


@pytest.fixture
def link(gateway, donation, agent) -> PaymentLink:
    return request_payment_link(donation, by=agent)


def callback_body(link: PaymentLink, **changes: object) -> bytes:
    event = {
        "id": link.gateway_id,
        "status": "paid",
        "reference": f"donation-{link.donation_id}",
        "amount": "25.00",
        "currency": "GBP",
    } | changes
    return json.dumps(event).encode()


def post_callback(body: bytes, *, at: datetime = NOW, signature: str | None = None):
    """The gateway's POST: no session, no CSRF token, only the signature."""
    client = Client(enforce_csrf_checks=True)
    headers = {HEADER: signature if signature is not None else sign(body, secret=SECRET, at=at)}
    return client.post(CALLBACK, body, content_type="application/json", headers=headers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def state(donation: Donation) -> tuple:
    """Everything a callback or a link request could change, to compare before and after."""
    donation.refresh_from_db()
    links = list(PaymentLink.objects.values_list("gateway_id", "status", "paid_at"))
    events = DonorEvent.objects.filter(donor=donation.donor).count()
    fields = (donation.status, donation.received_on, donation.gateway_reference)
    return (*fields, links, events)


# Asking the gateway for a link


def test_payment_link_request_carries_key_json_and_idempotency_key(link, gateway, donation):
    [sent] = gateway.requests
    assert sent["path"] == "/v1/payment-links"
    assert sent["headers"]["Authorization"] == f"Bearer {KEY}"
    assert sent["headers"]["Content-Type"] == "application/json"
    uuid.UUID(sent["headers"]["Idempotency-Key"])
    assert sent["body"] == {
        "amount": "25.00",
        "currency": "GBP",
        "reference": f"donation-{donation.pk}",
        "description": "Donation to donorcall",
        "callback_url": "https://calls.example.org/giving/gateway/callback/",
    }


def test_payment_link_is_stored_and_the_donation_stays_pending(link, donation, agent):
    donation.refresh_from_db()
    assert (link.gateway_id, link.status, link.created_by) == ("plink_1", "created", agent)
    assert link.url == "https://pay.example.org/l/plink_1"
    assert donation.status == "pending"
    assert donation.gateway_reference == "plink_1"


def test_gateway_request_holds_nothing_personal(link, gateway, ada):
    sent = json.dumps(gateway.requests[0])
    for personal in (ada.first_name, ada.last_name, ada.reference):
        assert personal not in sent


def test_a_second_request_for_the_same_donation_gets_the_open_link(link, gateway, donation, agent):
    again = request_payment_link(donation, by=agent)
    assert again == link
    assert len(gateway.requests) == 1
    assert PaymentLink.objects.count() == 1


def test_email_context_has_the_link_and_the_amount(link, donation):
    assert payment_link_email_context(link) == {
        "payment_link_url": "https://pay.example.org/l/plink_1",
        "amount": "25.00",
        "currency": "GBP",
        "amount_with_currency": "GBP 25.00",
        "donation_reference": f"donation-{donation.pk}",
        "organisation_name": "donorcall",
    }


def test_gateway_down_is_gateway_unavailable_and_nothing_changes(settings, donation, agent):
    configure(settings, f"http://127.0.0.1:{free_port()}/v1/payment-links")
    before = state(donation)
    with pytest.raises(GatewayUnavailable) as refusal:
        request_payment_link(donation, by=agent)
    assert refusal.value.code == "gateway_unavailable"
    assert state(donation) == before
    assert not PaymentLink.objects.exists()


@pytest.mark.parametrize("status", [400, 401, 500, 503])
def test_gateway_error_answer_is_gateway_unavailable(gateway, donation, agent, status):
    gateway.answer_status = status
    before = state(donation)
    with pytest.raises(GatewayUnavailable):
        request_payment_link(donation, by=agent)
    assert state(donation) == before


def test_wrong_key_is_refused_and_nothing_changes(settings, gateway, donation, agent):
    settings.DONORCALL_PAYMENT_LINK_KEY = "sk_wrong"
    with pytest.raises(GatewayUnavailable):
        request_payment_link(donation, by=agent)
    assert not PaymentLink.objects.exists()


def test_slow_gateway_times_out_as_gateway_unavailable(gateway, donation, agent, monkeypatch):
    monkeypatch.setattr(pay_by_link_module, "TIMEOUT_SECONDS", 0.2)
    gateway.delay = 1
    with pytest.raises(GatewayUnavailable):
        request_payment_link(donation, by=agent)
    assert not PaymentLink.objects.exists()


def test_retry_after_a_failure_sends_the_same_idempotency_key(gateway, donation, agent):
    gateway.answer_status = 502
    with pytest.raises(GatewayUnavailable):
        request_payment_link(donation, by=agent)
    gateway.answer_status = 201
    request_payment_link(donation, by=agent)
    first, second = (sent["headers"]["Idempotency-Key"] for sent in gateway.requests)
    assert first == second


def test_without_a_url_pay_by_link_is_unavailable(settings, donation, agent):
    settings.DONORCALL_PAYMENT_LINK_URL = ""
    with pytest.raises(PayByLinkUnavailable) as refusal:
        request_payment_link(donation, by=agent)
    assert refusal.value.code == "pay_by_link_unavailable"
    assert "not set up" in refusal.value.message


def test_half_configured_pay_by_link_names_what_is_missing(gateway, settings, donation, agent):
    settings.DONORCALL_PAYMENT_LINK_SECRET = ""
    with pytest.raises(PayByLinkUnavailable, match="DONORCALL_PAYMENT_LINK_SECRET"):
        request_payment_link(donation, by=agent)
    assert gateway.requests == []


def test_a_received_gift_gets_no_link(gateway, donation, agent):
    actions.update_donation(donation, status="received", by=agent)
    with pytest.raises(DomainError) as refusal:
        request_payment_link(donation, by=agent)
    assert refusal.value.code == "donation_not_payable"
    assert gateway.requests == []


def test_a_cheque_gets_no_link(gateway, ada, agent):
    cheque = record_offline_gift(
        ada, amount="5", currency="GBP", method="cheque", received_on=date(2025, 6, 15),
        status="pending", by=agent,
    )  # fmt: skip
    with pytest.raises(InvalidInput) as refusal:
        request_payment_link(cheque, by=agent)
    assert refusal.value.field == "method"


# The gateway's callback


def test_signed_paid_callback_marks_the_link_paid_and_the_gift_received(link, donation):
    response = post_callback(callback_body(link))
    assert response.status_code == 200
    assert response.json() == {"id": "plink_1", "status": "paid"}
    link.refresh_from_db()
    donation.refresh_from_db()
    assert (link.status, link.paid_at) == ("paid", NOW)
    assert (donation.status, donation.received_on) == ("received", date(2025, 6, 15))


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "garbage",
        f"t={int(NOW.timestamp())},v1=" + "0" * 64,
        sign(b"another body", secret=SECRET, at=NOW),
        f"v1={'0' * 64}",
    ],
)
def test_bad_or_missing_signature_is_403_and_changes_nothing(link, donation, signature):
    before = state(donation)
    response = post_callback(callback_body(link), signature=signature)
    assert response.status_code == 403
    assert response.json()["code"] == "bad_signature"
    assert state(donation) == before


def test_callback_signed_with_another_secret_is_403(link, donation):
    body = callback_body(link)
    response = post_callback(body, signature=sign(body, secret="whsec_other", at=NOW))
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.status == "created"


def test_callback_without_a_configured_secret_is_refused(link, donation, settings):
    settings.DONORCALL_PAYMENT_LINK_SECRET = ""
    response = post_callback(callback_body(link))
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.status == "created"


@pytest.mark.parametrize("age", [timedelta(minutes=5, seconds=1), -timedelta(minutes=6)])
def test_callback_signed_over_five_minutes_away_is_refused(link, donation, age):
    before = state(donation)
    response = post_callback(callback_body(link), at=NOW - age)
    assert response.status_code == 403
    assert response.json()["code"] == "stale_signature"
    assert state(donation) == before


def test_callback_signed_within_five_minutes_is_accepted(link):
    response = post_callback(callback_body(link), at=NOW - timedelta(minutes=4, seconds=59))
    assert response.status_code == 200


def test_replayed_delivery_is_refused(link, donation):
    body = callback_body(link, status="expired")
    signature = sign(body, secret=SECRET, at=NOW - timedelta(seconds=30))
    assert post_callback(body, signature=signature).status_code == 200
    after_first = state(donation)
    replay = post_callback(body, signature=signature)
    assert replay.status_code == 409
    assert replay.json()["code"] == "callback_replayed"
    assert state(donation) == after_first


def test_an_older_delivery_after_a_newer_one_is_a_replay(link, donation):
    body = callback_body(link)
    assert post_callback(body, at=NOW).status_code == 200
    older = post_callback(callback_body(link, status="failed"), at=NOW - timedelta(seconds=10))
    assert older.status_code == 409


def test_the_same_callback_twice_changes_nothing_the_second_time(link, donation):
    body = callback_body(link)
    assert post_callback(body, at=NOW - timedelta(seconds=60)).status_code == 200
    after_first = state(donation)
    again = post_callback(body, at=NOW)  # the gateway's retry, signed afresh
    assert again.status_code == 200
    assert again.json() == {"id": "plink_1", "status": "paid"}
    assert state(donation) == after_first


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"amount": "2.50"}, "amount_mismatch"),
        ({"amount": "25.01"}, "amount_mismatch"),
        ({"currency": "EUR"}, "currency_mismatch"),
        ({"reference": "donation-999999"}, "reference_mismatch"),
    ],
)
def test_callback_that_does_not_match_the_donation_is_refused(
    link, donation, ada, caplog, changes, code
):
    before = state(donation)
    with caplog.at_level(logging.INFO):
        response = post_callback(callback_body(link, **changes))
    assert response.status_code == 409
    assert response.json()["code"] == code
    assert state(donation) == before
    logged = caplog.text
    assert f"payment link {link.pk}" in logged
    for personal in (ada.first_name, ada.last_name, ada.reference, "25.00", "2.50"):
        assert personal not in logged


def test_amount_given_as_a_number_is_compared_as_money(link, donation):
    body = json.dumps(json.loads(callback_body(link)) | {"amount": 25}).encode()
    assert post_callback(body).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "received"


def test_callback_for_an_unknown_link_is_404(link, donation):
    body = callback_body(link, id="plink_nobody_made")
    assert post_callback(body).status_code == 404


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"id": "plink_1"}', b'{"id": "plink_1", "status": "odd"}']
)
def test_malformed_callback_is_400(link, body):
    response = post_callback(body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_callback"


def test_callback_url_takes_only_post(db):
    assert Client().get(CALLBACK).status_code == 405


def test_expired_link_fails_the_gift_and_a_new_link_can_be_sent(link, gateway, donation, agent):
    assert post_callback(callback_body(link, status="expired")).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "failed"
    second = request_payment_link(donation, by=agent)
    donation.refresh_from_db()
    assert second.gateway_id == "plink_2"
    assert (donation.status, donation.gateway_reference) == ("pending", "plink_2")
    keys = {sent["headers"]["Idempotency-Key"] for sent in gateway.requests}
    assert len(keys) == 2


def test_paid_after_failed_still_records_the_money(link, donation):
    failed = post_callback(callback_body(link, status="failed"), at=NOW - timedelta(seconds=5))
    assert failed.status_code == 200
    assert post_callback(callback_body(link)).status_code == 200
    donation.refresh_from_db()
    assert donation.status == "received"


def test_failed_after_paid_changes_nothing(link, donation):
    assert post_callback(callback_body(link), at=NOW - timedelta(seconds=5)).status_code == 200
    after_paid = state(donation)
    assert post_callback(callback_body(link, status="failed")).status_code == 200
    link.refresh_from_db()
    assert link.status == "paid"
    assert state(donation)[:4] == after_paid[:4]


# The offline gateway


def test_cash_is_recorded_received_without_any_outside_call(ada, agent, settings):
    settings.DONORCALL_PAYMENT_LINK_URL = ""
    gift = record_offline_gift(
        ada, amount="20", currency="GBP", method="cash", received_on=date(2025, 6, 15), by=agent
    )
    assert (gift.status, gift.amount, gift.method) == ("received", Decimal("20.00"), "cash")
    assert not PaymentLink.objects.exists()


def test_direct_debit_is_pending_with_its_mandate_reference(ada, agent):
    gift = record_offline_gift(
        ada, amount="12", currency="GBP", method="direct_debit", received_on=date(2025, 6, 15),
        reference="DDM-ADA-1", by=agent,
    )  # fmt: skip
    assert (gift.status, gift.gateway_reference) == ("pending", "DDM-ADA-1")


def test_direct_debit_needs_a_mandate_reference(ada, agent):
    with pytest.raises(InvalidInput) as refusal:
        record_offline_gift(
            ada, amount="12", currency="GBP", method="direct_debit",
            received_on=date(2025, 6, 15), by=agent,
        )  # fmt: skip
    assert refusal.value.field == "reference"
    assert not Donation.objects.exists()


def test_cheque_in_the_post_can_be_pending(ada, agent):
    gift = record_offline_gift(
        ada, amount="50", currency="GBP", method="cheque", received_on=date(2025, 6, 15),
        status="pending", by=agent,
    )  # fmt: skip
    assert gift.status == "pending"


@pytest.mark.parametrize("method", ["card", "online"])
def test_offline_gateway_refuses_card_and_online(ada, agent, method):
    with pytest.raises(InvalidInput) as refusal:
        record_offline_gift(
            ada, amount="5", currency="GBP", method=method, received_on=date(2025, 6, 15), by=agent
        )
    assert refusal.value.field == "method"
    assert not Donation.objects.exists()


def test_offline_gift_refuses_a_card_number_in_its_reference_or_notes(ada, agent):
    for where in ({"reference": "4111 1111 1111 1111"}, {"notes": "card 4111111111111111"}):
        with pytest.raises(InvalidInput) as refusal:
            record_offline_gift(
                ada, amount="5", currency="GBP", method="bank_transfer",
                received_on=date(2025, 6, 15), by=agent, **where,
            )  # fmt: skip
        assert refusal.value.code == "card_number_refused"
    assert not Donation.objects.exists()


# Concurrency (PostgreSQL: on SQLite select_for_update does nothing)


def at_once(work, count: int = 2) -> list:
    """Run ``work`` in ``count`` threads released together; return results, re-raise errors."""
    from django.db import connection

    barrier = threading.Barrier(count)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_link_requests_at_once_make_one_link(gateway, donation, agent):
    gateway.delay = 0.2  # both requests are at the gateway before either is stored
    links = at_once(lambda: request_payment_link(donation, by=agent))
    assert {link.pk for link in links} == {PaymentLink.objects.get().pk}
    assert len({sent["headers"]["Idempotency-Key"] for sent in gateway.requests}) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_paid_callbacks_at_once_record_the_gift_once(link, donation):
    body = callback_body(link)
    deliveries = iter([NOW - timedelta(seconds=2), NOW - timedelta(seconds=1)])
    signatures = [sign(body, secret=SECRET, at=next(deliveries)) for _ in range(2)]
    answers = at_once(lambda: post_callback(body, signature=signatures.pop()).status_code)
    assert 200 in answers and set(answers) <= {200, 409}
    donation.refresh_from_db()
    assert donation.status == "received"
    assert DonorEvent.objects.filter(donor=donation.donor, kind="donation_changed").count() == 1
