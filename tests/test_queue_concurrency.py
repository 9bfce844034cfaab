"""Invariant 1 under real concurrency (PostgreSQL only: SQLite would pass for the wrong reason).

32 agents, each on its own thread and its own database session, claim from two campaigns
that share some donors, and release or finish every donor until Out of Data.

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
from django.db import connection, connections, transaction

from donorcall.campaigns.models import QueueEntry, QueueState
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.campaigns.queue.eligibility import enqueue, lock_donors
from donorcall.campaigns.queue.leases import release_lease, unhold_siblings
from donorcall.donors.models import Donor, PhoneNumber
from donorcall.staff.models import User
from tests.queue_world import WEDNESDAY_NOON_UTC, make_campaign

AGENTS = 32
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


def finish(claim) -> None:
    """What an outcome does to the queue, reduced to the invariant: the row is done and the
    donor's other rows are free again (outcomes come later; this is the same locking)."""
    with transaction.atomic():
        lock_donors([claim.donor_id])
        entry = QueueEntry.objects.get(pk=claim.entry_id)
        QueueEntry.objects.filter(pk=entry.pk).update(state=QueueState.DONE)
        unhold_siblings(entry)


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

    def work(agent: User) -> None:
        rng = random.Random(agent.pk)
        try:
            while True:
                claim = claim_next_donor(agent, campaigns=campaigns, now=NOW)
                if claim is None:
                    if not QueueEntry.objects.exclude(state=QueueState.DONE).exists():
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
                    finish(claim)
                    with guard:
                        finished.append(claim.entry_id)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not violations, violations[:5]
    remaining = QueueEntry.objects.exclude(state=QueueState.DONE).count()
    assert len(finished) == len(set(finished))
    assert len(finished) + remaining == initial == 400
    assert remaining == 0
