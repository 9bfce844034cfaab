"""Inbound calls: from a phone system's signed webhook, and by hand. The longest-idle Ready
inbound agent of the line's team gets the call, with the donor the number matches; nobody free,
the call waits and goes to the next agent who becomes Ready."""

import json
from datetime import time, timedelta

import pytest
import time_machine
from django.test import Client

from donorcall.callcenter.actions import console, inbound, shifts, silence
from donorcall.callcenter.models import Call, InboundCall, InboundStatus, Status
from donorcall.donors.models import Channel, ConsentState, Donor
from donorcall.giving.gateways.signatures import HEADER, sign
from donorcall.staff.models import JobRole
from donorcall.telephony.models import PhoneLine
from tests.callcenter_world import NOON, htmx, status_of, toast
from tests.factories import DonorFactory, PhoneNumberFactory

SECRET = "phone-system-secret"
LINE = "+442079460000"
WEBHOOK = "/api/v1/telephony/inbound"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def telephony_secret(settings):
    settings.DONORCALL_TELEPHONY_SECRET = SECRET


@pytest.fixture
def inbound_role(agent, other_agent) -> JobRole:
    role = JobRole.objects.create(
        name="Inbound caller", makes_outbound_calls=False, takes_inbound_calls=True
    )
    role.members.add(agent, other_agent)
    return role


@pytest.fixture
def line(team) -> PhoneLine:
    return PhoneLine.objects.create(number=LINE, name="Supporter care", team=team)


def ready_for_inbound(user, role, clock, *, minutes_ago: int = 0) -> None:
    shifts.sign_in(user, job_role=role, times=shifts.ShiftTimes(time(17, 0)))
    clock.shift(timedelta(minutes=-minutes_ago))
    inbound.ready_for_inbound(user)
    clock.shift(timedelta(minutes=minutes_ago))


def post_event(body: dict, *, secret: str = SECRET, signature: str | None = None):
    raw = json.dumps(body).encode()
    header = signature if signature is not None else sign(raw, secret=secret, at=NOON)
    return Client().post(WEBHOOK, raw, content_type="application/json", headers={HEADER: header})


def ringing(call_id: str = "pbx-1", caller: str = "07700 900123") -> dict:
    return {"event": "ringing", "call_id": call_id, "caller": caller, "called": LINE}


def test_a_signed_ring_pops_the_matched_donor_on_the_longest_idle_agents_screen(
    agent, other_agent, inbound_role, line, clock
):
    donor = DonorFactory()
    PhoneNumberFactory(donor=donor, number="+447700900123")
    ready_for_inbound(other_agent, inbound_role, clock)
    ready_for_inbound(agent, inbound_role, clock, minutes_ago=10)  # idle the longest

    response = post_event(ringing())
    assert response.status_code == 200, response.content
    assert response.json() | {"message": ""} == {
        "call_id": "pbx-1", "status": "taken", "queued": False, "agent_id": agent.pk,
        "message": "",
    }  # fmt: skip
    row = status_of(agent)
    assert (row.status, row.donor, row.call.direction) == (Status.ON_CALL, donor, "inbound")
    assert status_of(other_agent).status == Status.READY


def test_a_bad_signature_is_403_and_changes_nothing(agent, inbound_role, line, clock):
    ready_for_inbound(agent, inbound_role, clock)
    refused = post_event(ringing(), secret="not-the-secret")
    assert refused.status_code == 403 and refused.json()["code"] == "bad_signature"
    missing = post_event(ringing(), signature="")
    assert missing.status_code == 403
    assert not InboundCall.objects.exists()
    assert status_of(agent).status == Status.READY


def test_a_replayed_request_is_refused(agent, inbound_role, line, clock):
    raw = json.dumps(ringing()).encode()
    header = sign(raw, secret=SECRET, at=NOON)
    first = Client().post(WEBHOOK, raw, content_type="application/json", headers={HEADER: header})
    again = Client().post(WEBHOOK, raw, content_type="application/json", headers={HEADER: header})
    assert first.status_code == 200
    assert (again.status_code, again.json()["code"]) == (409, "replayed")
    assert InboundCall.objects.count() == 1


def test_an_old_signature_is_refused(line):
    raw = json.dumps(ringing()).encode()
    header = sign(raw, secret=SECRET, at=NOON - timedelta(minutes=6))
    old = Client().post(WEBHOOK, raw, content_type="application/json", headers={HEADER: header})
    assert old.status_code == 403 and not InboundCall.objects.exists()


