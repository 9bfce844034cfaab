"""Reads of campaigns, teams and the settings lists, shared by pages, the API and the Call
Center, and the access helpers that are the only way a page loads one (out of reach is 404)."""

from typing import TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404

from donorcall.donors.models import Purpose
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import Role, User

from .models import (
    BreakReason,
    Campaign,
    CampaignStatus,
    Disposition,
    EndedReason,
    QueueEntry,
    SkipReason,
    Team,
)

Row = TypeVar("Row", bound=Model)


def campaign_for(user: User, pk: int) -> Campaign:
    if not user.has_perm("campaigns.view_campaign"):
        raise Http404("No such campaign")
    campaign = Campaign.objects.select_related("purpose", "created_by").filter(pk=pk).first()
    if campaign is None:
        raise Http404("No such campaign")
    return campaign


def team_for(user: User, pk: int) -> Team:
    if not user.has_perm("campaigns.view_team"):
        raise Http404("No such team")
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise Http404("No such team")
    return team


def setting_for(user: User, model: type[Row], pk: int) -> Row:
    """A skip reason, break reason, ended reason or disposition, for whoever may change it."""
    label = model._meta.label_lower.replace(".", ".change_")
    if not user.has_perm(label):
        raise Http404("Nothing here")
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise Http404("Nothing here")
    return row


# --- Campaigns -------------------------------------------------------------------------------


def active_teams() -> Prefetch:
    return Prefetch("teams", queryset=Team.objects.filter(is_active=True))


def campaign_list(*, archived: bool = False) -> QuerySet[Campaign]:
    """Campaigns for the list page and the API, each with its active teams: three queries
    however many there are."""
    campaigns = Campaign.objects.select_related("purpose").prefetch_related(active_teams())
    if archived:
        return campaigns.filter(status=CampaignStatus.ARCHIVED)
    return campaigns.exclude(status=CampaignStatus.ARCHIVED)


def archived_count() -> int:
    return Campaign.objects.filter(status=CampaignStatus.ARCHIVED).count()


def campaign_teams(campaign: Campaign) -> QuerySet[Team]:
    """Every team that works on the campaign (deactivated ones last), with their members."""
    return campaign.teams.order_by("-is_active", "name").prefetch_related(
        Prefetch("members", queryset=User.objects.order_by("first_name", "last_name"))
    )


def purposes_to_choose(campaign: Campaign | None = None) -> QuerySet[Purpose]:
    """Purposes in use, and the campaign's own even if it was retired since."""
    keep = Q(pk=campaign.purpose_id) if campaign else Q(pk__in=[])
    return Purpose.objects.filter(Q(is_active=True) | keep)


def purpose_by_code(code: str) -> Purpose | None:
    return Purpose.objects.filter(code=code).first()


# --- Teams -----------------------------------------------------------------------------------


def team_list() -> QuerySet[Team]:
    """Teams, active first, with members and campaigns: three queries however many."""
    return Team.objects.order_by("-is_active", "name").prefetch_related(
        Prefetch("members", queryset=User.objects.order_by("first_name", "last_name")),
        Prefetch("campaigns", queryset=Campaign.objects.order_by("name")),
    )


def staff_to_choose(team: Team | None = None) -> QuerySet[User]:
    """Who may join a team: active staff with a role, and the team's own members even if one
    was deactivated since (so saving the team does not drop them)."""
    has_role = Q(is_active=True, groups__name__in=[role.value for role in Role])
    keep = Q(teams=team) if team and team.pk else Q(pk__in=[])
    return User.objects.filter(has_role | keep).distinct().order_by("first_name", "last_name")


def campaigns_to_choose(team: Team | None = None) -> QuerySet[Campaign]:
    """Campaigns a team may work on: all but archived ones, and the team's own."""
    keep = Q(teams=team) if team and team.pk else Q(pk__in=[])
    return Campaign.objects.filter(~Q(status=CampaignStatus.ARCHIVED) | keep).distinct()


def teams_for_agent(user: User) -> QuerySet[Team]:
    """The active teams an agent is on, each with ``active_campaigns``: what the dialler
    popup offers them (seeds: "select the team and campaign")."""
    active = Campaign.objects.filter(status=CampaignStatus.ACTIVE).order_by("name")
    return Team.objects.filter(is_active=True, members=user).prefetch_related(
        Prefetch("campaigns", queryset=active, to_attr="active_campaigns")
    )


# --- Settings lists --------------------------------------------------------------------------


def ended_reasons() -> QuerySet[EndedReason]:
    """The five ended reasons in order, each with all its dispositions (retired ones too)."""
    dispositions = Disposition.objects.order_by("position", "name")
    return EndedReason.objects.prefetch_related(Prefetch("dispositions", queryset=dispositions))


def active_skip_reasons() -> QuerySet[SkipReason]:
    return SkipReason.objects.filter(is_active=True)


def active_break_reasons() -> QuerySet[BreakReason]:
    return BreakReason.objects.filter(is_active=True)


def active_dispositions(ended_reason: EndedReason) -> QuerySet[Disposition]:
    """What an agent may choose after this ended reason, in the administrator's order."""
    return ended_reason.dispositions.filter(is_active=True).order_by("position", "name")


def disposition_chosen(pk: int | None, *, field: str = "disposition_id") -> Disposition | None:
    """The disposition an outcome names by id (with its ended reason), None if it names none;
    an id that is not a disposition is the client's mistake, named by ``field``."""
    if pk is None:
        return None
    disposition = Disposition.objects.select_related("ended_reason").filter(id=pk).first()
    if disposition is None:
        raise InvalidInput("There is no such disposition.", field=field)
    return disposition


def campaigns_for_agent(user: User) -> QuerySet[Campaign]:
    """The campaigns an agent may call for: those of their active teams, not archived."""
    return (
        Campaign.objects.filter(teams__members=user, teams__is_active=True)
        .exclude(status=CampaignStatus.ARCHIVED)
        .distinct()
    )


def chosen_campaigns(user: User, ids: list[int]) -> list[Campaign]:
    """The campaigns asked for, every one of them the agent's (404 otherwise)."""
    if not ids:
        raise InvalidInput("Choose at least one campaign.", field="campaign_ids")
    found = list(campaigns_for_agent(user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404("No such campaign")
    return found


def entry_for_agent(user: User, pk: int) -> QueueEntry:
    """A queue row the agent holds, or one nobody holds on their campaigns (so that a stale
    token gets its 409, not a 404). Another agent's lease is 404."""
    mine = Q(lease_holder=user) | Q(lease_holder=None, campaign__in=campaigns_for_agent(user))
    entry = QueueEntry.objects.filter(mine, pk=pk).first()
    if entry is None:
        raise Http404("No such donor")
    return entry
