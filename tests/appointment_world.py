"""Building blocks for the appointment tests: a team on a campaign, a donor on it, a call."""

from datetime import UTC, datetime

from donorcall.callcenter.actions.calls import start_call
from donorcall.callcenter.models import Call
from donorcall.campaigns.models import Campaign, QueueEntry, Team
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.staff.models import Role, User
from tests.queue_world import make_campaign

# A Tuesday at noon in London (GMT): inside calling hours everywhere that matters here.
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TOMORROW = (2026, 11, 25)


def team_on(campaign: Campaign, *members: User, name: str = "Outbound") -> Team:
    team = Team.objects.create(name=name)
    team.members.add(*members)
    team.campaigns.add(campaign)
    return team


def colleague() -> User:
    from conftest import make_user

    return make_user("carla.colleague", Role.AGENT, first_name="Carla", last_name="Colleague")


def campaign_with_team(agent: User, *others: User) -> Campaign:
    campaign = make_campaign("Failed payments")
    team_on(campaign, agent, *others)
    return campaign


def on_call(agent: User, campaign: Campaign, donor_id: int) -> Call:
    """The agent claims the donor (the only one due) and the call starts."""
    claim = claim_next_donor(agent, campaigns=[campaign])
    assert claim is not None and claim.donor_id == donor_id
    return start_call(claim.entry, token=claim.token, by=agent)


def row(campaign: Campaign, donor) -> QueueEntry:  # type: ignore[no-untyped-def]
    return QueueEntry.objects.get(campaign=campaign, donor=donor)


def local(year: int, month: int, day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(year, month, day, hh, mm)
