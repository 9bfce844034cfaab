"""Who may open what: the role matrix, the menu, and the role groups' permissions."""

import pytest
from django.contrib.auth.models import Group

from conftest import PASSWORD
from donorcall.staff.actions import save_job_role
from donorcall.staff.models import Role
from donorcall.staff.roles import PERMISSIONS_BY_ROLE, permission, sync_roles
from tests.factories import DonorFactory

SETTINGS_PAGES = [
    "/settings/staff/",
    "/settings/staff/new/",
    "/settings/staff/{user}/",
    "/settings/job-roles/new/",
    "/settings/job-roles/{job_role}/",
]
DONOR_PAGES = ["/donors/", "/donors/new/", "/donors/{donor}/", "/donors/{donor}/edit/"]

CLIENTS = {"agent": "agent_client", "manager": "manager_client", "admin": "admin_client"}
MAY_OPEN = {
    "agent": set(),
    "manager": set(DONOR_PAGES),
    "admin": set(DONOR_PAGES) | set(SETTINGS_PAGES),
}


@pytest.fixture
def objects(agent) -> dict[str, int]:
    job_role = save_job_role(
        None,
        name="Outbound",
        makes_outbound_calls=True,
        takes_inbound_calls=False,
        members=[agent],
        by=None,
    )
    return {"user": agent.pk, "job_role": job_role.pk, "donor": DonorFactory().pk}


@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
@pytest.mark.parametrize("page", SETTINGS_PAGES + DONOR_PAGES)
def test_role_opens_only_its_pages(request, objects, role, page):
    client = request.getfixturevalue(CLIENTS[role])

    response = client.get(page.format(**objects))

    if page in MAY_OPEN[role]:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("/settings/staff/new/", {"username": "eve", "password": "a long enough password"}),
        ("/settings/staff/{user}/", {"first_name": "Eve", "last_name": "X", "role": "Manager"}),
        ("/settings/staff/{user}/active/", {"active": "0"}),
        ("/settings/staff/{user}/password/", {"password": "another long password"}),
        ("/settings/job-roles/new/", {"name": "Sneaky", "makes_outbound_calls": "on"}),
        ("/donors/", {"q": "smith"}),
        ("/donors/new/", {"last_name": "Smith", "status": "active"}),
        ("/donors/{donor}/edit/", {"last_name": "Changed", "status": "active"}),
        ("/donors/{donor}/phone-numbers/", {"number": "07700 900123"}),
    ],
)
def test_agent_cannot_change_anything_outside_the_call_center(
    agent_client, agent, objects, page, data
):
    response = agent_client.post(page.format(**objects), data)

    assert response.status_code in (403, 404)
    agent.refresh_from_db()
    assert agent.is_active
    assert agent.role == Role.AGENT
    assert agent.check_password(PASSWORD)


def test_manager_cannot_change_staff(manager_client, agent):
    response = manager_client.post(f"/settings/staff/{agent.pk}/active/", {"active": "0"})

    assert response.status_code == 403
    agent.refresh_from_db()
    assert agent.is_active


def nav_labels(response) -> list[str]:
    return [section.label for section in response.context["nav_sections"]]


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (
            "agent",
            ["Call Center"],
            [
                "Appointments",
                "Outbox",
                "Donors",
                "Campaigns",
                "Teams",
                "Live",
                "Calls",
                "Reports",
                "Settings",
            ],
        ),
        (
            "manager",
            [
                "Call Center",
                "Appointments",
                "Outbox",
                "Donors",
                "Campaigns",
                "Teams",
                "Live",
                "Calls",
                "Reports",
            ],
            ["Settings"],
        ),
        (
            "admin",
            [
                "Call Center",
                "Appointments",
                "Outbox",
                "Donors",
                "Campaigns",
                "Teams",
                "Live",
                "Calls",
                "Reports",
                "Settings",
            ],
            [],
        ),
    ],
)
def test_menu_shows_only_the_sections_a_role_may_use(request, role, shown, hidden):
    client = request.getfixturevalue(CLIENTS[role])

    response = client.get("/")

    html = response.content.decode()
    assert nav_labels(response) == shown
    links = {
        "Call Center": 'href="/call-center/"',
        "Appointments": 'href="/appointments/"',
        "Outbox": 'href="/outbox/"',
        "Donors": 'href="/donors/"',
        "Campaigns": 'href="/campaigns/"',
        "Teams": 'href="/teams/"',
        "Live": 'href="/live/"',
        "Calls": 'href="/calls/"',
        "Reports": 'href="/reports/"',
        "Settings": 'href="/settings/staff/"',
    }
    for label in shown:
        assert links[label] in html
        assert f">{label}</a>" in html
    for label in hidden:
        assert links[label] not in html
        assert f">{label}<" not in html


@pytest.mark.parametrize("role", list(Role))
def test_role_group_holds_exactly_the_permissions_in_the_table(db, role):
    group = Group.objects.get(name=role.value)

    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert held == PERMISSIONS_BY_ROLE[role]


def test_extra_permission_given_by_hand_is_taken_away_by_the_next_sync(db):
    group = Group.objects.get(name=Role.AGENT.value)
    group.permissions.add(permission("donors.delete_donor"))

    sync_roles()

    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert held == PERMISSIONS_BY_ROLE[Role.AGENT]


@pytest.mark.parametrize(
    ("persona", "role"),
    [("agent", Role.AGENT), ("manager", Role.MANAGER), ("admin", Role.ADMINISTRATOR)],
)
def test_personas_have_only_their_roles_permissions(request, persona, role):
    user = request.getfixturevalue(persona)

    assert user.role == role
    assert user.get_all_permissions() == PERMISSIONS_BY_ROLE[role]
    assert not user.is_superuser
    assert not user.is_staff


def test_nobody_may_delete_a_donor(db):
    for codenames in PERMISSIONS_BY_ROLE.values():
        assert "donors.delete_donor" not in codenames


def test_the_organisation_name_is_shown_beside_the_brand(manager_client, settings):
    settings.DONORCALL_ORGANISATION_NAME = "Brightwater Trust"
    assert "<small>Brightwater Trust</small>" in manager_client.get("/").content.decode()
