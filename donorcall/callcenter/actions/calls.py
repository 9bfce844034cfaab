"""Calls: placing one under a lease, and recording its one outcome (the seeds' ended reasons).

``record_outcome`` is the one door for an outcome. It is idempotent per call (a retried
submission of the same outcome changes nothing), refuses an outcome whose lease has ended and
keeps it for a manager, and applies Do not call whatever the lease says (COMPLIANCE.md: "also
when it arrives late").
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from donorcall.callcenter.models import Call, Direction, Review
from donorcall.campaigns.models import (
    Disposition,
    EndedReasonCode,
    Priority,
    QueueEntry,
    QueueState,
)
from donorcall.campaigns.queue.eligibility import lock_donors, refresh_queue
from donorcall.campaigns.queue.leases import clear_lease, held_lease, unhold_siblings
from donorcall.donors import actions as donor_actions
from donorcall.donors.history import record_event
from donorcall.donors.models import Channel, Donor, Purpose, SuppressionKind, SuppressionReason
from donorcall.donors.queries import number_for_call
from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, DomainError, InvalidInput
from donorcall.lib.timezones import zones_of
from donorcall.staff.models import User

# While a call is in progress the screen renews the lease; this is how long one renewal lasts.
CALL_LEASE = timedelta(minutes=15)
WHOLE_DAY = 24 * 60


class NotCallable(DomainError):
    code = "donor_not_callable"


class OutcomeAlreadyRecorded(Conflict):
    code = "outcome_already_recorded"


class OutcomeKeptForReview(DomainError):
    """The lease ended before the outcome arrived: kept on the call for a manager."""

    code = "stale_token"
    status = 409


@dataclass(frozen=True)
class Outcome:
    reason: str
    disposition_id: int | None
    notes: str

    def as_dict(self) -> dict[str, object]:
        return {"reason": self.reason, "disposition": self.disposition_id, "notes": self.notes}


def start_call(entry: QueueEntry, *, token: uuid.UUID, by: User) -> Call:
    """The agent presses Call (Preview), or the call starts by itself (Progressive). A second
    press under the same lease returns the call already placed."""
    at = now()
    with transaction.atomic():
        current = held_lease(entry, token=token, by=by, at=at)
        placed = Call.objects.filter(lease_token=current.lease_token).first()
        if placed is not None:
            return placed
        number = number_for_call(current.donor)
        if number is None:
            raise NotCallable("This donor has no number that may be called.")
        current.lease_expires_at = max(current.lease_expires_at or at, at + CALL_LEASE)
        current.save(update_fields=["lease_expires_at"])
        return Call.objects.create(
            campaign=current.campaign,
            agent=by,
            donor=current.donor,
            queue_entry=current,
            lease_token=current.lease_token,
            number_dialled=number,
            is_appointment_call=current.priority
            in (Priority.OWN_APPOINTMENT, Priority.TEAM_APPOINTMENT),
            started_at=at,
        )


def record_outcome(
    call: Call, *, reason: str, disposition: Disposition | None = None, notes: str = "", by: User
) -> Call:
    """End ``call`` with an ended reason (and disposition, notes) and apply its effects."""
    outcome = clean_outcome(reason=reason, disposition=disposition, notes=notes)
    with transaction.atomic():
        lock_donors([call.donor_id])
        call = (
            Call.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=call.pk)
        )
        if call.outcome_recorded_at is not None:
            return repeated(call, outcome)
        entry = current_entry(call)
        if call.direction == Direction.INBOUND:
            apply_outcome(call, None, outcome, by=by)  # no queue row, no lease to be late for
        elif entry is None and outcome.reason != EndedReasonCode.DO_NOT_CALL:
            keep_for_review(call, outcome)
        else:
            apply_outcome(call, entry, outcome, by=by)
    if call.review == Review.LATE_OUTCOME and not call.outcome_recorded_at:
        raise OutcomeKeptForReview(
            "Your time with this donor ran out before the outcome was saved. "
            "It has been kept for a manager to review."
        )
    return call


def clean_outcome(*, reason: str, disposition: Disposition | None, notes: str) -> Outcome:
    if reason not in EndedReasonCode.values:
        raise InvalidInput("Choose an ended reason.", field="reason")
    if disposition is not None:
        if disposition.ended_reason.code != reason:
            raise InvalidInput(
                "That disposition belongs to another ended reason.", field="disposition"
            )
        if not disposition.is_active:
            raise InvalidInput("That disposition is no longer in use.", field="disposition")
    notes = reject_card_numbers(notes.strip(), field="notes")
    return Outcome(reason, disposition.pk if disposition else None, notes)


def repeated(call: Call, outcome: Outcome) -> Call:
    """A retried submission: the same outcome is a no-op, a different one is refused."""
    recorded = Outcome(call.ended_reason, call.disposition_id, call.notes)
    if recorded == outcome:
        return call
    raise OutcomeAlreadyRecorded("This call already has an outcome.")


def current_entry(call: Call) -> QueueEntry | None:
    """The queue row, if the call's lease is still the row's lease (locked)."""
    if call.queue_entry_id is None:
        return None
    entry = (
        QueueEntry.objects.select_for_update()
        .select_related("campaign", "donor")
        .get(pk=call.queue_entry_id)
    )
    if entry.state == QueueState.LEASED and str(entry.lease_token) == str(call.lease_token):
        return entry
    return None


def keep_for_review(call: Call, outcome: Outcome) -> None:
    call.review = Review.LATE_OUTCOME
    call.submitted_outcome = outcome.as_dict()
    call.ended_at = call.ended_at or now()
    call.save(update_fields=["review", "submitted_outcome", "ended_at"])


def apply_outcome(call: Call, entry: QueueEntry | None, outcome: Outcome, *, by: User) -> None:
    """Write the outcome on the call, then the ended reason's effect on donor and queue.
    ``entry`` is None for a late Do not call: the donor's preferences change, the queue row
    (now someone else's, or gone) is left to refresh_queue."""
    at = now()
    call.ended_reason, call.disposition_id, call.notes = (
        outcome.reason,
        outcome.disposition_id,
        outcome.notes,
    )
    call.ended_at = call.ended_at or at
    call.outcome_recorded_at, call.outcome_recorded_by = at, by
    if entry is None and call.direction == Direction.OUTBOUND:
        call.review = Review.LATE_OUTCOME
        call.submitted_outcome = outcome.as_dict()
    call.save()
    EFFECTS[outcome.reason](call, by=by)
    if entry is not None:
        reschedule(entry, call, outcome.reason, at)
        apply_daily_cap(entry, at)
    refresh_queue([call.donor_id])
    label = EndedReasonCode(outcome.reason).label
    where = call.campaign or "inbound call"
    record_event(call.donor, "call_ended", f"Call ended: {label} ({where})", by=by)


def do_not_call(call: Call, *, by: User) -> None:
    """Withdraw phone consent for the campaign's purpose and suppress the number dialled."""
    # A campaign's call: its purpose. A donor who called in: every purpose calls are made for
    # (the service purpose apart: a donor is still told about their own gifts).
    purposes = (
        [call.campaign.purpose]
        if call.campaign is not None
        else list(Purpose.objects.filter(is_active=True).exclude(code="service"))
    )
    for purpose in purposes:
        donor_actions.withdraw_consent(
            call.donor,
            channel=Channel.PHONE,
            purpose=purpose,
            source="call",
            wording="Asked not to be called (ended reason Do not call).",
            by=by,
        )
    if call.number_dialled:
        donor_actions.suppress(
            SuppressionKind.PHONE,
            call.number_dialled,
            reason=SuppressionReason.DO_NOT_CALL,
            source=f"Call {call.pk}",
            donor=call.donor,
            by=by,
        )


def wrong_number(call: Call, *, by: User) -> None:
    """Remove the number dialled from the donor (kept in the history with who and why)."""
    for entry in call.donor.phone_numbers.filter(number=call.number_dialled, removed_at=None):
        donor_actions.remove_phone_number(entry, reason="Wrong number", by=by)


def no_effect_on_donor(call: Call, *, by: User) -> None:
    """Concluded, No answer, Not available change only the queue row."""


EFFECTS: dict[str, Callable[..., None]] = {
    EndedReasonCode.CONCLUDED: no_effect_on_donor,
    EndedReasonCode.DO_NOT_CALL: do_not_call,
    EndedReasonCode.NO_ANSWER: no_effect_on_donor,
    EndedReasonCode.NOT_AVAILABLE: no_effect_on_donor,
    EndedReasonCode.WRONG_NUMBER: wrong_number,
}


def reschedule(entry: QueueEntry, call: Call, reason: str, at: datetime) -> None:
    """Where the row goes next, by the campaign's rules; the lease ends and the donor's rows on
    other campaigns are no longer held. An appointment booked during the call then takes the
    row over (appointments.actions.after_call)."""
    from donorcall.appointments.actions import after_call

    entry.attempts += 1
    entry.last_attempt_at, entry.last_ended_reason = at, reason
    entry.state, entry.due_at = next_step(entry, call, reason, at)
    if entry.state == QueueState.OPEN:
        entry.priority, entry.owner = Priority.RETRY, None  # an appointment is used up
    after_call(entry, call, reason)
    clear_lease(entry)
    entry.save()
    unhold_siblings(entry)


def next_step(entry: QueueEntry, call: Call, reason: str, at: datetime) -> tuple[str, datetime]:
    campaign = entry.campaign
    if reason == EndedReasonCode.DO_NOT_CALL:
        return QueueState.DONE, entry.due_at
    if reason == EndedReasonCode.CONCLUDED:
        if campaign.concluded_is_final or not campaign.recall_after_days:
            return QueueState.DONE, entry.due_at
        return QueueState.OPEN, at + timedelta(days=campaign.recall_after_days)
    if reason == EndedReasonCode.WRONG_NUMBER:
        return QueueState.OPEN, at  # another number, if any, may be tried at once
    if entry.attempts >= campaign.max_attempts:
        return QueueState.DONE, entry.due_at
    minutes = (
        campaign.no_answer_delay_minutes
        if reason == EndedReasonCode.NO_ANSWER
        else campaign.not_available_delay_minutes
    )
    return QueueState.OPEN, at + retry_delay(
        minutes, rotate=campaign.rotate_retry_times, seed=call.pk
    )


def retry_delay(minutes: int, *, rotate: bool, seed: int) -> timedelta:
    """The campaign's delay; a whole-day delay gets 1–3 hours more so that a donor is not
    always tried at the same hour (COMPLIANCE.md, "Attempts"). Seeded by the call, so the
    same call always gives the same time."""
    delay = timedelta(minutes=minutes)
    if rotate and minutes >= WHOLE_DAY and minutes % WHOLE_DAY == 0:
        delay += timedelta(minutes=random.Random(seed).randint(60, 180))
    return delay


def apply_daily_cap(entry: QueueEntry, at: datetime) -> None:
    """At most one call a day per donor across campaigns (COMPLIANCE.md): the donor's other
    waiting rows, appointments apart, are not due before the donor's next local midnight."""
    tomorrow = next_local_day(entry.donor, at)
    rows = QueueEntry.objects.filter(
        donor_id=entry.donor_id,
        state__in=[QueueState.OPEN, QueueState.HELD],
        priority__in=[Priority.RETRY, Priority.FRESH],
        due_at__lt=tomorrow,
    ).exclude(pk=entry.pk)
    rows.update(due_at=tomorrow)


def next_local_day(donor: Donor, at: datetime) -> datetime:
    zones = zones_of(donor.timezone)
    if not zones:
        return at + timedelta(days=1)
    # With several zones, the latest midnight: the day has ended in every one of them.
    return max(
        (at.astimezone(zone) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        for zone in zones
    )


def close_without_outcome(entry: QueueEntry, call: Call) -> None:
    """The worker's expiry of a lease whose call had started: the call is closed as "no
    outcome recorded" and shown to managers; the row is treated as unanswered (an attempt,
    retried after the No answer delay, done at max attempts). Never silently complete."""
    at = now()
    call.ended_at = call.ended_at or at
    call.review = Review.NO_OUTCOME
    call.save(update_fields=["ended_at", "review"])
    reschedule(entry, call, EndedReasonCode.NO_ANSWER, at)
    refresh_queue([entry.donor_id])
