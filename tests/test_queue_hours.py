"""Calling hours in the donor's local time: the window's edges, the server's own zone, the
clock changes, several zones on one number, Sundays, and appointments' hard ceiling."""

from datetime import time

import pytest

from donorcall.campaigns.models import Priority
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.campaigns.queue.hours import APPOINTMENT_WINDOW, Window, key_inside
from tests.queue_world import ALL_DAYS, at_local, donor_on, hours, make_campaign

pytestmark = pytest.mark.django_db
LONDON, NEW_YORK, LA = "Europe/London", "America/New_York", "America/Los_Angeles"


def callable_at(agent, time_machine, campaign, instant) -> bool:
    """Claim with the clock moved to ``instant`` (the claim asks the clock, as in production)."""
    time_machine.move_to(instant, tick=False)
    claim = claim_next_donor(agent, campaigns=[campaign])
    return claim is not None


def queued(zone: str, **campaign_fields):
    campaign = make_campaign(**campaign_fields)
    donor_on(campaign, zone=zone, due_at=at_local("UTC", 2026, 1, 1, 0))
    return campaign


@pytest.mark.parametrize(
    ("local", "expected"),
    [((20, 59, 59), True), ((21, 0, 0), False), ((8, 59, 59), False), ((9, 0, 0), True)],
)
def test_window_edges_in_the_donors_zone(agent, time_machine, local, expected):
    campaign = queued(LONDON)
    instant = at_local(LONDON, 2026, 6, 10, *local)  # a Wednesday, BST
    assert callable_at(agent, time_machine, campaign, instant) is expected


@pytest.mark.parametrize("server_zone", ["UTC", "Europe/London", "Asia/Tokyo"])
@pytest.mark.parametrize(
    ("hh", "mm", "expected"), [(8, 59, False), (9, 0, True), (20, 59, True), (21, 0, False)]
)
def test_los_angeles_donor_whatever_the_servers_zone(
    agent, time_machine, settings, server_zone, hh, mm, expected
):
    settings.TIME_ZONE = server_zone
    campaign = queued(LA)
    assert callable_at(agent, time_machine, campaign, at_local(LA, 2026, 6, 10, hh, mm)) is expected


@pytest.mark.parametrize(
    ("zone", "day", "hh", "mm", "ss", "expected"),
    [
        # London springs forward on 2026-03-29 at 01:00 UTC; falls back on 2026-10-25.
        (LONDON, (2026, 3, 28), 8, 59, 59, False), (LONDON, (2026, 3, 28), 9, 0, 0, True),
        (LONDON, (2026, 3, 29), 8, 59, 59, False), (LONDON, (2026, 3, 29), 9, 0, 0, True),
        (LONDON, (2026, 3, 29), 20, 59, 59, True), (LONDON, (2026, 3, 29), 21, 0, 0, False),
        (LONDON, (2026, 10, 25), 8, 59, 59, False), (LONDON, (2026, 10, 25), 9, 0, 0, True),
        (LONDON, (2026, 10, 25), 20, 59, 59, True), (LONDON, (2026, 10, 25), 21, 0, 0, False),
        # New York: 2026-03-08 and 2026-11-01.
        (NEW_YORK, (2026, 3, 8), 8, 59, 59, False), (NEW_YORK, (2026, 3, 8), 9, 0, 0, True),
        (NEW_YORK, (2026, 3, 8), 21, 0, 0, False), (NEW_YORK, (2026, 11, 1), 9, 0, 0, True),
        (NEW_YORK, (2026, 11, 1), 8, 59, 59, False), (NEW_YORK, (2026, 11, 1), 20, 59, 59, True),
    ],
)  # fmt: skip
def test_clock_changes(agent, time_machine, zone, day, hh, mm, ss, expected):
    campaign = queued(zone, calling_days=ALL_DAYS)  # the changes fall on Sundays
    instant = at_local(zone, *day, hh, mm, ss)
    assert callable_at(agent, time_machine, campaign, instant) is expected


def test_the_utc_instants_move_with_the_clock_change():
    window = Window(time(9), time(21), frozenset(ALL_DAYS))
    # 09:00 local is 09:00 UTC the day before the change and 08:00 UTC the day after.
    assert key_inside(LONDON, window, at_local("UTC", 2026, 3, 28, 9))
    assert not key_inside(LONDON, window, at_local("UTC", 2026, 3, 28, 8, 30))
    assert key_inside(LONDON, window, at_local("UTC", 2026, 3, 29, 8, 30))


@pytest.mark.parametrize(
    ("ny_time", "expected"),
    [
        ((20, 30), True),  # Chicago 19:30 and New York 20:30: both inside
        ((21, 0), False),  # New York has reached 21:00
        ((9, 30), False),  # Chicago is still 08:30
        ((10, 0), True),  # Chicago 09:00
    ],
)
def test_a_number_with_several_zones_needs_every_zone_inside(
    agent, time_machine, ny_time, expected
):
    campaign = queued("America/Chicago America/New_York")
    instant = at_local(NEW_YORK, 2026, 6, 10, *ny_time)
    assert callable_at(agent, time_machine, campaign, instant) is expected


def test_sunday_is_excluded_by_default(agent, time_machine):
    instant = at_local(LONDON, 2026, 6, 14, 12)  # a Sunday
    assert callable_at(agent, time_machine, queued(LONDON), instant) is False
    sunday_campaign = make_campaign("Sundays too", calling_days=ALL_DAYS)
    donor_on(sunday_campaign, zone=LONDON, due_at=instant)
    assert callable_at(agent, time_machine, sunday_campaign, instant) is True


def test_unknown_zone_is_never_inside():
    assert not key_inside(None, APPOINTMENT_WINDOW, at_local(LONDON, 2026, 6, 10, 12))
    assert not key_inside("", APPOINTMENT_WINDOW, at_local(LONDON, 2026, 6, 10, 12))


@pytest.mark.parametrize(
    ("zone", "campaign_hours", "local", "expected"),
    [
        (LONDON, (9, 21), (8, 30), True),  # appointment before the campaign's start: ceiling only
        (LONDON, (9, 21), (7, 59), False),
        (LONDON, (9, 17), (20, 59), True),
        (LONDON, (9, 17), (21, 0), False),
        (NEW_YORK, (10, 17), (8, 0), True),
        (NEW_YORK, (10, 17), (7, 59), False),
    ],
)
def test_appointments_use_only_the_hard_ceiling(
    agent, time_machine, zone, campaign_hours, local, expected
):
    campaign = make_campaign(**hours(*campaign_hours))
    donor_on(campaign, zone=zone, priority=Priority.TEAM_APPOINTMENT,
             due_at=at_local("UTC", 2026, 1, 1, 0))  # fmt: skip
    assert (
        callable_at(agent, time_machine, campaign, at_local(zone, 2026, 6, 10, *local)) is expected
    )


@pytest.mark.parametrize(
    ("zone", "local", "expected"),
    [
        (LONDON, (21, 30), False),  # UK: never after 21:00, whatever the campaign says
        (NEW_YORK, (7, 30), False),  # US: never before 08:00
        (NEW_YORK, (21, 30), False),
        ("Europe/Paris", (21, 30), True),  # no ceiling: the campaign's own hours
        ("Europe/Paris", (7, 30), True),
    ],
)
def test_hard_ceilings_override_a_campaigns_hours(agent, time_machine, zone, local, expected):
    campaign = queued(zone, **hours(7, 22))
    assert (
        callable_at(agent, time_machine, campaign, at_local(zone, 2026, 6, 10, *local)) is expected
    )
