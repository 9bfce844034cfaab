"""Shifts: Sign In with a job role (Shift Time Confirmation), Take Break, Resume Shift,
Sign Out, and the worker's end of a shift (warned, then signed out after a grace period unless
a call is open).

Every change to an agent's status goes through ``change_status`` with the status row locked,
so the version a screen compares against moves exactly once per change.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from donorcall.callcenter.models import (
    AgentStatus,
    Break,
    InboundCall,
    InboundStatus,
    Shift,
    SignOutReason,
    Status,
)
from donorcall.campaigns.models import BreakReason
from donorcall.campaigns.queue.leases import LeaseLost, release_lease
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, InvalidInput
from donorcall.staff.models import JobRole, User

MAX_EXTENSION_HOURS = 4
# After the shift (and its extension) ends: a warning, then this long before signing out.
SHIFT_END_GRACE = timedelta(minutes=5)


class NotSignedIn(Conflict):
    code = "not_signed_in"


class CallStillOpen(Conflict):
    code = "call_open"


@dataclass(frozen=True)
class ShiftTimes:
    """What the Shift Time Confirmation screen asks: the time the shift ends (local time, today
    or, if already past, tomorrow) and extension hours."""

    ends_at: time
    extension_hours: int = 0

    def ending(self, at: datetime) -> datetime:
        local = timezone.localtime(at)
        ends = local.replace(
            hour=self.ends_at.hour, minute=self.ends_at.minute, second=0, microsecond=0
        )
        if ends <= local:  # a night shift: the time is tomorrow's
            ends = (local + timedelta(days=1)).replace(
                hour=self.ends_at.hour, minute=self.ends_at.minute, second=0, microsecond=0
            )
        return ends


# --- The status row ----------------------------------------------------------------------------


def locked_status(agent: User) -> AgentStatus:
    """The agent's status row, created on first use, locked until the transaction ends."""
    AgentStatus.objects.get_or_create(agent=agent, defaults={"since": now()})
    # The shift and its job role come along (every step asks what the role may do); only the
    # status row is locked.
    return (
        AgentStatus.objects.select_for_update(of=("self",))
        .select_related("shift__job_role")
        .get(agent=agent)
    )


def change_status(row: AgentStatus, status: str, *, notice: str = "", **fields: Any) -> None:
    """Move the agent to ``status`` (``since`` restarts only if it changed) and bump the
    version, so screens and the live view see the change."""
    if row.status != status:
        row.status, row.since = status, now()
    row.notice = notice
    for name, value in fields.items():
        setattr(row, name, value)
    row.version += 1
    row.save()


def forget_donor(row: AgentStatus) -> dict[str, Any]:
    """The fields that say which donor (or caller) is on the agent's screen, emptied."""
    return {"entry": None, "lease_token": None, "call": None, "donor": None, "inbound": None}


def open_shift(agent: User) -> Shift | None:
    return Shift.objects.filter(agent=agent, signed_out_at=None).select_related("job_role").first()


def job_roles_for(agent: User):
    """The job roles an agent may sign in with (seeds: "added by your system administrator")."""
    return JobRole.objects.filter(is_active=True, members=agent).order_by("name")


# --- Sign In and Sign Out ----------------------------------------------------------------------


def sign_in(agent: User, *, job_role: JobRole | None, times: ShiftTimes) -> Shift:
    """Sign In with a job role, after the Shift Time Confirmation."""
    if job_role is None or not job_roles_for(agent).filter(pk=job_role.pk).exists():
        raise InvalidInput("Choose a job role you may sign in with.", field="job_role")
    if not 0 <= times.extension_hours <= MAX_EXTENSION_HOURS:
        raise InvalidInput(
            f"Extension hours run from 0 to {MAX_EXTENSION_HOURS}.", field="extension_hours"
        )
    at = now()
    with transaction.atomic():
        row = locked_status(agent)
        current = open_shift(agent)
        if current is not None:
            raise Conflict(f"You are already signed in as {current.job_role}.")
        shift = Shift.objects.create(
            agent=agent,
            job_role=job_role,
            signed_in_at=at,
            ends_at=times.ending(at),
            extension_hours=times.extension_hours,
        )
        change_status(row, Status.NOT_READY, shift=shift, break_taken=None, **forget_donor(row))
    return shift


