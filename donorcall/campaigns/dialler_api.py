"""Call lists, a campaign's queue, and the dialler over JSON.

- ``/call-lists``: managers preview a filter's count, create a list (from a filter or a list
  of references), refresh a filter list. Each run reports added, already there, and left out
  by reason.
- ``/campaigns/{id}/queue``: the queue by state and why nobody is callable (Out of Data).
- ``/dialler``: agents claim the next donor on campaigns of their teams ("Ready for Call"),
  renew or release the lease, start the call, record its outcome. An agent reaches only the
  campaigns of their active teams and their own leases and calls: anything else is 404.

Refusals are DomainErrors ({code, message, field}): ``stale_token`` / ``lease_expired`` (409)
for a lease that is no longer the agent's, ``outcome_already_recorded`` (409),
``donor_not_callable`` (400), ``campaign_archived`` (409).
"""

import uuid
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema

from donorcall.callcenter import queries as call_queries
from donorcall.callcenter.actions import record_outcome, start_call
from donorcall.callcenter.models import Call
from donorcall.donors.api import require
from donorcall.donors.queries import number_for_call
from donorcall.lib.errors import DomainError

from . import calllists, queries
from .models import (
    Blocked,
    CallList,
    Priority,
    QueueEntry,
)
from .queue.claim import claim_next_donor
from .queue.leases import release_lease, renew_lease
from .queue_summary import state_counts, why_not_callable

call_lists = Router(tags=["call lists"])
queue = Router(tags=["campaigns"])
dialler = Router(tags=["dialler"])

USE_CALL_CENTER = "staff.use_call_center"


# --- Call lists --------------------------------------------------------------------------------


class FilterIn(Schema):
    """Every condition optional; those given must all hold."""

    failed_payment_days: int | None = None
    active_sponsorship: bool = False
    no_gift_months: int | None = None
    country: str = ""
    has_email: bool = False
    active_only: bool = True

    def chosen(self) -> calllists.ListFilter:
        return calllists.ListFilter(**self.dict())


class CallListIn(Schema):
    name: str
    campaign_id: int
    filter: FilterIn


class ReferencesIn(Schema):
    """A list from donor references (as a file would give them, one per entry)."""

    name: str
    campaign_id: int
    references: list[str]
    file_name: str = ""
    skip_unknown: bool = False


class CountOut(Schema):
    count: int


class LeftOut(Schema):
    reason: str
    label: str
    count: int


class ReportOut(Schema):
    matched: int
    added: int
    already_there: int
    left_out: list[LeftOut]
    unknown: int


class CallListOut(Schema):
    id: int
    name: str
    campaign_id: int
    kind: str
    filter: dict[str, Any]
    file_name: str
    created_at: datetime
    created_by_id: int | None
    last_refreshed_at: datetime | None
    last_counts: dict[str, Any]


class RunOut(Schema):
    call_list: CallListOut
    report: ReportOut


def report_out(report: calllists.ListReport) -> dict[str, Any]:
    left_out = [
        {"reason": reason.value, "label": reason.label, "count": report.left_out[reason.value]}
        for reason in Blocked
        if report.left_out.get(reason.value)
    ]
    return report.as_dict() | {"left_out": left_out}


def run_out(call_list: CallList, report: calllists.ListReport) -> dict[str, Any]:
    return {"call_list": call_list, "report": report_out(report)}


@call_lists.get("", response=list[CallListOut])
def call_list_index(request: HttpRequest, campaign_id: int) -> QuerySet[CallList]:
    """The lists connected to a campaign, newest first."""
    user = require(request, "campaigns.view_calllist")
    return calllists.campaign_call_lists(queries.campaign_for(user, campaign_id))


@call_lists.post("/preview", response=CountOut)
def call_list_preview(request: HttpRequest, payload: FilterIn) -> dict[str, int]:
    """How many donors the filter matches now, before saving it."""
    require(request, "campaigns.view_calllist")
    return {"count": calllists.preview_count(payload.chosen())}


@call_lists.post("", response={201: RunOut})
def call_list_create(request: HttpRequest, payload: CallListIn) -> tuple[int, dict[str, Any]]:
    """Save a filter list and put the donors it matches on the campaign's queue."""
    user = require(request, "campaigns.add_calllist")
    campaign = queries.campaign_for(user, payload.campaign_id)
    saved = calllists.create_filter_list(
        campaign, name=payload.name, chosen=payload.filter.chosen(), by=user
    )
    return 201, run_out(*saved)


@call_lists.post("/references", response={201: RunOut})
def call_list_from_references(
    request: HttpRequest, payload: ReferencesIn
) -> tuple[int, dict[str, Any]]:
    """A list from donor references. Unknown ones are refused (naming their position, from
    1) unless ``skip_unknown``."""
    user = require(request, "campaigns.add_calllist")
    campaign = queries.campaign_for(user, payload.campaign_id)
    pairs = ((n, ref.strip()) for n, ref in enumerate(payload.references, 1) if ref.strip())
    references = calllists.resolve_references(pairs, field="references")
    saved = calllists.create_file_list(
        campaign, name=payload.name, file_name=payload.file_name, references=references,
        skip_unknown=payload.skip_unknown, by=user,
    )  # fmt: skip
    return 201, run_out(*saved)


@call_lists.get("/{int:list_id}", response=CallListOut)
def call_list_detail(request: HttpRequest, list_id: int) -> CallList:
    user = require(request, "campaigns.view_calllist")
    return calllists.call_list_for(user, list_id)