def test_nobody_free_the_call_waits_and_the_next_ready_agent_takes_it(
    agent, inbound_role, line, clock
):
    response = post_event(ringing())
    assert response.json()["queued"] is True and response.json()["status"] == "waiting"
    shifts.sign_in(agent, job_role=inbound_role, times=shifts.ShiftTimes(time(17, 0)))
    step = inbound.ready_for_inbound(agent)
    assert step.message == "Incoming call."
    assert InboundCall.objects.get().offered_to == agent
    assert status_of(agent).status == Status.ON_CALL


def test_an_unknown_number_opens_the_new_donor_form_with_the_number(
    agent, agent_client, inbound_role, line, clock
):
    ready_for_inbound(agent, inbound_role, clock)
    post_event(ringing(caller="+447700900777"))
    page = agent_client.get("/call-center/")
    assert b"No donor has this number" in page.content
    assert b'value="07700 900777" readonly' in page.content
    added = htmx(agent_client, "new-caller", {"first_name": "Grace", "last_name": "Hopper"})
    assert toast(added)["message"] == "Grace Hopper added, with the caller's number."
    donor = Donor.objects.get(last_name="Hopper")
    assert donor.phone_numbers.get().number == "+447700900777"
    assert status_of(agent).call.donor == donor


def test_an_inbound_call_by_hand_search_choose_and_end(
    agent, agent_client, inbound_role, team, clock
):
    ada = DonorFactory(first_name="Ada", last_name="Lovelace", reference="D777")
    shifts.sign_in(agent, job_role=inbound_role, times=shifts.ShiftTimes(time(17, 0)))
    taken = htmx(agent_client, "incoming", {"caller": "020 7946 0999"})
    assert toast(taken)["message"] == "Incoming call from 020 7946 0999."
    found = agent_client.post("/call-center/caller-search/", {"q": "ada love"},
                              headers={"HX-Request": "true"})  # fmt: skip
    assert b"D777" in found.content
    htmx(agent_client, "caller-is", {"donor": ada.pk})
    assert status_of(agent).donor == ada
    saved = htmx(agent_client, "outcome", {"reason": "do_not_call"})
    assert toast(saved)["message"].startswith("Do not call: phone consent for calls withdrawn")
    call = Call.objects.get()
    assert (call.direction, call.review, call.ended_reason) == ("inbound", "", "do_not_call")
    withdrawn = ConsentState.objects.filter(donor=ada, channel=Channel.PHONE, status="withdrawn")
    assert set(withdrawn.values_list("purpose__code", flat=True)) == {"fundraising", "marketing"}
    calls_page = agent_client.get("/call-center/calls/")
    assert b"Lovelace" in calls_page.content


def test_a_caller_who_hangs_up_while_waiting_is_abandoned(line):
    post_event(ringing())
    ended = post_event({"event": "ended", "call_id": "pbx-1"})
    assert ended.json()["status"] == InboundStatus.ABANDONED


def test_events_for_an_unknown_call_are_refused(line):
    response = post_event({"event": "answered", "call_id": "nope"})
    assert (response.status_code, response.json()["code"]) == (409, "unknown_call")


def test_waiting_calls_show_on_the_live_view(manager_client, line):
    from donorcall.supervision.live import forget_snapshot

    post_event(ringing())
    forget_snapshot()
    assert b"1 inbound call waiting" in manager_client.get("/live/").content
    snapshot = manager_client.get("/api/v1/supervision/live").json()
    assert [row["team__name"] for row in snapshot["inbound_waiting"]] == ["Outbound"]


def test_administrators_map_lines_to_teams(admin_client, manager_client, team):
    line = {"number": "020 7946 0000", "name": "Care", "team": team.pk}
    added = admin_client.post("/settings/phone-lines/", line)
    assert added.status_code == 302
    assert PhoneLine.objects.get().number == LINE
    bad = admin_client.post("/settings/phone-lines/", {"number": "not a number", "team": team.pk})
    assert bad.status_code == 400 and b"has-error" in bad.content
    assert manager_client.get("/settings/phone-lines/").status_code == 403


def test_a_break_before_choosing_the_donor_sends_the_call_to_another_agent(
    agent, other_agent, inbound_role, line, clock
):
    from donorcall.campaigns.models import BreakReason

    ready_for_inbound(agent, inbound_role, clock, minutes_ago=5)
    post_event(ringing(caller="+447700900888"))  # nobody has this number: the agent chooses
    assert status_of(agent).inbound is not None
    shifts.take_break(agent, reason=BreakReason.objects.create(name="Lunch"))
    assert InboundCall.objects.get().status == InboundStatus.WAITING
    ready_for_inbound(other_agent, inbound_role, clock)
    assert InboundCall.objects.get().offered_to == other_agent


