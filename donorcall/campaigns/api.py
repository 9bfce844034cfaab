"""Campaigns and teams over JSON: the same actions, access rules and refusals as the pages.

Settings travel as the model stores them: calling hours as "09:00", days as 0 (Monday) to 6,
retry delays in minutes, the purpose as its code ("fundraising"). A PATCH changes only the
fields it sends.
"""

import dataclasses
from datetime import date, time
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from donorcall.donors.api import require
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

from . import actions, queries
from .models import Campaign, Team

campaigns = Router(tags=["campaigns"])
teams = Router(tags=["teams"])


class TeamRef(Schema):
    id: int
    name: str


class CampaignOut(Schema):
    id: int
    name: str
    description: str
    status: str
    dialling_mode: str
    purpose: str
    calling_starts: time
    calling_ends: time
    calling_days: list[int]
    no_answer_delay_minutes: int
    not_available_delay_minutes: int
    rotate_retry_times: bool
    max_attempts: int
    concluded_is_final: bool
    recall_after_days: int | None
    preview_timeout_seconds: int
    skip_allowed: bool
    wrap_up_seconds: int
    caller_id: str
    starts_on: date | None
    ends_on: date | None
    requires_tps_screening: bool
    script: str
    teams: list[TeamRef]

    @staticmethod
    def resolve_purpose(campaign: Campaign) -> str:
        return campaign.purpose.code

    @staticmethod
    def resolve_teams(campaign: Campaign) -> list[Team]:
        return list(campaign.teams.all())


DEFAULTS = actions.CampaignSettings(name="", purpose=None)


class CampaignPatch(Schema):
    """Any settings to change; those left out stay as they are."""

    name: str | None = None
    description: str | None = None
    dialling_mode: str | None = None
    purpose: str | None = None
    calling_starts: time | None = None
    calling_ends: time | None = None
    calling_days: list[int] | None = None
    no_answer_delay_minutes: int | None = None
    not_available_delay_minutes: int | None = None
    rotate_retry_times: bool | None = None
    max_attempts: int | None = None
    concluded_is_final: bool | None = None
    recall_after_days: int | None = None
    preview_timeout_seconds: int | None = None
    skip_allowed: bool | None = None
    wrap_up_seconds: int | None = None
    caller_id: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    requires_tps_screening: bool | None = None
    script: str | None = None


class CampaignIn(Schema):
    """A new campaign: a name and a purpose; every other setting has the safe default."""

    name: str
    purpose: str
    description: str = ""
    dialling_mode: str = DEFAULTS.dialling_mode
    calling_starts: time = DEFAULTS.calling_starts
    calling_ends: time = DEFAULTS.calling_ends
    calling_days: list[int] = DEFAULTS.calling_days
    no_answer_delay_minutes: int = DEFAULTS.no_answer_delay_minutes
    not_available_delay_minutes: int = DEFAULTS.not_available_delay_minutes
    rotate_retry_times: bool = DEFAULTS.rotate_retry_times
    max_attempts: int = DEFAULTS.max_attempts
    concluded_is_final: bool = DEFAULTS.concluded_is_final
    recall_after_days: int | None = None
    preview_timeout_seconds: int = DEFAULTS.preview_timeout_seconds
    skip_allowed: bool = DEFAULTS.skip_allowed
    caller_id: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    requires_tps_screening: bool = DEFAULTS.requires_tps_screening
    script: str = ""


class StatusIn(Schema):
    status: str


NULLABLE = {"recall_after_days", "starts_on", "ends_on"}


def to_settings(values: dict[str, Any]) -> dict[str, Any]:
    """Settings as the actions take them: the purpose's code turned into the Purpose, and an
    empty value refused where a setting cannot be empty."""
    for name, value in values.items():
        if value is None and name not in NULLABLE:
            raise InvalidInput("This setting cannot be empty.", field=name)
    if "purpose" in values:
        code = values["purpose"]
        values["purpose"] = queries.purpose_by_code(code)
        if values["purpose"] is None:
            raise InvalidInput(f"There is no purpose with the code “{code}”.", field="purpose")
    return values


@campaigns.get("", response=list[CampaignOut])
def campaign_list(request: HttpRequest, archived: bool = False) -> list[Campaign]:
    """Current campaigns (draft, active, paused), or archived ones with ?archived=true."""
    require(request, "campaigns.view_campaign")
    return list(queries.campaign_list(archived=archived))


@campaigns.get("/{int:campaign_id}", response=CampaignOut)
def campaign_detail(request: HttpRequest, campaign_id: int) -> Campaign:
    user = require(request, "campaigns.view_campaign")
    return queries.campaign_for(user, campaign_id)


