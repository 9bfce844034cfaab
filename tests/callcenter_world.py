"""The Call Center's test world, shared by its test modules: a job role, a campaign, a team
working it, the settings lists, and small helpers that drive the screen like htmx does."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from donorcall.callcenter.models import AgentStatus
from donorcall.campaigns.models import BreakReason, Campaign, CampaignStatus, SkipReason, Team
from donorcall.donors.models import Purpose
from donorcall.staff.models import JobRole

HTMX = {"HX-Request": "true"}
# A Tuesday at noon in London (GMT): inside the default calling hours.
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def job_role(agent, other_agent) -> JobRole:
    role = JobRole.objects.create(name="Agent")
    role.members.add(agent, other_agent)
    return role


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.create(
        name="Failed payments",
        purpose=Purpose.objects.get(code="fundraising"),
        status=CampaignStatus.ACTIVE,
    )


@pytest.fixture
def team(campaign, agent, other_agent) -> Team:
    team = Team.objects.create(name="Outbound")
    team.members.add(agent, other_agent)
    team.campaigns.add(campaign)
    return team


@pytest.fixture
def reasons(db) -> tuple[SkipReason, BreakReason]:
    return SkipReason.objects.create(name="Known complaint"), BreakReason.objects.create(
        name="Lunch"
    )


def htmx(client: Client, path: str, data: dict | None = None):
    response = client.post(f"/call-center/{path}/", data or {}, headers=HTMX)
    assert response.status_code in (200, 204), response.content
    return response


def toast(response) -> dict:
    return json.loads(response["HX-Trigger"])["toast"]


def status_of(user) -> AgentStatus:
    return AgentStatus.objects.get(agent=user)


def signed_in(client: Client, role: JobRole, ends: str = "17:00", extension: int = 0):
    htmx(client, "sign-in", {"job_role": role.pk})
    return htmx(
        client, "shift", {"job_role": role.pk, "ends_at": ends, "extension_hours": extension}
    )


def ready(client: Client, team: Team, *campaigns: Campaign):
    return htmx(client, "ready", {"team": team.pk, "campaigns": [c.pk for c in campaigns]})
