"""Calls and reports over JSON (/api/v1/supervision/…): the same queries, actions, access
rules and refusals as the pages. Filters are ids, codes and dates, never personal data."""

from datetime import date, datetime, timedelta
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from donorcall.callcenter.actions.corrections import correct_call, resolve_review
from donorcall.callcenter.models import Call
from donorcall.campaigns.models import Campaign, Disposition, Team
from donorcall.donors.api import require
from donorcall.lib.clock import now
from donorcall.staff.models import User
from donorcall.supervision import calls as queries
from donorcall.supervision.filters import CallFilter
from donorcall.supervision.forms_calls import REPORT_DAYS
from donorcall.supervision.reports import REPORTS, report

router = Router(tags=["supervision"])


class CallOut(Schema):
    id: int
    direction: str
    campaign: int | None
    team: int | None
    agent: int
    donor: int
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    ended_reason: str
    disposition: int | None
    notes: str
    is_appointment_call: bool
    review: str
    outcome_recorded_at: datetime | None

    @staticmethod
    def resolve_campaign(row: Call) -> int | None:
        return row.campaign_id

    @staticmethod
    def resolve_team(row: Call) -> int | None:
        return row.team_id

    @staticmethod
    def resolve_agent(row: Call) -> int:
        return row.agent_id

    @staticmethod
    def resolve_donor(row: Call) -> int:
        return row.donor_id

    @staticmethod
    def resolve_disposition(row: Call) -> int | None:
        return row.disposition_id


class Filters(Schema):
    date_from: date | None = None
    date_to: date | None = None
    agent: int | None = None
    team: int | None = None
    campaign: int | None = None
    ended_reason: str = ""
    disposition: int | None = None
    direction: str = ""
    review: bool = False


class OutcomeIn(Schema):
    reason: str
    disposition: int | None = None
    notes: str = ""


class ResolutionIn(Schema):
    """Without ``reason``, the outcome the agent submitted late is applied."""

    reason: str | None = None
    disposition: int | None = None
    notes: str = ""


class ReportOut(Schema):
    name: str
    title: str
    date_from: date
    date_to: date
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]


def call_filter(given: Filters) -> CallFilter:
    """Ids to objects; an unknown id is a 404, not a silently empty list."""
    return CallFilter(
        date_from=given.date_from,
        date_to=given.date_to,
        agent=get_object_or_404(User, pk=given.agent) if given.agent else None,
        team=get_object_or_404(Team, pk=given.team) if given.team else None,
        campaign=get_object_or_404(Campaign, pk=given.campaign) if given.campaign else None,
        ended_reason=given.ended_reason,
        disposition=disposition(given.disposition),
        direction=given.direction,
    )


def disposition(pk: int | None) -> Disposition | None:
    return get_object_or_404(Disposition, pk=pk) if pk else None


@router.get("/calls", response=list[CallOut])
def list_calls(
    request: HttpRequest, filters: Query[Filters], limit: int = 100, offset: int = 0
) -> list[Call]:
    """Newest first; ``review=true`` lists only the calls waiting for a manager's review."""
    require(request, "callcenter.view_call")
    rows = queries.calls_for_review() if filters.review else queries.call_list(call_filter(filters))
    limit = max(1, min(limit, 500))
    return list(rows[offset : offset + limit])


@router.get("/calls/{pk}", response=CallOut)
def get_call(request: HttpRequest, pk: int) -> Call:
    return queries.call_for(require(request, "callcenter.view_call"), pk)


@router.post("/calls/{pk}/correction", response=CallOut)
def correct(request: HttpRequest, pk: int, payload: OutcomeIn) -> Call:
    """Correct a closed call's outcome; the queue is not changed (docs/reports.md)."""
    manager = require(request, "callcenter.change_call")
    call = queries.call_for(manager, pk)
    return correct_call(call, reason=payload.reason, disposition=disposition(payload.disposition),
                        notes=payload.notes, by=manager)  # fmt: skip


@router.post("/calls/{pk}/review", response=CallOut)
def resolve(request: HttpRequest, pk: int, payload: ResolutionIn) -> Call:
    manager = require(request, "callcenter.change_call")
    call = queries.call_for(manager, pk)
    if payload.reason is None:
        return resolve_review(call, by=manager)
    return resolve_review(call, reason=payload.reason, notes=payload.notes,
                          disposition=disposition(payload.disposition), by=manager)  # fmt: skip


@router.get("/reports", response=list[str])
def list_reports(request: HttpRequest) -> list[str]:
    require(request, "callcenter.view_reports")
    return list(REPORTS)


@router.get("/reports/{name}", response=ReportOut)
def get_report(request: HttpRequest, name: str, filters: Query[Filters]) -> dict[str, object]:
    """One report over ``date_from``…``date_to`` (default: the last 30 days)."""
    require(request, "callcenter.view_reports")
    if name not in REPORTS:
        raise Http404("No such report")
    chosen = call_filter(with_default_range(filters))
    table = report(name, chosen)
    columns = [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns]
    return {"name": name, "title": table.title, "date_from": chosen.date_from,
            "date_to": chosen.date_to, "columns": columns, "rows": table.rows}  # fmt: skip


def with_default_range(filters: Filters) -> Filters:
    date_to = filters.date_to or now().date()
    date_from = filters.date_from or date_to - timedelta(days=REPORT_DAYS - 1)
    return filters.model_copy(update={"date_from": date_from, "date_to": date_to})
