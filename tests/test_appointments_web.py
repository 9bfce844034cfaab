"""Appointments through HTTP: the in-call Schedule Appointment fragment the Call Center
includes, the managers' pages (list, filters, move, reassign, cancel), the JSON API, and who
may see what (403 for a role without the permission, 404 for what is out of reach)."""

import json
from datetime import UTC, datetime, time

import pytest
import time_machine

from conftest import client_for
from donorcall.appointments.actions import flag_missed, schedule_appointment
from donorcall.appointments.models import Appointment, AppointmentStatus
from donorcall.callcenter.actions import console, shifts
from donorcall.campaigns.models import Priority, Team
from donorcall.staff.models import JobRole
from tests.appointment_world import campaign_with_team, colleague, local, row
from tests.queue_world import donor_on

HTMX = {"HX-Request": "true"}
# 16:00 in London, 11:00 in New York, where the donor lives: inside calling hours.
AFTERNOON = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(AFTERNOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def carla(db):
    return colleague()


@pytest.fixture
def campaign(agent, carla):
    return campaign_with_team(agent, carla)


@pytest.fixture
def donor(campaign):
    return donor_on(campaign, zone="America/New_York")


@pytest.fixture
def calling(agent, campaign, donor):
    """The agent signed in, with the donor on a call on their screen."""
    role = JobRole.objects.create(name="Outbound")
    role.members.add(agent)
    shifts.sign_in(agent, job_role=role, times=shifts.ShiftTimes(time(17, 0)))
    console.ready_for_call(agent, team=Team.objects.get(), campaigns=[campaign])
    console.call_donor(agent)
    return agent.calls.get()


def booking(**fields):
    return {"date": "2026-11-25", "time": "10:30", "zone": "America/New_York", "owner": "me",
            "notes": "Call after the school run"} | fields  # fmt: skip


def booked(donor, campaign, by, *, owner="by", at=None):
    return schedule_appointment(
        donor, campaign, local=at or local(2026, 11, 25, 10, 30), zone="America/New_York",
        owner=by if owner == "by" else owner, by=by,
    )  # fmt: skip


# --- In a call -----------------------------------------------------------------------------------


def test_the_in_call_form_shows_the_donors_zone_and_the_agents_own_time(agent_client, calling):
    page = agent_client.get("/appointments/in-call/", headers=HTMX)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Schedule Appointment" in body and 'id="schedule-appointment"' in body
    assert "America/New_York, now Tue 24 Nov 11:00" in body
    assert "Your time (Europe/London): Tue 24 Nov 16:00" in body


def test_choosing_a_time_shows_it_on_the_agents_clock(agent_client, calling):
    page = agent_client.get(
        "/appointments/in-call/",
        {"date": "2026-11-25", "time": "10:30", "zone": "America/New_York"},
        headers=HTMX,
    )
    assert "That is Wed 25 Nov 15:30 your time (Europe/London)." in page.content.decode()


def test_booking_in_a_call_answers_the_fragment_with_a_toast(agent, agent_client, calling):
    response = agent_client.post("/appointments/in-call/", booking(), headers=HTMX)

    assert response.status_code == 200
    toast = json.loads(response["HX-Trigger"])["toast"]
    assert toast == {
        "message": "Appointment booked for 25 November 2026 at 10:30 America/New_York "
        "(15:30 your time).",
        "level": "success",
    }
    appointment = Appointment.objects.get()
    assert (appointment.owner, appointment.booked_on_call, appointment.notes) == (
        agent, calling, "Call after the school run"
    )  # fmt: skip
    assert appointment.due_at == datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    assert 'id="schedule-appointment"' in response.content.decode()


def test_booking_for_anyone_in_the_team(agent_client, calling):
    agent_client.post("/appointments/in-call/", booking(owner="team"), headers=HTMX)
    assert Appointment.objects.get().owner is None


def test_a_clock_change_time_comes_back_on_the_form_with_its_message(agent_client, calling):
    response = agent_client.post(
        "/appointments/in-call/", booking(date="2027-03-14", time="02:30"), headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert (
        "On 14 March 2027 clocks in America/New_York go forward from 02:00 to 03:00: "
        "02:30 does not exist. Choose another time."
    ) in body
    assert not Appointment.objects.exists()


def test_without_htmx_a_refused_booking_is_a_400(agent_client, calling):
    response = agent_client.post("/appointments/in-call/", booking(time="22:00"))
    assert response.status_code == 400
    assert "outside the hours a donor there may be called" in response.content.decode()


def test_no_call_on_screen_is_404(agent_client, campaign):
    assert agent_client.get("/appointments/in-call/").status_code == 404
    assert agent_client.post("/appointments/in-call/", booking()).status_code == 404


# --- The managers' pages -------------------------------------------------------------------------


def test_managers_list_appointments_with_filters(manager_client, agent, carla, campaign, donor):
    booked(donor, campaign, agent)
    other = donor_on(campaign, zone="America/New_York")
    booked(other, campaign, agent, owner=carla, at=local(2026, 11, 27, 9, 0))

    everything = manager_client.get("/appointments/")
    assert everything.status_code == 200 and b"2 appointments" in everything.content

    carlas = manager_client.get("/appointments/", {"agent": carla.pk})
    assert b"1 appointment." in carlas.content and other.reference.encode() in carlas.content

    on_the_25th = manager_client.get(
        "/appointments/", {"date_from": "2026-11-25", "date_to": "2026-11-25"}
    )
    assert donor.reference.encode() in on_the_25th.content
    assert other.reference.encode() not in on_the_25th.content


def test_missed_appointments_are_flagged_on_the_list(clock, manager, agent, campaign, donor):
    booked(donor, campaign, agent)
    clock.move_to(datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    flag_missed()
    page = client_for(manager).get("/appointments/", {"status": "missed"})
    assert b"1 missed appointment in the last week" in page.content
    assert b"Missed" in page.content


def test_the_empty_list_says_what_appointments_are(manager_client):
    page = manager_client.get("/appointments/")
    assert b"No appointments yet." in page.content
    filtered = manager_client.get("/appointments/", {"status": "done"})
    assert b"No appointments match." in filtered.content


def test_a_manager_moves_reassigns_and_cancels(manager_client, agent, carla, campaign, donor):
    appointment = booked(donor, campaign, agent)
    url = f"/appointments/{appointment.pk}/"
    page = manager_client.get(url)
    assert page.status_code == 200
    assert b"Wed 25 Nov 2026 15:30 your time (Europe/London)" in page.content

    new_time = {"date": "2026-11-26", "time": "11:00", "zone": "America/New_York"}
    moved = manager_client.post(url + "reschedule/", new_time, follow=True)
    assert b"Appointment moved to 26 November 2026 at 11:00 America/New_York" in moved.content
    assert row(campaign, donor).due_at == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)

    manager_client.post(url + "reassign/", {"owner": carla.pk})
    assert row(campaign, donor).owner == carla
    manager_client.post(url + "reassign/", {"owner": ""})
    assert row(campaign, donor).priority == Priority.TEAM_APPOINTMENT

    cancelled = manager_client.post(url + "cancel/", {"reason": "Donor wrote in"}, follow=True)
    assert b"Appointment cancelled." in cancelled.content
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED


def test_a_refused_move_shows_the_message_on_the_form(manager_client, agent, campaign, donor):
    appointment = booked(donor, campaign, agent)
    response = manager_client.post(
        f"/appointments/{appointment.pk}/reschedule/",
        {"date": "2026-11-01", "time": "01:30", "zone": "America/New_York"},
    )
    assert response.status_code == 400
    assert b"01:30 happens twice" in response.content


def test_agents_may_not_open_the_managers_pages(agent_client, agent, campaign, donor):
    appointment = booked(donor, campaign, agent)
    assert agent_client.get("/appointments/").status_code == 403
    assert agent_client.get(f"/appointments/{appointment.pk}/").status_code == 403
    response = agent_client.post(f"/appointments/{appointment.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 403
    assert Appointment.objects.get().status == AppointmentStatus.SCHEDULED


def test_an_appointment_that_does_not_exist_is_404(manager_client):
    assert manager_client.get("/appointments/999999/").status_code == 404


def test_the_menu_shows_appointments_to_managers_only(manager_client, agent_client):
    assert b'href="/appointments/"' in manager_client.get("/appointments/").content
    assert b'href="/appointments/"' not in agent_client.get("/call-center/").content


# --- The API -------------------------------------------------------------------------------------


def test_the_api_books_lists_moves_reassigns_and_cancels(
    manager_client, agent, carla, campaign, donor
):
    created = manager_client.post(
        "/api/v1/appointments",
        {"donor": donor.pk, "campaign": campaign.pk, "local": "2026-11-25T10:30",
         "zone": "America/New_York", "owner": agent.pk, "notes": "Prefers mornings"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["due_at"].startswith("2026-11-25T15:30") and body["owner"] == agent.pk
    pk = body["id"]

    listed = manager_client.get("/api/v1/appointments", {"status": "scheduled"}).json()
    assert [a["id"] for a in listed] == [pk]

    moved = manager_client.post(f"/api/v1/appointments/{pk}/reschedule",
                                {"local": "2026-11-26T09:00", "zone": "America/New_York"},
                                content_type="application/json")  # fmt: skip
    assert moved.json()["due_at"].startswith("2026-11-26T14:00")
    given = manager_client.post(f"/api/v1/appointments/{pk}/reassign", {"owner": carla.pk},
                                content_type="application/json")  # fmt: skip
    assert given.json()["owner"] == carla.pk
    gone = manager_client.post(f"/api/v1/appointments/{pk}/cancel", {"reason": "Duplicate"},
                               content_type="application/json")  # fmt: skip
    assert gone.json()["status"] == "cancelled"


def test_the_api_refuses_a_clock_change_time_with_its_code(manager_client, agent, campaign, donor):
    refused = manager_client.post(
        "/api/v1/appointments",
        {"donor": donor.pk, "campaign": campaign.pk, "local": "2027-03-14T02:30",
         "zone": "America/New_York"},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["code"] == "time_does_not_exist"
    assert refused.json()["field"] == "time"


def test_agents_book_through_the_call_only(agent_client, calling, campaign, donor):
    direct = agent_client.post(
        "/api/v1/appointments",
        {"donor": donor.pk, "campaign": campaign.pk, "local": "2026-11-25T10:30",
         "zone": "America/New_York"},
        content_type="application/json",
    )  # fmt: skip
    assert direct.status_code == 403
    in_call = agent_client.post(
        "/api/v1/appointments/in-call",
        {"local": "2026-11-25T10:30", "zone": "America/New_York", "owner": "team"},
        content_type="application/json",
    )
    assert in_call.status_code == 201, in_call.content
    assert in_call.json()["booked_on_call"] == calling.pk
    assert agent_client.get("/api/v1/appointments").status_code == 403


# --- From the donor's profile -----------------------------------------------------------------


def test_a_manager_books_from_the_donor_profile(manager_client, agent, campaign, donor):
    profile = manager_client.get(f"/donors/{donor.pk}/")
    assert f'hx-get="/appointments/donor/{donor.pk}/"'.encode() in profile.content

    panel = manager_client.get(f"/appointments/donor/{donor.pk}/", headers=HTMX)
    assert b"No appointments." in panel.content and b"Schedule Appointment" in panel.content

    response = manager_client.post(
        f"/appointments/donor/{donor.pk}/",
        booking(campaign=campaign.pk, owner=agent.pk),
        headers=HTMX,
    )
    assert json.loads(response["HX-Trigger"])["toast"]["message"] == (
        "Appointment booked for 25 November 2026 at 10:30 America/New_York."
    )
    assert Appointment.objects.get().booked_on_call is None
    assert row(campaign, donor).owner == agent


def test_a_refused_booking_from_the_profile_keeps_the_form(manager_client, campaign, donor):
    response = manager_client.post(
        f"/appointments/donor/{donor.pk}/", booking(campaign=campaign.pk, owner="", time="07:00")
    )
    assert response.status_code == 400
    assert b"07:00 in America/New_York is outside the hours" in response.content


def test_agents_do_not_get_the_profile_panel(agent_client, donor):
    assert agent_client.get(f"/appointments/donor/{donor.pk}/").status_code == 403


def test_the_list_costs_the_same_queries_however_many_appointments(
    manager_client, agent, carla, campaign
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get("/appointments/").status_code == 200
        return len(captured)

    booked(donor_on(campaign, zone="America/New_York"), campaign, agent)
    few = queries_for_list()
    for _ in range(4):
        booked(donor_on(campaign, zone="America/New_York"), campaign, carla)
    assert queries_for_list() == few
