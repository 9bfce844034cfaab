"""The claim: order, exclusions (against a brute-force oracle), leases and Out of Data.

Runs on SQLite and on PostgreSQL (the same file in both legs)."""

import uuid
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from donorcall.campaigns.models import Priority, QueueEntry, QueueState
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.campaigns.queue.eligibility import enqueue
from donorcall.campaigns.queue.explain import out_of_data_reasons
from donorcall.campaigns.queue.leases import expire_leases, release_lease, renew_lease
from donorcall.donors import actions
from donorcall.donors.models import (
    Channel,
    ConsentSource,
    DonorStatus,
    SuppressionKind,
    SuppressionReason,
)
from donorcall.lib.errors import DomainError
from donorcall.runtime import worker
from tests.queue_world import WEDNESDAY_NOON_UTC, donor_on, fundraising, make_campaign

NOW = WEDNESDAY_NOON_UTC
pytestmark = pytest.mark.django_db


def claim(agent, *campaigns, at=NOW):
    return claim_next_donor(agent, campaigns=list(campaigns), now=at)


def entry_of(donor, campaign) -> QueueEntry:
    return QueueEntry.objects.get(donor=donor, campaign=campaign)


# --- Order -----------------------------------------------------------------------------------


def test_order_is_own_appointment_team_appointment_retry_fresh(agent, other_agent):
    campaign = make_campaign()
    hour = timedelta(hours=1)
    fresh = donor_on(campaign, priority=Priority.FRESH, due_at=NOW - 3 * hour)
    retry = donor_on(campaign, priority=Priority.RETRY, due_at=NOW - hour)
    team = donor_on(campaign, priority=Priority.TEAM_APPOINTMENT, due_at=NOW - hour)
    own = donor_on(campaign, priority=Priority.OWN_APPOINTMENT, owner=agent, due_at=NOW - hour)
    donor_on(campaign, priority=Priority.OWN_APPOINTMENT, owner=other_agent, due_at=NOW - 5 * hour)
    claimed = [claim(agent, campaign).donor_id for _ in range(4)]
    assert claimed == [own.pk, team.pk, retry.pk, fresh.pk]
    assert claim(agent, campaign) is None  # the other agent's appointment is theirs


def test_earliest_due_first_then_lowest_id(agent):
    campaign = make_campaign()
    late = donor_on(campaign, due_at=NOW - timedelta(minutes=1))
    tie_a = donor_on(campaign, due_at=NOW - timedelta(hours=2))
    tie_b = donor_on(campaign, due_at=NOW - timedelta(hours=2))
    assert [claim(agent, campaign).donor_id for _ in range(3)] == [tie_a.pk, tie_b.pk, late.pk]


def test_second_agent_gets_a_different_donor_and_the_donor_is_held_elsewhere(agent, other_agent):
    first, second = make_campaign("First"), make_campaign("Second")
    shared = donor_on(first, second, due_at=NOW - timedelta(hours=1))
    other = donor_on(second)
    got = claim(agent, first, second)
    assert got.donor_id == shared.pk
    assert entry_of(shared, first if got.campaign_id == first.pk else second).state == "leased"
    assert QueueEntry.objects.filter(donor=shared, state=QueueState.HELD).count() == 1
    assert claim(other_agent, first, second).donor_id == other.pk
    assert claim(other_agent, first, second) is None


def test_sqlite_claim_merges_the_branches_from_the_index_without_sorting(agent):
    """SQLite's claim stays index descents: each class merges its branches in index order
    (docs/dialler.md, "The claim"); a sort or temporary table here cost ~1.5 × per claim."""
    from django.db import connection

    from donorcall.campaigns.queue.claim import plan_for

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite statement")
    first, second = make_campaign("First"), make_campaign("Second")
    donor_on(first, second)
    plan = plan_for([first, second], NOW)
    params = {"agent": agent.pk, "at": "x", "token": "x"}
    params |= {name: "x" for name, _ in plan.sqlite_expiries}
    with connection.cursor() as cursor:
        steps = [row[3] for row in cursor.connection.execute(
            "EXPLAIN QUERY PLAN " + plan.sqlite_sql, params
        )]  # fmt: skip
    assert any("MERGE (UNION ALL)" in step for step in steps)
    assert not [step for step in steps if "TEMP B-TREE" in step or step.startswith("SCAN q")]


