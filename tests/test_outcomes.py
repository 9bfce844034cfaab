"""Outcomes: each ended reason's effect, idempotency, stale tokens, a late Do not call, and a
lease whose call started but never got an outcome (docs/dialler.md, "Outcomes")."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from donorcall.callcenter.actions.calls import (
    OutcomeAlreadyRecorded,
    OutcomeKeptForReview,
    record_outcome,
    retry_delay,
    start_call,
)
from donorcall.callcenter.models import Call, Review
from donorcall.campaigns.models import (
    Blocked,
    Campaign,
    CampaignStatus,
    Disposition,
    EndedReasonCode,
    Priority,
    QueueEntry,
    QueueState,
)
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.campaigns.queue.eligibility import enqueue
from donorcall.campaigns.queue.leases import expire_leases
from donorcall.donors.actions import DonorDetails, add_phone_number, create_donor
from donorcall.donors.models import ConsentState, PhoneNumber, Purpose, Suppression
from donorcall.lib.errors import InvalidInput

# A Tuesday at noon in London: inside the default calling hours.
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def make_campaign(name: str = "Failed payments", **settings) -> Campaign:
    purpose = Purpose.objects.get(code="fundraising")
    return Campaign.objects.create(
        name=name, purpose=purpose, status=CampaignStatus.ACTIVE, **settings
    )


@pytest.fixture
def campaign(db) -> Campaign:
    return make_campaign()


@pytest.fixture
def donor(db):
    return create_donor(DonorDetails(last_name="Lovelace"), phone_number="07700 900123", by=None)


def claimed_call(agent, campaign, donor) -> tuple[QueueEntry, Call]:
    enqueue(campaign, [donor.pk], by=None)
    claim = claim_next_donor(agent, campaigns=[campaign])
    assert claim is not None and claim.donor_id == donor.pk
    entry = claim.entry
    return entry, start_call(entry, token=claim.token, by=agent)


def entry_of(campaign, donor) -> QueueEntry:
    return QueueEntry.objects.get(campaign=campaign, donor=donor)


def test_concluded_is_done_and_records_one_outcome(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)
    made = Disposition.objects.get(name="Donation made")

    record_outcome(call, reason="concluded", disposition=made, notes="Gave £20", by=agent)

    call.refresh_from_db()
    assert (call.ended_reason, call.disposition, call.outcome_recorded_by) == (
        "concluded",
        made,
        agent,
    )
    assert entry_of(campaign, donor).state == QueueState.DONE
    assert claim_next_donor(agent, campaigns=[campaign]) is None


def test_concluded_not_final_comes_back_after_the_campaign_days(agent, donor, db):
    campaign = make_campaign(concluded_is_final=False, recall_after_days=30)
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="concluded", by=agent)

    entry = entry_of(campaign, donor)
    assert (entry.state, entry.priority) == (QueueState.OPEN, Priority.RETRY)
    assert entry.due_at == NOON + timedelta(days=30)


def test_no_answer_is_retried_after_four_hours_and_counts_an_attempt(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="no_answer", by=agent)

    entry = entry_of(campaign, donor)
    assert (entry.state, entry.priority, entry.attempts) == (QueueState.OPEN, Priority.RETRY, 1)
    assert entry.due_at == NOON + timedelta(hours=4)
    assert entry.lease_token is None


def test_not_available_waits_a_day_plus_one_to_three_hours(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="not_available", by=agent)

    delay = entry_of(campaign, donor).due_at - NOON
    assert timedelta(hours=25) <= delay <= timedelta(hours=27)


def test_retry_rotation_only_for_whole_days_and_repeatable():
    assert retry_delay(240, rotate=True, seed=1) == timedelta(hours=4)
    assert retry_delay(1440, rotate=False, seed=1) == timedelta(days=1)
    assert retry_delay(1440, rotate=True, seed=7) == retry_delay(1440, rotate=True, seed=7)


def test_no_answer_at_max_attempts_is_done(agent, donor, db):
    campaign = make_campaign(max_attempts=1)
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="no_answer", by=agent)

    assert entry_of(campaign, donor).state == QueueState.DONE


def test_do_not_call_withdraws_phone_consent_and_suppresses_the_number(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="do_not_call", by=agent)

    state = ConsentState.objects.get(donor=donor, channel="phone", purpose=campaign.purpose)
    assert state.status == "withdrawn"
    assert Suppression.objects.filter(value="+447700900123", reason="do_not_call").exists()
    assert entry_of(campaign, donor).state == QueueState.DONE


def test_do_not_call_blocks_the_donor_on_every_campaign_with_that_purpose(agent, campaign, donor):
    other = make_campaign("Spring appeal")
    enqueue(other, [donor.pk], by=None)
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="do_not_call", by=agent)

    assert entry_of(other, donor).blocked in {Blocked.NO_CONSENT, Blocked.SUPPRESSED}
    assert claim_next_donor(agent, campaigns=[other]) is None


def test_wrong_number_removes_it_and_keeps_the_donor_if_another_exists(agent, campaign, donor):
    add_phone_number(donor, number="020 7946 0123", by=agent)
    _, call = claimed_call(agent, campaign, donor)
    assert call.number_dialled == "+447700900123"

    record_outcome(call, reason="wrong_number", by=agent)

    removed = PhoneNumber.objects.get(number="+447700900123")
    assert (removed.removed_reason, removed.removed_by) == ("Wrong number", agent)
    entry = entry_of(campaign, donor)
    assert (entry.state, entry.blocked) == (QueueState.OPEN, None)


def test_wrong_number_without_another_number_blocks_the_donor(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="wrong_number", by=agent)

    assert entry_of(campaign, donor).blocked == Blocked.NO_NUMBER


def test_a_retried_submission_applies_once(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="no_answer", by=agent)
    record_outcome(call, reason="no_answer", by=agent)

    assert entry_of(campaign, donor).attempts == 1


def test_a_different_second_outcome_is_refused(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)
    record_outcome(call, reason="no_answer", by=agent)

    with pytest.raises(OutcomeAlreadyRecorded):
        record_outcome(call, reason="concluded", by=agent)


def test_pressing_call_twice_places_one_call(agent, campaign, donor):
    enqueue(campaign, [donor.pk], by=None)
    claim = claim_next_donor(agent, campaigns=[campaign])

    first = start_call(claim.entry, token=claim.token, by=agent)
    second = start_call(claim.entry, token=claim.token, by=agent)

    assert first.pk == second.pk
    assert Call.objects.count() == 1


def test_a_disposition_from_another_ended_reason_is_refused(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)
    made = Disposition.objects.get(name="Donation made")  # under Concluded

    with pytest.raises(InvalidInput) as refused:
        record_outcome(call, reason="no_answer", disposition=made, by=agent)
    assert refused.value.field == "disposition"


def test_card_numbers_in_notes_are_refused(agent, campaign, donor):
    _, call = claimed_call(agent, campaign, donor)

    with pytest.raises(InvalidInput) as refused:
        record_outcome(call, reason="concluded", notes="card 4111 1111 1111 1111", by=agent)
    assert refused.value.field == "notes"
    assert Call.objects.get(pk=call.pk).outcome_recorded_at is None


def test_a_stale_outcome_is_refused_and_kept_for_review(agent, campaign, donor, clock):
    _, call = claimed_call(agent, campaign, donor)
    clock.shift(timedelta(hours=1))
    expire_leases()  # the lease ran out: the call is closed as "no outcome recorded"

    with pytest.raises(OutcomeKeptForReview):
        record_outcome(call, reason="concluded", notes="late", by=agent)

    call.refresh_from_db()
    assert call.review in {Review.NO_OUTCOME, Review.LATE_OUTCOME}
    assert call.submitted_outcome == {"reason": "concluded", "disposition": None, "notes": "late"}
    assert call.outcome_recorded_at is None


def test_a_late_do_not_call_still_applies(agent, campaign, donor, clock):
    _, call = claimed_call(agent, campaign, donor)
    clock.shift(timedelta(hours=1))
    expire_leases()

    record_outcome(call, reason="do_not_call", by=agent)

    assert ConsentState.objects.get(donor=donor, channel="phone").status == "withdrawn"
    assert Suppression.objects.filter(value="+447700900123").exists()
    assert entry_of(campaign, donor).blocked in {Blocked.NO_CONSENT, Blocked.SUPPRESSED}


def test_an_expired_call_is_closed_without_outcome_and_retried_not_completed(
    agent, campaign, donor, clock
):
    _, call = claimed_call(agent, campaign, donor)
    clock.shift(timedelta(hours=1))

    assert expire_leases() == 1

    call.refresh_from_db()
    entry = entry_of(campaign, donor)
    assert (call.review, call.outcome_recorded_at) == (Review.NO_OUTCOME, None)
    assert call.ended_at is not None
    assert (entry.state, entry.attempts) == (QueueState.OPEN, 1)


def test_a_previewed_donor_whose_lease_expires_goes_back_untouched(agent, campaign, donor, clock):
    enqueue(campaign, [donor.pk], by=None)
    assert claim_next_donor(agent, campaigns=[campaign]) is not None
    clock.shift(timedelta(hours=1))

    expire_leases()

    entry = entry_of(campaign, donor)
    assert (entry.state, entry.attempts, entry.priority) == (QueueState.OPEN, 0, Priority.FRESH)
    assert not Call.objects.exists()


def test_the_daily_cap_moves_the_donor_on_other_campaigns_to_tomorrow(agent, campaign, donor):
    other = make_campaign("Spring appeal")
    enqueue(other, [donor.pk], by=None)
    _, call = claimed_call(agent, campaign, donor)

    record_outcome(call, reason="no_answer", by=agent)

    other_entry = entry_of(other, donor)
    assert other_entry.state == QueueState.OPEN
    assert other_entry.due_at == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # London midnight
    assert claim_next_donor(agent, campaigns=[other]) is None


def test_the_ended_reasons_are_the_seeds_five():
    assert [label for _, label in EndedReasonCode.choices] == [
        "Concluded",
        "Do not call",
        "No answer",
        "Not available",
        "Wrong number",
    ]


def test_a_campaign_hands_out_nobody_outside_its_dates(agent, donor, db):
    from datetime import date

    early = make_campaign("Not yet", starts_on=date(2026, 11, 25))
    over = make_campaign("Over", ends_on=date(2026, 11, 23))
    today_only = make_campaign("Today", starts_on=date(2026, 11, 24), ends_on=date(2026, 11, 24))
    for campaign in (early, over, today_only):
        enqueue(campaign, [donor.pk], by=None)

    assert claim_next_donor(agent, campaigns=[early, over]) is None
    claim = claim_next_donor(agent, campaigns=[early, over, today_only])
    assert claim is not None and claim.campaign_id == today_only.pk
