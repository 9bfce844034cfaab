"""What a manager does to an agent from the live view, through the Call Center's own actions
(the agent's status row lock, the lease rules), each logged as a SupervisorAction in the same
transaction: if the action is refused, nothing is logged."""

from django.db import transaction

from donorcall.callcenter.actions import console, shifts
from donorcall.callcenter.models import SignOutReason
from donorcall.campaigns.models import BreakReason
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict
from donorcall.staff.models import User

from .live import forget_snapshot
from .models import LiveThresholds, SupervisorAction, SupervisorActionKind


class AgentOnCall(Conflict):
    code = "call_open"


def send_to_break(agent: User, *, reason: BreakReason | None, by: User) -> SupervisorAction:
    with transaction.atomic():
        taken = shifts.take_break(agent, reason=reason, by=by)
        logged = log(agent, SupervisorActionKind.BREAK, str(taken.reason), by=by)
    forget_snapshot()
    return logged


def sign_out_agent(agent: User, *, by: User) -> SupervisorAction:
    """Refused while a call is open: its outcome must be saved first, by the agent."""
    with transaction.atomic():
        try:
            shifts.sign_out(agent, by=by, reason=SignOutReason.MANAGER)
        except shifts.CallStillOpen:
            raise AgentOnCall(
                f"{agent.display_name} is on a call: they can be signed out once its outcome "
                "is saved."
            ) from None
        logged = log(agent, SupervisorActionKind.SIGN_OUT, "", by=by)
    forget_snapshot()
    return logged


def release_donor(agent: User, *, by: User) -> SupervisorAction:
    """The donor the agent holds in Preview goes back to the queue; ``detail`` names the queue
    row by id only."""
    with transaction.atomic():
        row = shifts.locked_status(agent)
        entry_id = row.entry_id
        console.release_preview(agent, by=by)
        logged = log(agent, SupervisorActionKind.RELEASE, f"queue row {entry_id}", by=by)
    forget_snapshot()
    return logged


def log(agent: User, what: str, detail: str, *, by: User) -> SupervisorAction:
    return SupervisorAction.objects.create(
        manager=by, agent=agent, what=what, at=now(), detail=detail
    )


def set_thresholds(thresholds: LiveThresholds, *, by: User) -> LiveThresholds:
    """Save thresholds a form has validated; every manager's view uses them from the next
    snapshot."""
    thresholds.updated_at, thresholds.updated_by = now(), by
    thresholds.save()
    forget_snapshot()
    return thresholds
