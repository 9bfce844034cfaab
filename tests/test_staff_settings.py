"""Settings › Staff and Job roles, as an administrator uses them."""

import pytest
from django.test import Client

from conftest import PASSWORD
from donorcall.staff.models import JobRole, Role, User

NEW_PASSWORD = "a perfectly long passphrase"


def new_user_data(**changes: str) -> dict[str, str]:
    return {
        "username": "nina.new",
        "first_name": "Nina",
        "last_name": "New",
        "email": "nina@example.org",
        "role": "Agent",
        "password": NEW_PASSWORD,
    } | changes


def can_sign_in(username: str, password: str = PASSWORD) -> bool:
    response = Client().post("/login/", {"username": username, "password": password})
    return response.status_code == 302


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_staff_list_shows_everyone_with_their_role(admin_client, agent, manager):
    response = admin_client.get("/settings/staff/")

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Alice Agent", "Maya Manager", "Adam Admin"):
        assert name in html
    assert "Administrator" in html


def test_admin_creates_a_user_who_can_then_sign_in(admin_client):
    response = admin_client.post("/settings/staff/new/", new_user_data())

    assert response.status_code == 302
    assert response.url == "/settings/staff/"
    user = User.objects.get(username="nina.new")
    assert (user.first_name, user.last_name, user.email) == ("Nina", "New", "nina@example.org")
    assert user.role == Role.AGENT
    assert can_sign_in("nina.new", NEW_PASSWORD)


def test_new_user_page_renders_the_form(admin_client):
    response = admin_client.get("/settings/staff/new/")

    assert response.status_code == 200
    for field in ("username", "first_name", "last_name", "role", "password"):
        assert f'name="{field}"' in response.content.decode()


@pytest.mark.parametrize("password", ["short pass", "elevenchars"])
def test_password_shorter_than_twelve_characters_is_refused(admin_client, password):
    response = admin_client.post("/settings/staff/new/", new_user_data(password=password))

    assert response.status_code in (200, 400)
    errors = field_errors(response, "password")
    assert errors
    assert "12 characters" in " ".join(errors)
    assert not User.objects.filter(username="nina.new").exists()


def test_common_password_is_refused(admin_client):
    response = admin_client.post("/settings/staff/new/", new_user_data(password="password1234"))

    assert field_errors(response, "password")
    assert not User.objects.filter(username="nina.new").exists()


def test_taken_username_is_refused_whatever_its_case(admin_client, agent):
    response = admin_client.post("/settings/staff/new/", new_user_data(username="Alice.Agent"))

    assert field_errors(response, "username") == ["That username is taken."]
    assert User.objects.filter(username__iexact="alice.agent").count() == 1


def test_admin_changes_a_users_role(admin_client, agent):
    data = {"first_name": "Alice", "last_name": "Agent", "email": "", "role": "Manager"}

    response = admin_client.post(f"/settings/staff/{agent.pk}/", data)

    assert response.status_code == 302
    agent = User.objects.get(pk=agent.pk)
    assert agent.role == Role.MANAGER
    assert [group.name for group in agent.groups.all()] == ["Manager"]
    assert agent.has_perm("donors.view_donor")


def test_admin_cannot_take_away_their_own_administrator_role(admin_client, admin):
    data = {"first_name": "Adam", "last_name": "Admin", "email": "", "role": "Agent"}

    response = admin_client.post(f"/settings/staff/{admin.pk}/", data)

    assert response.status_code in (200, 400)
    assert field_errors(response, "role")
    assert User.objects.get(pk=admin.pk).role == Role.ADMINISTRATOR


