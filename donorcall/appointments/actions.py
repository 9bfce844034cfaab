"""Every change to an appointment, and the queue row that makes the dialler keep it.

An appointment is served through its campaign queue row: priority OWN_APPOINTMENT (only its
owner gets it) or TEAM_APPOINTMENT (anyone on the campaign), due at its instant. Like every
queue write, these actions take the donor lock first (``eligibility.lock_donors``) and never
touch a row another agent holds under a lease. A booking made during the booking agent's own
call leaves that call's row alone: the call's outcome applies the appointment
(``after_call``, called from ``callcenter.actions.calls.reschedule``), so the ended reason
decides last (docs/appointments.md).
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from donorcall.appointments.local_time import instant_of, long_date, wall_clock
from donorcall.appointments.models import Appointment, AppointmentStatus
from donorcall.callcenter.models import Call, Shift
from donorcall.campaigns.models import (
    Blocked,
    Campaign,
    EndedReasonCode,
    Priority,
    QueueEntry,
    QueueState,
    Team,
)
from donorcall.campaigns.queue.eligibility import enqueue, lock_donors, refresh_queue
from donorcall.campaigns.queue.hours import APPOINTMENT_WINDOW, within_ceiling, zone_inside
from donorcall.donors.history import record_event
from donorcall.donors.models import Donor, PhoneNumber
from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, DomainError, InvalidInput
from donorcall.staff.models import User

APPOINTMENT_PRIORITIES = (Priority.OWN_APPOINTMENT, Priority.TEAM_APPOINTMENT)
SWEEP_BATCH = 200


def hand_over_after() -> timedelta:
    """An owner not signed in this long after the time: the team may take the call."""
    return timedelta(minutes=settings.DONORCALL_APPOINTMENT_HAND_OVER_MINUTES)


def missed_after() -> timedelta:
    """Not called this long after the time (or by the end of that day's window): missed."""
    return timedelta(minutes=settings.DONORCALL_APPOINTMENT_MISSED_MINUTES)


class AppointmentInPast(InvalidInput):
    code = "appointment_in_past"


class OutsideCallingHours(InvalidInput):
    code = "outside_calling_hours"


class OwnerNotOnCampaign(InvalidInput):
    code = "owner_not_on_campaign"


class DonorZoneUnknown(InvalidInput):
    code = "unknown_zone"


class AppointmentExists(Conflict):
    code = "appointment_exists"


class AppointmentNotScheduled(Conflict):
    code = "appointment_not_scheduled"


class DonorOnAnotherCall(Conflict):
    code = "donor_on_call"


class DonorNotCallable(DomainError):
    code = "donor_not_callable"


# --- Booking -----------------------------------------------------------------------------------


def schedule_appointment(
    donor: Donor,
    campaign: Campaign,
    *,
    local: datetime,
    zone: str,
    owner: User | None,
    notes: str = "",
    by: User,
    call: Call | None = None,
) -> Appointment:
    """Book a call-back at ``local`` (naive, the donor's wall clock in ``zone``) for ``owner``
    (None: anyone on a team working the campaign). During a call (``call``), an appointment
    call's own appointment is used up first, and booking again in the same call moves the one
    booked before."""
    notes = reject_card_numbers(notes.strip(), field="notes")
    due_at = slot(donor, local, zone)
    check_owner(owner, campaign)
    with transaction.atomic():
        lock_donors([donor.pk])
        if call is not None and call.is_appointment_call:
            use_up(donor.pk, campaign.pk, call)
        existing = scheduled_for(donor, campaign)
        if existing is not None and call is not None and existing.booked_on_call_id == call.pk:
            existing.owner, existing.notes, existing.handed_to_team_at = owner, notes, None
            set_time(existing, local, zone, due_at)
            existing.save()
            place_on_queue(existing, call=call)
            return existing
        if existing is not None:
            raise AppointmentExists(
                f"This donor already has an appointment on {campaign} "
                f"({describe(existing)}). Change that one instead.",
                field="date",
            )
        appointment = Appointment(
            donor=donor, campaign=campaign, owner=owner, notes=notes,
            booked_by=by, booked_at=now(), booked_on_call=call,
        )  # fmt: skip
        set_time(appointment, local, zone, due_at)
        appointment.save()
        place_on_queue(appointment, call=call)
        record_event(donor, "appointment_booked", f"Appointment booked ({campaign})", by=by)
    return appointment


def reschedule_appointment(
    appointment: Appointment, *, local: datetime, zone: str, notes: str | None = None, by: User
) -> Appointment:
    """Move a scheduled appointment to another time; it is the owner's again (a hand-over to
    the team was about the old time)."""
    cleaned = None if notes is None else reject_card_numbers(notes.strip(), field="notes")
    due_at = slot(appointment.donor, local, zone)
    with transaction.atomic():
        appointment = locked(appointment)
        set_time(appointment, local, zone, due_at)
        appointment.handed_to_team_at = None
        if cleaned is not None:
            appointment.notes = cleaned
        changed(appointment, by)
        place_on_queue(appointment, call=None)
        record_event(appointment.donor, "appointment_changed",
                     f"Appointment moved to {describe(appointment)}", by=by)  # fmt: skip
    return appointment


def reassign_appointment(appointment: Appointment, *, owner: User | None, by: User) -> Appointment:
    """Give the appointment to another agent, or to anyone on the team (``owner`` None)."""
    check_owner(owner, appointment.campaign)
    with transaction.atomic():
        appointment = locked(appointment)
        appointment.owner, appointment.handed_to_team_at = owner, None
        changed(appointment, by)
        place_on_queue(appointment, call=None)
        whom = owner.display_name if owner else "anyone on the team"
        record_event(appointment.donor, "appointment_changed",
                     f"Appointment given to {whom}", by=by)  # fmt: skip
    return appointment


def cancel_appointment(appointment: Appointment, *, reason: str, by: User | None) -> Appointment:
    """Cancel: the donor goes back to the campaign's normal order (a retry, or fresh if never
    called), due now. A row on a call is left to that call's outcome."""
    reason = reject_card_numbers(reason.strip(), field="reason")
    if not reason:
        raise InvalidInput("Say why the appointment is cancelled.", field="reason")
    with transaction.atomic():
        appointment = locked(appointment)
        close(appointment, AppointmentStatus.CANCELLED, reason=reason, by=by)
        back_to_normal(row_of(appointment), due_at=now())
        record_event(appointment.donor, "appointment_cancelled",
                     f"Appointment cancelled: {reason}", by=by)  # fmt: skip
    return appointment


# --- Rules -------------------------------------------------------------------------------------


def slot(donor: Donor, local: datetime, zone: str) -> datetime:
    """The instant of ``local`` in ``zone``, if the dialler may keep it: the zone is one of the
    donor's, the time names one instant (clock changes), is in the future, and is inside the
    hard calling ceiling (COMPLIANCE.md) in every zone the donor may be in."""
    zones = donor_zones(donor)
    if not zones:
        raise DonorZoneUnknown(
            "This donor's time zone is unknown, so the dialler cannot call them at a set "
            "time. Add their address or a phone number first.",
            field="zone",
        )
    if zone not in zones:
        raise InvalidInput(f"Book in the donor's time zone: {' or '.join(zones)}.", field="zone")
    due_at = instant_of(local.replace(second=0, microsecond=0), zone)
    if due_at <= now():
        donor_now = wall_clock(now(), zone)
        raise AppointmentInPast(
            f"That time has passed: it is already {donor_now:%H:%M} on "
            f"{long_date(donor_now.date())} in {zone}. Choose a later time.",
            field="date",
        )
    for name in zones:
        check_ceiling(due_at, name)
    return due_at


def check_ceiling(due_at: datetime, zone: str) -> None:
    if zone_inside(zone, APPOINTMENT_WINDOW, due_at):
        return
    window = within_ceiling(APPOINTMENT_WINDOW, zone)
    end = window.end.strftime("%H:%M") if window.end else "midnight"
    there = wall_clock(due_at, zone)
    raise OutsideCallingHours(
        f"{there:%H:%M} in {zone} is outside the hours a donor there may be called, "
        f"{window.start:%H:%M} to {end}, even by appointment. Choose another time.",
        field="time",
    )


def donor_zones(donor: Donor) -> list[str]:
    return (donor.timezone or "").split()


def check_owner(owner: User | None, campaign: Campaign) -> None:
    if owner is None or owner_choices(campaign).filter(pk=owner.pk).exists():
        return
    raise OwnerNotOnCampaign(
        f"{owner.display_name} is not on a team working on {campaign}.", field="owner"
    )


def owner_choices(campaign: Campaign):
    """Agents who may own an appointment on the campaign: members of its active teams."""
    teams = Team.objects.filter(is_active=True, campaigns=campaign)
    return User.objects.filter(is_active=True, teams__in=teams).distinct()


def miss_after_for(due_at: datetime, zones: list[str]) -> datetime:
    """Two hours after the time (the setting), or the end of that day's appointment window in
    the donor's zone, whichever comes first: a call-back at 20:30 is missed at 21:00, since
    the dialler may not call later that day."""
    latest = due_at + missed_after()
    for name in zones:
        there = wall_clock(due_at, name)
        end = within_ceiling(APPOINTMENT_WINDOW, name).end
        if end is not None:
            closes = there.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
            latest = min(latest, closes.astimezone(UTC))
    return latest


def set_time(appointment: Appointment, local: datetime, zone: str, due_at: datetime) -> None:
    appointment.local_date, appointment.local_time = local.date(), local.time().replace(second=0)
    appointment.zone, appointment.due_at = zone, due_at
    appointment.miss_after = miss_after_for(due_at, donor_zones(appointment.donor))


def describe(appointment: Appointment) -> str:
    return (
        f"{long_date(appointment.local_date)} at {appointment.local_time:%H:%M} {appointment.zone}"
    )


def scheduled_for(donor: Donor, campaign: Campaign) -> Appointment | None:
    return (
        Appointment.objects.select_for_update()
        .filter(donor=donor, campaign=campaign, status=AppointmentStatus.SCHEDULED)
        .first()
    )


def locked(appointment: Appointment) -> Appointment:
    """The appointment, under its donor's lock, refused unless still scheduled."""
    lock_donors([appointment.donor_id])
    current = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("donor", "campaign", "owner")
        .get(pk=appointment.pk)
    )
    if current.status != AppointmentStatus.SCHEDULED:
        raise AppointmentNotScheduled(
            f"This appointment is {current.get_status_display().lower()}; only a scheduled "
            "one can be changed."
        )
    return current


