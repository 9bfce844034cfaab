"""Consent: an append-only history per donor × channel × purpose, and the current state."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from donorcall.donors import actions
from donorcall.donors.models import ConsentEvent, ConsentState, Donor, DonorEvent, Purpose
from donorcall.donors.urls import urlpatterns as donor_urls
from donorcall.lib.errors import InvalidInput
from tests.factories import DonorFactory, PhoneNumberFactory

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def ada(db) -> Donor:
    donor = DonorFactory(reference="D00001234", first_name="Ada", last_name="Lovelace")
    PhoneNumberFactory(donor=donor, number="+447700900123")
    return donor


@pytest.fixture
def fundraising(db) -> Purpose:
    return Purpose.objects.get(code="fundraising")


@pytest.fixture
def marketing(db) -> Purpose:
    return Purpose.objects.get(code="marketing")


def consent_data(purpose: Purpose, /, **changes: str) -> dict[str, str]:
    return {
        "channel": "phone",
        "purpose": str(purpose.pk),
        "status": "granted",
        "source": "call",
        "wording": "Happy to hear about appeals by phone.",
    } | changes


def record(client, donor: Donor, purpose: Purpose, /, **changes: str):
    return client.post(f"/donors/{donor.pk}/consent/", consent_data(purpose, **changes))


def grid(html: str) -> dict[str, dict[str, str]]:
    """The consent grid as {channel: {purpose name: badge text}}, read from the page."""
    table = re.search(r'<table class="list consent-grid">(.*?)</table>', html, re.S)
    assert table, "no consent grid on the page"
    purposes = re.findall(r"<th>([^<]*)</th>", table.group(1))[1:]
    rows = re.findall(r"<tr><td>([^<]*)</td>(.*?)</tr>", table.group(1), re.S)
    badge = re.compile(r'<span class="badge[^"]*">([^<]*)</span>')
    return {
        channel: dict(zip(purposes, badge.findall(cells), strict=True)) for channel, cells in rows
    }


# Recording


def test_manager_records_consent_which_appends_an_event_and_moves_the_state(
    manager_client, manager, ada, fundraising
):
    response = record(manager_client, ada, fundraising)

    assert response.status_code == 302
    assert response.url == f"/donors/{ada.pk}/"
    event = ConsentEvent.objects.get()
    assert (event.donor, event.channel, event.purpose, event.status, event.source) == (
        ada,
        "phone",
        fundraising,
        "granted",
        "call",
    )
    assert event.wording == "Happy to hear about appeals by phone."
    assert event.recorded_by == manager
    state = ConsentState.objects.get()
    assert (state.donor, state.channel, state.purpose, state.status) == (
        ada,
        "phone",
        fundraising,
        "granted",
    )
    assert (state.event, state.since) == (event, event.recorded_at)


def test_grant_withdraw_grant_keeps_three_events_newest_first_and_ends_granted(
    manager_client, ada, fundraising
):
    with time_machine.travel(START, tick=False) as traveller:
        for status, wording in [
            ("granted", "first grant"),
            ("withdrawn", "then withdrawn"),
            ("granted", "granted again"),
        ]:
            assert record(manager_client, ada, fundraising, status=status, wording=wording)
            traveller.shift(timedelta(minutes=5))
        response = manager_client.get(f"/donors/{ada.pk}/")

    assert ConsentEvent.objects.count() == 3
    assert ConsentState.objects.get().status == "granted"
    history = response.context["consent_history"]
    assert [event.wording for event in history] == [
        "granted again",
        "then withdrawn",
        "first grant",
    ]
    html = response.content.decode()
    assert "Consent history (3)" in html
    positions = [html.index(text) for text in ("granted again", "then withdrawn", "first grant")]
    assert positions == sorted(positions)
    assert grid(html)["Phone"]["Fundraising"] == "Granted"


def test_an_older_consent_recorded_later_does_not_override_the_newer_state(
    manager, ada, fundraising
):
    with time_machine.travel(START, tick=False):
        newer = actions.grant_consent(
            ada, channel="phone", purpose=fundraising, source="call", by=manager
        )

    older = actions.record_consent(
        ada,
        channel="phone",
        purpose=fundraising,
        status="withdrawn",
        source="import",
        at=START - timedelta(days=30),
        by=manager,
    )

    state = ConsentState.objects.get()
    assert (state.status, state.event, state.since) == ("granted", newer, START)
    assert list(ConsentEvent.objects.all()) == [newer, older]  # both kept, newest first


def test_a_newer_event_moves_the_state(manager, ada, fundraising):
    actions.grant_consent(ada, channel="phone", purpose=fundraising, source="call", by=manager)

    withdrawal = actions.withdraw_consent(
        ada, channel="phone", purpose=fundraising, source="letter", by=manager
    )

    assert ConsentState.objects.get().event == withdrawal
    assert ConsentState.objects.get().status == "withdrawn"


def test_recording_again_never_changes_an_earlier_event(manager_client, ada, fundraising):
    record(manager_client, ada, fundraising, status="granted", wording="said yes")
    first = ConsentEvent.objects.values().get()

    record(manager_client, ada, fundraising, status="withdrawn", wording="said no")

    assert ConsentEvent.objects.count() == 2
    assert ConsentEvent.objects.values().get(pk=first["id"]) == first


def test_no_url_edits_or_deletes_a_consent_event(manager_client, admin_client, ada, fundraising):
    record(manager_client, ada, fundraising)
    event = ConsentEvent.objects.get()
    before = ConsentEvent.objects.values().get()

    consent_urls = [str(url.pattern) for url in donor_urls if "consent" in str(url.pattern)]
    assert consent_urls == ["<int:pk>/consent/"]
    for method in ("get", "put", "patch", "delete"):
        response = getattr(admin_client, method)(f"/donors/{ada.pk}/consent/")
        assert response.status_code == 405, method
    for path in (
        f"/donors/{ada.pk}/consent/{event.pk}/",
        f"/donors/{ada.pk}/consent/{event.pk}/delete/",
    ):
        assert admin_client.post(path).status_code == 404
    assert ConsentEvent.objects.values().get() == before


# Refusals


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"status": "maybe"}, "status"),
        ({"source": "rumour"}, "source"),
        ({"purpose": "999999"}, "purpose"),
        ({"wording": "Paid with 4111 1111 1111 1111 last time"}, "wording"),
    ],
)
def test_bad_consent_input_is_refused_naming_the_field_and_nothing_is_written(
    manager_client, ada, fundraising, changes, field
):
    response = record(manager_client, ada, fundraising, **changes)

    assert response.status_code == 400
    assert list(response.context["consent_form"].errors) == [field]
    assert response.context["open_form"] == "consent_form"
    assert not ConsentEvent.objects.exists()
    assert not ConsentState.objects.exists()
    assert not DonorEvent.objects.filter(kind__startswith="consent").exists()


def test_a_card_number_in_the_wording_is_refused_with_the_card_message(
    manager_client, ada, fundraising
):
    response = record(manager_client, ada, fundraising, wording="card 4111-1111-1111-1111")

    assert "looks like a payment card number" in response.content.decode()
    assert "4111-1111-1111-1111" in response.context["consent_form"]["wording"].value()
    assert not ConsentEvent.objects.exists()


def test_consent_cannot_be_recorded_for_an_erased_donor(manager, admin, ada, fundraising):
    actions.erase_donor(ada, reason="Donor's request", by=admin)

    with pytest.raises(InvalidInput) as refused:
        actions.grant_consent(ada, channel="phone", purpose=fundraising, source="call", by=manager)

    assert refused.value.code == "donor_erased"
    assert not ConsentEvent.objects.exists()


# Who may


def test_agent_cannot_record_consent(agent_client, ada, fundraising):
    response = record(agent_client, ada, fundraising)

    assert response.status_code == 403
    assert not ConsentEvent.objects.exists()


def test_consent_post_without_a_csrf_token_is_refused(manager, ada, fundraising):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    response = record(client, ada, fundraising)

    assert response.status_code == 403
    assert not ConsentEvent.objects.exists()


# The grid


def test_profile_grid_shows_granted_withdrawn_and_not_asked(
    manager_client, ada, fundraising, marketing
):
    record(manager_client, ada, fundraising, channel="phone", status="granted")
    record(manager_client, ada, marketing, channel="email", status="withdrawn")

    html = manager_client.get(f"/donors/{ada.pk}/").content.decode()

    cells = grid(html)
    assert list(cells) == ["Phone", "Email", "SMS", "Post"]
    assert cells["Phone"] == {
        "Fundraising": "Granted",
        "Marketing": "Not asked",
        "Service": "Not asked",
    }
    assert cells["Email"] == {
        "Fundraising": "Not asked",
        "Marketing": "Withdrawn",
        "Service": "Not asked",
    }
    assert set(cells["SMS"].values()) == set(cells["Post"].values()) == {"Not asked"}


def test_profile_offers_the_consent_form_to_a_manager(manager_client, ada):
    html = manager_client.get(f"/donors/{ada.pk}/").content.decode()

    assert f'action="/donors/{ada.pk}/consent/"' in html
    assert "Record consent" in html
