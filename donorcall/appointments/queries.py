"""Reads of appointments shared by the pages, the API and the Call Center, and the access
helper that is the only way a page loads one (out of reach is 404)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from donorcall.appointments.local_time import wall_clock
from donorcall.appointments.models import Appointment, AppointmentStatus
from donorcall.campaigns.models import Campaign, Team
from donorcall.lib.clock import now
from donorcall.staff.models import User

MISSED_FLAG_DAYS = 7  # the list page's "missed, needs a look" banner looks this far back


@dataclass(frozen=True)
class AppointmentFilter:
    """The managers' list: every part optional. Dates are days in the call centre's zone."""

    date_from: date | None = None
    date_to: date | None = None
    agent: User | None = None
    team: Team | None = None
    campaign: Campaign | None = None
    status: str = ""


def appointment_for(user: User, pk: int) -> Appointment:
    if not user.has_perm("appointments.view_appointment"):
        raise Http404("No such appointment")
    found = appointment_rows().filter(pk=pk).first()
    if found is None:
        raise Http404("No such appointment")
    return found


def appointment_rows() -> QuerySet[Appointment]:
    return Appointment.objects.select_related(
        "donor", "campaign", "owner", "booked_by", "cancelled_by", "done_by_call"
    )


def appointment_list(chosen: AppointmentFilter) -> QuerySet[Appointment]:
    rows = appointment_rows()
    if chosen.date_from:
        rows = rows.filter(due_at__gte=day_start(chosen.date_from))
    if chosen.date_to:
        rows = rows.filter(due_at__lt=day_start(chosen.date_to + timedelta(days=1)))
    if chosen.agent:
        rows = rows.filter(owner=chosen.agent)
    if chosen.team:
        rows = rows.filter(team_scope(chosen.team))
    if chosen.campaign:
        rows = rows.filter(campaign=chosen.campaign)
    if chosen.status:
        rows = rows.filter(status=chosen.status)
    return rows.order_by("due_at", "id")


def team_scope(team: Team) -> Q:
    """A team's appointments: owned by one of its agents, or for anyone on one of its
    campaigns."""
    members = team.members.values("pk")
    campaigns = team.campaigns.values("pk")
    return Q(owner__in=members) | Q(owner=None, campaign__in=campaigns)


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def recently_missed() -> int:
    """Missed appointments of the last week: shown to managers as needing a look."""
    since = now() - timedelta(days=MISSED_FLAG_DAYS)
    return Appointment.objects.filter(status=AppointmentStatus.MISSED, missed_at__gte=since).count()


def donor_appointments(donor_id: int) -> QuerySet[Appointment]:
    return appointment_rows().filter(donor_id=donor_id).order_by("-due_at")


def clocks(instant: datetime | None, zone: str) -> dict[str, object]:
    """The donor's and the agent's clocks now and, given an instant, at it: the form shows
    both so nobody converts in their head. The agent's zone is the call centre's."""
    agent_zone = timezone.get_current_timezone_name()
    at = now()
    shown: dict[str, object] = {
        "donor_zone": zone,
        "agent_zone": agent_zone,
        # Naive, so the template's date filter does not turn it back into the agent's zone.
        "donor_now": wall_clock(at, zone).replace(tzinfo=None) if zone else None,
        "agent_now": timezone.localtime(at),
    }
    if instant is not None:
        shown["agent_at"] = timezone.localtime(instant)
    return shown
