"""Teams: managers put agents together and choose the campaigns they work on; a team is
deactivated, never deleted."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from donorcall.campaigns import actions, queries
from donorcall.campaigns.models import Campaign, Team
from donorcall.donors.models import Purpose
from donorcall.lib.errors import InvalidInput
from donorcall.staff.actions import create_api_token, deactivate_user
from donorcall.staff.models import User


def make_campaign(name: str, status: str = "draft") -> Campaign:
    purpose = Purpose.objects.get(code="fundraising")
    settings = actions.CampaignSettings(name=name, purpose=purpose)
    campaign = actions.create_campaign(settings, by=None)
    steps = {"draft": [], "active": ["active"], "paused": ["active", "paused"]}
    for step in steps.get(status, [status]):
        actions.change_campaign_status(campaign, status=step, by=None)
    return campaign


@pytest.fixture
def appeal(db) -> Campaign:
    return make_campaign("Spring appeal", "active")


@pytest.fixture
def failed_payments(db) -> Campaign:
    return make_campaign("Failed payments", "active")


def save(client: Client, data: dict, team: Team | None = None):
    path = f"/teams/{team.pk}/" if team else "/teams/new/"
    return client.post(path, data, follow=True)


def test_manager_creates_a_team_with_agents_and_campaigns(
    manager_client, agent, other_agent, appeal, failed_payments
):
    response = save(
        manager_client,
        {"name": "Evening team", "members": [agent.pk, other_agent.pk],
         "campaigns": [appeal.pk, failed_payments.pk]},
    )  # fmt: skip

    assert response.redirect_chain == [("/teams/", 302)]
    team = Team.objects.get()
    assert team.name == "Evening team" and team.is_active
    assert set(team.members.all()) == {agent, other_agent}
    assert set(team.campaigns.all()) == {appeal, failed_payments}
    html = response.content.decode()
    assert "Team Evening team saved." in html
    assert "Alice Agent" in html and "Spring appeal" in html
    campaign_page = manager_client.get(f"/campaigns/{appeal.pk}/").content.decode()
    assert "Evening team" in campaign_page


def test_a_team_may_start_empty_and_the_list_says_so(manager_client):
    assert "No teams yet." in manager_client.get("/teams/").content.decode()

    response = save(manager_client, {"name": "New starters"})

    html = response.content.decode()
    assert "No agents yet" in html and "No campaigns yet" in html


def test_manager_changes_a_teams_members_and_campaigns(
    manager_client, agent, other_agent, appeal, failed_payments
):
    team = actions.save_team(None, name="Day team", members=[agent], campaigns=[appeal], by=None)

    save(
        manager_client,
        {"name": "Day shift", "members": [other_agent.pk], "campaigns": [failed_payments.pk]},
        team,
    )

    team.refresh_from_db()
    assert team.name == "Day shift"
    assert list(team.members.all()) == [other_agent]
    assert list(team.campaigns.all()) == [failed_payments]


def test_two_teams_cannot_share_a_name(manager_client):
    actions.save_team(None, name="Day team", members=[], campaigns=[], by=None)

    response = save(manager_client, {"name": "day TEAM"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["A team with that name already exists."]}
    assert Team.objects.count() == 1


def test_only_active_staff_with_a_role_may_join(manager_client, agent, other_agent):
    no_role = User.objects.create_user(username="norole", first_name="No", last_name="Role")
    deactivate_user(other_agent, by=agent)

    choices = manager_client.get("/teams/new/").context["form"].fields["members"].queryset
    response = save(manager_client, {"name": "Day team", "members": [no_role.pk]})

    assert agent in choices and no_role not in choices and other_agent not in choices
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["members"]
    assert not Team.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        actions.save_team(None, name="X", members=[no_role], campaigns=[], by=None)
    assert refused.value.field == "members"
    with pytest.raises(InvalidInput, match="deactivated"):
        actions.save_team(None, name="X", members=[other_agent], campaigns=[], by=None)


def test_a_member_deactivated_since_joining_stays_when_the_team_is_saved(
    manager_client, manager, agent, other_agent
):
    team = actions.save_team(
        None, name="Day team", members=[agent, other_agent], campaigns=[], by=None
    )
    deactivate_user(other_agent, by=manager)

    form = manager_client.get(f"/teams/{team.pk}/").context["form"]
    data = {"name": "Day team", "members": [str(pk) for pk in form["members"].value()]}
    response = manager_client.post(f"/teams/{team.pk}/", data)

    assert response.status_code == 302
    assert set(team.members.all()) == {agent, other_agent}


def test_archived_campaigns_are_not_offered_but_stay_on_a_team(
    manager_client, manager, appeal, failed_payments
):
    team = actions.save_team(None, name="Day team", members=[], campaigns=[appeal], by=None)
    actions.change_campaign_status(appeal, status="archived", by=manager)
    old = make_campaign("Winter 2024", "archived")

    new_team_choices = manager_client.get("/teams/new/").context["form"].fields["campaigns"]
    own_choices = manager_client.get(f"/teams/{team.pk}/").context["form"].fields["campaigns"]
    refused = save(manager_client, {"name": "Other", "campaigns": [old.pk]})

    assert list(new_team_choices.queryset) == [failed_payments]
    assert set(own_choices.queryset) == {appeal, failed_payments}
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["campaigns"]


def test_deactivating_a_team_keeps_its_members_and_campaigns(manager_client, agent, appeal):
    team = actions.save_team(None, name="Day team", members=[agent], campaigns=[appeal], by=None)

    response = manager_client.post(f"/teams/{team.pk}/active/", {"active": "0"}, follow=True)

    assert "Team Day team is deactivated" in response.content.decode()
    team.refresh_from_db()
    assert not team.is_active
    assert list(team.members.all()) == [agent] and list(team.campaigns.all()) == [appeal]
    assert not queries.teams_for_agent(agent).exists()

    manager_client.post(f"/teams/{team.pk}/active/", {"active": "1"})

    team.refresh_from_db()
    assert team.is_active


def test_an_agent_works_on_the_active_campaigns_of_their_active_teams(agent, appeal):
    paused = make_campaign("Paused one", "paused")
    actions.save_team(None, name="Day team", members=[agent], campaigns=[appeal, paused], by=None)
    actions.save_team(None, name="Not mine", members=[], campaigns=[appeal], by=None)

    [team] = queries.teams_for_agent(agent)

    assert team.name == "Day team"
    assert team.active_campaigns == [appeal]  # type: ignore[attr-defined]


def test_team_list_takes_the_same_queries_for_2_and_10_teams(manager_client, agent, appeal):
    def add(n: int) -> None:
        for _ in range(n):
            name = f"Team {Team.objects.count()}"
            actions.save_team(None, name=name, members=[agent], campaigns=[appeal], by=None)

    def count() -> int:
        with CaptureQueriesContext(connection) as done:
            assert manager_client.get("/teams/").status_code == 200
        return len(done)

    add(2)
    two = count()
    add(8)

    assert count() == two


# Who may do what


@pytest.mark.parametrize("page", ["/teams/", "/teams/new/", "/teams/{pk}/"])
def test_agents_cannot_open_team_pages_and_managers_can(
    agent_client, manager_client, admin_client, page
):
    team = actions.save_team(None, name="Day team", members=[], campaigns=[], by=None)

    assert agent_client.get(page.format(pk=team.pk)).status_code in (403, 404)
    assert manager_client.get(page.format(pk=team.pk)).status_code == 200
    assert admin_client.get(page.format(pk=team.pk)).status_code == 200


def test_agents_cannot_change_a_team(agent_client, agent):
    team = actions.save_team(None, name="Day team", members=[], campaigns=[], by=None)

    responses = [
        agent_client.post("/teams/new/", {"name": "Mine"}),
        agent_client.post(f"/teams/{team.pk}/", {"name": "Mine", "members": [agent.pk]}),
        agent_client.post(f"/teams/{team.pk}/active/", {"active": "0"}),
    ]

    assert all(r.status_code in (403, 404) for r in responses)
    team.refresh_from_db()
    assert (team.name, team.is_active, team.members.count()) == ("Day team", True, 0)


# API


@pytest.fixture
def api(manager) -> Client:
    token = create_api_token(manager, name="CRM sync", by=None)
    return Client(headers={"Authorization": f"Bearer {token}"}, enforce_csrf_checks=True)


def test_api_creates_changes_and_deactivates_a_team(api, agent, other_agent, appeal):
    created = api.post(
        "/api/v1/teams", {"name": "Day team", "members": [agent.pk], "campaigns": [appeal.pk]},
        content_type="application/json",
    )  # fmt: skip

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["members"] == [{"id": agent.pk, "name": "Alice Agent", "role": "Agent"}]
    assert body["campaigns"] == [{"id": appeal.pk, "name": "Spring appeal", "status": "active"}]
    pk = body["id"]

    changed = api.patch(
        f"/api/v1/teams/{pk}", {"members": [agent.pk, other_agent.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert [m["id"] for m in changed.json()["members"]] == [agent.pk, other_agent.pk]
    assert [c["id"] for c in changed.json()["campaigns"]] == [appeal.pk]  # untouched

    off = api.post(f"/api/v1/teams/{pk}/status", {"is_active": False},
                   content_type="application/json")  # fmt: skip
    assert off.json()["is_active"] is False
    assert [t["name"] for t in api.get("/api/v1/teams").json()] == ["Day team"]
    assert api.get(f"/api/v1/teams/{pk}").json()["is_active"] is False


def test_api_refuses_an_unknown_member_naming_the_field(api):
    response = api.post(
        "/api/v1/teams", {"name": "Day team", "members": [9999]}, content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_input", "members")
    assert not Team.objects.exists()


def test_api_team_list_takes_the_same_queries_for_2_and_10(api, agent, appeal):
    api.get("/api/v1/me")  # the token's first use is recorded once
    for i in range(10):
        actions.save_team(None, name=f"Team {i}", members=[agent], campaigns=[appeal], by=None)
        if i == 1:
            with CaptureQueriesContext(connection) as two:
                api.get("/api/v1/teams")
    with CaptureQueriesContext(connection) as ten:
        assert len(api.get("/api/v1/teams").json()) == 10

    assert len(two) == len(ten)