def test_zone_keys_written_into_the_sqlite_claim_read_back_unchanged():
    """The SQLite claim writes zone keys into its text as literals (not parameters)."""
    from django.db import connection

    from donorcall.campaigns.queue.claim import sqlite_text

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite statement")
    keys = ["Europe/London", "O'Brien''s zone", "'", 'a\\b "c" -- d; /* e */']
    with connection.cursor() as cursor:
        for key in keys:
            assert cursor.connection.execute(f"SELECT {sqlite_text(key)}").fetchone() == (key,)
    with pytest.raises(ValueError, match="NUL"):
        sqlite_text("Europe/\x00London")


def test_an_sqlite_error_in_the_claim_comes_out_as_djangos(agent):
    from django.db import connection
    from django.db.utils import OperationalError

    from donorcall.campaigns.queue.claim import run_sqlite

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite statement")
    connection.ensure_connection()
    with pytest.raises(OperationalError, match="no_such_table"):
        run_sqlite(connection, "SELECT * FROM no_such_table", {})


# --- Exclusions ------------------------------------------------------------------------------


def test_nobody_callable_gets_out_of_data_with_each_reason_counted(agent, other_agent, admin):
    campaign = make_campaign(max_attempts=3)
    later = NOW + timedelta(hours=1)
    deceased = donor_on(campaign)
    actions.update_donor(deceased, details(deceased, status=DonorStatus.DECEASED), by=admin)
    young = donor_on(campaign)
    actions.update_donor(young, details(young, date_of_birth=date(2020, 1, 1)), by=admin)
    erased = donor_on(campaign)
    actions.erase_donor(erased, reason="Their request", by=admin)
    donor_on(campaign, number=False)
    suppressed = donor_on(campaign)
    actions.suppress(SuppressionKind.PHONE, suppressed.phone_numbers.get().number,
                     reason=SuppressionReason.TPS, by=admin)  # fmt: skip
    withdrawn = donor_on(campaign)
    actions.withdraw_consent(withdrawn, channel=Channel.PHONE, purpose=fundraising(),
                             source=ConsentSource.CALL, by=admin)  # fmt: skip
    donor_on(campaign, attempts=3)
    donor_on(campaign, due_at=later)
    donor_on(campaign, zone="America/Los_Angeles")  # 05:00 there
    donor_on(campaign, zone=None)
    held_elsewhere = donor_on(campaign, make_campaign("Other"))
    entry_of(held_elsewhere, campaign).delete()
    leased = donor_on(campaign)
    assert claim(other_agent, campaign).donor_id == leased.pk
    assert claim(other_agent, held_elsewhere.queue_entries.get().campaign).donor_id
    enqueue(campaign, [held_elsewhere.pk], by=None)

    assert claim(agent, campaign) is None
    assert out_of_data_reasons(campaign, NOW) == {
        "erased": 1, "deceased": 1, "under_16": 1, "no_number": 1, "suppressed": 1,
        "no_consent": 1, "max_attempts": 1, "not_due": 1, "outside_hours": 1,
        "unknown_zone": 1, "leased": 1, "held": 1,
    }  # fmt: skip


def details(donor, **changes):
    fields = {
        name: getattr(donor, name)
        for name in ("title", "first_name", "last_name", "is_organisation", "organisation_name",
                     "date_of_birth", "status")
    }  # fmt: skip
    return actions.DonorDetails(**{**fields, **changes})


def test_withdrawn_consent_for_another_purpose_does_not_block(agent, admin):
    from donorcall.donors.models import Purpose

    campaign = make_campaign()
    donor = donor_on(campaign)
    actions.withdraw_consent(donor, channel=Channel.PHONE, purpose=Purpose.objects.get(
        code="marketing"), source=ConsentSource.CALL, by=admin)  # fmt: skip
    actions.withdraw_consent(donor, channel=Channel.EMAIL, purpose=fundraising(),
                             source=ConsentSource.CALL, by=admin)  # fmt: skip
    assert claim(agent, campaign).donor_id == donor.pk


def test_one_unsuppressed_number_keeps_the_donor_callable(agent, admin):
    campaign = make_campaign()
    donor = donor_on(campaign)
    actions.add_phone_number(donor, number="+447700900777", by=admin)
    actions.suppress(SuppressionKind.PHONE, "+447700900777", reason=SuppressionReason.TPS, by=admin)
    assert claim(agent, campaign).donor_id == donor.pk