@call_lists.post("/{int:list_id}/refresh", response=RunOut)
def call_list_refresh(request: HttpRequest, list_id: int) -> dict[str, Any]:
    """Add the donors a filter list matches now and who are not on the campaign yet."""
    user = require(request, "campaigns.change_calllist")
    call_list = calllists.call_list_for(user, list_id)
    return run_out(call_list, calllists.refresh_call_list(call_list, by=user))


# --- A campaign's queue ------------------------------------------------------------------------


class ReasonOut(Schema):
    code: str
    label: str
    hint: str
    count: int


class QueueOut(Schema):
    campaign_id: int
    states: dict[str, int]  # waiting, with_agent, held, done
    callable: int
    reasons: list[ReasonOut]


@queue.get("/{int:campaign_id}/queue", response=QueueOut)
def campaign_queue(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Donors on the campaign by state, and every donor not done under the first reason that
    stops a call now (``callable`` among them when someone can be called)."""
    user = require(request, "campaigns.view_campaign")
    campaign = queries.campaign_for(user, campaign_id)
    reasons = why_not_callable(campaign)
    ready = sum(reason.count for reason in reasons if reason.code == "callable")
    return {
        "campaign_id": campaign.pk,
        "states": state_counts(campaign),
        "callable": ready,
        "reasons": reasons,
    }


# --- The dialler -------------------------------------------------------------------------------


class ClaimIn(Schema):
    campaign_ids: list[int]


class DonorCard(Schema):
    id: int
    name: str
    reference: str


class ClaimOut(Schema):
    out_of_data: bool = False
    entry_id: int
    campaign_id: int
    token: uuid.UUID
    expires_at: datetime
    donor: DonorCard
    number: str | None  # E.164: the number to dial
    is_appointment: bool


class OutOfData(Schema):
    out_of_data: bool = True
    message: str = "Out of Data: nobody can be called on these campaigns now."


class TokenIn(Schema):
    token: uuid.UUID


class LeaseOut(Schema):
    entry_id: int
    state: str
    expires_at: datetime | None


class CallOut(Schema):
    id: int
    campaign_id: int | None
    donor_id: int
    queue_entry_id: int | None
    number_dialled: str
    is_appointment_call: bool
    started_at: datetime
    ended_at: datetime | None
    ended_reason: str
    disposition_id: int | None
    notes: str
    outcome_recorded_at: datetime | None
    review: str


class OutcomeIn(Schema):
    reason: str  # concluded, do_not_call, no_answer, not_available, wrong_number
    disposition_id: int | None = None
    notes: str = ""


def lease_out(entry: QueueEntry) -> dict[str, Any]:
    return {"entry_id": entry.pk, "state": entry.state, "expires_at": entry.lease_expires_at}


@dialler.post("/claim", response=ClaimOut | OutOfData)
def claim(request: HttpRequest, payload: ClaimIn) -> dict[str, Any]:
    """Ready for Call: the next donor on these campaigns, leased to the agent until
    ``expires_at`` (renew it while the donor is on screen), or ``{"out_of_data": true}``."""
    user = require(request, USE_CALL_CENTER)
    claimed = claim_next_donor(user, campaigns=queries.chosen_campaigns(user, payload.campaign_ids))
    if claimed is None:
        return {"out_of_data": True}
    entry = QueueEntry.objects.select_related("donor").get(pk=claimed.entry_id)
    donor = entry.donor
    return {
        "entry_id": claimed.entry_id, "campaign_id": claimed.campaign_id,
        "token": claimed.token, "expires_at": claimed.expires_at,
        "donor": {"id": donor.pk, "name": donor.name, "reference": donor.reference},
        "number": number_for_call(donor),
        "is_appointment": entry.priority in (Priority.OWN_APPOINTMENT, Priority.TEAM_APPOINTMENT),
    }  # fmt: skip


@dialler.post("/entries/{int:entry_id}/renew", response=LeaseOut)
def renew(request: HttpRequest, entry_id: int, payload: TokenIn) -> dict[str, Any]:
    user = require(request, USE_CALL_CENTER)
    entry = renew_lease(queries.entry_for_agent(user, entry_id), token=payload.token, by=user)
    return lease_out(entry)


@dialler.post("/entries/{int:entry_id}/release", response=LeaseOut)
def release(request: HttpRequest, entry_id: int, payload: TokenIn) -> dict[str, Any]:
    """Give the donor back untouched: they are waiting on the queue again."""
    user = require(request, USE_CALL_CENTER)
    entry = release_lease(queries.entry_for_agent(user, entry_id), token=payload.token, by=user)
    return lease_out(entry)


@dialler.post("/entries/{int:entry_id}/call", response={201: CallOut})
def call(request: HttpRequest, entry_id: int, payload: TokenIn) -> tuple[int, Call]:
    """Start the call under the lease (again: the same call)."""
    user = require(request, USE_CALL_CENTER)
    return 201, start_call(queries.entry_for_agent(user, entry_id), token=payload.token, by=user)


@dialler.post("/calls/{int:call_id}/outcome", response=CallOut)
def outcome(request: HttpRequest, call_id: int, payload: OutcomeIn) -> Call:
    """The call's ended reason, disposition and notes; sent again, the same outcome is a
    no-op and another one is refused."""
    user = require(request, USE_CALL_CENTER)
    placed = call_queries.call_for_agent(user, call_id)
    disposition = queries.disposition_chosen(payload.disposition_id)
    try:
        return record_outcome(
            placed, reason=payload.reason, disposition=disposition, notes=payload.notes, by=user
        )
    except DomainError as error:
        if error.field == "disposition":
            error.field = "disposition_id"
        raise
