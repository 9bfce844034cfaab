"""Communications › Call Center through the web, step by step (seeds: "Calling a Donor"),
without a browser: the screen's status, the engine's effects, the refusals and who may see
what. The browser tests (tests/e2e/test_call_center.py) drive the same flow in Chromium."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client

from donorcall.appointments.actions import schedule_appointment
from donorcall.callcenter.actions import console, shifts
from donorcall.callcenter.models import Break, Call, Shift, SignOutReason, Skip, Status
from donorcall.campaigns.models import (
    Campaign,
    CampaignStatus,
    DiallingMode,
    Priority,
    QueueEntry,
    QueueState,
)
from donorcall.staff.models import JobRole
from tests.callcenter_world import NOON, htmx, ready, signed_in, status_of, toast
from tests.queue_world import donor_on


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


# --- Sign In ------------------------------------------------------------------------------------


def test_sign_in_asks_for_the_shift_time_then_says_success(agent, agent_client, job_role):
    page = agent_client.get("/call-center/")
    assert b"Sign In" in page.content and b"Agent</option>" in page.content

    confirming = htmx(agent_client, "sign-in", {"job_role": job_role.pk})
    assert b"Shift Time Confirmation" in confirming.content

    done = htmx(agent_client, "shift", {"job_role": job_role.pk, "ends_at": "17:30",
                                        "extension_hours": 1})  # fmt: skip
    assert toast(done) == {"message": "Success signed into shift", "level": "success"}
    shift = Shift.objects.get(agent=agent)
    assert shift.ends_at == datetime(2026, 11, 24, 17, 30, tzinfo=UTC)
    assert shift.closes_at == datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
    assert status_of(agent).status == Status.NOT_READY


def test_a_shift_ending_at_an_hour_already_past_ends_tomorrow(agent, job_role):
    shift = shifts.sign_in(agent, job_role=job_role, times=shifts.ShiftTimes(time(2, 0)))
    assert shift.ends_at == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_only_the_agents_own_job_roles_may_be_used(agent, agent_client, job_role):
    theirs = JobRole.objects.create(name="Inbound team lead", takes_inbound_calls=True)
    response = htmx(agent_client, "sign-in", {"job_role": theirs.pk})
    assert toast(response)["level"] == "error"
    with pytest.raises(shifts.InvalidInput) as refused:
        shifts.sign_in(agent, job_role=theirs, times=shifts.ShiftTimes(time(17, 0)))
    assert refused.value.field == "job_role"
    assert not Shift.objects.exists()


def test_an_agent_without_a_job_role_is_told_whom_to_ask(agent_client):
    page = agent_client.get("/call-center/")
    assert b"You have no job role yet" in page.content


def test_a_bad_shift_time_names_the_field(agent_client, job_role):
    response = htmx(agent_client, "shift", {"job_role": job_role.pk, "ends_at": "25:99",
                                            "extension_hours": 0})  # fmt: skip
    assert b"Enter a valid time" in response.content
    assert not Shift.objects.exists()


# --- Ready for Call, Preview, the call and its outcome ------------------------------------------


def test_the_whole_preview_flow(agent, agent_client, job_role, team, campaign):
    ada = donor_on(campaign, due_at=NOON - timedelta(hours=1))
    signed_in(agent_client, job_role)

    previewing = ready(agent_client, team, campaign)
    assert status_of(agent).status == Status.PREVIEW
    assert ada.name.encode() in previewing.content and ada.reference.encode() in previewing.content
    assert b"Call <kbd>C</kbd>" in previewing.content
    assert b"Appointment call" not in previewing.content

    calling = htmx(agent_client, "call")
    number = ada.phone_numbers.get().number
    assert f'href="tel:{number}"'.encode() in calling.content
    assert status_of(agent).status == Status.ON_CALL

    htmx(agent_client, "end-call")
    assert status_of(agent).status == Status.WRAP_UP
    saved = htmx(agent_client, "outcome", {"reason": "no_answer", "notes": "Voicemail"})
    assert toast(saved)["message"] == "Will be called again after Tue 24 Nov 16:00."
    call = Call.objects.get()
    assert (call.ended_reason, call.notes, call.agent) == ("no_answer", "Voicemail", agent)
    assert status_of(agent).status == Status.WRAP_UP
    assert b"Ready for Call" in saved.content


def test_progressive_starts_the_call_by_itself_and_offers_no_skip(
    agent, agent_client, job_role, team, campaign, reasons
):
    campaign.dialling_mode = DiallingMode.PROGRESSIVE
    campaign.save()
    donor_on(campaign)
    signed_in(agent_client, job_role)

    response = ready(agent_client, team, campaign)
    assert status_of(agent).status == Status.ON_CALL
    assert Call.objects.filter(agent=agent).count() == 1
    assert b"skip-form" not in response.content and b"End call" in response.content
    htmx(agent_client, "end-call")
    wrap_up = htmx(agent_client, "outcome", {"reason": "concluded"})
    assert b"Next donor in" in wrap_up.content


def test_an_outcome_sent_twice_is_recorded_once(agent, agent_client, job_role, team, campaign):
    donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    htmx(agent_client, "outcome", {"reason": "concluded"})
    again = htmx(agent_client, "outcome", {"reason": "concluded"})
    assert toast(again)["level"] == "success"
    assert QueueEntry.objects.get().attempts == 1


def test_an_appointment_is_served_first_and_labelled(agent, agent_client, job_role, team, campaign):
    donor_on(campaign, due_at=NOON - timedelta(days=3))
    booked = donor_on(
        campaign, due_at=NOON - timedelta(minutes=5), priority=Priority.OWN_APPOINTMENT,
        owner=agent,
    )  # fmt: skip
    signed_in(agent_client, job_role)
    response = ready(agent_client, team, campaign)
    assert status_of(agent).donor == booked
    assert b"Appointment call" in response.content


def test_wrong_number_and_do_not_call_say_what_they_did(
    agent, agent_client, job_role, team, campaign
):
    donor = donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    saved = htmx(agent_client, "outcome", {"reason": "wrong_number"})
    assert toast(saved)["message"] == (
        "Number removed. No other number: the donor will not be called."
    )
    assert not donor.phone_numbers.filter(removed_at=None).exists()

    other = donor_on(campaign)
    ready(agent_client, team, campaign)
    assert status_of(agent).donor == other
    htmx(agent_client, "call")
    saved = htmx(agent_client, "outcome", {"reason": "do_not_call"})
    assert toast(saved)["message"].startswith(
        "Do not call: phone consent for fundraising withdrawn"
    )
    assert b"Withdrawn" in saved.content  # the consent panel beside the card


def test_only_the_chosen_reasons_dispositions_count(agent, agent_client, job_role, team, campaign):
    from donorcall.campaigns.models import Disposition, EndedReason

    declined = Disposition.objects.create(
        ended_reason=EndedReason.objects.get(code="concluded"), name="Will think about it"
    )
    donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    response = htmx(
        agent_client, "outcome", {"reason": "concluded", "disposition_concluded": declined.pk,
                                  "disposition_no_answer": ""},
    )  # fmt: skip
    assert Call.objects.get().disposition == declined
    assert toast(response)["level"] == "success"


def test_notes_with_a_card_number_are_refused(agent, agent_client, job_role, team, campaign):
    donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    refused = htmx(agent_client, "outcome", {"reason": "concluded",
                                             "notes": "card 4111 1111 1111 1111"})  # fmt: skip
    assert toast(refused)["level"] == "error"
    assert status_of(agent).status == Status.ON_CALL
    assert Call.objects.get().outcome_recorded_at is None


# --- Skip, Out of Data, the preview timeout -----------------------------------------------------


def test_skip_needs_a_reason_then_brings_the_next_donor(
    agent, agent_client, job_role, team, campaign, reasons
):
    first = donor_on(campaign, due_at=NOON - timedelta(hours=2))
    second = donor_on(campaign, due_at=NOON - timedelta(hours=1))
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    assert status_of(agent).donor == first

    refused = htmx(agent_client, "skip", {"skip_reason": ""})
    assert toast(refused) == {"message": "Choose a skip reason.", "level": "error"}
    assert status_of(agent).donor == first

    skipped = htmx(agent_client, "skip", {"skip_reason": reasons[0].pk})
    assert toast(skipped)["message"].startswith("Skipped (Known complaint).")
    assert status_of(agent).donor == second
    assert Skip.objects.get().donor == first
    entry = QueueEntry.objects.get(donor=first)
    assert (entry.state, entry.due_at) == (QueueState.OPEN, NOON + console.SKIP_DELAY)


def test_a_campaign_without_skipping_refuses_it(agent, agent_client, job_role, team, campaign,
                                                reasons):  # fmt: skip
    campaign.skip_allowed = False
    campaign.save()
    donor_on(campaign)
    signed_in(agent_client, job_role)
    page = ready(agent_client, team, campaign)
    assert b"does not allow skipping" in page.content
    refused = htmx(agent_client, "skip", {"skip_reason": reasons[0].pk})
    assert toast(refused)["level"] == "error"


def test_out_of_data_then_the_heartbeat_finds_a_new_donor(
    agent, agent_client, job_role, team, campaign
):
    signed_in(agent_client, job_role)
    waiting = ready(agent_client, team, campaign)
    assert b"Out of Data" in waiting.content
    assert status_of(agent).status == Status.READY
    version = status_of(agent).version
    assert htmx(agent_client, "heartbeat", {"version": version}).status_code == 204

    donor = donor_on(campaign)
    found = htmx(agent_client, "heartbeat", {"version": version})
    assert found.status_code == 200 and donor.name.encode() in found.content
    assert status_of(agent).status == Status.PREVIEW


def test_a_preview_past_its_time_goes_back_to_the_queue(
    agent, agent_client, job_role, team, campaign, clock
):
    donor = donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    clock.shift(timedelta(seconds=campaign.preview_timeout_seconds + 1))

    response = htmx(agent_client, "heartbeat", {"version": status_of(agent).version})
    assert toast(response)["message"] == (
        f"Your preview time ran out: {donor.name} went back to the queue."
    )
    assert status_of(agent).status == Status.NOT_READY
    assert QueueEntry.objects.get().state == QueueState.OPEN


def test_during_a_call_the_heartbeat_keeps_the_lease(agent, agent_client, job_role, team, campaign,
                                                      clock):  # fmt: skip
    donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    for _ in range(3):
        clock.shift(timedelta(minutes=10))
        htmx(agent_client, "heartbeat", {"version": status_of(agent).version})
    entry = QueueEntry.objects.get()
    assert entry.state == QueueState.LEASED and entry.lease_expires_at > NOON + timedelta(
        minutes=30
    )


def test_a_closed_browser_lets_the_worker_close_the_call_and_settle_the_status(
    agent, agent_client, job_role, team, campaign, clock
):
    from donorcall.campaigns.queue.leases import expire_leases

    donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    clock.shift(timedelta(minutes=16))
    assert expire_leases() == 1
    assert console.settle_statuses() == 1
    assert status_of(agent).status == Status.NOT_READY
    assert Call.objects.get().review == "no_outcome"


# --- Breaks, sign out, the end of a shift --------------------------------------------------------


def test_break_and_resume(agent, agent_client, job_role, team, campaign, reasons):
    donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)  # previewing a donor: a break gives them back
    on_break = htmx(agent_client, "take-break", {"break_reason": reasons[1].pk})
    assert toast(on_break)["message"] == "On break: Lunch."
    assert status_of(agent).status == Status.ON_BREAK
    assert QueueEntry.objects.get().state == QueueState.OPEN

    refused = ready(agent_client, team, campaign)
    assert toast(refused)["message"] == "You are on a break: Resume Shift first."
    resumed = htmx(agent_client, "resume")
    assert toast(resumed)["level"] == "success"
    assert status_of(agent).status == Status.NOT_READY
    assert Break.objects.get().ended_at == NOON


def test_no_break_or_sign_out_during_a_call(agent, agent_client, job_role, team, campaign,
                                            reasons):  # fmt: skip
    donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    for path, data in (("take-break", {"break_reason": reasons[1].pk}), ("sign-out", {})):
        refused = htmx(agent_client, path, data)
        assert toast(refused)["level"] == "error"
    assert status_of(agent).status == Status.ON_CALL


def test_sign_out_gives_back_a_previewed_donor(agent, agent_client, job_role, team, campaign):
    donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    done = htmx(agent_client, "sign-out")
    assert toast(done)["message"] == "Signed out of your shift."
    assert status_of(agent).status == Status.OFFLINE
    assert QueueEntry.objects.get().state == QueueState.OPEN
    assert Shift.objects.get().sign_out_reason == SignOutReason.AGENT


def test_the_end_of_a_shift_warns_then_signs_out_but_never_during_a_call(
    agent, job_role, team, campaign, clock
):
    donor_on(campaign)
    shifts.sign_in(agent, job_role=job_role, times=shifts.ShiftTimes(time(13, 0), 1))
    console.ready_for_call(agent, team=team, campaigns=[campaign])
    console.call_donor(agent)

    clock.move_to(datetime(2026, 11, 24, 13, 59, tzinfo=UTC))
    assert shifts.end_shifts() == 0
    clock.move_to(datetime(2026, 11, 24, 14, 0, tzinfo=UTC))
    assert shifts.end_shifts() == 1
    assert Shift.objects.get().warned_at is not None
    clock.shift(shifts.SHIFT_END_GRACE)
    assert shifts.end_shifts() == 0  # the call is open
    console.save_outcome(agent, reason="concluded", disposition=None, notes="")
    assert shifts.end_shifts() == 1
    shift = Shift.objects.get()
    assert (shift.sign_out_reason, status_of(agent).status) == (
        SignOutReason.SHIFT_ENDED, Status.OFFLINE
    )  # fmt: skip


def test_logging_out_signs_out_of_the_shift(agent, agent_client, job_role):
    signed_in(agent_client, job_role)
    agent_client.post("/logout/")
    assert Shift.objects.get().sign_out_reason == SignOutReason.LOGGED_OUT


# --- Who may see what ----------------------------------------------------------------------------


def test_ready_refuses_campaigns_the_team_does_not_work_on(
    agent, agent_client, job_role, team, campaign
):
    elsewhere = Campaign.objects.create(
        name="Elsewhere", purpose=campaign.purpose, status=CampaignStatus.ACTIVE
    )
    donor_on(elsewhere)
    signed_in(agent_client, job_role)
    refused = ready(agent_client, team, elsewhere)
    assert toast(refused)["message"] == "Choose campaigns that Outbound works on."
    assert not QueueEntry.objects.filter(state=QueueState.LEASED).exists()


def test_a_double_ready_claims_one_donor(agent, job_role, team, campaign):
    donor_on(campaign)
    donor_on(campaign)
    shifts.sign_in(agent, job_role=job_role, times=shifts.ShiftTimes(time(17, 0)))
    console.ready_for_call(agent, team=team, campaigns=[campaign])
    console.ready_for_call(agent, team=team, campaigns=[campaign])
    assert QueueEntry.objects.filter(state=QueueState.LEASED).count() == 1


def test_an_agent_opens_only_donors_they_called(
    agent, agent_client, other_agent_client, job_role, team, campaign
):
    donor = donor_on(campaign)
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    assert agent_client.get(f"/call-center/donors/{donor.pk}/").status_code == 200
    assert other_agent_client.get(f"/call-center/donors/{donor.pk}/").status_code == 404


def test_calls_lists_the_days_calls_and_appointments(agent, agent_client, job_role, team, campaign):
    donor = donor_on(campaign)
    later = donor_on(campaign, due_at=NOON + timedelta(days=1))
    schedule_appointment(later, campaign, local=datetime(2026, 11, 24, 15, 0),
                         zone="Europe/London", owner=agent, notes="", by=agent)  # fmt: skip
    signed_in(agent_client, job_role)
    ready(agent_client, team, campaign)
    htmx(agent_client, "call")
    htmx(agent_client, "outcome", {"reason": "not_available", "notes": "At work"})

    page = agent_client.get("/call-center/calls/")
    assert donor.name.encode() in page.content and b"Not available" in page.content
    assert b"15:00" in page.content  # the appointment
    yesterday = agent_client.get("/call-center/calls/?date=2026-11-23")
    assert b"No calls on this day" in yesterday.content


def test_the_call_center_needs_sign_in(client, db):
    assert client.get("/call-center/").status_code == 302
    assert client.post("/call-center/ready/").status_code == 302


def test_actions_are_posts_with_csrf(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.post("/call-center/ready/").status_code == 403
    assert client.get("/call-center/ready/").status_code == 405


# --- The same steps over JSON --------------------------------------------------------------------


def test_the_call_center_over_the_api(agent, job_role, team, campaign, reasons):
    from donorcall.staff.actions import create_api_token

    donor = donor_on(campaign)
    token = create_api_token(agent, name="softphone", by=None)
    api = Client(headers={"Authorization": f"Bearer {token}"}, enforce_csrf_checks=True)

    def post(path: str, body: dict | None = None):
        return api.post(f"/api/v1/call-center/{path}", body or {}, content_type="application/json")

    signed = post("sign-in", {"job_role_id": job_role.pk, "ends_at": "17:00"})
    assert signed.status_code == 200 and signed.json()["status"]["status"] == "not_ready"
    previewing = post("ready", {"team_id": team.pk, "campaign_ids": [campaign.pk]}).json()
    assert previewing["status"]["donor"]["reference"] == donor.reference
    assert previewing["status"]["lease_token"]
    assert post("call").json()["status"]["status"] == "on_call"
    saved = post("outcome", {"reason": "no_answer"}).json()
    assert saved["message"] == "Will be called again after Tue 24 Nov 16:00."

    refused = post("break", {"reason_id": None})
    assert (refused.status_code, refused.json()["field"]) == (400, "break_reason")
    assert api.get("/api/v1/call-center/status").json()["status"] == "wrap_up"
    out = post("sign-out").json()
    assert out["status"]["status"] == "offline"
    again = post("sign-out")
    assert (again.status_code, again.json()["code"]) == (409, "not_signed_in")