def changed(appointment: Appointment, by: User) -> None:
    appointment.changed_at, appointment.changed_by = now(), by
    appointment.save()


def close(appointment: Appointment, status: str, *, reason: str = "", by: User | None) -> None:
    at = now()
    appointment.status = status
    if status == AppointmentStatus.CANCELLED:
        appointment.cancelled_at, appointment.cancelled_by = at, by
        appointment.cancel_reason = reason[:200]
    elif status == AppointmentStatus.MISSED:
        appointment.missed_at = at
    appointment.save()


# --- The queue row -----------------------------------------------------------------------------


def row_of(appointment: Appointment) -> QueueEntry | None:
    return (
        QueueEntry.objects.select_for_update()
        .filter(campaign_id=appointment.campaign_id, donor_id=appointment.donor_id)
        .first()
    )


def place_on_queue(appointment: Appointment, *, call: Call | None) -> None:
    """Make the campaign's row for the donor this appointment (creating or reopening it), or,
    if the row is under the booking agent's own call, leave it for that call's outcome. The
    donor lock is held by the caller."""
    entry = row_of(appointment)
    if entry is None:
        enqueue(appointment.campaign, [appointment.donor_id], by=appointment.booked_by)
        entry = row_of(appointment)
        assert entry is not None
    if entry.state == QueueState.LEASED:
        if call is not None and str(entry.lease_token) == str(call.lease_token):
            return
        raise DonorOnAnotherCall(
            "Another agent has this donor on screen right now. Try again after their call."
        )
    if entry.state == QueueState.DONE:
        entry.state = held_or_open(entry)
    make_appointment_row(entry, appointment)
    entry.save()
    refresh_queue([appointment.donor_id])
    entry.refresh_from_db(fields=["blocked"])
    if entry.blocked:
        raise DonorNotCallable(
            f"This donor cannot be called on {appointment.campaign}: "
            f"{Blocked(entry.blocked).label.lower()}."
        )


