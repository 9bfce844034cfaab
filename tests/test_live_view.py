"""Live: the managers' view of the floor. Figures checked against a known floor, threshold
colours, manager actions and their log, permissions, and the query counts that make one
snapshot per second serve every manager."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import client_for, make_user
from donorcall.callcenter.actions import shifts
from donorcall.callcenter.models import Break, Call, SignOutReason, Status
from donorcall.campaigns.models import QueueEntry, QueueState
from donorcall.staff.models import Role
from donorcall.supervision import live, views
from donorcall.supervision.models import LiveThresholds, SupervisorAction
from tests.callcenter_world import HTMX, NOON, ready, signed_in, status_of, toast
from tests.queue_world import donor_on


@pytest.fixture(autouse=True)
def noon():
    """A stopped clock at noon, and no snapshot left over from another test in this process."""
    cache.clear()
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller
    cache.clear()


def call(agent, campaign, donor, *, minutes_ago: float, lasting: float | None):
    started = NOON - timedelta(minutes=minutes_ago)
    ended = started + timedelta(minutes=lasting) if lasting is not None else None
    return Call.objects.create(agent=agent, campaign=campaign, donor=donor, started_at=started,
                               ended_at=ended)  # fmt: skip


@pytest.fixture
def known_floor(agent, other_agent, agent_client, other_agent_client, job_role, team, campaign,
                reasons):  # fmt: skip
    """Alice: two calls today (3 and 5 minutes), one yesterday, a 10-minute break today, now
    previewing a donor. Oscar: on a break for 4 minutes. The queue: 3 due now (one on Alice's
    screen), one due tomorrow."""
    donors = [donor_on(campaign, due_at=NOON - timedelta(hours=h)) for h in (3, 2, 1)]
    donor_on(campaign, due_at=NOON + timedelta(days=1))
    call(agent, campaign, donors[2], minutes_ago=20, lasting=3)
    call(agent, campaign, donors[2], minutes_ago=10, lasting=5)
    call(agent, campaign, donors[2], minutes_ago=24 * 60, lasting=7)
    signed_in(agent_client, job_role)
    signed_in(other_agent_client, job_role)
    shift = shifts.open_shift(agent)
    lunch = NOON - timedelta(hours=2)
    Break.objects.create(shift=shift, agent=agent, reason=reasons[1], started_at=lunch,
                         ended_at=lunch + timedelta(minutes=10))  # fmt: skip
    ready(agent_client, team, campaign)
    shifts.take_break(other_agent, reason=reasons[1])
    return donors


def line_of(snapshot, user):
    return next(a for a in snapshot["agents"] if a["id"] == user.pk)


def test_the_snapshot_of_a_known_floor(known_floor, noon, agent, other_agent, campaign):
    noon.shift(timedelta(minutes=4))
    snapshot = live.as_of(live.build_snapshot())
    alice, oscar = line_of(snapshot, agent), line_of(snapshot, other_agent)
    assert alice["status"] == Status.PREVIEW and alice["job_role"] == "Agent"
    assert alice["donor"]["id"] == known_floor[0].pk  # the earliest due
    assert (alice["team"], alice["campaigns"]) == ("Outbound", ["Failed payments"])
    assert (alice["calls_today"], alice["talk_seconds_now"]) == (2, 8 * 60)
    assert (alice["breaks_today"], alice["break_seconds_now"]) == (1, 10 * 60)
    assert alice["seconds_in_status"] == 4 * 60
    assert oscar["status"] == Status.ON_BREAK and oscar["break_reason"] == "Lunch"
    assert (oscar["breaks_today"], oscar["break_seconds_now"]) == (1, 4 * 60)
    [line] = snapshot["campaigns"]
    assert (line["remaining"], line["due_now"]) == (4, 2)
    assert (line["agents_ready"], line["agents_on_call"]) == (0, 0)
    # 2 calls in the last half hour (4 minutes later: 24 and 14 minutes ago) = 4 an hour, so
    # the 2 due now last half an hour: within the 30-minute warning.
    assert (line["calls_last_30"], line["calls_per_hour"]) == (2, 4)
    assert line["runs_out_at"] == NOON + timedelta(minutes=4 + 30)
    assert line["warning"] == "soon"


def test_the_forecast_without_calls_or_without_data(db):
    thresholds = LiveThresholds.current()
    assert live.forecast(10, (0, 0), NOON, thresholds)["runs_out_at"] is None
    assert live.forecast(0, (3, 5), NOON, thresholds)["warning"] == "out_of_data"
    far = live.forecast(100, (0, 5), NOON, thresholds)  # only the last hour: 5 an hour
    assert (far["runs_out_at"], far["warning"]) == (NOON + timedelta(hours=20), "")


def test_the_page_shows_the_floor_and_the_forecast(known_floor, manager_client, agent):
    page = manager_client.get("/live/").content.decode()
    assert "Alice Agent" in page and "Preview" in page and "On break" in page
    assert f"/donors/{known_floor[0].pk}/" in page
    assert "at the current pace, data runs out around 12:30" in page.lower()
    fragment = manager_client.get("/live/floor/", headers=HTMX).content.decode()
    assert fragment.strip().startswith('<div id="floor"') and "<html" not in fragment


def test_a_long_break_turns_the_row_amber(known_floor, noon, manager_client, other_agent):
    LiveThresholds.current()
    LiveThresholds.objects.filter(pk=1).update(long_break_minutes=5)
    assert not line_of(live.as_of(live.build_snapshot()), other_agent)["long"]
    noon.shift(timedelta(minutes=6))
    assert line_of(live.as_of(live.build_snapshot()), other_agent)["long"]
    page = manager_client.get("/live/floor/").content.decode()
    assert f'id="agent-{other_agent.pk}" data-status="on_break" class="long"' in page


def test_thresholds_are_set_on_the_page(manager_client, manager):
    fields = {"long_call_minutes": 12, "long_break_minutes": 25, "long_wrap_up_minutes": 4,
              "out_of_data_warning_minutes": 45}  # fmt: skip
    assert manager_client.post("/live/thresholds/", fields).status_code == 302
    row = LiveThresholds.current()
    assert (row.long_call_minutes, row.updated_by) == (12, manager)
    assert live.shared_snapshot()["thresholds"]["out_of_data_warning_minutes"] == 45
    bad = manager_client.post("/live/thresholds/", fields | {"long_call_minutes": 0})
    assert bad.status_code == 400 and "Between 1 and 600 minutes." in bad.content.decode()


# --- Manager actions ---------------------------------------------------------------------------


def test_a_manager_sends_an_agent_to_break(known_floor, manager_client, manager, agent, reasons):
    response = manager_client.post(f"/live/agents/{agent.pk}/break/",
                                   {"break_reason": reasons[1].pk}, headers=HTMX)  # fmt: skip
    assert toast(response) == {"message": "Alice Agent: sent to break.", "level": "success"}
    row = status_of(agent)
    assert row.status == Status.ON_BREAK and "A manager sent you on a break" in row.notice
    # The donor previewed went back to the queue.
    assert QueueEntry.objects.get(donor=known_floor[0]).state == QueueState.OPEN
    logged = SupervisorAction.objects.get()
    assert (logged.manager, logged.agent, logged.what, logged.detail) == (
        manager,
        agent,
        "break",
        "Lunch",
    )
    assert "Maya Manager: sent to break — Alice Agent (Lunch)" in response.content.decode()


def test_signing_out_an_agent_on_a_call_is_refused(known_floor, manager_client, agent,
                                                   agent_client):  # fmt: skip
    agent_client.post("/call-center/call/", headers=HTMX)
    response = manager_client.post(f"/live/agents/{agent.pk}/sign-out/", headers=HTMX)
    assert toast(response)["message"] == (
        "Alice Agent is on a call: they can be signed out once its outcome is saved."
    )
    assert status_of(agent).status == Status.ON_CALL
    assert not SupervisorAction.objects.exists()


def test_a_manager_signs_an_agent_out(known_floor, manager_client, manager, other_agent):
    response = manager_client.post(f"/live/agents/{other_agent.pk}/sign-out/")
    assert response.status_code == 302
    shift = other_agent.shifts.get()
    assert (shift.signed_out_by, shift.sign_out_reason) == (manager, SignOutReason.MANAGER)
    assert shift.breaks.get().ended_at == NOON
    assert SupervisorAction.objects.get().what == "sign_out"
    # Off the floor now: nothing more to do to them.
    assert manager_client.post(f"/live/agents/{other_agent.pk}/sign-out/").status_code == 404


def test_the_shared_floor_carries_each_managers_own_csrf_token(known_floor, manager, other_agent):
    """The fragment is rendered once for every manager, yet its forms work without htmx: each
    viewer's page gets their own token, and a post with it passes Django's CSRF check."""
    import re

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    floor = strict.get("/live/floor/").content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', floor))
    assert tokens and views.CSRF_MARK not in floor
    refused = strict.post(f"/live/agents/{other_agent.pk}/sign-out/")
    assert refused.status_code == 403
    signed_out = strict.post(
        f"/live/agents/{other_agent.pk}/sign-out/", {"csrfmiddlewaretoken": tokens.pop()}
    )
    assert signed_out.status_code == 302
    assert other_agent.shifts.get().signed_out_by == manager


def test_a_manager_releases_a_previewed_donor(known_floor, manager_client, agent):
    entry = QueueEntry.objects.get(donor=known_floor[0])
    response = manager_client.post(f"/live/agents/{agent.pk}/release/", headers=HTMX)
    assert toast(response)["message"] == "Alice Agent: donor released."
    entry.refresh_from_db()
    assert (entry.state, entry.lease_holder) == (QueueState.OPEN, None)
    row = status_of(agent)
    assert (row.status, row.donor, row.lease_token) == (Status.NOT_READY, None, None)
    assert SupervisorAction.objects.get().detail == f"queue row {entry.pk}"
    again = manager_client.post(f"/live/agents/{agent.pk}/release/", headers=HTMX)
    assert toast(again)["message"] == "Alice Agent has no donor in Preview."


def test_the_api_gives_the_snapshot_and_takes_actions(known_floor, manager_client, other_agent):
    body = manager_client.get("/api/v1/supervision/live").json()
    assert {a["name"] for a in body["agents"]} == {"Alice Agent", "Oscar Other"}
    assert body["campaigns"][0]["due_now"] == 2
    done = manager_client.post(f"/api/v1/supervision/agents/{other_agent.pk}/sign-out",
                               content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["what"] == "sign_out"


# --- Permissions -------------------------------------------------------------------------------


def test_agents_may_not_watch_or_act(known_floor, agent_client, other_agent):
    assert agent_client.get("/live/").status_code == 403
    assert agent_client.get("/live/floor/").status_code == 403
    assert agent_client.post(f"/live/agents/{other_agent.pk}/sign-out/").status_code == 403
    assert agent_client.post("/live/thresholds/", {}).status_code == 403
    assert agent_client.get("/api/v1/supervision/live").status_code == 403
    assert status_of(other_agent).status == Status.ON_BREAK


def test_managers_and_admins_see_live_in_the_menu(manager_client, admin_client, agent_client):
    for client in (manager_client, admin_client):
        assert 'href="/live/"' in client.get("/").content.decode()
    assert 'href="/live/"' not in agent_client.get("/").content.decode()


def test_acting_on_someone_not_on_the_floor_is_404(manager_client, manager):
    assert manager_client.post(f"/live/agents/{manager.pk}/sign-out/").status_code == 404
    assert manager_client.post("/live/agents/999999/break/").status_code == 404


# --- Query counts --------------------------------------------------------------------------------


def floor_of(size: int, job_role, team, campaign, reasons, first: int = 0) -> None:
    """``size`` agents signed in; every third on a break, every third with a finished call."""
    for n in range(first, first + size):
        user = make_user(f"agent{n}", Role.AGENT, first_name="Agent", last_name=str(n))
        job_role.members.add(user)
        team.members.add(user)
        shifts.sign_in(user, job_role=job_role, times=shifts.ShiftTimes(ends_at=NOON.time()))
        if n % 3 == 0:
            shifts.take_break(user, reason=reasons[1])
        if n % 3 == 1:
            donor = donor_on(campaign)
            call(user, campaign, donor, minutes_ago=5, lasting=2)


def snapshot_queries(size: int, job_role, team, campaign, reasons, first: int = 0) -> int:
    floor_of(size, job_role, team, campaign, reasons, first)
    with CaptureQueriesContext(connection) as queries:
        snapshot = live.build_snapshot()
    assert len(snapshot["agents"]) >= size
    return len(queries)


def test_the_snapshot_takes_as_many_queries_for_50_agents_as_for_5(job_role, team, campaign,
                                                                   reasons):  # fmt: skip
    LiveThresholds.current()  # the organisation's row exists once set up
    five = snapshot_queries(5, job_role, team, campaign, reasons)
    fifty = snapshot_queries(45, job_role, team, campaign, reasons, first=5)  # 5 + 45 on the floor
    assert five == fifty == 11


def test_twenty_managers_in_one_second_share_one_snapshot(known_floor, manager):
    """The first request builds the snapshot; the other 19 run only their own sign-in checks
    (session, user, permissions), as many as a request with the cache already warm."""
    managers = [client_for(manager) for _ in range(20)]
    LiveThresholds.current()
    with CaptureQueriesContext(connection) as building:
        live.build_snapshot()
    managers[0].get("/live/floor/", headers=HTMX)
    with CaptureQueriesContext(connection) as warm:
        managers[0].get("/live/floor/", headers=HTMX)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        for client in managers:
            assert client.get("/live/floor/", headers=HTMX).status_code == 200
    assert len(building) == 11
    assert len(queries) == len(building) + 20 * len(warm)
    on_statuses = [q for q in queries if 'FROM "callcenter_agentstatus"' in q["sql"]]
    assert len(on_statuses) == 1
