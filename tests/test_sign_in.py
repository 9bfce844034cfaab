"""Signing in and out: lockout, session rotation and limits, deny-by-default pages."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from conftest import PASSWORD
from donorcall.staff.actions import LOCKED_OUT, SIGN_IN_REFUSED, deactivate_user
from donorcall.staff.models import LoginThrottle

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def sign_in(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    url = f"/login/?next={next_url}" if next_url else "/login/"
    return client.post(url, {"username": username, "password": password})


def form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        assert sign_in(client, username, "not the password at all").status_code == 400


def test_sign_in_page_is_open_to_anonymous_visitors(client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_right_password_signs_in_and_goes_to_the_start_page(client, agent):
    response = sign_in(client, "alice.agent")

    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").context["user"] == agent


def test_sign_in_returns_to_the_page_asked_for(client, manager):
    response = sign_in(client, "maya.manager", next_url="/donors/")

    assert response.status_code == 302
    assert response.url == "/donors/"


def test_sign_in_ignores_a_next_address_on_another_site(client, manager):
    response = sign_in(client, "maya.manager", next_url="https://evil.example/")

    assert response.url == "/"


def test_sign_in_gives_a_new_session_key(client, agent):
    before = client.session.session_key  # an anonymous session, as an attacker could plant

    sign_in(client, "alice.agent")

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_sign_out_is_post_only(agent_client):
    response = agent_client.get("/logout/")

    assert response.status_code == 405
    assert agent_client.get("/").status_code == 200


def test_sign_out_ends_the_session(agent_client):
    session_key = agent_client.cookies[settings.SESSION_COOKIE_NAME].value

    response = agent_client.post("/logout/")

    assert response.status_code == 302
    assert response.url == "/login/"
    assert not Session.objects.filter(session_key=session_key).exists()
    assert agent_client.get("/").url == "/login/?next=/"


def test_wrong_password_is_refused(client, agent):
    response = sign_in(client, "alice.agent", "not the password at all")

    assert response.status_code == 400
    assert form_errors(response) == [SIGN_IN_REFUSED]
    assert client.get("/").status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_words(client, agent):
    wrong_password = sign_in(client, "alice.agent", "not the password at all")
    unknown_user = sign_in(client, "nobody.here", "not the password at all")

    assert form_errors(wrong_password) == form_errors(unknown_user) == [SIGN_IN_REFUSED]
    assert wrong_password.status_code == unknown_user.status_code == 400


def test_inactive_user_cannot_sign_in(client, agent, admin):
    deactivate_user(agent, by=admin)

    response = sign_in(client, "alice.agent")

    assert response.status_code == 400
    assert form_errors(response) == [SIGN_IN_REFUSED]
    assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_their_open_session(agent_client, agent, admin):
    deactivate_user(agent, by=admin)

    response = agent_client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_nine_failures_do_not_lock_the_account(client, agent):
    fail(client, "alice.agent", 9)

    assert sign_in(client, "alice.agent").status_code == 302


def test_success_forgets_earlier_failures(client, agent):
    fail(client, "alice.agent", 9)
    sign_in(client, "alice.agent")
    client.post("/logout/")

    fail(client, "alice.agent", 9)

    assert sign_in(client, "alice.agent").status_code == 302


def test_lockout_after_ten_failures_even_with_the_right_password(client, agent):
    fail(client, "alice.agent", 10)

    response = sign_in(client, "alice.agent")

    assert response.status_code == 400
    assert form_errors(response) == [LOCKED_OUT]
    assert client.get("/").status_code == 302


def test_lockout_lasts_thirty_minutes_then_the_right_password_works(client, agent):
    with time_machine.travel(START, tick=False) as traveller:
        fail(client, "alice.agent", 10)

        traveller.shift(timedelta(minutes=29))
        assert form_errors(sign_in(client, "alice.agent")) == [LOCKED_OUT]

        traveller.shift(timedelta(minutes=1, seconds=1))
        response = sign_in(client, "alice.agent")

    assert response.status_code == 302
    assert not LoginThrottle.objects.exists()


def test_lockout_is_per_username_not_per_browser(client, agent, manager):
    fail(client, "alice.agent", 10)

    assert sign_in(Client(), "alice.agent").status_code == 400
    assert sign_in(Client(), "maya.manager").status_code == 302


def test_lockout_ignores_the_case_of_the_username(client, agent):
    fail(client, "Alice.Agent", 10)

    assert form_errors(sign_in(client, "alice.agent")) == [LOCKED_OUT]


def test_unknown_username_is_locked_out_the_same_way(client, agent):
    fail(client, "nobody.here", 10)
    fail(client, "alice.agent", 10)

    unknown = sign_in(client, "nobody.here")
    known = sign_in(client, "alice.agent")

    assert form_errors(unknown) == form_errors(known) == [LOCKED_OUT]
    assert unknown.status_code == known.status_code


def test_session_survives_twenty_nine_idle_minutes(agent_client):
    # agent_client signed in at the real time; travel relative to it.
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=29), tick=False):
        assert agent_client.get("/").status_code == 200


def test_session_ends_after_thirty_minutes_idle(client, agent):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "alice.agent")
        traveller.shift(timedelta(minutes=30, seconds=1))

        response = client.get("/donors/")

        assert response.status_code == 302
        assert response.url == "/login/"
        assert client.get("/").url == "/login/?next=/"


def test_session_ends_after_twelve_hours_even_when_active(client, agent):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "alice.agent")
        for _ in range(35):  # a request every 20 minutes up to 11 h 40
            traveller.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200

        traveller.shift(timedelta(minutes=21))  # 12 h 01 after sign-in, 21 minutes idle
        response = client.get("/")

        assert response.status_code == 302
        assert response.url == "/login/"
        assert client.get("/").url == "/login/?next=/"


def test_ended_session_says_why_on_the_sign_in_page(client, agent):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "alice.agent")
        traveller.shift(timedelta(hours=1))

        response = client.get("/", follow=True)

    assert "Your session ended" in response.content.decode()


def test_ended_session_tells_htmx_to_go_to_the_sign_in_page(client, agent):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "alice.agent")
        traveller.shift(timedelta(hours=1))

        response = client.post("/donors/", {"q": "x"}, headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/donors/",
        "/donors/new/",
        "/donors/1/",
        "/donors/1/edit/",
        "/settings/staff/",
        "/settings/staff/new/",
        "/settings/staff/1/",
        "/settings/job-roles/new/",
        "/settings/job-roles/1/",
    ],
)
def test_anonymous_visitor_is_sent_to_sign_in_for_every_page(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/login/?next={path}"


@pytest.mark.parametrize(
    "path", ["/donors/", "/donors/1/phone-numbers/", "/settings/staff/1/active/", "/logout/"]
)
def test_anonymous_post_is_sent_to_sign_in_and_changes_nothing(client, db, path):
    response = client.post(path, {"q": "smith", "number": "07700 900123", "active": "0"})

    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")