def make_appointment_row(entry: QueueEntry, appointment: Appointment) -> None:
    """The row's class, owner and due time from the appointment (not saved)."""
    team = appointment.for_team
    entry.priority = Priority.TEAM_APPOINTMENT if team else Priority.OWN_APPOINTMENT
    entry.owner = None if team else appointment.owner
    entry.due_at = appointment.due_at
    campaign = entry.campaign
    # The donor asked for this call, so it may be one beyond the campaign's maximum; after
    # it the maximum applies again.
    if entry.attempts >= campaign.max_attempts:
        entry.attempts = campaign.max_attempts - 1


def held_or_open(entry: QueueEntry) -> str:
    leased_elsewhere = QueueEntry.objects.filter(
        donor_id=entry.donor_id, state=QueueState.LEASED
    ).exclude(pk=entry.pk)
    return QueueState.HELD if leased_elsewhere.exists() else QueueState.OPEN


def back_to_normal(entry: QueueEntry | None, *, due_at: datetime | None = None) -> None:
    """An appointment row that is no longer one: a retry (fresh if never called). Rows on a
    call or done are left alone; the call's outcome decides those."""
    if entry is None or entry.state not in (QueueState.OPEN, QueueState.HELD):
        return
    if entry.priority not in APPOINTMENT_PRIORITIES:
        return
    entry.priority = Priority.RETRY if entry.attempts else Priority.FRESH
    entry.owner = None
    if due_at is not None:
        entry.due_at = due_at
    entry.save(update_fields=["priority", "owner", "due_at"])


