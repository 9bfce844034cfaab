"""Appointments through their actions and the dialler: the times refused (clock changes, the
hard ceiling, the past), an appointment served first to its owner at its time, the hand-over
to the team, missed appointments, and what a call's outcome does to one
(docs/appointments.md)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from donorcall.appointments.actions import (
    AppointmentExists,
    DonorOnAnotherCall,
    OutsideCallingHours,
    OwnerNotOnCampaign,
    cancel_appointment,
    flag_missed,
    hand_over_to_team,
    reassign_appointment,
    reschedule_appointment,
    schedule_appointment,
)
from donorcall.appointments.local_time import TimeDoesNotExist, TimeIsAmbiguous
from donorcall.appointments.models import AppointmentStatus
from donorcall.callcenter.actions.calls import record_outcome, start_call
from donorcall.callcenter.models import Shift
from donorcall.campaigns.models import Priority, QueueState
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.donors.models import PhoneNumber
from donorcall.lib.errors import DomainError
from donorcall.staff.models import JobRole
from tests.appointment_world import NOON, campaign_with_team, colleague, local, on_call, row
from tests.queue_world import donor_on, fictional_number


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def carla(db):
    return colleague()


@pytest.fixture
def campaign(agent, carla):
    return campaign_with_team(agent, carla)


@pytest.fixture
def donor(campaign):
    return donor_on(campaign, zone="Europe/London")


def book(donor, campaign, by, *, at=None, zone="Europe/London", owner="by", **extra):
    return schedule_appointment(
        donor, campaign, local=at or local(2026, 11, 25, 10, 0), zone=zone,
        owner=by if owner == "by" else owner, by=by, **extra,
    )  # fmt: skip


# --- Times that are refused ----------------------------------------------------------------------

CLOCK_CHANGES = [
    ("Europe/London", local(2026, 3, 29, 1, 30), TimeDoesNotExist,
     "On 29 March 2026 clocks in Europe/London go forward from 01:00 to 02:00: 01:30 does not "
     "exist. Choose another time."),
    ("Europe/London", local(2026, 10, 25, 1, 30), TimeIsAmbiguous,
     "On 25 October 2026 clocks in Europe/London go back from 02:00 to 01:00: 01:30 happens "
     "twice, so it is not clear which one the donor means. Choose another time."),
    ("America/New_York", local(2026, 3, 8, 2, 15), TimeDoesNotExist,
     "On 8 March 2026 clocks in America/New_York go forward from 02:00 to 03:00: 02:15 does not "
     "exist. Choose another time."),
    ("America/New_York", local(2026, 11, 1, 1, 45), TimeIsAmbiguous,
     "On 1 November 2026 clocks in America/New_York go back from 02:00 to 01:00: 01:45 happens "
     "twice, so it is not clear which one the donor means. Choose another time."),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "wall", "refusal", "message"), CLOCK_CHANGES)
def test_a_time_a_clock_change_skips_or_repeats_is_refused_with_why(
    clock, agent, campaign, zone, wall, refusal, message
):
    clock.move_to(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    donor = donor_on(campaign, zone=zone)

    with pytest.raises(refusal) as refused:
        book(donor, campaign, agent, at=wall, zone=zone)

    assert refused.value.message == message
    assert refused.value.field == "time"
    assert not donor.appointments.exists()


def test_a_time_past_the_uk_ceiling_is_refused_even_by_appointment(agent, campaign, donor):
    with pytest.raises(OutsideCallingHours) as refused:
        book(donor, campaign, agent, at=local(2026, 11, 25, 21, 0))
    assert refused.value.code == "outside_calling_hours"
    assert "21:00 in Europe/London is outside the hours" in refused.value.message


def test_a_time_before_the_us_ceiling_is_refused(agent, campaign):
    donor = donor_on(campaign, zone="America/New_York")
    with pytest.raises(OutsideCallingHours, match="07:30 in America/New_York"):
        book(donor, campaign, agent, at=local(2026, 11, 25, 7, 30), zone="America/New_York")


def test_an_appointment_may_fall_outside_the_campaigns_hours_but_inside_the_ceiling(
    agent, campaign, donor
):
    appointment = book(donor, campaign, agent, at=local(2026, 11, 25, 8, 30))
    assert appointment.due_at == datetime(2026, 11, 25, 8, 30, tzinfo=UTC)


def test_a_time_already_passed_is_refused(agent, campaign, donor):
    with pytest.raises(DomainError) as refused:
        book(donor, campaign, agent, at=local(2026, 11, 24, 11, 0))
    assert refused.value.code == "appointment_in_past"


def test_a_donor_in_several_zones_must_be_inside_the_ceiling_in_each(agent, campaign):
    donor = donor_on(campaign, zone="America/Chicago America/New_York")
    # 20:30 in Chicago is 21:30 in New York.
    with pytest.raises(OutsideCallingHours, match="America/New_York"):
        book(donor, campaign, agent, at=local(2026, 11, 25, 20, 30), zone="America/Chicago")


def test_the_owner_must_work_on_the_campaign(agent, other_agent, campaign, donor):
    with pytest.raises(OwnerNotOnCampaign):
        book(donor, campaign, agent, owner=other_agent)


def test_a_card_number_in_the_notes_is_refused(agent, campaign, donor):
    with pytest.raises(DomainError) as refused:
        book(donor, campaign, agent, notes="card 4111 1111 1111 1111")
    assert refused.value.code == "card_number_refused"


def test_one_scheduled_appointment_per_donor_and_campaign(agent, campaign, donor):
    book(donor, campaign, agent)
    with pytest.raises(AppointmentExists):
        book(donor, campaign, agent, at=local(2026, 11, 26, 10, 0))


def test_a_donor_another_agent_has_on_screen_cannot_be_booked(agent, carla, campaign, donor):
    on_call(carla, campaign, donor.pk)
    with pytest.raises(DonorOnAnotherCall):
        book(donor, campaign, agent)


# --- Booking writes the queue row ---------------------------------------------------------------


def test_booking_makes_the_row_the_owners_appointment_due_at_its_instant(agent, campaign, donor):
    appointment = book(donor, campaign, agent, at=local(2026, 11, 25, 15, 45), notes="After work")
    entry = row(campaign, donor)
    assert (entry.priority, entry.owner, entry.due_at) == (
        Priority.OWN_APPOINTMENT, agent, datetime(2026, 11, 25, 15, 45, tzinfo=UTC)
    )  # fmt: skip
    assert (appointment.local_time.hour, appointment.zone) == (15, "Europe/London")


def test_booking_in_summer_time_stores_the_utc_instant(clock, agent, campaign):
    clock.move_to(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    donor = donor_on(campaign, zone="America/Los_Angeles")
    appointment = book(donor, campaign, agent, at=local(2026, 6, 2, 9, 0),
                       zone="America/Los_Angeles")  # fmt: skip
    assert appointment.due_at == datetime(2026, 6, 2, 16, 0, tzinfo=UTC)


def test_a_team_appointment_is_for_anyone_on_the_team(agent, campaign, donor):
    book(donor, campaign, agent, owner=None)
    entry = row(campaign, donor)
    assert (entry.priority, entry.owner) == (Priority.TEAM_APPOINTMENT, None)


def test_booking_a_donor_not_on_the_campaign_puts_them_on_it(agent, carla):
    campaign = campaign_with_team(agent, carla)
    donor = donor_on(zone="Europe/London")
    book(donor, campaign, agent)
    assert row(campaign, donor).priority == Priority.OWN_APPOINTMENT


def test_booking_reopens_a_donor_done_on_the_campaign(agent, campaign, donor):
    row(campaign, donor).__class__.objects.filter(donor=donor).update(
        state=QueueState.DONE, attempts=6
    )
    book(donor, campaign, agent)
    entry = row(campaign, donor)
    assert (entry.state, entry.priority, entry.blocked) == (
        QueueState.OPEN, Priority.OWN_APPOINTMENT, None
    )  # fmt: skip


def test_cancelling_puts_the_donor_back_as_fresh_or_a_retry(agent, campaign, donor):
    appointment = book(donor, campaign, agent)
    cancel_appointment(appointment, reason="Donor emailed instead", by=agent)
    appointment.refresh_from_db()
    entry = row(campaign, donor)
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Donor emailed instead"
    assert (entry.priority, entry.owner, entry.due_at) == (Priority.FRESH, None, NOON)


def test_reassigning_and_moving_change_the_row(agent, carla, campaign, donor):
    appointment = book(donor, campaign, agent)
    reassign_appointment(appointment, owner=carla, by=agent)
    assert row(campaign, donor).owner == carla
    reassign_appointment(appointment, owner=None, by=agent)
    assert row(campaign, donor).priority == Priority.TEAM_APPOINTMENT
    reschedule_appointment(appointment, local=local(2026, 11, 26, 9, 15), zone="Europe/London",
                           by=agent)  # fmt: skip
    assert row(campaign, donor).due_at == datetime(2026, 11, 26, 9, 15, tzinfo=UTC)


# --- Served first to its owner at its time -----------------------------------------------------


def test_an_appointment_booked_in_a_call_is_served_first_to_its_owner_at_its_time(
    clock, agent, carla, campaign, donor
):
    call = on_call(agent, campaign, donor.pk)
    book(donor, campaign, agent, at=local(2026, 11, 25, 14, 0), call=call)
    assert row(campaign, donor).state == QueueState.LEASED  # left to the outcome

    record_outcome(call, reason="not_available", by=agent)
    entry = row(campaign, donor)
    assert (entry.priority, entry.owner, entry.due_at) == (
        Priority.OWN_APPOINTMENT, agent, datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    )  # fmt: skip
    waiting = donor_on(campaign, zone="Europe/London")  # a fresh donor, due long ago

    clock.move_to(datetime(2026, 11, 25, 13, 59, tzinfo=UTC))
    before = claim_next_donor(agent, campaigns=[campaign])
    assert before is not None and before.donor_id == waiting.pk  # not yet due
    record_outcome(start_call(before.entry, token=before.token, by=agent), reason="concluded",
                   by=agent)  # fmt: skip

    clock.move_to(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    assert claim_next_donor(carla, campaigns=[campaign]) is None  # only its owner's
    claim = claim_next_donor(agent, campaigns=[campaign])
    assert claim is not None and claim.donor_id == donor.pk
    appointment_call = start_call(claim.entry, token=claim.token, by=agent)
    assert appointment_call.is_appointment_call

    record_outcome(appointment_call, reason="concluded", by=agent)
    appointment = donor.appointments.get()
    assert (appointment.status, appointment.done_by_call) == (
        AppointmentStatus.DONE, appointment_call
    )  # fmt: skip


def test_an_appointment_is_served_before_a_fresh_donor_due_earlier(clock, agent, campaign):
    fresh = donor_on(campaign, zone="Europe/London")
    booked = donor_on(campaign, zone="Europe/London")
    book(booked, campaign, agent, at=local(2026, 11, 24, 12, 30))
    clock.move_to(datetime(2026, 11, 24, 12, 30, tzinfo=UTC))
    claim = claim_next_donor(agent, campaigns=[campaign])
    assert claim is not None and claim.donor_id == booked.pk
    assert fresh.pk != booked.pk


# --- The worker: hand-over to the team, missed ---------------------------------------------------


def test_an_owner_not_signed_in_hands_the_appointment_to_the_team_after_15_minutes(
    clock, agent, carla, campaign, donor
):
    appointment = book(donor, campaign, agent, at=local(2026, 11, 24, 13, 0))
    clock.move_to(datetime(2026, 11, 24, 13, 14, tzinfo=UTC))
    assert hand_over_to_team() == 0

    clock.move_to(datetime(2026, 11, 24, 13, 15, tzinfo=UTC))
    assert hand_over_to_team() == 1
    assert hand_over_to_team() == 0  # once
    appointment.refresh_from_db()
    assert appointment.handed_to_team_at == datetime(2026, 11, 24, 13, 15, tzinfo=UTC)
    assert row(campaign, donor).priority == Priority.TEAM_APPOINTMENT
    claim = claim_next_donor(carla, campaigns=[campaign])
    assert claim is not None and claim.donor_id == donor.pk


def test_an_owner_on_shift_keeps_the_appointment(clock, settings, agent, campaign, donor):
    settings.DONORCALL_APPOINTMENT_HAND_OVER_MINUTES = 5
    book(donor, campaign, agent, at=local(2026, 11, 24, 13, 0))
    role = JobRole.objects.create(name="Outbound")
    Shift.objects.create(agent=agent, job_role=role, signed_in_at=NOON,
                         ends_at=NOON + timedelta(hours=5))  # fmt: skip
    clock.move_to(datetime(2026, 11, 24, 13, 30, tzinfo=UTC))
    assert hand_over_to_team() == 0
    assert row(campaign, donor).priority == Priority.OWN_APPOINTMENT


def test_an_appointment_nobody_called_in_two_hours_is_missed(clock, agent, campaign, donor):
    appointment = book(donor, campaign, agent, at=local(2026, 11, 24, 13, 0))
    clock.move_to(datetime(2026, 11, 24, 14, 59, tzinfo=UTC))
    assert flag_missed() == 0
    clock.move_to(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    assert flag_missed() == 1
    appointment.refresh_from_db()
    entry = row(campaign, donor)
    assert appointment.status == AppointmentStatus.MISSED
    assert (entry.priority, entry.owner) == (Priority.FRESH, None)


def test_an_evening_appointment_is_missed_when_the_days_calling_ends(clock, agent, campaign, donor):
    appointment = book(donor, campaign, agent, at=local(2026, 11, 24, 20, 30))
    assert appointment.miss_after == datetime(2026, 11, 24, 21, 0, tzinfo=UTC)
    clock.move_to(datetime(2026, 11, 24, 21, 0, tzinfo=UTC))
    assert flag_missed() == 1


def test_a_donor_on_the_appointment_call_is_not_marked_missed(clock, agent, campaign, donor):
    book(donor, campaign, agent, at=local(2026, 11, 24, 13, 0))
    clock.move_to(datetime(2026, 11, 24, 14, 50, tzinfo=UTC))
    on_call(agent, campaign, donor.pk)
    clock.move_to(datetime(2026, 11, 24, 15, 10, tzinfo=UTC))
    assert flag_missed() == 0


# --- The outcome of the call it was booked in ----------------------------------------------------


@pytest.mark.parametrize("reason", ["concluded", "no_answer", "not_available"])
def test_an_appointment_booked_in_a_call_takes_the_row_whatever_the_reason(
    agent, campaign, donor, reason
):
    call = on_call(agent, campaign, donor.pk)
    book(donor, campaign, agent, owner=None, call=call)
    record_outcome(call, reason=reason, by=agent)
    entry = row(campaign, donor)
    assert (entry.state, entry.priority, entry.due_at) == (
        QueueState.OPEN, Priority.TEAM_APPOINTMENT, datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    )  # fmt: skip
    assert donor.appointments.get().status == AppointmentStatus.SCHEDULED


def test_do_not_call_cancels_the_appointment_booked_in_the_call(agent, campaign, donor):
    call = on_call(agent, campaign, donor.pk)
    book(donor, campaign, agent, call=call)
    record_outcome(call, reason="do_not_call", by=agent)
    appointment = donor.appointments.get()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert "Do not call" in appointment.cancel_reason
    assert row(campaign, donor).state == QueueState.DONE


def test_wrong_number_with_no_other_number_cancels_it(agent, campaign, donor):
    call = on_call(agent, campaign, donor.pk)
    book(donor, campaign, agent, call=call)
    record_outcome(call, reason="wrong_number", by=agent)
    assert donor.appointments.get().status == AppointmentStatus.CANCELLED


def test_wrong_number_with_another_number_keeps_it(agent, campaign, donor):
    PhoneNumber.objects.create(donor=donor, number=fictional_number(donor.pk + 500),
                               kind="landline")  # fmt: skip
    call = on_call(agent, campaign, donor.pk)
    book(donor, campaign, agent, call=call)
    record_outcome(call, reason="wrong_number", by=agent)
    assert donor.appointments.get().status == AppointmentStatus.SCHEDULED
    assert row(campaign, donor).priority == Priority.OWN_APPOINTMENT


def test_an_appointment_call_that_books_again_uses_up_the_first(clock, agent, campaign, donor):
    first = book(donor, campaign, agent, at=local(2026, 11, 24, 12, 30))
    clock.move_to(datetime(2026, 11, 24, 12, 30, tzinfo=UTC))
    call = on_call(agent, campaign, donor.pk)
    assert call.is_appointment_call
    second = book(donor, campaign, agent, at=local(2026, 11, 26, 10, 0), call=call)
    record_outcome(call, reason="not_available", by=agent)
    first.refresh_from_db()
    assert (first.status, first.done_by_call) == (AppointmentStatus.DONE, call)
    assert row(campaign, donor).due_at == second.due_at


def test_booking_twice_in_one_call_moves_the_first_booking(agent, campaign, donor):
    call = on_call(agent, campaign, donor.pk)
    book(donor, campaign, agent, call=call)
    book(donor, campaign, agent, at=local(2026, 11, 25, 16, 0), call=call)
    assert donor.appointments.get().local_time.hour == 16


def test_an_appointment_call_with_no_answer_is_still_used_up(clock, agent, campaign, donor):
    book(donor, campaign, agent, at=local(2026, 11, 24, 12, 30))
    clock.move_to(datetime(2026, 11, 24, 12, 30, tzinfo=UTC))
    call = on_call(agent, campaign, donor.pk)
    record_outcome(call, reason="no_answer", by=agent)
    assert donor.appointments.get().status == AppointmentStatus.DONE
    assert row(campaign, donor).priority == Priority.RETRY
