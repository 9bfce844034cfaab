"""The Call Center over JSON, for softphones and other agent desktops: the same steps as the
screen (the same actions), each answering with the agent's status and what the step did.

An agent only ever acts on their own status. Refusals are DomainErrors ({code, message,
field}): ``not_signed_in`` and ``call_open`` (409) among them.
"""

import uuid
from datetime import datetime, time
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from donorcall.callcenter import queries
from donorcall.callcenter.actions import console, shifts
from donorcall.callcenter.actions.console import Step
from donorcall.campaigns import queries as campaign_queries
from donorcall.campaigns.models import BreakReason, Campaign, SkipReason, Team
from donorcall.donors.api import require
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import JobRole, User

router = Router(tags=["call center"])
USE_CALL_CENTER = "staff.use_call_center"


class DonorOnScreen(Schema):
    id: int
    name: str
    reference: str


class StatusOut(Schema):
    status: str  # offline, not_ready, ready, preview, on_call, wrap_up, on_break
    label: str
    since: datetime
    version: int
    notice: str
    job_role: str | None
    shift_ends_at: datetime | None
    team_id: int | None
    campaign_ids: list[int]
    donor: DonorOnScreen | None
    entry_id: int | None
    lease_token: uuid.UUID | None
    call_id: int | None


class StepOut(Schema):
    message: str
    level: str
    status: StatusOut


class SignInIn(Schema):
    job_role_id: int
    ends_at: time
    extension_hours: int = 0


class ReadyIn(Schema):
    team_id: int
    campaign_ids: list[int]


class ReasonIn(Schema):
    reason_id: int | None = None


class OutcomeIn(Schema):
    reason: str
    disposition_id: int | None = None
    notes: str = ""


def status_out(agent: User) -> dict[str, Any]:
    status = queries.status_for(agent)
    return {
        "status": status.status, "label": status.get_status_display(), "since": status.since,
        "version": status.version, "notice": status.notice,
        "job_role": str(status.shift.job_role) if status.shift else None,
        "shift_ends_at": status.shift.ends_at if status.shift else None,
        "team_id": status.team_id,
        "campaign_ids": list(status.campaigns.values_list("pk", flat=True)),
        "donor": status.donor, "entry_id": status.entry_id,
        "lease_token": status.lease_token, "call_id": status.call_id,
    }  # fmt: skip


def step_out(agent: User, step: Step | None) -> dict[str, Any]:
    step = step or Step("", "info")
    return {"message": step.message, "level": step.level, "status": status_out(agent)}


def agent_of(request: HttpRequest) -> User:
    return require(request, USE_CALL_CENTER)


@router.get("/status", response=StatusOut)
def status(request: HttpRequest) -> dict[str, Any]:
    """The agent's own status (and the lease token of the donor on screen)."""
    agent = agent_of(request)
    console.settle(agent)
    return status_out(agent)


@router.post("/sign-in", response=StepOut)
def sign_in(request: HttpRequest, payload: SignInIn) -> dict[str, Any]:
    agent = agent_of(request)
    role = JobRole.objects.filter(pk=payload.job_role_id).first()
    times = shifts.ShiftTimes(payload.ends_at, payload.extension_hours)
    shifts.sign_in(agent, job_role=role, times=times)
    return step_out(agent, Step("Success signed into shift"))


@router.post("/sign-out", response=StepOut)
def sign_out(request: HttpRequest) -> dict[str, Any]:
    agent = agent_of(request)
    shifts.sign_out(agent, by=agent)
    return step_out(agent, Step("Signed out of your shift."))


@router.post("/break", response=StepOut)
def take_break(request: HttpRequest, payload: ReasonIn) -> dict[str, Any]:
    agent = agent_of(request)
    reason = BreakReason.objects.filter(id=payload.reason_id).first() if payload.reason_id else None
    taken = shifts.take_break(agent, reason=reason)
    return step_out(agent, Step(f"On break: {taken.reason}."))


@router.post("/resume", response=StepOut)
def resume(request: HttpRequest) -> dict[str, Any]:
    agent = agent_of(request)
    shifts.resume_shift(agent)
    return step_out(agent, Step("Shift resumed."))


@router.post("/ready", response=StepOut)
def ready(request: HttpRequest, payload: ReadyIn) -> dict[str, Any]:
    """Ready for Call on a team's campaigns: a donor in Preview, a call (Progressive), or
    Out of Data (status ``ready``; ask again, or poll ``/status``)."""
    agent = agent_of(request)
    team = Team.objects.filter(pk=payload.team_id).first()
    campaigns = list(Campaign.objects.filter(pk__in=payload.campaign_ids))
    if len(campaigns) != len(set(payload.campaign_ids)):
        raise InvalidInput("Choose campaigns that your team works on.", field="campaign_ids")
    return step_out(agent, console.ready_for_call(agent, team=team, campaigns=campaigns))


@router.post("/call", response=StepOut)
def call(request: HttpRequest) -> dict[str, Any]:
    agent = agent_of(request)
    return step_out(agent, console.call_donor(agent))


@router.post("/skip", response=StepOut)
def skip(request: HttpRequest, payload: ReasonIn) -> dict[str, Any]:
    agent = agent_of(request)
    reason = SkipReason.objects.filter(id=payload.reason_id).first() if payload.reason_id else None
    return step_out(agent, console.skip_donor(agent, reason=reason))


@router.post("/end-call", response=StepOut)
def end_call(request: HttpRequest) -> dict[str, Any]:
    agent = agent_of(request)
    return step_out(agent, console.end_call(agent))


@router.post("/outcome", response=StepOut)
def outcome(request: HttpRequest, payload: OutcomeIn) -> dict[str, Any]:
    agent = agent_of(request)
    disposition = campaign_queries.disposition_chosen(payload.disposition_id)
    step = console.save_outcome(
        agent, reason=payload.reason, disposition=disposition, notes=payload.notes
    )
    return step_out(agent, step)


@router.post("/heartbeat", response=StepOut)
def heartbeat(request: HttpRequest) -> dict[str, Any]:
    """Send every few seconds while a donor is on screen: renews a call's lease, gives back a
    preview past its time, and looks again while Out of Data."""
    agent = agent_of(request)
    return step_out(agent, console.keep_alive(agent))
