"""Invariant 1 under real concurrency (PostgreSQL only: SQLite would pass for the wrong reason).

32 agents, each on its own thread and its own database session, claim from two campaigns
that share some donors, and release a donor or call it and record Concluded, until Out of
Data. The daily cap then keeps a concluded donor's row on the other campaign for tomorrow.

The pool: settings cap PostgreSQL at DATABASE_POOL_SIZE (4) sessions per process, which is
right for a web process (requests wait for a session) but would leave 28 threads waiting 30
seconds for a connection here. The test raises the pool to one session per thread for its
duration and puts the cap back afterwards.
"""

import random
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections

from donorcall.callcenter.actions import record_outcome, start_call
from donorcall.callcenter.models import Call
from donorcall.campaigns.models import QueueEntry, QueueState
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.campaigns.queue.eligibility import enqueue
from donorcall.campaigns.queue.leases import release_lease
from donorcall.donors.models import Donor, PhoneNumber
from donorcall.staff.models import User
from tests.queue_world import WEDNESDAY_NOON_UTC, make_campaign

AGENTS = 32
SECONDS = 180  # a generous bound: the test takes ~15 s; a hang must fail, not block CI
DONORS = 300  # 100 on the first campaign only, 100 on the second only, 100 on both
NOW = WEDNESDAY_NOON_UTC


@pytest.fixture
def pool_for_every_thread():
    pool = connections.settings["default"]["OPTIONS"]["pool"]
    before = dict(pool)
    connection.close_pool()
    pool.update(min_size=1, max_size=AGENTS + 2)
    yield
    connection.close_pool()
    pool.clear()
    pool.update(before)


def build_queue():
    first, second = make_campaign("First"), make_campaign("Second")
    donors = Donor.objects.bulk_create(
        Donor(reference=f"C{n:05d}", last_name="Concurrent", timezone="Europe/London")
        for n in range(DONORS)
    )
    PhoneNumber.objects.bulk_create(
        PhoneNumber(donor=d, number=f"+4477009{d.pk:05d}", is_primary=True) for d in donors
    )
    ids = [donor.pk for donor in donors]
    enqueue(first, ids[:200], by=None)
    enqueue(second, ids[100:], by=None)
    QueueEntry.objects.update(due_at=NOW - timedelta(hours=1))
    return [first, second]


def conclude(claim, agent: User) -> None:
    """Call the donor and record Concluded: the real outcome path, with its locking."""
    call = start_call(claim.entry, token=claim.token, by=agent)
    record_outcome(call, reason="concluded", by=agent)


def out_of_data(agent: User, campaigns) -> bool:
    """Nothing to claim, several times in a row with nobody holding a lease: a row another
    agent was about to release would otherwise end this agent's shift early."""
    for _ in range(3):
        if QueueEntry.objects.filter(state=QueueState.LEASED).exists():
            return False
        time.sleep(0.01)
    return claim_next_donor(agent, campaigns=campaigns, now=NOW) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_donor_is_leased_twice_at_once(pool_for_every_thread):
    campaigns = build_queue()
    initial = QueueEntry.objects.count()
    agents = [User.objects.create(username=f"agent{n}") for n in range(AGENTS)]
    held: set[int] = set()
    guard = threading.Lock()
    violations: list[str] = []
    finished: list[int] = []
    errors: list[BaseException] = []

    deadline = time.monotonic() + SECONDS  # wall clock: time_machine leaves monotonic alone

    def work(agent: User) -> None:
        rng = random.Random(agent.pk)
        try:
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"agent {agent.pk} still working after {SECONDS} s")
                claim = claim_next_donor(agent, campaigns=campaigns, now=NOW)
                if claim is None:
                    if out_of_data(agent, campaigns):
                        return
                    time.sleep(0.005)  # others hold the rest; wait for them to let go
                    continue
                with guard:
                    if claim.donor_id in held:
                        violations.append(f"donor {claim.donor_id} leased twice")
                    held.add(claim.donor_id)
                time.sleep(rng.random() / 1000)  # the agent looks at the donor card
                with guard:
                    held.discard(claim.donor_id)
                if rng.random() < 0.3:
                    release_lease(QueueEntry(pk=claim.entry_id, donor_id=claim.donor_id),
                                  token=claim.token, by=agent)  # fmt: skip
                else:
                    conclude(claim, agent)
                    with guard:
                        finished.append(claim.entry_id)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(agent,)) for agent in agents]
    # The outcome path reads the clock itself. Frozen, so that a slow machine cannot run the
    # leases out mid-test (the worker that would expire them is not running here).
    with time_machine.travel(NOW, tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline + 10 - time.monotonic()))
    assert not errors, errors
    assert not violations, violations[:5]
    remaining = QueueEntry.objects.exclude(state=QueueState.DONE)
    assert len(finished) == len(set(finished))
    assert len(finished) + remaining.count() == initial == 400
    # What is left is only the shared donors' other rows, moved to tomorrow by the daily cap.
    assert not remaining.filter(due_at__lte=NOW).exists()
    assert Call.objects.filter(outcome_recorded_at__isnull=False).count() == len(finished)
