"""Giving: donations, regular gifts and sponsorships, their payments, on the donor profile."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from donorcall.donors.models import Donor, DonorEvent
from donorcall.giving import actions
from donorcall.giving.models import Donation, Payment, RegularGift
from donorcall.lib.cards import CARD_MESSAGE
from donorcall.lib.errors import InvalidInput
from donorcall.staff.actions import create_api_token
from tests.factories import DonorFactory

CARD = "4111 1111 1111 1111"
TODAY = date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _today():
    """Every test runs on 15 June 2025 (autouse fixtures start before sign-in)."""
    with time_machine.travel(datetime(2025, 6, 15, 11, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def ada(db) -> Donor:
    return DonorFactory(reference="D00001234", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def gift(ada, manager) -> RegularGift:
    return actions.set_up_regular_gift(
        ada, kind="regular_gift", amount="10", currency="GBP", frequency="monthly",
        started_on=date(2025, 1, 1), method="direct_debit", mandate_reference="DDM-001",
        by=manager,
    )  # fmt: skip


@pytest.fixture
def failed(gift, manager) -> Payment:
    return actions.record_payment(
        gift, due_on=date(2025, 6, 1), amount="10", status="failed",
        failure_reason="Refer to payer", by=manager,
    )  # fmt: skip


def url(donor: Donor, rest: str) -> str:
    return f"/donors/{donor.pk}/giving/{rest}"


def donation_data(**changes: str) -> dict[str, str]:
    return {
        "amount": "25.00",
        "currency": "GBP",
        "received_on": "2025-06-10",
        "method": "cheque",
        "status": "received",
        "campaign": "SPRING25",
        "fund": "General",
        "gift_aid": "on",
        "gateway_reference": "",
        "notes": "Sent with a kind letter",
    } | changes


def gift_data(**changes: str) -> dict[str, str]:
    return {
        "kind": "regular_gift",
        "amount": "15",
        "currency": "GBP",
        "frequency": "monthly",
        "started_on": "2025-07-01",
        "method": "direct_debit",
        "mandate_reference": "DDM-ADA-42",
        "sponsored": "",
        "campaign": "",
        "fund": "",
        "notes": "",
    } | changes


def payment_data(**changes: str) -> dict[str, str]:
    return {
        "due_on": "2025-06-01",
        "amount": "10.00",
        "status": "paid",
        "failure_reason": "",
        "paid_on": "",
        "gateway_reference": "",
    } | changes


def profile(client: Client, donor: Donor):
    response = client.get(f"/donors/{donor.pk}/")
    assert response.status_code == 200
    return response


def giving_events(donor: Donor) -> list[str]:
    return list(
        DonorEvent.objects.filter(donor=donor, kind__in=actions.HISTORY_KINDS)
        .order_by("id")
        .values_list("summary", flat=True)
    )


# Donations


def test_manager_records_a_donation_and_sees_it_and_the_totals_on_the_profile(
    manager_client, ada, manager
):
    response = manager_client.post(url(ada, "donations/new/"), donation_data(), follow=True)

    assert response.redirect_chain == [(f"/donors/{ada.pk}/#giving", 302)]
    donation = Donation.objects.get()
    assert (donation.donor, donation.amount, donation.currency) == (ada, Decimal("25.00"), "GBP")
    assert (donation.received_on, donation.method, donation.status) == (
        date(2025, 6, 10), "cheque", "received",
    )  # fmt: skip
    assert donation.gift_aid and donation.campaign == "SPRING25"
    assert donation.created_by == manager
    html = response.content.decode()
    assert "Donation of GBP 25.00 recorded." in html  # the toast
    assert "SPRING25" in html
    [total] = response.context["giving_totals"]
    assert (total.currency, total.lifetime, total.this_year, total.count) == (
        "GBP", Decimal("25.00"), Decimal("25.00"), 1,
    )  # fmt: skip
    assert response.context["last_gift"] == donation


def test_record_donation_page_offers_the_form_with_today(manager_client, ada):
    response = manager_client.get(url(ada, "donations/new/"))

    assert response.status_code == 200
    assert 'value="2025-06-15"' in response.content.decode()


def test_totals_count_received_donations_per_currency_lifetime_and_this_year(
    manager_client, ada, manager
):
    def give(amount: str, on: date, currency: str = "GBP", status: str = "received") -> None:
        actions.record_donation(
            ada, amount=amount, currency=currency, received_on=on, method="cash", status=status,
            by=manager,
        )  # fmt: skip

    give("100", date(2024, 12, 31))
    give("20.50", date(2025, 1, 1))
    give("5", date(2025, 6, 1), status="refunded")
    give("7", date(2025, 6, 2), status="pending")
    give("30", date(2025, 3, 3), currency="usd")

    response = profile(manager_client, ada)

    totals = {
        t.currency: (t.lifetime, t.this_year, t.count) for t in response.context["giving_totals"]
    }
    assert totals == {
        "GBP": (Decimal("120.50"), Decimal("20.50"), 2),
        "USD": (Decimal("30.00"), Decimal("30.00"), 1),
    }
    assert response.context["donation_count"] == 3
    last = response.context["last_gift"]  # refunded and pending ones are not received
    assert (last.currency, last.amount, last.received_on) == (
        "USD",
        Decimal("30.00"),
        date(2025, 3, 3),
    )
    html = response.content.decode()
    assert "120.50" in html and "USD" in html


@pytest.mark.parametrize("field", ["notes", "campaign", "fund", "gateway_reference"])
def test_a_card_number_in_any_donation_text_is_refused_naming_the_field_and_nothing_written(
    manager_client, ada, field
):
    response = manager_client.post(
        url(ada, "donations/new/"), donation_data(**{field: f"Paid by card {CARD} thanks"})
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [CARD_MESSAGE]}
    assert not Donation.objects.exists()
    assert not giving_events(ada)
    html = response.content.decode()
    assert "looks like a payment card number" in html
    assert CARD not in html  # the refused number is not sent back in the form


def test_a_card_gift_needs_the_gateway_reference(manager_client, ada):
    response = manager_client.post(url(ada, "donations/new/"), donation_data(method="card"))

    assert response.status_code == 400
    assert "gateway_reference" in response.context["form"].errors
    assert not Donation.objects.exists()

    ok = manager_client.post(
        url(ada, "donations/new/"), donation_data(method="card", gateway_reference="tok_8Hq2")
    )
    assert ok.status_code == 302
    assert Donation.objects.get().gateway_reference == "tok_8Hq2"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"amount": "99999999999"}, "amount"),
        ({"currency": "GPB"}, "currency"),
        ({"currency": "pounds"}, "currency"),
        ({"received_on": "2025-06-16"}, "received_on"),
        ({"received_on": "1825-06-16"}, "received_on"),
        ({"method": ""}, "method"),
        ({"status": "lost"}, "status"),
        ({"campaign": "x" * 101}, "campaign"),
    ],
)
def test_bad_donation_input_is_refused_naming_the_field(manager_client, ada, changes, field):
    response = manager_client.post(url(ada, "donations/new/"), donation_data(**changes))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not Donation.objects.exists()


def test_currency_is_stored_in_capitals(manager_client, ada):
    manager_client.post(url(ada, "donations/new/"), donation_data(currency=" eur "))

    assert Donation.objects.get().currency == "EUR"


def test_editing_a_donation_records_what_changed_but_not_the_text_typed(
    manager_client, ada, manager
):
    donation = actions.record_donation(
        ada, amount="20", currency="GBP", received_on=date(2025, 6, 1), method="cheque",
        notes="First", by=manager,
    )  # fmt: skip

    response = manager_client.post(
        url(ada, f"donations/{donation.pk}/edit/"),
        donation_data(amount="25", status="refunded", notes="Donor moved to Leeds"),
    )

    assert response.status_code == 302
    donation.refresh_from_db()
    assert (donation.amount, donation.status) == (Decimal("25.00"), "refunded")
    assert donation.notes == "Donor moved to Leeds"
    changed = DonorEvent.objects.get(kind="donation_changed")
    assert changed.actor == manager
    assert changed.summary.startswith("Donation of GBP 20.00 received 1 Jun 2025 changed: ")
    assert "amount 20.00 → 25.00" in changed.summary
    assert "status received → refunded" in changed.summary
    assert "notes" in changed.summary
    assert "Leeds" not in changed.summary and "SPRING25" not in changed.summary


def test_saving_a_donation_unchanged_writes_no_history(manager_client, ada, manager):
    donation = actions.record_donation(
        ada, **donation_data(gift_aid=True, received_on=date(2025, 6, 10)), by=manager
    )
    page = manager_client.get(url(ada, f"donations/{donation.pk}/edit/"))
    assert 'value="SPRING25"' in page.content.decode()

    manager_client.post(url(ada, f"donations/{donation.pk}/edit/"), donation_data())

    assert not DonorEvent.objects.filter(kind="donation_changed").exists()


# Regular gifts and sponsorships


def test_manager_sets_up_a_direct_debit_and_sees_it_on_the_profile(manager_client, ada, manager):
    response = manager_client.post(url(ada, "regular-gifts/new/"), gift_data(), follow=True)

    assert response.redirect_chain == [(f"/donors/{ada.pk}/#giving", 302)]
    gift = RegularGift.objects.get()
    assert (gift.kind, gift.amount, gift.frequency, gift.status) == (
        "regular_gift", Decimal("15.00"), "monthly", "active",
    )  # fmt: skip
    assert (gift.method, gift.mandate_reference, gift.created_by) == (
        "direct_debit", "DDM-ADA-42", manager,
    )  # fmt: skip
    html = response.content.decode()
    assert "Regular gift: GBP 15.00 monthly" in html
    assert "mandate DDM-ADA-42" in html


def test_a_direct_debit_without_a_mandate_reference_is_refused(manager_client, ada):
    response = manager_client.post(url(ada, "regular-gifts/new/"), gift_data(mandate_reference=""))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["mandate_reference"]
    assert "mandate reference" in response.content.decode()
    assert not RegularGift.objects.exists()


def test_a_standing_order_needs_no_mandate(manager_client, ada):
    data = gift_data(method="standing_order", mandate_reference="")

    assert manager_client.post(url(ada, "regular-gifts/new/"), data).status_code == 302
    assert RegularGift.objects.get().method == "standing_order"


def test_a_sponsorship_names_what_it_sponsors(manager_client, ada):
    refused = manager_client.post(url(ada, "regular-gifts/new/"), gift_data(kind="sponsorship"))
    assert list(refused.context["form"].errors) == ["sponsored"]

    manager_client.post(
        url(ada, "regular-gifts/new/"), gift_data(kind="sponsorship", sponsored="CHILD-KE-0042")
    )

    assert RegularGift.objects.get().sponsored == "CHILD-KE-0042"
    assert "sponsoring CHILD-KE-0042" in profile(manager_client, ada).content.decode()


@pytest.mark.parametrize("field", ["mandate_reference", "sponsored", "notes", "campaign"])
def test_a_card_number_in_a_regular_gift_is_refused(manager_client, ada, field):
    value = CARD if field == "mandate_reference" else f"card {CARD}"
    response = manager_client.post(url(ada, "regular-gifts/new/"), gift_data(**{field: value}))

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [CARD_MESSAGE]}
    assert not RegularGift.objects.exists()


def test_regular_card_payments_are_refused_until_there_is_a_gateway(ada, manager):
    with pytest.raises(InvalidInput) as refused:
        actions.set_up_regular_gift(
            ada, kind="regular_gift", amount="5", currency="GBP", frequency="monthly",
            started_on=TODAY, method="card", by=manager,
        )  # fmt: skip

    assert refused.value.field == "method"


def test_pausing_resuming_and_cancelling_a_gift(manager_client, ada, gift, manager):
    scheduled = actions.record_payment(
        gift, due_on=date(2025, 7, 1), amount="10", status="scheduled", by=manager
    )
    status = url(ada, f"regular-gifts/{gift.pk}/status/")

    assert manager_client.post(status, {"status": "paused"}).status_code == 302
    assert RegularGift.objects.get().status == "paused"
    manager_client.post(status, {"status": "active"})
    assert RegularGift.objects.get().status == "active"
    manager_client.post(status, {"status": "cancelled"})

    gift.refresh_from_db()
    scheduled.refresh_from_db()
    assert (gift.status, gift.ended_on, scheduled.status) == ("cancelled", TODAY, "cancelled")
    assert giving_events(ada)[-3:] == [
        "Regular gift of GBP 10.00 monthly paused",
        "Regular gift of GBP 10.00 monthly resumed",
        "Regular gift of GBP 10.00 monthly cancelled; 1 scheduled payment cancelled",
    ]


def test_a_cancelled_gift_cannot_be_restarted(manager_client, ada, gift, manager):
    actions.change_regular_gift_status(gift, status="cancelled", by=manager)

    response = manager_client.post(
        url(ada, f"regular-gifts/{gift.pk}/status/"), {"status": "active"}
    )

    assert response.status_code == 400
    assert "stays cancelled" in response.content.decode()
    assert RegularGift.objects.get().status == "cancelled"


# Payments


def test_manager_records_a_paid_payment_which_was_paid_when_due(manager_client, ada, gift):
    response = manager_client.post(
        url(ada, f"regular-gifts/{gift.pk}/payments/new/"), payment_data()
    )

    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.regular_gift, payment.amount, payment.status) == (
        gift,
        Decimal("10.00"),
        "paid",
    )
    assert payment.paid_on == date(2025, 6, 1)
    assert giving_events(ada)[-1] == "Payment of GBP 10.00 due 1 Jun 2025 recorded: paid"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "failed"}, "failure_reason"),
        ({"status": "paid", "failure_reason": "Refer to payer"}, "failure_reason"),
        ({"status": "scheduled", "paid_on": "2025-06-01"}, "paid_on"),
        ({"status": "failed", "failure_reason": f"Card {CARD} declined"}, "failure_reason"),
        ({"due_on": "2024-12-01"}, "due_on"),  # before the gift started
        ({"due_on": "2026-07-01"}, "due_on"),  # more than a year ahead
        ({"paid_on": "2025-06-20"}, "paid_on"),
        ({"amount": "0"}, "amount"),
    ],
)
def test_bad_payment_input_is_refused_naming_the_field(manager_client, ada, gift, changes, field):
    response = manager_client.post(
        url(ada, f"regular-gifts/{gift.pk}/payments/new/"), payment_data(**changes)
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not Payment.objects.exists()


def test_the_same_collection_cannot_be_recorded_twice(manager_client, ada, gift):
    page = url(ada, f"regular-gifts/{gift.pk}/payments/new/")
    manager_client.post(page, payment_data())

    again = manager_client.post(page, payment_data())

    assert again.status_code == 400
    assert list(again.context["form"].errors) == ["due_on"]
    assert Payment.objects.count() == 1


def test_a_failed_payment_is_shown_prominently_with_a_resolve_action(manager_client, ada, failed):
    response = profile(manager_client, ada)

    assert response.context["failed_payment"] == failed
    html = response.content.decode()
    warning = html[html.index('class="notice bad failed-payment"') :].split("</div>")[0]
    assert "Payment failed" in warning
    assert "GBP 10.00" in warning and "1 Jun 2025" in warning and "Refer to payer" in warning
    assert url(ada, f"payments/{failed.pk}/resolve/") in warning


def test_an_older_failure_followed_by_a_payment_is_not_a_warning(manager, ada, gift, failed):
    actions.record_payment(gift, due_on=date(2025, 6, 10), amount="10", status="paid", by=manager)

    from donorcall.giving.queries import giving_profile

    assert giving_profile(ada)["failed_payment"] is None


def resolve(client: Client, donor: Donor, payment: Payment, **data: str):
    return client.post(url(donor, f"payments/{payment.pk}/resolve/"), data)


def test_a_failed_payment_resolved_as_paid_now(manager_client, ada, failed, manager):
    assert resolve(manager_client, ada, failed, outcome="paid_now").status_code == 302

    failed.refresh_from_db()
    assert (failed.status, failed.paid_on) == ("paid", TODAY)
    assert profile(manager_client, ada).context["failed_payment"] is None
    event = DonorEvent.objects.filter(kind="payment_resolved").get()
    assert (event.summary, event.actor) == (
        "Failed payment of GBP 10.00 due 1 Jun 2025 paid now", manager,
    )  # fmt: skip


def test_a_failed_payment_resolved_with_a_new_date(manager_client, ada, gift, failed):
    response = resolve(manager_client, ada, failed, outcome="new_date", new_due_on="2025-06-20")

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "failed"  # it did fail; the history says what happened next
    retry = Payment.objects.exclude(pk=failed.pk).get()
    assert (retry.regular_gift, retry.due_on, retry.amount, retry.status) == (
        gift, date(2025, 6, 20), Decimal("10.00"), "scheduled",
    )  # fmt: skip
    assert profile(manager_client, ada).context["failed_payment"] is None
    assert giving_events(ada)[-1] == (
        "Failed payment of GBP 10.00 due 1 Jun 2025 to be collected again on 20 Jun 2025"
    )


def test_a_failed_payment_resolved_as_cancelled(manager_client, ada, failed):
    assert resolve(manager_client, ada, failed, outcome="cancelled").status_code == 302

    failed.refresh_from_db()
    assert failed.status == "cancelled"
    assert profile(manager_client, ada).context["failed_payment"] is None
    assert giving_events(ada)[-1] == "Failed payment of GBP 10.00 due 1 Jun 2025 cancelled"


@pytest.mark.parametrize("new_due_on", ["", "2025-06-14"])
def test_collecting_again_needs_a_date_from_today(manager_client, ada, failed, new_due_on):
    response = resolve(manager_client, ada, failed, outcome="new_date", new_due_on=new_due_on)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["new_due_on"]
    assert Payment.objects.count() == 1


def test_a_payment_resolved_already_cannot_be_resolved_again(manager_client, ada, failed):
    resolve(manager_client, ada, failed, outcome="paid_now")

    response = resolve(manager_client, ada, failed, outcome="cancelled")

    assert response.status_code == 400
    assert "not failed any more" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "paid"


def test_the_resolve_action_accepts_the_outcome_in_words(ada, failed, manager):
    actions.resolve_failed_payment(failed, outcome="paid now", by=manager)

    assert Payment.objects.get().status == "paid"


# History


def test_every_giving_change_is_in_the_history_with_who_and_when_and_on_the_profile(
    manager_client, ada, manager
):
    manager_client.post(url(ada, "donations/new/"), donation_data())
    manager_client.post(url(ada, "regular-gifts/new/"), gift_data(started_on="2025-05-01"))
    gift = RegularGift.objects.get()
    manager_client.post(
        url(ada, f"regular-gifts/{gift.pk}/payments/new/"),
        payment_data(status="failed", failure_reason="Account closed"),
    )
    manager_client.post(
        url(ada, f"payments/{Payment.objects.get().pk}/resolve/"), {"outcome": "cancelled"}
    )

    events = DonorEvent.objects.filter(donor=ada, kind__in=actions.HISTORY_KINDS).order_by("id")
    assert [(e.kind, e.summary) for e in events] == [
        ("donation_recorded", "Donation of GBP 25.00 recorded (cheque)"),
        ("regular_gift_set_up", "Regular gift of GBP 15.00 monthly set up (direct debit)"),
        ("payment_recorded", "Payment of GBP 10.00 due 1 Jun 2025 recorded: failed"),
        ("payment_resolved", "Failed payment of GBP 10.00 due 1 Jun 2025 cancelled"),
    ]
    assert {(e.actor, e.at) for e in events} == {(manager, datetime(2025, 6, 15, 11, tzinfo=UTC))}
    html = profile(manager_client, ada).content.decode()
    assert html.count("<td>Payment of GBP 10.00 due 1 Jun 2025 recorded: failed</td>") == 1
    assert "Donation of GBP 25.00 recorded (cheque)" in html
    assert "Maya Manager" in html


# Who may


@pytest.mark.parametrize(
    "rest",
    [
        "donations/new/",
        "donations/{donation}/edit/",
        "regular-gifts/new/",
        "regular-gifts/{gift}/status/",
        "regular-gifts/{gift}/payments/new/",
        "payments/{payment}/resolve/",
    ],
)
def test_an_agent_cannot_reach_the_giving_pages(agent_client, ada, failed, manager, rest):
    donation = actions.record_donation(
        ada, amount="5", currency="GBP", received_on=TODAY, method="cash", by=manager
    )
    path = url(
        ada, rest.format(donation=donation.pk, gift=failed.regular_gift.pk, payment=failed.pk)
    )

    assert agent_client.get(path).status_code == 403
    assert agent_client.post(path, donation_data() | {"outcome": "paid_now"}).status_code == 403
    assert Donation.objects.count() == 1
    assert Payment.objects.get().status == "failed"


@pytest.mark.parametrize(
    ("rest", "heading"),
    [
        ("donations/new/", "Record a donation"),
        ("donations/{donation}/edit/", "Edit donation of GBP 5.00"),
        ("regular-gifts/new/", "Set up a regular gift or sponsorship"),
        ("regular-gifts/{gift}/status/", "Pause, resume or cancel a regular gift"),
        ("regular-gifts/{gift}/payments/new/", "Record a payment"),
        ("payments/{payment}/resolve/", "Resolve a failed payment"),
    ],
)
def test_each_giving_page_opens_for_a_manager(manager_client, ada, failed, manager, rest, heading):
    donation = actions.record_donation(
        ada, amount="5", currency="GBP", received_on=TODAY, method="cash", by=manager
    )
    path = url(
        ada, rest.format(donation=donation.pk, gift=failed.regular_gift.pk, payment=failed.pk)
    )

    response = manager_client.get(path)

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_a_gift_of_another_donor_is_not_found(manager_client, ada, failed, manager):
    other = DonorFactory()

    assert manager_client.get(url(other, f"payments/{failed.pk}/resolve/")).status_code == 404
    assert (
        manager_client.get(
            url(other, f"regular-gifts/{failed.regular_gift.pk}/status/")
        ).status_code
        == 404
    )
    assert manager_client.get(url(Donor(pk=999999), "donations/new/")).status_code == 404


def test_the_profile_offers_the_giving_actions_to_managers(manager_client, ada, failed):
    html = profile(manager_client, ada).content.decode()

    assert "Record a donation" in html and "Set up a regular gift" in html
    assert url(ada, f"regular-gifts/{failed.regular_gift.pk}/payments/new/") in html


def test_an_empty_profile_says_what_to_do(manager_client, ada):
    html = profile(manager_client, ada).content.decode()

    assert "No donations yet." in html and "use “Record a donation” above" in html
    assert "No regular gifts or sponsorships." in html


# Erasure


def test_erasure_keeps_the_gifts_and_blanks_what_identifies_the_person(
    admin_client, ada, gift, failed, manager
):
    actions.record_donation(
        ada, amount="50", currency="GBP", received_on=date(2025, 2, 1), method="cheque",
        campaign="XMAS24", gift_aid=True, notes="Husband died in March", by=manager,
    )  # fmt: skip
    scheduled = actions.record_payment(
        gift, due_on=date(2025, 7, 1), amount="10", status="scheduled", by=manager
    )

    response = admin_client.post(
        f"/donors/{ada.pk}/erase/", {"reason": "Donor's letter", "confirm": ada.reference}
    )

    assert response.status_code == 302
    donation = Donation.objects.get()
    assert (donation.amount, donation.received_on, donation.gift_aid, donation.campaign) == (
        Decimal("50.00"), date(2025, 2, 1), True, "XMAS24",
    )  # fmt: skip
    assert donation.notes == ""
    gift.refresh_from_db()
    assert (gift.mandate_reference, gift.status, gift.ended_on) == ("", "cancelled", TODAY)
    assert gift.amount == Decimal("10.00")
    failed.refresh_from_db()
    scheduled.refresh_from_db()
    assert (failed.status, failed.failure_reason) == ("failed", "")
    assert scheduled.status == "cancelled"


def test_nothing_can_be_given_by_an_erased_donor(ada, manager):
    Donor.objects.filter(pk=ada.pk).update(status="erased", first_name="", last_name="")
    ada.refresh_from_db()

    with pytest.raises(InvalidInput) as refused:
        actions.record_donation(
            ada, amount="5", currency="GBP", received_on=TODAY, method="cash", by=manager
        )

    assert refused.value.code == "donor_erased"


# Query counts


def give_gifts(donor: Donor, count: int, by) -> None:
    for n in range(count):
        actions.record_donation(
            donor, amount=f"{n + 1}", currency="GBP", received_on=date(2025, 1, 1 + n % 28),
            method="cash", by=by,
        )  # fmt: skip
        gift = actions.set_up_regular_gift(
            donor, kind="sponsorship", amount="12", currency="GBP", frequency="monthly",
            started_on=date(2025, 1, 1), method="standing_order", sponsored=f"CHILD-{n}", by=by,
        )  # fmt: skip
        for month in (3, 4, 5, 6):
            status = "failed" if month == 6 else "paid"
            actions.record_payment(
                gift, due_on=date(2025, month, 1), amount="12", status=status,
                failure_reason="Refer to payer" if status == "failed" else "", by=by,
            )  # fmt: skip


def test_profile_queries_do_not_grow_with_the_number_of_gifts(
    manager_client, ada, manager, django_assert_max_num_queries
):
    give_gifts(ada, 2, manager)
    profile(manager_client, ada)  # warm up: session and permission caches
    with CaptureQueriesContext(connection) as two:
        profile(manager_client, ada)

    give_gifts(ada, 18, manager)
    with django_assert_max_num_queries(len(two)):
        response = profile(manager_client, ada)

    assert len(response.context["regular_gifts"]) == 20
    assert len(response.context["failed_payments"]) == 20
    assert all(len(gift.recent_payments) == 3 for gift in response.context["regular_gifts"])


# API

GIVING = "/api/v1/giving/donors"


@pytest.fixture
def api(manager) -> Client:
    token = create_api_token(manager, name="CRM sync", by=None)
    return Client(headers={"Authorization": f"Bearer {token}"}, enforce_csrf_checks=True)


def post_json(client: Client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


def test_api_records_gifts_and_payments_and_sums_them_up(api, ada, manager):
    donation = post_json(
        api, f"{GIVING}/{ada.pk}/donations",
        {"amount": "25.5", "currency": "gbp", "received_on": "2025-06-10",
         "method": "bank_transfer"},
    )  # fmt: skip
    assert donation.status_code == 201, donation.content
    assert donation.json() | {"id": 0} == {
        "id": 0, "amount": "25.50", "currency": "GBP", "received_on": "2025-06-10",
        "method": "bank_transfer", "status": "received", "campaign": "", "fund": "",
        "gift_aid": False, "gateway_reference": "", "notes": "",
    }  # fmt: skip

    gift = post_json(
        api, f"{GIVING}/{ada.pk}/regular-gifts",
        {"amount": 8, "started_on": "2025-05-01", "mandate_reference": "DDM-9"},
    )  # fmt: skip
    assert gift.status_code == 201, gift.content
    assert gift.json()["method"] == "direct_debit"
    assert gift.json()["recent_payments"] == []
    gift_id = gift.json()["id"]

    payment = post_json(
        api, f"{GIVING}/{ada.pk}/regular-gifts/{gift_id}/payments",
        {"due_on": "2025-06-01", "amount": "8", "status": "failed", "failure_reason": "No funds"},
    )  # fmt: skip
    assert payment.status_code == 201, payment.content
    assert payment.json()["status"] == "failed"

    summary = api.get(f"{GIVING}/{ada.pk}")
    assert summary.status_code == 200
    body = summary.json()
    assert body["totals"] == [
        {"currency": "GBP", "lifetime": "25.50", "this_year": "25.50", "count": 1}
    ]
    assert body["donation_count"] == 1
    assert body["last_gift"]["amount"] == "25.50"
    assert body["failed_payment"]["id"] == payment.json()["id"]
    assert body["regular_gifts"][0]["recent_payments"][0]["failure_reason"] == "No funds"
    assert DonorEvent.objects.filter(kind__in=actions.HISTORY_KINDS, actor=manager).count() == 3


def assert_error(response, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]


def test_api_refuses_a_card_number_with_its_code_and_field(api, ada):
    response = post_json(
        api, f"{GIVING}/{ada.pk}/donations",
        {"amount": "5", "received_on": "2025-06-10", "method": "cash", "notes": f"card {CARD}"},
    )  # fmt: skip

    assert_error(response, 400, "card_number_refused", "notes")
    assert not Donation.objects.exists()


def test_api_refuses_a_direct_debit_without_mandate(api, ada):
    response = post_json(
        api, f"{GIVING}/{ada.pk}/regular-gifts", {"amount": "5", "started_on": "2025-06-10"}
    )

    assert_error(response, 400, "invalid_input", "mandate_reference")
    assert not RegularGift.objects.exists()


def test_api_refuses_a_malformed_amount(api, ada):
    response = post_json(
        api, f"{GIVING}/{ada.pk}/donations",
        {"amount": "lots", "received_on": "2025-06-10", "method": "cash"},
    )  # fmt: skip

    assert_error(response, 422, "invalid_input", "amount")


def test_api_keeps_giving_from_agents_and_other_donors(agent, ada, db):
    token = create_api_token(agent, name="softphone", by=None)
    client = Client(headers={"Authorization": f"Bearer {token}"})

    assert_error(client.get(f"{GIVING}/{ada.pk}"), 403, "forbidden", None)
    response = post_json(
        client, f"{GIVING}/{ada.pk}/donations",
        {"amount": "5", "received_on": "2025-06-10", "method": "cash"},
    )  # fmt: skip
    assert_error(response, 403, "forbidden", None)
    assert not Donation.objects.exists()


def test_api_payment_on_a_gift_of_another_donor_is_not_found(api, ada, gift):
    other = DonorFactory()

    response = post_json(
        api, f"{GIVING}/{other.pk}/regular-gifts/{gift.pk}/payments",
        {"due_on": "2025-06-01", "amount": "10", "status": "paid"},
    )  # fmt: skip

    assert_error(response, 404, "not_found", None)
    assert not Payment.objects.exists()
