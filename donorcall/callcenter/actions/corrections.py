"""A manager's corrections to a call after the fact, and the review of calls that need one.

A correction changes the record, not the queue: the dialler already acted on the outcome the
agent gave (the donor was retried, rescheduled or finished), and replaying the engine months
later against a queue that has moved on would double-count attempts or undo newer outcomes.
The one exception is Do not call: whenever a call's outcome becomes Do not call, the donor's
consent is withdrawn and the number suppressed (COMPLIANCE.md: Do not call is always applied,
late or not). Every changed field is kept as a ``CallEdit`` row with who and when.
"""

from dataclasses import dataclass

from django.db import transaction

from donorcall.callcenter.actions.calls import clean_outcome, do_not_call
from donorcall.callcenter.models import Call, CallEdit, Review
from donorcall.campaigns.models import Disposition, EndedReasonCode
from donorcall.campaigns.queue.eligibility import refresh_queue
from donorcall.donors.history import record_event
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, DomainError
from donorcall.staff.models import User


class CallStillOpen(Conflict):
    code = "call_still_open"


class NothingToReview(Conflict):
    code = "nothing_to_review"


class NoSubmittedOutcome(DomainError):
    code = "no_submitted_outcome"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def correct_call(
    call: Call, *, reason: str, disposition: Disposition | None, notes: str, by: User
) -> Call:
    """Set a closed call's ended reason, disposition and notes; a disposition must hang under
    the reason, and card numbers are refused in the notes (as on the agent's screen)."""
    outcome = clean_outcome(reason=reason, disposition=disposition, notes=notes)
    with transaction.atomic():
        call = locked(call)
        if call.is_open:
            raise CallStillOpen("The agent is still on this call; correct it once it has ended.")
        write_outcome(call, outcome.reason, disposition, outcome.notes, by=by)
    return call


def resolve_review(
    call: Call,
    *,
    reason: str | None = None,
    disposition: Disposition | None = None,
    notes: str = "",
    by: User,
) -> Call:
    """Close a call's review. Without a ``reason``, the outcome the agent submitted late is
    applied; with one, the manager's outcome is. Either way the review is cleared and logged."""
    if not call.review:
        raise NothingToReview("This call has already been reviewed.")
    if reason is None:
        reason, disposition, notes = submitted(call)
    outcome = clean_outcome(reason=reason, disposition=disposition, notes=notes)
    with transaction.atomic():
        call = locked(call)
        if not call.review:  # resolved by someone else meanwhile
            raise NothingToReview("This call has already been reviewed.")
        write_outcome(call, outcome.reason, disposition, outcome.notes, by=by)
        log(call, [Change("review", Review(call.review).label, "Resolved")], by=by)
        call.review = ""
        call.save(update_fields=["review"])
    return call


def submitted(call: Call) -> tuple[str, Disposition | None, str]:
    """The late outcome as the agent sent it (reason, disposition, notes)."""
    kept = call.submitted_outcome or {}
    if not kept.get("reason"):
        raise NoSubmittedOutcome("No outcome was submitted for this call: choose one.")
    disposition_id = kept.get("disposition")
    found = Disposition.objects.filter(pk=disposition_id).first() if disposition_id else None
    return str(kept["reason"]), found, str(kept.get("notes") or "")


def locked(call: Call) -> Call:
    return (
        Call.objects.select_for_update(of=("self",)).select_related("disposition").get(pk=call.pk)
    )


def write_outcome(
    call: Call, reason: str, disposition: Disposition | None, notes: str, *, by: User
) -> None:
    changes = changes_to(call, reason, disposition, notes)
    if not changes:
        return
    became_do_not_call = (
        reason == EndedReasonCode.DO_NOT_CALL and call.ended_reason != EndedReasonCode.DO_NOT_CALL
    )
    call.ended_reason, call.disposition, call.notes = reason, disposition, notes
    if call.outcome_recorded_at is None:
        call.outcome_recorded_at, call.outcome_recorded_by = now(), by
    call.save()
    log(call, changes, by=by)
    if became_do_not_call:
        do_not_call(call, by=by)
        refresh_queue([call.donor_id])
    summary = ", ".join(change.field.replace("_", " ") for change in changes)
    record_event(call.donor, "call_corrected", f"Call {call.pk} corrected: {summary}", by=by)


def changes_to(
    call: Call, reason: str, disposition: Disposition | None, notes: str
) -> list[Change]:
    before = (call.ended_reason, call.disposition_id, call.notes)
    after = (reason, disposition.pk if disposition else None, notes)
    shown = [
        Change("ended_reason", label_of(call.ended_reason), label_of(reason)),
        Change("disposition", name_of(call.disposition), name_of(disposition)),
        Change("notes", call.notes, notes),
    ]
    return [change for change, old, new in zip(shown, before, after, strict=True) if old != new]


def label_of(reason: str) -> str:
    return EndedReasonCode(reason).label if reason else ""


def name_of(disposition: Disposition | None) -> str:
    return disposition.name if disposition else ""


def log(call: Call, changes: list[Change], *, by: User) -> None:
    at = now()
    CallEdit.objects.bulk_create(
        CallEdit(call=call, field=c.field, before=c.before, after=c.after, by=by, at=at)
        for c in changes
    )