def test_admin_sets_a_new_password(admin_client, agent):
    response = admin_client.post(
        f"/settings/staff/{agent.pk}/password/", {"password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert can_sign_in("alice.agent", NEW_PASSWORD)
    assert not can_sign_in("alice.agent", PASSWORD)


def test_short_new_password_is_refused(admin_client, agent):
    response = admin_client.post(f"/settings/staff/{agent.pk}/password/", {"password": "short"})

    assert response.status_code == 400
    assert response.context["password_form"].errors["password"]
    assert can_sign_in("alice.agent")


def test_deactivated_user_can_no_longer_sign_in(admin_client, agent):
    response = admin_client.post(f"/settings/staff/{agent.pk}/active/", {"active": "0"})

    assert response.status_code == 302
    assert not User.objects.get(pk=agent.pk).is_active
    assert not can_sign_in("alice.agent")


def test_admin_cannot_deactivate_themselves(admin_client, admin):
    response = admin_client.post(
        f"/settings/staff/{admin.pk}/active/", {"active": "0"}, follow=True
    )

    assert User.objects.get(pk=admin.pk).is_active
    assert "You cannot deactivate yourself." in response.content.decode()
    assert admin_client.get("/settings/staff/").status_code == 200


def test_reactivated_user_can_sign_in_again(admin_client, agent):
    admin_client.post(f"/settings/staff/{agent.pk}/active/", {"active": "0"})

    response = admin_client.post(f"/settings/staff/{agent.pk}/active/", {"active": "1"})

    assert response.status_code == 302
    assert User.objects.get(pk=agent.pk).is_active
    assert can_sign_in("alice.agent")


def test_reactivating_a_locked_out_user_unlocks_them(admin_client, agent):
    for _ in range(10):
        Client().post("/login/", {"username": "alice.agent", "password": "wrong wrong wrong"})
    assert not can_sign_in("alice.agent")

    admin_client.post(f"/settings/staff/{agent.pk}/active/", {"active": "1"})

    assert can_sign_in("alice.agent")


def test_editing_an_unknown_user_is_not_found(admin_client):
    assert admin_client.get("/settings/staff/999999/").status_code == 404


def job_role_data(**changes) -> dict:
    return {
        "name": "Outbound fundraiser",
        "makes_outbound_calls": "on",
        "is_active": "on",
    } | changes


def test_admin_creates_a_job_role_with_members(admin_client, agent, other_agent):
    data = job_role_data(takes_inbound_calls="on", members=[agent.pk, other_agent.pk])

    response = admin_client.post("/settings/job-roles/new/", data)

    assert response.status_code == 302
    job_role = JobRole.objects.get()
    assert job_role.name == "Outbound fundraiser"
    assert job_role.makes_outbound_calls
    assert job_role.takes_inbound_calls
    assert job_role.is_active
    assert set(job_role.members.all()) == {agent, other_agent}
    assert "Outbound fundraiser" in admin_client.get("/settings/staff/").content.decode()


def test_inbound_only_job_role_is_allowed(admin_client):
    data = {"name": "Inbound line", "takes_inbound_calls": "on", "is_active": "on"}

    admin_client.post("/settings/job-roles/new/", data)

    job_role = JobRole.objects.get()
    assert (job_role.makes_outbound_calls, job_role.takes_inbound_calls) == (False, True)
    assert list(job_role.members.all()) == []


def test_job_role_that_neither_makes_nor_takes_calls_is_refused(admin_client):
    response = admin_client.post("/settings/job-roles/new/", {"name": "Idle", "is_active": "on"})

    assert response.status_code in (200, 400)
    form = response.context["form"]
    assert "makes outbound calls, takes inbound calls, or both" in str(form.errors)
    assert "makes outbound calls, takes inbound calls, or both" in response.content.decode()
    assert not JobRole.objects.exists()


def test_job_role_with_a_name_already_used_is_refused(admin_client):
    admin_client.post("/settings/job-roles/new/", job_role_data())

    response = admin_client.post(
        "/settings/job-roles/new/", job_role_data(name="outbound FUNDRAISER")
    )

    assert field_errors(response, "name") == ["A job role with that name already exists."]
    assert JobRole.objects.count() == 1


def test_admin_edits_a_job_role(admin_client, agent):
    admin_client.post("/settings/job-roles/new/", job_role_data(members=[agent.pk]))
    job_role = JobRole.objects.get()

    response = admin_client.post(
        f"/settings/job-roles/{job_role.pk}/",
        {"name": "Renamed", "takes_inbound_calls": "on"},
    )

    assert response.status_code == 302
    job_role.refresh_from_db()
    assert job_role.name == "Renamed"
    assert (job_role.makes_outbound_calls, job_role.takes_inbound_calls) == (False, True)
    assert not job_role.is_active
    assert list(job_role.members.all()) == []


def test_keeping_a_job_roles_own_name_is_not_a_clash(admin_client):
    admin_client.post("/settings/job-roles/new/", job_role_data())
    job_role = JobRole.objects.get()

    response = admin_client.post(f"/settings/job-roles/{job_role.pk}/", job_role_data())

    assert response.status_code == 302


def test_job_role_members_are_shown_on_the_agents_start_page(admin_client, agent_client, agent):
    admin_client.post("/settings/job-roles/new/", job_role_data(members=[agent.pk]))

    assert "Outbound fundraiser" in agent_client.get("/").content.decode()
