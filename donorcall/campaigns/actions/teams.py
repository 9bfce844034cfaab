"""Teams: the agents who work on some campaigns together (seeds: "Group of agents working on a
certain campaign to make calls"). A team is deactivated, never deleted: calls name it."""

from django.db import transaction

from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import Role, User

from ..models import Campaign, CampaignStatus, Team
from .inputs import clean_name, max_length


def save_team(
    team: Team | None,
    *,
    name: str,
    members: list[User],
    campaigns: list[Campaign],
    by: User | None,
) -> Team:
    """Create a team (team None) or change its name, members and campaigns."""
    others = Team.objects.exclude(pk=team.pk) if team else Team.objects.all()
    name = clean_name(name, what="team", taken=others, limit=max_length(Team, "name"))
    check_members(team, members)
    check_campaigns(team, campaigns)
    with transaction.atomic():
        team = team or Team()
        team.name = name
        team.save()
        team.members.set(members)
        team.campaigns.set(campaigns)
    return team


def check_members(team: Team | None, members: list[User]) -> None:
    """Members are active staff with a role. Someone deactivated since joining may stay, so
    saving a team never drops a person by surprise."""
    kept = set(team.members.values_list("pk", flat=True)) if team and team.pk else set()
    joining = [user for user in members if user.pk not in kept]
    with_role = set(
        User.objects.filter(
            pk__in=[user.pk for user in joining], groups__name__in=[role.value for role in Role]
        ).values_list("pk", flat=True)
    )
    for user in joining:
        if not user.is_active:
            raise InvalidInput(f"{user.display_name} is deactivated.", field="members")
        if user.pk not in with_role:
            raise InvalidInput(
                f"{user.display_name} has no role yet. Give them one in Settings first.",
                field="members",
            )


def check_campaigns(team: Team | None, campaigns: list[Campaign]) -> None:
    kept = set(team.campaigns.values_list("pk", flat=True)) if team and team.pk else set()
    for campaign in campaigns:
        if campaign.status == CampaignStatus.ARCHIVED and campaign.pk not in kept:
            raise InvalidInput(f"{campaign.name} is archived.", field="campaigns")


def deactivate_team(team: Team, *, by: User | None) -> Team:
    """The team stops working: its agents no longer get its campaigns' donors through it.
    Members, campaigns and history stay, so it can be reactivated as it was."""
    team.is_active = False
    team.save(update_fields=["is_active"])
    return team


def reactivate_team(team: Team, *, by: User | None) -> Team:
    team.is_active = True
    team.save(update_fields=["is_active"])
    return team
