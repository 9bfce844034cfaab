"""G1 for bench/dialler_bench.py: many simulated agents claiming and finishing at once.

Each agent is a thread with its own Django connection (PostgreSQL: a session checked out of
the pool for each claim and its finish, returned after, as a web request does; SQLite: its own
connection, writers serialise). An
agent claims (``claim_next_donor``), then finishes the donor: 80% of the time it marks the row
done and un-holds the donor's other rows, 20% it releases the lease (``release_lease``). Both
writes take the donor lock first, as every writer of a donor's queue rows does.

The invariants, checked while it runs and at the end:

- no donor is held by two agents at once: a lock-protected set of the donors being held,
  added to after the claim returns and removed from *before* the finish un-holds anything
  (after it, another agent could legitimately claim the donor before we removed it);
- claimed + remaining = initial: rows marked done by an agent (each once) plus the rows not
  done in the database equal the rows loaded, and the database's done rows are exactly ours.
"""

import random
import threading
import time
from datetime import datetime

from django.db import OperationalError, connection, transaction

TARGET = "no donor leased twice; claimed + remaining = initial"


def finish_done(claim) -> bool:
    """The donor was called and concluded: the row is done, the donor's other rows open."""
    from donorcall.campaigns.models import QueueEntry, QueueState
    from donorcall.campaigns.queue.eligibility import lock_donors
    from donorcall.campaigns.queue.leases import LEASE_FIELDS, unhold_siblings

    with transaction.atomic():
        lock_donors([claim.donor_id])
        mine = QueueEntry.objects.filter(
            pk=claim.entry_id, state=QueueState.LEASED, lease_token=claim.token
        )
        if mine.update(state=QueueState.DONE, **LEASE_FIELDS) != 1:
            return False
        unhold_siblings(QueueEntry(pk=claim.entry_id, donor_id=claim.donor_id))
    return True


def release(claim, agent) -> None:
    from donorcall.campaigns.models import QueueEntry
    from donorcall.campaigns.queue.leases import release_lease

    release_lease(QueueEntry(pk=claim.entry_id, donor_id=claim.donor_id), token=claim.token,
                  by=agent)  # fmt: skip


def let_go() -> None:
    """PostgreSQL: give the session back to the pool after a finish (SQLite keeps its own)."""
    if connection.vendor == "postgresql":
        connection.close()


def retrying(errors: list[str], step, *args):
    """SQLite only: a writer that waited out the busy timeout behind 199 others tries again
    (counted); anything else is an error and ends the agent."""
    while True:
        try:
            return step(*args)
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            errors.append("busy timeout (retried)")


def run_agents(agents, campaigns, target: int, now: datetime, release_share: float = 0.2):
    """Every agent claims and finishes until ``target`` claims have been made in all."""
    from donorcall.campaigns.models import QueueEntry, QueueState
    from donorcall.campaigns.queue.claim import claim_next_donor

    initial = QueueEntry.objects.filter(campaign__in=campaigns).count()
    connection.close()
    guard = threading.Lock()
    held: set[int] = set()
    violations: list[str] = []
    finished: list[int] = []
    errors: list[str] = []
    busy: list[str] = []
    counts = {"claims": 0, "released": 0, "empty": 0}

    def claim_for(agent):
        return claim_next_donor(agent, campaigns=campaigns, now=now)

    def agent_loop(agent) -> None:
        rng = random.Random(agent.pk)
        try:
            while True:
                with guard:
                    if counts["claims"] >= target:
                        return
                claim = retrying(busy, claim_for, agent)
                if claim is None:
                    with guard:
                        counts["empty"] += 1
                    time.sleep(0.005)
                    continue
                with guard:
                    counts["claims"] += 1
                    if claim.donor_id in held:
                        violations.append(f"donor {claim.donor_id} leased twice at once")
                    held.add(claim.donor_id)
                time.sleep(0)  # let another agent run between the claim and the finish
                with guard:
                    held.discard(claim.donor_id)
                if rng.random() < release_share:
                    retrying(busy, release, claim, agent)
                    with guard:
                        counts["released"] += 1
                elif retrying(busy, finish_done, claim):
                    with guard:
                        finished.append(claim.entry_id)
                else:
                    with guard:
                        violations.append(f"lease on row {claim.entry_id} lost before finish")
                let_go()
        except Exception as error:  # reported in the figure
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=agent_loop, args=(agent,)) for agent in agents]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started

    rows = QueueEntry.objects.filter(campaign__in=campaigns)
    remaining = rows.exclude(state=QueueState.DONE).count()
    done_in_db = rows.filter(state=QueueState.DONE).count()
    still_leased = rows.filter(state__in=[QueueState.LEASED, QueueState.HELD]).count()
    claimed = len(set(finished))
    balanced = (
        claimed == len(finished) == done_in_db and claimed + remaining == initial
        and still_leased == 0
    )  # fmt: skip
    met = not violations and not errors and balanced
    return {
        "value": round(counts["claims"] / seconds, 1),
        "baseline": None,
        "ratio": None,
        "target": TARGET,
        "met": met,
        "unit": "claims/s (each followed by its finish)",
        "agents": len(agents),
        "claims": counts["claims"],
        "done": claimed,
        "released": counts["released"],
        "out_of_data_answers": counts["empty"],
        "initial": initial,
        "remaining": remaining,
        "left_leased_or_held": still_leased,
        "seconds": round(seconds, 1),
        "violations": violations[:5],
        "errors": errors[:5],
        "busy_retries": len(busy),
    }
