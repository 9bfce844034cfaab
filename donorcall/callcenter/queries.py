"""Reads of calls and of the agent's Call Center screen, shared by pages and the API."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from donorcall.appointments.models import Appointment, AppointmentStatus
from donorcall.callcenter.actions.inbound import donors_matching
from donorcall.callcenter.models import AgentStatus, Call, Status
from donorcall.campaigns.models import DiallingMode, Priority
from donorcall.campaigns.queries import (
    active_break_reasons,
    active_skip_reasons,
    ended_reasons,
    teams_for_agent,
)
from donorcall.campaigns.scripts import render_script
from donorcall.donors import queries as donor_queries
from donorcall.donors.models import Donor, DonorStatus
from donorcall.giving.queries import giving_profile
from donorcall.lib.clock import now
from donorcall.staff.models import User

APPOINTMENT_PRIORITIES = (Priority.OWN_APPOINTMENT, Priority.TEAM_APPOINTMENT)
# How often the screen's heartbeat runs: often while Out of Data (it checks again by itself),
# less often otherwise (it renews the lease and notices a shift's end).
HEARTBEAT_SECONDS: dict[str, int] = {Status.READY: 5}
HEARTBEAT_DEFAULT = 15


def call_for_agent(user: User, pk: int) -> Call:
    call = Call.objects.filter(pk=pk, agent=user).first()
    if call is None:
        raise Http404("No such call")
    return call


def call_on_screen(agent: User) -> Call:
    """The call on the agent's screen (on the call or in its wrap-up): what in-call actions
    (Send Email, Schedule Appointment, a gift) act on. None on screen is 404."""
    call = (
        Call.objects.filter(
            pk__in=AgentStatus.objects.filter(
                agent=agent, status__in=[Status.ON_CALL, Status.WRAP_UP]
            ).values("call")
        )
        .select_related("donor", "campaign")
        .first()
    )
    if call is None:
        raise Http404("No call on screen")
    return call


def status_for(agent: User) -> AgentStatus:
    """The agent's status with everything the screen shows about it, in one query."""
    AgentStatus.objects.get_or_create(agent=agent, defaults={"since": now()})
    return AgentStatus.objects.select_related(
        "shift__job_role", "break_taken__reason", "team", "entry__campaign", "call", "donor"
    ).get(agent=agent)


def console(agent: User) -> dict[str, object]:
    """Everything the Call Center screen shows for the agent's status now."""
    status = status_for(agent)
    context: dict[str, object] = {
        "status": status,
        "shift": status.shift,
        "heartbeat_seconds": heartbeat_seconds(status),
        "chosen_campaign_ids": set(status.campaigns.values_list("pk", flat=True)),
    }
    if status.status == Status.OFFLINE:
        from donorcall.callcenter.actions.shifts import job_roles_for

        context["job_roles"] = list(job_roles_for(agent))
    else:
        context["teams"] = list(teams_for_agent(agent))
        context["break_reasons"] = list(active_break_reasons())
    if status.status == Status.PREVIEW:
        context["skip_reasons"] = list(active_skip_reasons())
    if status.status in (Status.ON_CALL, Status.WRAP_UP):
        context["ended_reasons"] = [
            (reason, [d for d in reason.dispositions.all() if d.is_active])
            for reason in ended_reasons()
        ]
    if status.inbound is not None and status.call is None:
        context["caller_matches"] = list(donors_matching(status.inbound.caller_number)[:20])
    if status.donor is not None:
        context |= donor_on_screen(status, status.donor, agent)
    if status.call is not None:
        context |= in_call_tabs(status.call)
    return context


def heartbeat_seconds(status: AgentStatus) -> int:
    """Every second while Ready for inbound calls: a call must be on screen within two."""
    inbound_ready = (
        status.status == Status.READY
        and status.shift is not None
        and status.shift.job_role.takes_inbound_calls
    )
    return 1 if inbound_ready else HEARTBEAT_SECONDS.get(status.status, HEARTBEAT_DEFAULT)


def callers_found(text: str, limit: int = 10) -> list[Donor]:
    """An inbound caller looked up by name, reference, email or number: any donor but the
    erased (the agent has the caller on the line; the Donors pages stay closed to agents)."""
    everyone = Donor.objects.exclude(status=DonorStatus.ERASED)
    found = donor_queries.donors_matching_text(everyone, text)
    return list(found.order_by("last_name", "first_name")[:limit])


