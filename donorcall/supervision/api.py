"""Supervision over JSON: the live snapshot (the same cached one the page shows) and the
managers' actions on agents. Refusals are DomainErrors: ``call_open`` (409) when signing out
an agent on a call, ``not_in_preview``, ``not_signed_in``."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from donorcall.campaigns.models import BreakReason
from donorcall.donors.api import require

from . import actions, live
from .models import SupervisorAction
from .queries import agent_on_floor

router = Router(tags=["supervision"])


class DonorOut(Schema):
    id: int
    name: str


class AgentOut(Schema):
    id: int
    name: str
    job_role: str
    status: str
    status_label: str
    since: datetime
    version: int  # goes up at every change of the agent's status
    seconds_in_status: int
    long: bool  # past the manager's threshold for this status
    team: str
    campaign_ids: list[int]
    campaigns: list[str]
    donor: DonorOut | None
    calls_today: int
    talk_seconds_now: int
    breaks_today: int
    break_seconds_now: int
    break_reason: str


class CampaignOut(Schema):
    id: int
    name: str
    agents_ready: int
    agents_on_call: int
    remaining: int
    due_now: int
    calls_last_30: int
    calls_last_60: int
    calls_per_hour: int
    runs_out_at: datetime | None
    warning: str  # "", "soon" or "out_of_data"


class ActionOut(Schema):
    at: datetime
    manager: str
    agent: str
    agent_id: int
    what: str
    what_label: str
    detail: str


class InboundWaitingOut(Schema):
    id: int
    received_at: datetime
    team__name: str | None


class SnapshotOut(Schema):
    at: datetime  # when the shared snapshot was built (at most half a second ago)
    now: datetime
    agents: list[AgentOut]
    campaigns: list[CampaignOut]
    thresholds: dict[str, int]
    actions: list[ActionOut]
    inbound_waiting: list[InboundWaitingOut]  # donors calling in whom nobody is free to take


class BreakIn(Schema):
    reason_id: int | None = None


def action_out(done: SupervisorAction) -> dict[str, Any]:
    return {"at": done.at, "manager": done.manager.display_name, "agent": done.agent.display_name,
            "agent_id": done.agent_id, "what": done.what, "what_label": done.get_what_display(),
            "detail": done.detail}  # fmt: skip


@router.get("/live", response=SnapshotOut)
def live_snapshot(request: HttpRequest) -> HttpResponse:
    """The shared snapshot, serialised once for every manager (``now`` is when that was)."""
    require(request, "supervision.view_live")
    snapshot = live.shared_snapshot()
    body = live.rendered("json", snapshot, lambda: as_json(snapshot))
    return HttpResponse(body, content_type="application/json")


def as_json(snapshot: dict[str, Any]) -> str:
    return SnapshotOut.model_validate(live.as_of(snapshot)).model_dump_json()


@router.post("/agents/{agent_id}/break", response=ActionOut)
def send_to_break(request: HttpRequest, agent_id: int, payload: BreakIn) -> dict[str, Any]:
    manager = require(request, "supervision.supervise_agent")
    reason = BreakReason.objects.filter(pk=payload.reason_id).first() if payload.reason_id else None
    return action_out(actions.send_to_break(agent_on_floor(agent_id), reason=reason, by=manager))


@router.post("/agents/{agent_id}/sign-out", response=ActionOut)
def sign_out(request: HttpRequest, agent_id: int) -> dict[str, Any]:
    manager = require(request, "supervision.supervise_agent")
    return action_out(actions.sign_out_agent(agent_on_floor(agent_id), by=manager))


@router.post("/agents/{agent_id}/release", response=ActionOut)
def release_donor(request: HttpRequest, agent_id: int) -> dict[str, Any]:
    manager = require(request, "supervision.supervise_agent")
    return action_out(actions.release_donor(agent_on_floor(agent_id), by=manager))


# Calls and reports (issue 7, parts 3 and 4): their own module, one line here.
from donorcall.supervision.api_calls import router as calls_router  # noqa: E402

router.add_router("", calls_router)
