"""Personas and shared fixtures for every test.

Personas: an agent, an agent of another team, a manager, an administrator. Each is a real
user with a real role group, created through the same action the Settings page uses.
"""

import pytest
from django.test import Client

from donorcall.staff.actions import create_user
from donorcall.staff.models import Role, User

PASSWORD = "correct horse battery staple"
# Fixtures shared by the Call Center's test modules (a job role, a campaign, a team…).
pytest_plugins = ["tests.callcenter_world"]


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked `postgres` prove concurrency; on SQLite select_for_update does nothing, so
    they would pass for the wrong reason. They run in the PostgreSQL leg only."""
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (runs in the postgres leg)")


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests render pages without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: Role, **names: str) -> User:
    return create_user(username=username, password=PASSWORD, role=role, by=None, **names)


@pytest.fixture
def agent(db) -> User:
    return make_user("alice.agent", Role.AGENT, first_name="Alice", last_name="Agent")


@pytest.fixture
def other_agent(db) -> User:
    """An agent on another team (teams arrive with the dialler)."""
    return make_user("oscar.other", Role.AGENT, first_name="Oscar", last_name="Other")


@pytest.fixture
def manager(db) -> User:
    return make_user("maya.manager", Role.MANAGER, first_name="Maya", last_name="Manager")


@pytest.fixture
def admin(db) -> User:
    return make_user("adam.admin", Role.ADMINISTRATOR, first_name="Adam", last_name="Admin")


def client_for(user: User) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "persona could not sign in"
    return client


@pytest.fixture
def agent_client(agent) -> Client:
    return client_for(agent)


@pytest.fixture
def other_agent_client(other_agent) -> Client:
    return client_for(other_agent)


@pytest.fixture
def manager_client(manager) -> Client:
    return client_for(manager)


@pytest.fixture
def admin_client(admin) -> Client:
    return client_for(admin)
