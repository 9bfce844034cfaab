"""The dialler over JSON: agents claim donors on their teams' campaigns, renew and release the
lease, start the call and record its outcome; managers create and refresh call lists and see
a campaign's queue. Out of reach is 404; a lease that is no longer yours is 409."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from donorcall.callcenter.models import Call
from donorcall.campaigns.models import (
    CallList,
    Campaign,
    CampaignStatus,
    Disposition,
    QueueEntry,
    QueueState,
    Team,
)
from donorcall.campaigns.queue.eligibility import enqueue
from donorcall.donors.actions import withdraw_consent
from donorcall.donors.models import Channel, Donor, Purpose
from donorcall.giving.models import Payment, PaymentStatus, RegularGift
from donorcall.staff.actions import create_api_token
from tests.factories import DonorFactory, PhoneNumberFactory

# A Tuesday at noon in London: inside the default calling hours.
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CLAIM = "/api/v1/dialler/claim"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def bearer(user) -> Client:
    token = create_api_token(user, name="softphone", by=None)
    return Client(headers={"Authorization": f"Bearer {token}"}, enforce_csrf_checks=True)


def post(client: Client, path: str, body: dict | None = None):
    return client.post(path, body or {}, content_type="application/json")


def assert_error(response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]


def fundraising() -> Purpose:
    return Purpose.objects.get(code="fundraising")


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.create(
        name="Failed payments", purpose=fundraising(), status=CampaignStatus.ACTIVE
    )


@pytest.fixture
def team(campaign, agent) -> Team:
    team = Team.objects.create(name="Outbound")
    team.members.add(agent)
    team.campaigns.add(campaign)
    return team


@pytest.fixture
def ada(db) -> Donor:
    donor = DonorFactory(reference="D0001", first_name="Ada", last_name="Lovelace", title="")
    PhoneNumberFactory(donor=donor, number="+447700900123")
    return donor


@pytest.fixture
def agent_api(agent, team) -> Client:
    return bearer(agent)


@pytest.fixture
def manager_api(manager) -> Client:
    return bearer(manager)


def claim(client: Client, *campaigns: Campaign):
    return post(client, CLAIM, {"campaign_ids": [c.pk for c in campaigns]})


# Claiming and calling


def test_agent_claims_calls_and_records_no_answer(agent_api, agent, campaign, ada):
    enqueue(campaign, [ada.pk], by=None)

    claimed = claim(agent_api, campaign)

    assert claimed.status_code == 200, claimed.content
    body = claimed.json()
    entry = QueueEntry.objects.get(campaign=campaign, donor=ada)
    assert body["out_of_data"] is False
    assert (body["entry_id"], body["campaign_id"]) == (entry.pk, campaign.pk)
    assert body["donor"] == {"id": ada.pk, "name": "Ada Lovelace", "reference": "D0001"}
    assert (body["number"], body["is_appointment"]) == ("+447700900123", False)
    assert body["token"] == str(entry.lease_token)
    assert datetime.fromisoformat(body["expires_at"]) == NOON + timedelta(seconds=120)

    started = post(agent_api, f"/api/v1/dialler/entries/{entry.pk}/call", {"token": body["token"]})

    assert started.status_code == 201, started.content
    call = Call.objects.get()
    assert started.json()["id"] == call.pk and call.number_dialled == "+447700900123"
    assert call.agent == agent

    ended = post(agent_api, f"/api/v1/dialler/calls/{call.pk}/outcome", {"reason": "no_answer"})

    assert ended.status_code == 200, ended.content
    assert ended.json()["ended_reason"] == "no_answer"
    entry.refresh_from_db()
    assert (entry.state, entry.attempts) == (QueueState.OPEN, 1)
    assert entry.due_at == NOON + timedelta(hours=4)
    assert claim(agent_api, campaign).json() == {
        "out_of_data": True,
        "message": "Out of Data: nobody can be called on these campaigns now.",
    }


def test_an_outcome_with_a_disposition_and_the_same_outcome_again(agent_api, campaign, ada):
    enqueue(campaign, [ada.pk], by=None)
    body = claim(agent_api, campaign).json()
    call_id = post(
        agent_api, f"/api/v1/dialler/entries/{body['entry_id']}/call", {"token": body["token"]}
    ).json()["id"]
    made = Disposition.objects.get(name="Donation made")
    outcome = {"reason": "concluded", "disposition_id": made.pk, "notes": "Gave £20"}
    url = f"/api/v1/dialler/calls/{call_id}/outcome"

    first, again = post(agent_api, url, outcome), post(agent_api, url, outcome)
    other = post(agent_api, url, {"reason": "no_answer"})

    assert first.status_code == again.status_code == 200
    assert first.json()["disposition_id"] == made.pk
    assert_error(other, 409, "outcome_already_recorded")
    assert QueueEntry.objects.get(donor=ada).state == QueueState.DONE


def test_a_wrong_disposition_is_refused_naming_the_field(agent_api, campaign, ada):
    enqueue(campaign, [ada.pk], by=None)
    body = claim(agent_api, campaign).json()
    call_id = post(
        agent_api, f"/api/v1/dialler/entries/{body['entry_id']}/call", {"token": body["token"]}
    ).json()["id"]
    made = Disposition.objects.get(name="Donation made")

    response = post(
        agent_api,
        f"/api/v1/dialler/calls/{call_id}/outcome",
        {"reason": "no_answer", "disposition_id": made.pk},
    )

    assert_error(response, 400, "invalid_input", "disposition_id")


def test_nothing_to_call_is_out_of_data(agent_api, campaign):
    assert claim(agent_api, campaign).json()["out_of_data"] is True


def test_an_agent_not_on_the_team_cannot_claim_on_the_campaign(other_agent, campaign, team, ada):
    enqueue(campaign, [ada.pk], by=None)

    response = claim(bearer(other_agent), campaign)

    assert_error(response, 404, "not_found")
    assert QueueEntry.objects.get(donor=ada).state == QueueState.OPEN


def test_a_deactivated_team_gives_no_campaigns(agent_api, campaign, team, ada):
    enqueue(campaign, [ada.pk], by=None)
    Team.objects.filter(pk=team.pk).update(is_active=False)

    assert_error(claim(agent_api, campaign), 404, "not_found")


def test_claim_needs_a_campaign(agent_api):
    assert_error(post(agent_api, CLAIM, {"campaign_ids": []}), 400, "invalid_input", "campaign_ids")


def test_a_wrong_token_on_renew_is_a_stale_token(agent_api, campaign, ada):
    enqueue(campaign, [ada.pk], by=None)
    entry_id = claim(agent_api, campaign).json()["entry_id"]

    response = post(
        agent_api, f"/api/v1/dialler/entries/{entry_id}/renew", {"token": str(uuid.uuid4())}
    )

    assert_error(response, 409, "stale_token")


def test_renew_extends_and_release_gives_the_donor_back(agent_api, campaign, ada, clock):
    enqueue(campaign, [ada.pk], by=None)
    body = claim(agent_api, campaign).json()
    url = f"/api/v1/dialler/entries/{body['entry_id']}"
    clock.shift(timedelta(seconds=60))

    renewed = post(agent_api, f"{url}/renew", {"token": body["token"]})
    released = post(agent_api, f"{url}/release", {"token": body["token"]})

    assert datetime.fromisoformat(renewed.json()["expires_at"]) == NOON + timedelta(seconds=180)
    assert released.json() == {"entry_id": body["entry_id"], "state": "open", "expires_at": None}
    assert claim(agent_api, campaign).json()["donor"]["id"] == ada.pk


def test_an_expired_lease_cannot_be_renewed(agent_api, campaign, ada, clock):
    enqueue(campaign, [ada.pk], by=None)
    body = claim(agent_api, campaign).json()
    clock.shift(timedelta(seconds=121))

    response = post(
        agent_api, f"/api/v1/dialler/entries/{body['entry_id']}/renew", {"token": body["token"]}
    )

    assert_error(response, 409, "lease_expired")


def test_another_agents_lease_and_call_are_not_found(agent_api, other_agent, campaign, team, ada):
    team.members.add(other_agent)
    other_api = bearer(other_agent)
    enqueue(campaign, [ada.pk], by=None)
    body = claim(agent_api, campaign).json()
    call_id = post(
        agent_api, f"/api/v1/dialler/entries/{body['entry_id']}/call", {"token": body["token"]}
    ).json()["id"]
    token = {"token": body["token"]}

    for action in ("renew", "release", "call"):
        response = post(other_api, f"/api/v1/dialler/entries/{body['entry_id']}/{action}", token)
        assert_error(response, 404, "not_found")
    outcome = post(other_api, f"/api/v1/dialler/calls/{call_id}/outcome", {"reason": "concluded"})
    assert_error(outcome, 404, "not_found")
    assert Call.objects.get().outcome_recorded_at is None


def test_a_donor_whose_number_went_is_not_callable(agent_api, campaign, ada):
    enqueue(campaign, [ada.pk], by=None)
    body = claim(agent_api, campaign).json()
    ada.phone_numbers.update(removed_at=NOON)

    response = post(
        agent_api, f"/api/v1/dialler/entries/{body['entry_id']}/call", {"token": body["token"]}
    )

    assert_error(response, 400, "donor_not_callable")


def test_claim_takes_the_same_queries_for_1_and_20_waiting_donors(agent_api, campaign):
    def waiting(n: int) -> None:
        for _ in range(n):
            donor = DonorFactory()
            PhoneNumberFactory(donor=donor, number=f"+447700900{donor.pk % 1000:03d}")
            enqueue(campaign, [donor.pk], by=None)

    waiting(3)
    claim(agent_api, campaign)  # the token's first use, the zone keys: read once
    with CaptureQueriesContext(connection) as few:
        assert claim(agent_api, campaign).status_code == 200
    waiting(20)
    with CaptureQueriesContext(connection) as many:
        assert claim(agent_api, campaign).status_code == 200

    assert len(few) == len(many)


# Call lists and the queue, for managers


def failed_payment(donor: Donor) -> None:
    gift = RegularGift.objects.create(
        donor=donor, amount=Decimal("10"), started_on=date(2025, 1, 1)
    )
    Payment.objects.create(
        regular_gift=gift, due_on=NOON.date() - timedelta(days=3), amount=Decimal("10"),
        status=PaymentStatus.FAILED,
    )  # fmt: skip


FAILED_30 = {"failed_payment_days": 30}


def test_manager_previews_creates_and_refreshes_a_filter_list(manager_api, manager, campaign, ada):
    failed_payment(ada)
    nobody = DonorFactory()
    withdraw_consent(nobody, channel=Channel.PHONE, purpose=fundraising(), source="web", by=None)
    failed_payment(nobody)

    preview = post(manager_api, "/api/v1/call-lists/preview", FAILED_30)
    created = post(
        manager_api,
        "/api/v1/call-lists",
        {"name": "Failed", "campaign_id": campaign.pk, "filter": FAILED_30},
    )

    assert preview.json() == {"count": 2}
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["report"] == {
        "matched": 2, "added": 2, "already_there": 0, "unknown": 0,
        "left_out": [{"reason": "no_number", "label": "No number", "count": 1}],
    }  # fmt: skip
    assert (
        body["call_list"]["kind"] == "filter" and body["call_list"]["created_by_id"] == manager.pk
    )
    newcomer = DonorFactory()
    PhoneNumberFactory(donor=newcomer, number="+447700900999")
    failed_payment(newcomer)

    refreshed = post(manager_api, f"/api/v1/call-lists/{body['call_list']['id']}/refresh")

    assert refreshed.json()["report"]["added"] == 1
    assert refreshed.json()["report"]["already_there"] == 2
    assert QueueEntry.objects.filter(campaign=campaign).count() == 3


def test_a_list_from_references_names_the_unknown_ones(manager_api, campaign, ada):
    body = {"name": "Phoned", "campaign_id": campaign.pk, "references": ["D0001", "ZZZ"]}

    refused = post(manager_api, "/api/v1/call-lists/references", body)
    accepted = post(manager_api, "/api/v1/call-lists/references", body | {"skip_unknown": True})

    assert_error(refused, 400, "invalid_input", "file")
    assert "line 2 (ZZZ)" in refused.json()["message"]
    assert accepted.status_code == 201
    assert accepted.json()["report"]["unknown"] == 1
    assert QueueEntry.objects.get().donor == ada


def test_an_archived_campaign_takes_no_list_over_the_api(manager_api, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.ARCHIVED)

    response = post(
        manager_api,
        "/api/v1/call-lists",
        {"name": "Late", "campaign_id": campaign.pk, "filter": FAILED_30},
    )

    assert_error(response, 409, "campaign_archived", "campaign")
    assert not CallList.objects.exists()


def test_agents_may_not_create_lists_or_see_the_queue(agent_api, campaign):
    created = post(
        agent_api,
        "/api/v1/call-lists",
        {"name": "Mine", "campaign_id": campaign.pk, "filter": FAILED_30},
    )

    assert_error(created, 403, "forbidden")
    assert_error(agent_api.get(f"/api/v1/campaigns/{campaign.pk}/queue"), 403, "forbidden")


def test_queue_state_counts_and_out_of_data_reasons(manager_api, agent_api, campaign, ada):
    unknown = DonorFactory(timezone=None)
    PhoneNumberFactory(donor=unknown, number="+447700900555")
    enqueue(campaign, [ada.pk, unknown.pk], by=None)
    claim(agent_api, campaign)

    body = manager_api.get(f"/api/v1/campaigns/{campaign.pk}/queue").json()

    assert body["states"] == {"waiting": 1, "with_agent": 1, "held": 0, "done": 0}
    assert body["callable"] == 0
    reasons = {reason["code"]: (reason["label"], reason["count"]) for reason in body["reasons"]}
    assert reasons == {"unknown_zone": ("Unknown time zone", 1), "leased": ("With an agent", 1)}
    assert all(reason["hint"] for reason in body["reasons"])