def test_lifting_a_suppression_and_regranting_consent_make_the_donor_callable(agent, admin):
    campaign = make_campaign()
    donor = donor_on(campaign)
    entry = actions.suppress(SuppressionKind.PHONE, donor.phone_numbers.get().number,
                             reason=SuppressionReason.TPS, by=admin)  # fmt: skip
    assert claim(agent, campaign) is None
    actions.lift_suppression(entry, reason="Screened again", by=admin)
    actions.withdraw_consent(donor, channel=Channel.PHONE, purpose=fundraising(),
                             source=ConsentSource.CALL, by=admin)  # fmt: skip
    assert claim(agent, campaign) is None
    actions.grant_consent(donor, channel=Channel.PHONE, purpose=fundraising(),
                          source=ConsentSource.CALL, by=admin)  # fmt: skip
    assert claim(agent, campaign).donor_id == donor.pk


def test_removing_the_last_number_blocks_the_donor(agent, admin):
    campaign = make_campaign()
    donor = donor_on(campaign)
    actions.remove_phone_number(donor.phone_numbers.get(), reason="Wrong number", by=admin)
    assert entry_of(donor, campaign).blocked == "no_number"
    assert claim(agent, campaign) is None


def test_enqueue_counts_added_already_there_and_blocked(admin):
    campaign = make_campaign()
    on_it = donor_on(campaign)
    no_number = donor_on(number=False)
    fine = donor_on()
    result = enqueue(campaign, [on_it.pk, no_number.pk, fine.pk], by=admin)
    assert (result.added, result.already_there, result.blocked) == (2, 1, {"no_number": 1})


def test_paused_campaign_hands_out_nobody(agent):
    campaign = make_campaign(status="paused")
    donor_on(campaign)
    assert claim(agent, campaign) is None


# --- Leases ----------------------------------------------------------------------------------


def test_renew_with_the_right_token_extends_the_lease(agent, time_machine):
    time_machine.move_to(NOW, tick=False)
    campaign = make_campaign(preview_timeout_seconds=60)
    donor_on(campaign)
    got = claim(agent, campaign)
    time_machine.move_to(NOW + timedelta(seconds=50), tick=False)
    renewed = renew_lease(got.entry, token=got.token, by=agent)
    assert renewed.lease_expires_at == NOW + timedelta(seconds=110)


@pytest.mark.parametrize("wrong", ["token", "agent", "expired"])
def test_a_stale_lease_is_refused(agent, other_agent, time_machine, wrong):
    import uuid

    time_machine.move_to(NOW, tick=False)
    campaign = make_campaign(preview_timeout_seconds=60)
    donor_on(campaign)
    got = claim(agent, campaign)
    token, by = (uuid.uuid4() if wrong == "token" else got.token), agent
    if wrong == "agent":
        by = other_agent
    if wrong == "expired":
        time_machine.move_to(NOW + timedelta(seconds=61), tick=False)
    with pytest.raises(DomainError) as refused:
        renew_lease(got.entry, token=token, by=by)
    assert refused.value.code == ("lease_expired" if wrong == "expired" else "stale_token")
    if wrong != "expired":  # an expired lease not yet returned is still the agent's to give back
        with pytest.raises(DomainError):
            release_lease(got.entry, token=token, by=by)


def test_release_returns_the_row_and_unholds_the_donor(agent, other_agent):
    first, second = make_campaign("First"), make_campaign("Second")
    donor = donor_on(first, second)
    got = claim(agent, first, second)
    release_lease(got.entry, token=got.token, by=agent)
    assert set(donor.queue_entries.values_list("state", flat=True)) == {"open"}
    assert entry_of(donor, first).lease_token is None
    assert claim(other_agent, first, second).donor_id == donor.pk


def test_expiry_returns_a_previewed_donor_and_unholds_its_rows(agent, other_agent, time_machine):
    time_machine.move_to(NOW, tick=False)
    first, second = make_campaign("First"), make_campaign("Second")
    donor = donor_on(first, second)
    got = claim(agent, first, second)
    assert expire_leases(NOW + timedelta(seconds=119)) == 0
    time_machine.move_to(NOW + timedelta(seconds=121), tick=False)
    assert worker.expire_leases() is True
    assert set(donor.queue_entries.values_list("state", flat=True)) == {"open"}
    with pytest.raises(DomainError):
        renew_lease(got.entry, token=got.token, by=agent)
    assert claim(other_agent, first, second, at=NOW + timedelta(seconds=121)).donor_id == donor.pk


# --- Property: the claim against a brute-force oracle -----------------------------------------

ZONES = [
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Chicago America/New_York",
    "Australia/Sydney",
    None,
]

