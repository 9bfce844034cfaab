"""Screens that went silent: the agent's browser closed, or lost the network, while their status
still says they are there.

Outbound work needs nothing here: a preview or a call holds a lease that the screen renews, and
the engine takes the donor back when it runs out (``console.settle_statuses``). Nothing else
renews itself, so for the rest the heartbeat's silence is the signal (``last_seen_at``, which
every heartbeat stamps; a status changed since then counts as seen):

- **Ready**, or **Wrap-up** after the outcome is saved: the agent becomes Not ready, so the
  live view shows nobody waiting who is not there, and no caller is offered to a closed screen.
- **An inbound caller on screen, donor not chosen yet**: the call goes back to waiting, first
  in line, and is offered to the next free agent.
- **An inbound call with its donor** and no outcome saved (on the call, or ended and in
  Wrap-up): after as long as an outbound call's lease, it is closed as "no outcome recorded"
  for a manager to review, as an outbound call is.

The agent sees why on their screen when they come back (the status notice).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

from donorcall.callcenter.models import (
    AgentStatus,
    Call,
    Direction,
    Review,
    Status,
)
from donorcall.lib.clock import now
from donorcall.staff.models import User

from .calls import CALL_LEASE
from .inbound import offer_waiting_calls
from .shifts import change_status, forget_donor, let_go_of_donor, locked_status

# The slowest heartbeat is every 15 s (docs/call-center.md): four missed beats is not a blip.
SCREEN_GONE = timedelta(minutes=1)

WENT_NOT_READY = (
    "Your screen stopped answering, so you were set to Not ready: no call was sent to it. "
    "Press Ready for Call when you are back."
)
CALLER_PASSED_ON = (
    "Your screen stopped answering while a caller was on it: the call went to another agent."
)
CALL_CLOSED = (
    "Your screen stopped answering during this call. It was closed as “no outcome recorded” "
    "for a manager to review."
)


def silent_since(cutoff: datetime) -> QuerySet[AgentStatus]:
    """Statuses with no heartbeat and no change since ``cutoff``, holding no lease."""
    return AgentStatus.objects.filter(
        Q(last_seen_at__lt=cutoff) | Q(last_seen_at=None),
        since__lt=cutoff,
        lease_token=None,
    )


def is_silent(row: AgentStatus, cutoff: datetime) -> bool:
    """The same test as ``silent_since``, on a row read again under its lock."""
    seen = row.last_seen_at is not None and row.last_seen_at >= cutoff
    return row.lease_token is None and row.since < cutoff and not seen


def let_go_of_silent_screens(limit: int = 200) -> int:
    """Worker step: every status above, brought in line. Returns how many changed."""
    at = now()
    outcome_due = Q(call__isnull=False, call__outcome_recorded_at=None)
    idle = silent_since(at - SCREEN_GONE).filter(
        Q(status__in=[Status.READY, Status.WRAP_UP]) & ~outcome_due
        | Q(status=Status.ON_CALL, call=None)
    )
    talking = silent_since(at - CALL_LEASE).filter(
        outcome_due, status__in=[Status.ON_CALL, Status.WRAP_UP], call__direction=Direction.INBOUND
    )
    agents = [row.agent for row in idle.select_related("agent")[:limit]]
    agents += [row.agent for row in talking.select_related("agent")[:limit]]
    changed = sum(let_go(agent, at) for agent in agents)
    if changed:
        offer_waiting_calls()
    return changed


def let_go(agent: User, at: datetime) -> bool:
    """One silent status, checked again under its lock (a heartbeat may have just come)."""
    with transaction.atomic():
        row = locked_status(agent)
        if not is_silent(row, at - SCREEN_GONE):
            return False
        if row.call is not None and row.call.outcome_recorded_at is None:
            # Ended or not, the call's outcome is still to be saved: the call lease's wait.
            # (An outbound call has its lease, which the engine expires.)
            if row.call.direction != Direction.INBOUND or not is_silent(row, at - CALL_LEASE):
                return False
            close_silent_call(row, row.call, at)
        elif row.status in (Status.READY, Status.WRAP_UP):
            change_status(row, Status.NOT_READY, notice=WENT_NOT_READY, **forget_donor(row))
        elif row.status == Status.ON_CALL:
            pass_caller_on(row)
        else:
            return False
    return True


def pass_caller_on(row: AgentStatus) -> None:
    """The caller goes back to waiting, keeping their place (the oldest is offered first)."""
    let_go_of_donor(row, row.agent)
    change_status(row, Status.NOT_READY, notice=CALLER_PASSED_ON, **forget_donor(row))


def close_silent_call(row: AgentStatus, call: Call, at: datetime) -> None:
    call.ended_at = call.ended_at or at
    call.review = Review.NO_OUTCOME
    call.save(update_fields=["ended_at", "review"])
    change_status(row, Status.NOT_READY, notice=CALL_CLOSED, **forget_donor(row))