def in_call_tabs(call: Call) -> dict[str, object]:
    """The In this call panel's tabs: the gift ones here, Send Email and Schedule Appointment
    from their own apps (an appointment belongs to a campaign: not on an inbound call)."""
    links = [(reverse("outbox:in-call"), "Send Email")]
    if call.campaign_id is not None:
        links.append((reverse("appointments:in-call"), "Schedule Appointment"))
    return {
        "in_call_tabs": [
            ("donation", "Donation"),
            ("regular-gift", "Regular gift"),
            ("failed-payment", "Failed payment"),
        ],
        # Fragments of other apps, loaded into the panel (they target their own forms).
        "in_call_links": links,
    }


def donor_on_screen(status: AgentStatus, donor: Donor, agent: User) -> dict[str, object]:
    """The donor card and the profile beside it, with the campaign's script."""
    entry = status.entry
    campaign = entry.campaign if entry else (status.call.campaign if status.call else None)
    progressive = campaign is not None and campaign.dialling_mode == DiallingMode.PROGRESSIVE
    wrap_up_left = 0
    if progressive and status.status == Status.WRAP_UP:
        elapsed = (now() - status.since).total_seconds()
        wrap_up_left = max(0, int(campaign.wrap_up_seconds - elapsed))  # type: ignore[union-attr]
    return {
        "campaign": campaign,
        "wrap_up_left": wrap_up_left,
        "progressive": progressive,
        "is_appointment": bool(entry and entry.priority in APPOINTMENT_PRIORITIES)
        or bool(status.call and status.call.is_appointment_call),
        "number": status.call.number_dialled
        if status.call
        else donor_queries.number_for_call(donor),
        "lease_expires_at": entry.lease_expires_at if entry else None,
        "script": render_script(campaign, donor, agent=agent)
        if campaign and campaign.script
        else "",
        "past_calls": past_calls(donor),
        "appointments": donor_appointments(donor),
    } | donor_profile(donor)


def donor_profile(donor: Donor) -> dict[str, object]:
    """The read-only profile an agent sees beside the donor card."""
    return (
        donor_queries.donor_profile(donor)
        | donor_queries.consent_overview(donor)
        | giving_profile(donor)
        | {"suppressed": donor_queries.suppressed_values(donor)}
    )


def past_calls(donor: Donor, limit: int = 10) -> list[Call]:
    return list(
        donor.calls.select_related("agent", "campaign", "disposition")
        .exclude(started_at__gt=now())
        .order_by("-started_at")[:limit]
    )


def donor_appointments(donor: Donor) -> list[Appointment]:
    """The donor's appointments still to come (scheduled), soonest first."""
    return list(
        Appointment.objects.filter(donor=donor, status=AppointmentStatus.SCHEDULED)
        .select_related("campaign", "owner")
        .order_by("due_at")
    )


def donor_for_agent(agent: User, pk: int) -> Donor:
    """A donor an agent may open from the Call Center: the one on their screen, one they have
    called, or one whose appointment is theirs (DESIGN.md invariant 7: 404 otherwise)."""
    reach = (
        Q(pk__in=AgentStatus.objects.filter(agent=agent).values("donor"))
        | Q(pk__in=Call.objects.filter(agent=agent).values("donor"))
        | Q(pk__in=Appointment.objects.filter(owner=agent).values("donor"))
    )
    donor = Donor.objects.filter(reach, pk=pk).first()
    if donor is None:
        raise Http404("No such donor")
    return donor


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day in the call centre's own time zone, as UTC instants."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def calls_on(agent: User, day: date) -> QuerySet[Call]:
    """The agent's calls on a day (the Calls button), newest first."""
    start, end = day_bounds(day)
    return Call.objects.filter(
        agent=agent, started_at__gte=start, started_at__lt=end
    ).select_related("donor", "campaign", "disposition")


def appointments_on(agent: User, day: date) -> QuerySet[Appointment]:
    """Appointments on a day that are the agent's own, or for anyone on a team of theirs that
    works the campaign (cancelled ones left out; done and missed ones kept, marked)."""
    start, end = day_bounds(day)
    teams_campaigns = teams_for_agent(agent).values("campaigns")
    mine = Q(owner=agent)
    team = Q(owner=None, campaign__in=teams_campaigns)
    return (
        Appointment.objects.filter(mine | team, due_at__gte=start, due_at__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("donor", "campaign", "owner")
        .order_by("due_at")
    )