donor_spec = st.fixed_dictionaries(
    {
        "zone": st.sampled_from([*ZONES, "Europe/London", "America/New_York"]),
        "status": st.sampled_from(["active"] * 8 + ["deceased", "erased"]),
        "age": st.sampled_from([None, None, None, None, 10, 40]),
        # One flag per number: True = suppressed.
        "numbers": st.sampled_from([[], [False], [False], [True], [False, True], [True, True]]),
        "consent": st.sampled_from([None, None, "granted", "withdrawn", "other_purpose"]),
        "rows": st.lists(
            st.fixed_dictionaries(
                {
                    "campaign": st.integers(0, 2),
                    "priority": st.sampled_from([1, 2, 3, 4, 4]),
                    "owner_is_agent": st.booleans(),
                    "due_minutes": st.integers(-600, 120),
                    "attempts": st.sampled_from([0, 0, 0, 1, 2, 3]),
                }
            ),
            min_size=1,
            max_size=3,
        ),
        "leased_by_other": st.sampled_from([False, False, False, True]),
    }
)
campaign_spec = st.fixed_dictionaries(
    {
        "start": st.sampled_from([8, 9, 10]),
        "end": st.sampled_from([17, 21, 22]),
        "all_days": st.booleans(),
        "max_attempts": st.integers(1, 4),
    }
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    campaigns=st.lists(campaign_spec, min_size=3, max_size=3),
    donors=st.lists(donor_spec, min_size=5, max_size=25),
    # Mostly the afternoon in London and the morning in America, where most rules matter.
    hours_ahead=st.one_of(st.integers(0, 24 * 7 - 1), st.integers(0, 8), st.integers(0, 8)),
    minute=st.sampled_from([0, 1, 30, 59]),
    selected=st.sampled_from([(0, 1, 2), (0, 1, 2), (0, 1), (1, 2), (0,)]),
)
def test_claim_returns_the_oracles_best_row(
    agent, other_agent, campaigns, donors, hours_ahead, minute, selected
):
    instant = NOW + timedelta(hours=hours_ahead, minutes=minute)
    with transaction.atomic():
        from tests.queue_oracle import best_row, build_world

        world = build_world(campaigns, donors, agent=agent, other_agent=other_agent)
        chosen = [world.campaigns[i] for i in selected]
        expected = best_row(world, chosen, agent=agent, at=instant)
        got = claim_next_donor(agent, campaigns=chosen, now=instant)
        event("a donor is callable" if expected else "out of data")
        assert (got and got.entry_id) == expected
        if got:
            states = dict(world.donor_rows(got.donor_id))
            assert states.pop(got.entry_id) == "leased"
            assert "open" not in states.values()
        transaction.set_rollback(True)


def test_sqlite_rows_are_added_with_room_on_their_pages_for_their_leases(agent, monkeypatch):
    """A lease grows its row by ~90 bytes; rows appended in id order fill their pages, so the
    first claim on each page used to split it. ``enqueue`` leaves the room (SQLite only)."""
    from django.db import connection

    from donorcall.campaigns.queue import eligibility
    from tests.factories import DonorFactory

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writes a new row version on every update")
    donors = [donor.pk for donor in DonorFactory.create_batch(400, timezone="Europe/London")]
    with_room, packed = make_campaign("With room"), make_campaign("Packed")

    def pages_after_leasing(campaign) -> tuple[int, int]:
        before = queue_leaf_pages(connection)
        QueueEntry.objects.filter(campaign=campaign).update(
            state=QueueState.LEASED,
            lease_holder=agent,
            lease_token=uuid.uuid4(),
            leased_at=WEDNESDAY_NOON_UTC + timedelta(microseconds=1),  # as a claim writes it
            lease_expires_at=WEDNESDAY_NOON_UTC + timedelta(minutes=2, microseconds=1),
        )
        return before, queue_leaf_pages(connection)

    enqueue(with_room, donors[:200], by=None)
    room_left = QueueEntry.objects.filter(campaign=with_room, state=QueueState.OPEN)
    assert list(
        room_left.values_list("lease_token", "leased_at", "lease_expires_at").distinct()
    ) == [(None, None, None)], "the room is left empty"
    before, after = pages_after_leasing(with_room)
    assert after == before, "leasing rows added with room split no page"
    monkeypatch.setattr(eligibility, "leave_room_for_leases", lambda rows: None)
    enqueue(packed, donors[200:], by=None)
    before, after = pages_after_leasing(packed)
    assert after > before, "rows added without the room split their pages when leased"


def queue_leaf_pages(connection) -> int:
    """The queue table's leaf pages, from SQLite's ``dbstat`` table (this connection's view)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM dbstat WHERE name = 'campaigns_queueentry' AND pagetype = 'leaf'"
        )
        return cursor.fetchone()[0]