def sign_out(agent: User, *, by: User, reason: str = SignOutReason.AGENT) -> Shift:
    """Sign Out: a donor only previewed goes back to the queue; refused while a call is open
    (its outcome must be saved first), whoever asks."""
    at = now()
    with transaction.atomic():
        row = locked_status(agent)
        shift = open_shift(agent)
        if shift is None:
            raise NotSignedIn("You are not signed in to a shift.")
        refuse_if_call_open(row, "signing out")
        let_go_of_donor(row, agent)
        end_break(row, at)
        shift.signed_out_at, shift.signed_out_by, shift.sign_out_reason = at, by, reason
        shift.save(update_fields=["signed_out_at", "signed_out_by", "sign_out_reason"])
        change_status(row, Status.OFFLINE, shift=None, break_taken=None, **forget_donor(row))
    return shift


def refuse_if_call_open(row: AgentStatus, doing: str) -> None:
    if row.call is not None and row.call.outcome_recorded_at is None:
        raise CallStillOpen(f"Save the call's outcome before {doing}.")


def let_go_of_donor(row: AgentStatus, agent: User) -> None:
    """Give back a donor the agent holds under a lease but has not called, and an incoming
    call whose donor they had not chosen yet (it waits for the next free agent)."""
    if row.inbound is not None and row.call is None:
        InboundCall.objects.filter(pk=row.inbound.pk, status=InboundStatus.OFFERED).update(
            status=InboundStatus.WAITING, offered_to=None, offered_at=None
        )
    if row.entry is None or row.lease_token is None:
        return
    # Already returned by the worker, or finished: then nothing of ours to give back.
    with contextlib.suppress(LeaseLost):
        release_lease(row.entry, token=row.lease_token, by=agent)


def must_take_inbound(agent: User, row: AgentStatus) -> Shift:
    """The agent's shift, if its job role takes inbound calls and they are not on a break."""
    shift = open_shift(agent)
    if shift is None:
        raise NotSignedIn("Sign in to a shift first.")
    if row.status == Status.ON_BREAK:
        raise Conflict("You are on a break: Resume Shift first.")
    if not shift.job_role.takes_inbound_calls:
        raise Conflict(f"{shift.job_role} does not take inbound calls.", code="not_inbound")
    return shift


# --- Take Break and Resume Shift ---------------------------------------------------------------


def take_break(agent: User, *, reason: BreakReason | None, by: User | None = None) -> Break:
    """Take Break; ``by`` a manager (from the live view), the agent's screen says so."""
    if reason is None or not reason.is_active:
        raise InvalidInput("Choose a break reason.", field="break_reason")
    at = now()
    with transaction.atomic():
        row = locked_status(agent)
        shift = open_shift(agent)
        if shift is None:
            raise NotSignedIn("Sign in to a shift first.")
        if row.status == Status.ON_BREAK:
            raise Conflict("You are already on a break.")
        refuse_if_call_open(row, "taking a break")
        let_go_of_donor(row, agent)
        taken = Break.objects.create(shift=shift, agent=agent, reason=reason, started_at=at)
        notice = f"A manager sent you on a break ({reason})." if by and by != agent else ""
        change_status(row, Status.ON_BREAK, notice=notice, break_taken=taken, **forget_donor(row))
    return taken


def resume_shift(agent: User) -> AgentStatus:
    at = now()
    with transaction.atomic():
        row = locked_status(agent)
        if row.status != Status.ON_BREAK:
            raise Conflict("You are not on a break.")
        end_break(row, at)
        change_status(row, Status.NOT_READY, break_taken=None)
    return row


def end_break(row: AgentStatus, at: datetime) -> None:
    if row.break_taken_id is not None:
        Break.objects.filter(pk=row.break_taken_id, ended_at=None).update(ended_at=at)


# --- The end of a shift (worker step) ----------------------------------------------------------


def end_shifts(limit: int = 200) -> int:
    """Shifts past their end plus extension: warn the agent first; after SHIFT_END_GRACE, sign
    them out, unless a call is open (then at the next run after its outcome). Returns how many
    shifts changed."""
    at = now()
    changed = 0
    for shift in Shift.objects.filter(signed_out_at=None, ends_at__lte=at).order_by("ends_at")[
        :limit
    ]:
        if shift.closes_at > at:
            continue
        if shift.warned_at is None:
            warn_shift_ending(shift, at)
            changed += 1
        elif shift.warned_at + SHIFT_END_GRACE <= at:
            try:
                sign_out(shift.agent, by=shift.agent, reason=SignOutReason.SHIFT_ENDED)
                changed += 1
            except (CallStillOpen, NotSignedIn):
                continue
    return changed


def warn_shift_ending(shift: Shift, at: datetime) -> None:
    """The screen shows the warning from ``warned_at``; the version bump makes it look."""
    with transaction.atomic():
        row = locked_status(shift.agent)
        Shift.objects.filter(pk=shift.pk).update(warned_at=at)
        change_status(row, row.status, notice=row.notice)