# --- The call's outcome (called from callcenter.actions.calls.reschedule) ----------------------


def after_call(entry: QueueEntry, call: Call, reason: str) -> None:
    """An appointment call uses up its appointment, whatever the ended reason. An appointment
    booked during this call becomes the row (class, owner, due time) whatever the ended
    reason, except Do not call (the donor asked not to be called) and Wrong number with no
    other number to ring, which cancel it. Changes ``entry`` in memory; the caller saves it
    under the donor lock it already holds."""
    if call.is_appointment_call:
        use_up(entry.donor_id, entry.campaign_id, call)
    booked = (
        Appointment.objects.select_for_update()
        .filter(booked_on_call=call, status=AppointmentStatus.SCHEDULED)
        .filter(donor_id=entry.donor_id, campaign_id=entry.campaign_id)
        .first()
    )
    if booked is None:
        return
    why = cancelling_reason(entry, reason)
    if why:
        close(booked, AppointmentStatus.CANCELLED, reason=why, by=call.outcome_recorded_by)
        return
    entry.state = QueueState.OPEN
    make_appointment_row(entry, booked)


def cancelling_reason(entry: QueueEntry, reason: str) -> str:
    if reason == EndedReasonCode.DO_NOT_CALL:
        return "The donor asked not to be called (Do not call)."
    if reason == EndedReasonCode.WRONG_NUMBER and not has_number(entry.donor_id):
        return "Wrong number, and the donor has no other number."
    return ""


def has_number(donor_id: int) -> bool:
    return (
        PhoneNumber.objects.filter(donor_id=donor_id, removed_at=None).exclude(number="").exists()
    )


def use_up(donor_id: int, campaign_id: int, call: Call) -> None:
    """The appointment this appointment call kept is done, by this call."""
    Appointment.objects.filter(
        donor_id=donor_id, campaign_id=campaign_id, status=AppointmentStatus.SCHEDULED
    ).exclude(booked_on_call=call).update(
        status=AppointmentStatus.DONE, done_by_call=call, done_at=now()
    )


# --- The worker --------------------------------------------------------------------------------


def hand_over_to_team(limit: int = SWEEP_BATCH) -> int:
    """Own appointments whose owner is not signed in (no open shift) some minutes after the
    time go to anyone on the team. Returns how many."""
    on_shift = Shift.objects.filter(agent_id=OuterRef("owner_id"), signed_out_at=None)
    waiting = Appointment.objects.filter(
        status=AppointmentStatus.SCHEDULED,
        owner__isnull=False,
        handed_to_team_at=None,
        due_at__lte=now() - hand_over_after(),
    ).filter(~Exists(on_shift))
    return sweep(waiting, limit, hand_over)


def hand_over(appointment: Appointment) -> None:
    appointment.handed_to_team_at = now()
    appointment.save(update_fields=["handed_to_team_at"])
    entry = row_of(appointment)
    if entry is None or entry.state not in (QueueState.OPEN, QueueState.HELD):
        return  # on a call: that call's outcome uses the appointment up
    if entry.priority == Priority.OWN_APPOINTMENT:
        make_appointment_row(entry, appointment)
        entry.save(update_fields=["priority", "owner", "due_at", "attempts"])


def flag_missed(limit: int = SWEEP_BATCH) -> int:
    """Appointments still scheduled past their ``miss_after`` are missed (managers see them
    on the Appointments page); the donor goes back to the campaign's normal retries. A donor
    on a call right now is left to that call. Returns how many."""
    on_call = QueueEntry.objects.filter(
        donor_id=OuterRef("donor_id"),
        campaign_id=OuterRef("campaign_id"),
        state=QueueState.LEASED,
    )
    overdue = Appointment.objects.filter(
        status=AppointmentStatus.SCHEDULED, miss_after__lte=now()
    ).filter(~Exists(on_call))
    return sweep(overdue, limit, miss)


def miss(appointment: Appointment) -> None:
    close(appointment, AppointmentStatus.MISSED, by=None)
    back_to_normal(row_of(appointment))


def sweep(rows: QuerySet[Appointment], limit: int, apply: Callable[[Appointment], None]) -> int:
    """Apply ``apply`` to up to ``limit`` of ``rows``, each in its own transaction under its
    donor's lock, skipping (PostgreSQL) appointments another worker has in hand."""
    done = 0
    for pk, donor_id in rows.order_by("due_at").values_list("pk", "donor_id")[:limit]:
        with transaction.atomic():
            lock_donors([donor_id])
            current = still_matching(rows, pk)
            if current is not None:
                apply(current)
                done += 1
    return done


def still_matching(rows: QuerySet[Appointment], pk: int) -> Appointment | None:
    """Read again under the lock: another worker may have got there first."""
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows.filter(pk=pk).first()
