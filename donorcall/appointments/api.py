"""Appointments over JSON: the same actions, access rules and refusals as the pages.

Times travel as the donor's wall clock (``local``, ISO 8601 without an offset) with the zone
it is in; ``due_at`` is the UTC instant the dialler uses.
"""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from donorcall.appointments import actions, queries
from donorcall.appointments.models import Appointment
from donorcall.callcenter.queries import call_on_screen
from donorcall.campaigns.models import Campaign, Team
from donorcall.donors.api import require
from donorcall.donors.models import Donor
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

router = Router(tags=["appointments"])


class AppointmentOut(Schema):
    id: int
    donor: int
    campaign: int
    owner: int | None
    for_team: bool
    local: datetime
    zone: str
    due_at: datetime
    status: str
    notes: str
    booked_by: int | None
    booked_at: datetime
    booked_on_call: int | None
    handed_to_team_at: datetime | None
    done_by_call: int | None
    cancelled_at: datetime | None
    cancel_reason: str

    @staticmethod
    def resolve_local(row: Appointment) -> datetime:
        return datetime.combine(row.local_date, row.local_time)

    @staticmethod
    def resolve_donor(row: Appointment) -> int:
        return row.donor_id

    @staticmethod
    def resolve_campaign(row: Appointment) -> int:
        return row.campaign_id

    @staticmethod
    def resolve_owner(row: Appointment) -> int | None:
        return row.owner_id

    @staticmethod
    def resolve_booked_by(row: Appointment) -> int | None:
        return row.booked_by_id

    @staticmethod
    def resolve_booked_on_call(row: Appointment) -> int | None:
        return row.booked_on_call_id

    @staticmethod
    def resolve_done_by_call(row: Appointment) -> int | None:
        return row.done_by_call_id


class Filters(Schema):
    date_from: date | None = None
    date_to: date | None = None
    agent: int | None = None
    team: int | None = None
    campaign: int | None = None
    status: str = ""


class SlotIn(Schema):
    local: datetime  # the donor's wall clock, no offset
    zone: str
    notes: str | None = None


class AppointmentIn(SlotIn):
    donor: int
    campaign: int
    owner: int | None = None  # None: anyone on a team working the campaign


class InCallIn(SlotIn):
    owner: Literal["me", "team"] = "me"


class ReassignIn(Schema):
    owner: int | None = None


class CancelIn(Schema):
    reason: str


def naive(local: datetime) -> datetime:
    if local.tzinfo is not None:
        raise InvalidInput(
            "Send the donor's wall-clock time without an offset, with its zone.", field="local"
        )
    return local


def staff(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(f"No staff member with the id {pk}.", field=field)
    return found


@router.get("", response=list[AppointmentOut])
def appointment_list(request: HttpRequest, filters: Query[Filters]) -> list[Appointment]:
    require(request, "appointments.view_appointment")
    chosen = queries.AppointmentFilter(
        date_from=filters.date_from, date_to=filters.date_to,
        agent=staff(filters.agent, "agent"),
        team=get_object_or_404(Team, pk=filters.team) if filters.team else None,
        campaign=get_object_or_404(Campaign, pk=filters.campaign) if filters.campaign else None,
        status=filters.status,
    )  # fmt: skip
    return list(queries.appointment_list(chosen)[:1000])


@router.get("/{int:appointment_id}", response=AppointmentOut)
def appointment_detail(request: HttpRequest, appointment_id: int) -> Appointment:
    user = require(request, "appointments.view_appointment")
    return queries.appointment_for(user, appointment_id)


@router.post("", response={201: AppointmentOut})
def appointment_create(request: HttpRequest, payload: AppointmentIn) -> tuple[int, Appointment]:
    user = require(request, "appointments.add_appointment")
    donor = get_object_or_404(Donor, pk=payload.donor)
    campaign = get_object_or_404(Campaign, pk=payload.campaign)
    return 201, actions.schedule_appointment(
        donor, campaign, local=naive(payload.local), zone=payload.zone,
        owner=staff(payload.owner, "owner"), notes=payload.notes or "", by=user,
    )  # fmt: skip


@router.post("/in-call", response={201: AppointmentOut})
def appointment_in_call(request: HttpRequest, payload: InCallIn) -> tuple[int, Appointment]:
    """Schedule Appointment for the donor of the call on the agent's screen."""
    user = require(request, "staff.use_call_center")
    call = call_on_screen(user)
    return 201, actions.schedule_appointment(
        call.donor, call.campaign, local=naive(payload.local), zone=payload.zone,  # type: ignore[arg-type]
        owner=user if payload.owner == "me" else None, notes=payload.notes or "", by=user,
        call=call,
    )  # fmt: skip


@router.post("/{int:appointment_id}/reschedule", response=AppointmentOut)
def appointment_reschedule(
    request: HttpRequest, appointment_id: int, payload: SlotIn
) -> Appointment:
    user = require(request, "appointments.change_appointment")
    appointment = queries.appointment_for(user, appointment_id)
    return actions.reschedule_appointment(
        appointment, local=naive(payload.local), zone=payload.zone, notes=payload.notes, by=user
    )


@router.post("/{int:appointment_id}/reassign", response=AppointmentOut)
def appointment_reassign(
    request: HttpRequest, appointment_id: int, payload: ReassignIn
) -> Appointment:
    user = require(request, "appointments.change_appointment")
    appointment = queries.appointment_for(user, appointment_id)
    owner = staff(payload.owner, "owner")
    return actions.reassign_appointment(appointment, owner=owner, by=user)


@router.post("/{int:appointment_id}/cancel", response=AppointmentOut)
def appointment_cancel(request: HttpRequest, appointment_id: int, payload: CancelIn) -> Appointment:
    user = require(request, "appointments.change_appointment")
    appointment = queries.appointment_for(user, appointment_id)
    return actions.cancel_appointment(appointment, reason=payload.reason, by=user)
