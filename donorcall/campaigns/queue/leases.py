"""Leases: renewed by the agent's screen, released by the agent, expired by the worker
(docs/dialler.md). Every write to a donor's queue rows takes the donor lock first, the order
the claim relies on (``eligibility.lock_donors``)."""

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from donorcall.campaigns.models import QueueEntry, QueueState
from donorcall.campaigns.queue.eligibility import lock_donors
from donorcall.lib.clock import now as clock_now
from donorcall.lib.errors import DomainError
from donorcall.staff.models import User

EXPIRY_BATCH = 200  # leases per worker step: bounded, the step runs again at once if it was full
LEASE_FIELDS = {
    "lease_holder": None,
    "lease_token": None,
    "leased_at": None,
    "lease_expires_at": None,
}


class LeaseLost(DomainError):
    """The agent no longer holds this donor: the lease expired, or another token is current."""

    code = "stale_token"
    status = 409


def renew_lease(
    entry: QueueEntry, *, token: uuid.UUID, by: User, lasting: timedelta | None = None
) -> QueueEntry:
    """Extend the lease from now, by ``lasting`` (the Call Center screen during a call) or the
    campaign's preview timeout; never shortened. Refused (LeaseLost) with ``stale_token`` when
    the token or holder is not the current one, ``lease_expired`` when the lease has run out
    (the worker may not have returned it yet; it will)."""
    at = clock_now()
    with transaction.atomic():
        current = held_lease(entry, token=token, by=by, at=at)
        lasting = lasting or timedelta(seconds=current.campaign.preview_timeout_seconds)
        current.lease_expires_at = max(current.lease_expires_at or at, at + lasting)
        current.save(update_fields=["lease_expires_at"])
    return current


def release_lease(entry: QueueEntry, *, token: uuid.UUID, by: User) -> QueueEntry:
    """The agent gives the donor back untouched (a skip, a sign-out): the row is open again,
    due as before, and the donor's rows on other campaigns are no longer held. A lease that
    ran out but that the worker has not returned yet is still the agent's to give back."""
    with transaction.atomic():
        current = held_lease(entry, token=token, by=by, at=None)
        return_to_queue(current)
    return current


def skip_lease(entry: QueueEntry, *, token: uuid.UUID, by: User, until: datetime) -> QueueEntry:
    """A Skip: the donor goes back to the queue, not due before ``until``, so that the next
    Ready for Call brings someone else (a skipped donor would otherwise be the best again)."""
    with transaction.atomic():
        current = held_lease(entry, token=token, by=by, at=None)
        return_to_queue(current)
        if current.due_at < until:
            QueueEntry.objects.filter(pk=current.pk).update(due_at=until)
            current.due_at = until
    return current


def held_lease(entry: QueueEntry, *, token: uuid.UUID, by: User, at: datetime | None) -> QueueEntry:
    """The entry, locked, if ``by`` holds it with ``token`` (and, given ``at``, unexpired)."""
    lock_donors([entry.donor_id])
    current = QueueEntry.objects.select_related("campaign").select_for_update().get(pk=entry.pk)
    if current.state != QueueState.LEASED or str(current.lease_token) != str(token):
        raise LeaseLost("This donor is no longer yours: another claim has replaced it.")
    if current.lease_holder_id != by.pk:
        raise LeaseLost("This donor is leased to another agent.")
    if at is not None and (current.lease_expires_at is None or current.lease_expires_at <= at):
        raise LeaseLost("Your time with this donor ran out.", code="lease_expired")
    return current


def return_to_queue(entry: QueueEntry) -> None:
    """Open the row again and un-hold the donor's other rows. Caller holds the donor lock."""
    QueueEntry.objects.filter(pk=entry.pk).update(state=QueueState.OPEN, **LEASE_FIELDS)
    unhold_siblings(entry)
    entry.state = QueueState.OPEN
    clear_lease(entry)


def clear_lease(entry: QueueEntry) -> None:
    """Forget the lease on the object (the caller saves it, or has already updated the row),
    so nobody reads a holder or expiry that no longer holds."""
    for field, value in LEASE_FIELDS.items():
        setattr(entry, field, value)


def unhold_siblings(entry: QueueEntry) -> None:
    QueueEntry.objects.filter(donor_id=entry.donor_id, state=QueueState.HELD).exclude(
        pk=entry.pk
    ).update(state=QueueState.OPEN)


def expire_leases(now: datetime | None = None) -> int:
    """Return up to EXPIRY_BATCH leases whose time ran out; the count returned.

    A donor who was only previewed goes back to the queue as if released. A lease whose call
    had started must instead get its Call closed as "no outcome recorded" and be shown to
    managers (DESIGN.md, invariant 4): ``close_started_call``.
    """
    at = now or clock_now()
    expired = list(
        QueueEntry.objects.filter(state=QueueState.LEASED, lease_expires_at__lte=at)
        .order_by("lease_expires_at")
        .values_list("pk", "donor_id")[:EXPIRY_BATCH]
    )
    for entry_id, donor_id in expired:
        with transaction.atomic():
            expire_one(entry_id, donor_id, at)
    return len(expired)


def expire_one(entry_id: int, donor_id: int, at: datetime) -> None:
    lock_donors([donor_id])
    # Re-read under the lock: the agent may have renewed or finished a moment ago.
    entry = (
        QueueEntry.objects.select_for_update()
        .filter(Q(lease_expires_at__lte=at), pk=entry_id, state=QueueState.LEASED)
        .first()
    )
    if entry is None:
        return
    if call_started(entry):
        close_started_call(entry)
    else:
        return_to_queue(entry)


def call_started(entry: QueueEntry) -> bool:
    """Was a call placed under this lease (its token)? Calls live in the callcenter app, which
    builds on this one, so it is looked up at run time rather than imported at the top."""
    from donorcall.callcenter.models import Call

    return Call.objects.filter(lease_token=entry.lease_token, outcome_recorded_at=None).exists()


def close_started_call(entry: QueueEntry) -> None:
    """The call under this lease gets "no outcome recorded", is shown to managers, and the row
    is treated as unanswered: never silently complete (DESIGN.md, invariant 4)."""
    from donorcall.callcenter.actions import close_without_outcome
    from donorcall.callcenter.models import Call

    call = Call.objects.select_for_update().get(lease_token=entry.lease_token)
    close_without_outcome(entry, call)