@campaigns.post("", response={201: CampaignOut})
def campaign_create(request: HttpRequest, payload: CampaignIn) -> tuple[int, Campaign]:
    """A new campaign, in draft."""
    user = require(request, "campaigns.add_campaign")
    settings = actions.CampaignSettings(**to_settings(payload.dict()))
    return 201, actions.create_campaign(settings, by=user)


@campaigns.patch("/{int:campaign_id}", response=CampaignOut)
def campaign_update(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Campaign:
    user = require(request, "campaigns.change_campaign")
    campaign = queries.campaign_for(user, campaign_id)
    changes = to_settings(payload.dict(exclude_unset=True))
    settings = dataclasses.replace(actions.settings_of(campaign), **changes)
    return actions.update_campaign(campaign, settings, by=user)


@campaigns.post("/{int:campaign_id}/status", response=CampaignOut)
def campaign_status(request: HttpRequest, campaign_id: int, payload: StatusIn) -> Campaign:
    """Activate a draft ("active"), pause ("paused"), resume ("active") or archive
    ("archived"). Archived is final."""
    user = require(request, "campaigns.change_campaign")
    campaign = queries.campaign_for(user, campaign_id)
    return actions.change_campaign_status(campaign, status=payload.status, by=user)


# --- Teams -----------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    name: str
    role: str | None

    @staticmethod
    def resolve_name(user: User) -> str:
        return user.display_name


class CampaignRef(Schema):
    id: int
    name: str
    status: str


class TeamOut(Schema):
    id: int
    name: str
    is_active: bool
    members: list[MemberOut]
    campaigns: list[CampaignRef]

    @staticmethod
    def resolve_members(team: Team) -> list[User]:
        return list(team.members.all())

    @staticmethod
    def resolve_campaigns(team: Team) -> list[Campaign]:
        return list(team.campaigns.all())


class TeamIn(Schema):
    name: str
    members: list[int] = []  # staff ids
    campaigns: list[int] = []  # campaign ids


class TeamPatch(Schema):
    name: str | None = None
    members: list[int] | None = None
    campaigns: list[int] | None = None


class TeamStatusIn(Schema):
    is_active: bool


def by_ids(model: type[User] | type[Campaign], ids: list[int], *, field: str) -> list[Any]:
    found = {row.pk: row for row in model.objects.filter(pk__in=ids)}
    if missing := [pk for pk in ids if pk not in found]:
        raise InvalidInput(f"Nothing with the id {missing[0]}.", field=field)
    return [found[pk] for pk in dict.fromkeys(ids)]


def team_detail(team: Team) -> Team:
    return queries.team_list().get(pk=team.pk)


@teams.get("", response=list[TeamOut])
def team_list(request: HttpRequest) -> list[Team]:
    require(request, "campaigns.view_team")
    return list(queries.team_list().prefetch_related("members__groups"))


@teams.get("/{int:team_id}", response=TeamOut)
def team_get(request: HttpRequest, team_id: int) -> Team:
    user = require(request, "campaigns.view_team")
    return team_detail(queries.team_for(user, team_id))


@teams.post("", response={201: TeamOut})
def team_create(request: HttpRequest, payload: TeamIn) -> tuple[int, Team]:
    user = require(request, "campaigns.add_team")
    team = actions.save_team(
        None, name=payload.name, members=by_ids(User, payload.members, field="members"),
        campaigns=by_ids(Campaign, payload.campaigns, field="campaigns"), by=user,
    )  # fmt: skip
    return 201, team_detail(team)


@teams.patch("/{int:team_id}", response=TeamOut)
def team_update(request: HttpRequest, team_id: int, payload: TeamPatch) -> Team:
    user = require(request, "campaigns.change_team")
    team = queries.team_for(user, team_id)
    members = payload.members
    if members is None:
        members = list(team.members.values_list("pk", flat=True))
    campaign_ids = payload.campaigns
    if campaign_ids is None:
        campaign_ids = list(team.campaigns.values_list("pk", flat=True))
    actions.save_team(
        team, name=team.name if payload.name is None else payload.name,
        members=by_ids(User, members, field="members"),
        campaigns=by_ids(Campaign, campaign_ids, field="campaigns"), by=user,
    )  # fmt: skip
    return team_detail(team)


@teams.post("/{int:team_id}/status", response=TeamOut)
def team_status(request: HttpRequest, team_id: int, payload: TeamStatusIn) -> Team:
    """Deactivate a team ({"is_active": false}) or reactivate it."""
    user = require(request, "campaigns.change_team")
    team = queries.team_for(user, team_id)
    change = actions.reactivate_team if payload.is_active else actions.deactivate_team
    change(team, by=user)
    return team_detail(team)