def test_inbound_calls_count_in_the_reports(agent, manager_client, inbound_role, line, clock):
    donor = DonorFactory()
    PhoneNumberFactory(donor=donor, number="+447700900123")
    ready_for_inbound(agent, inbound_role, clock)
    post_event(ringing())
    console.save_outcome(agent, reason="concluded", disposition=None, notes="")
    report = manager_client.get("/api/v1/supervision/reports/calls-by-campaign").json()
    labels = [str(row) for row in report["rows"]]
    assert any("No campaign (inbound)" in label for label in labels), report["rows"]
    inbound_only = manager_client.get("/api/v1/supervision/calls", {"direction": "inbound"}).json()
    assert [call["direction"] for call in inbound_only] == ["inbound"]


# --- Screens that went silent (callcenter/actions/silence.py) ---------------------------------


def test_a_ready_agent_whose_screen_went_silent_gets_no_call(
    agent, other_agent, inbound_role, line, clock
):
    ready_for_inbound(agent, inbound_role, clock, minutes_ago=10)  # longest idle, screen closed
    ready_for_inbound(other_agent, inbound_role, clock, minutes_ago=5)
    console.keep_alive(other_agent)  # only this screen is still beating
    assert silence.let_go_of_silent_screens() == 1
    row = status_of(agent)
    assert (row.status, row.notice) == (Status.NOT_READY, silence.WENT_NOT_READY)
    post_event(ringing(caller="+447700900888"))
    assert InboundCall.objects.get().offered_to == other_agent


def test_a_caller_on_a_silent_screen_goes_to_the_next_agent(
    agent, other_agent, inbound_role, line, clock
):
    ready_for_inbound(agent, inbound_role, clock, minutes_ago=5)
    post_event(ringing(caller="+447700900888"))  # no match: waits on the screen for a donor
    clock.shift(timedelta(seconds=30))
    assert silence.let_go_of_silent_screens() == 0  # not silent long enough
    ready_for_inbound(other_agent, inbound_role, clock)
    clock.shift(timedelta(seconds=31))
    console.keep_alive(other_agent)
    assert silence.let_go_of_silent_screens() == 1
    assert status_of(agent).status == Status.NOT_READY
    assert InboundCall.objects.get().offered_to == other_agent
    assert status_of(other_agent).inbound == InboundCall.objects.get()


def test_an_inbound_call_on_a_silent_screen_is_closed_for_review_after_the_call_lease(
    agent, inbound_role, line, clock
):
    donor = DonorFactory()
    PhoneNumberFactory(donor=donor, number="+447700900123")
    ready_for_inbound(agent, inbound_role, clock)
    post_event(ringing())
    call = status_of(agent).call
    clock.shift(timedelta(minutes=10))
    console.keep_alive(agent)  # the agent is still there: the call stays theirs
    clock.shift(timedelta(minutes=14))
    assert silence.let_go_of_silent_screens() == 0
    clock.shift(timedelta(minutes=2))  # 16 minutes without a heartbeat
    assert silence.let_go_of_silent_screens() == 1
    call.refresh_from_db()
    assert (call.review, call.ended_at) == ("no_outcome", NOON + timedelta(minutes=26))
    row = status_of(agent)
    assert (row.status, row.call, row.notice) == (Status.NOT_READY, None, silence.CALL_CLOSED)


def test_an_ended_inbound_call_waiting_for_its_outcome_is_not_forgotten(
    agent, inbound_role, line, clock
):
    donor = DonorFactory()
    PhoneNumberFactory(donor=donor, number="+447700900123")
    ready_for_inbound(agent, inbound_role, clock)
    post_event(ringing())
    console.end_call(agent)  # Wrap-up, the outcome still to choose; then the browser closes
    call = status_of(agent).call
    clock.shift(timedelta(minutes=5))
    assert silence.let_go_of_silent_screens() == 0  # not Not ready yet: the outcome is due
    assert status_of(agent).call == call
    clock.shift(timedelta(minutes=11))
    assert silence.let_go_of_silent_screens() == 1
    call.refresh_from_db()
    assert call.review == "no_outcome" and status_of(agent).status == Status.NOT_READY
