"""The dialler's benchmark (PERFORMANCE.md: B1, T1, T2, T6 on PostgreSQL; B7, T14 on SQLite;
G1 and T7 on both).

    python bench/dialler_bench.py [--rows 100000] [--database postgres|sqlite|both]

Prints one JSON object: machine, versions, each figure with its baseline and ratio. Every
figure is measured against a baseline in the same run on the same data (the machines are
noisy). Quick mode is 100k rows; PERFORMANCE.md's full fixtures are 1M.

PostgreSQL runs in a scratch database ``donorcall_bench_dialler`` (created, migrated with
``donorcall migrate`` in a subprocess, dropped at the end). Fixtures are generated in Python
and written with ``COPY`` (SQLite: ``executemany``); ``blocked`` is filled as
``refresh_queue`` would have left it, since the claim reads only the queue row.

- **normal**: one campaign; 10% no consent, 5% max attempts, 2% no number; 70% fresh, 25%
  retries (a fifth not yet due), 5% team appointments; zones London / New York / Chicago /
  Los Angeles, all inside hours at the bench instant except Los Angeles (08:00 there).
- **adversarial**: the same, but the earliest-due 60% of rows are in Sydney (02:00 there).
- **empty**: every row ineligible (blocked, not due, or outside hours): Out of Data.
- **g1**: two campaigns sharing a third of their donors (so claims hold and finishes un-hold
  siblings), every row eligible; ``max(20k, rows / 10)`` donors, as many claims
  (bench/dialler_load.py runs the agents).
- **t7**: the normal mix on one campaign, first ``rows`` rows, then ``9 × rows`` more.
- **baseline**: a copy of normal (three times the rows on PostgreSQL) that only the bare
  claims B1 and B7 take from, through the same connection layer and settings as the full
  claim; the JSON's "notes" say why each baseline is set up as it is.
"""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
SCRATCH = "donorcall_bench_dialler"
INSTANT = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)  # Wed: London 16:00, NY 11:00, LA 08:00
THREADS = 8
SECONDS = 3.0
ROUNDS = 2
TARGETS = {"T1": 0.6, "T2": 0.5, "T6": 3.0, "T14": 0.5}
ZONES = ["Europe/London", "America/New_York", "America/Chicago", "America/Los_Angeles"]
AGENTS = 200  # G1
# G1 on PostgreSQL: the server allows 100 sessions (max_connections) and other work may hold
# some, so the 200 agents share a pool of this many, as a web process's requests do.
G1_SESSIONS = int(os.environ.get("BENCH_G1_SESSIONS", "40"))
LATENCY_CLAIMS = 2000  # T7, per queue size
T7_TARGET = 1.2
G1_FIRST_DONOR, T7_FIRST_DONOR = 50_000_000, 100_000_000
T7_SMALL, T7_LARGE = "donorcall_bench_t7_small", "donorcall_bench_t7_large"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "donorcall", "migrate", "-v", "0"], env=env,
                   cwd=ROOT, check=True)  # fmt: skip


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DATABASE_POOL_SIZE"] = str(THREADS + 2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donorcall.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Fixtures: one Python generator, COPY on PostgreSQL, executemany on SQLite ---------------

QUEUE_COLUMNS = ("campaign_id", "donor_id", "state", "priority", "due_at", "attempts",
                 "zone_key", "blocked", "last_ended_reason", "added_at")  # fmt: skip
DONOR_COLUMNS = ("id", "reference", "title", "first_name", "last_name", "is_organisation",
                 "organisation_name", "status", "timezone", "created_at", "updated_at")  # fmt: skip


def queue_rows(kind: str, campaign_id: int, first_donor: int, rows: int):
    """(queue row, donor zone) per donor; see the module docstring for the mix."""
    for g in range(rows):
        zone, ago = ZONES[g % 4], (g % 997) * 60
        if kind == "adversarial" and g % 10 < 6:
            zone, ago = "Australia/Sydney", 100_000 + g
        blocked = ("no_consent" if g % 100 < 10 else "max_attempts" if g % 100 < 15
                   else "no_number" if g % 100 < 17 else None)  # fmt: skip
        priority = 2 if g % 20 == 0 else 3 if g % 4 == 1 else 4
        due = INSTANT.timestamp() + (3600 if g % 20 == 1 else -ago)
        if kind == "empty":
            blocked = "no_consent" if g % 3 == 0 else None
            zone = "Australia/Sydney" if g % 3 == 1 else "Europe/London"
            due = INSTANT.timestamp() + (3600 if g % 3 == 2 else -ago)
        when = datetime.fromtimestamp(due, UTC)
        yield (campaign_id, first_donor + g, "open", priority, when, 0, zone, blocked, "", INSTANT)


def donor_rows(first_donor: int, rows: int):
    for g in range(rows):
        donor_id = first_donor + g
        yield (donor_id, f"B{donor_id}", "", "", "Bench", False, "", "active", None, INSTANT,
               INSTANT)  # fmt: skip


# "baseline" is a second copy of "normal" for B1 and B7 to claim from: the same fixture, but
# the baselines no longer take (and leave dead index entries in) the rows T1 and T14 claim.
FIXTURES = ("normal", "adversarial", "empty", "baseline")


def make_campaigns_and_agents():
    """Campaigns through the ORM (it knows every column and default), one per fixture."""
    from donorcall.campaigns.models import Campaign, CampaignStatus
    from donorcall.donors.models import Purpose
    from donorcall.staff.models import User

    purpose = Purpose.objects.get(code="fundraising")
    campaigns = {
        kind: Campaign.objects.create(
            name=f"Bench {kind}", purpose=purpose, status=CampaignStatus.ACTIVE
        )
        for kind in FIXTURES
    }
    agents = [User.objects.create(username=f"bench{n}") for n in range(THREADS)]
    return campaigns, agents


def make_campaign(name: str):
    from donorcall.campaigns.models import Campaign, CampaignStatus
    from donorcall.donors.models import Purpose

    purpose = Purpose.objects.get(code="fundraising")
    return Campaign.objects.create(name=name, purpose=purpose, status=CampaignStatus.ACTIVE)


def g1_donors(rows: int) -> int:
    return max(20_000, rows // 10)


def g1_queue_rows(first: int, second: int, first_donor: int, donors: int):
    """The first two thirds of the donors on ``first``, the last two thirds on ``second``:
    the middle third is on both. Fresh, due, in zones inside hours, nothing blocked."""
    for g in range(donors):
        due = datetime.fromtimestamp(INSTANT.timestamp() - 60 - (g % 997) * 60, UTC)
        for campaign_id, wanted in ((first, g < 2 * donors // 3), (second, g >= donors // 3)):
            if wanted:
                yield (campaign_id, first_donor + g, "open", 4, due, 0, ZONES[g % 3], None, "",
                       INSTANT)  # fmt: skip


def copy_rows(raw, table: str, columns: tuple[str, ...], rows) -> None:
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def make_g1_agents():
    from donorcall.staff.models import User

    return User.objects.bulk_create(User(username=f"g1agent{n}") for n in range(AGENTS))


def g1_figure(campaigns, donors: int) -> dict:
    import dialler_load

    result = dialler_load.run_agents(make_g1_agents(), campaigns, donors, INSTANT)
    log(f"G1: {result['claims']} claims at {result['value']}/s, met={result['met']}")
    return result


def t7_figure(small: list[list[float]], large: list[list[float]], rows: int) -> dict:
    def p50(times: list[float]) -> float:
        return times[len(times) // 2] * 1000  # ms: SQLite's claims take ~0.1 ms

    result = figure(min(map(p50, large)), min(map(p50, small)), T7_TARGET, lower_is_better=True)
    every_small = sorted(t for r in small for t in r)
    every_large = sorted(t for r in large for t in r)
    return {**result, "unit": "ms (p50 claim latency, best of 4 rounds; large queue vs small)",
            "small_rows": rows, "large_rows": 10 * rows, "claims_each": len(every_small),
            "round_p50s_small_ms": [round(p50(r), 4) for r in small],
            "round_p50s_large_ms": [round(p50(r), 4) for r in large],
            "p99_small_ms": round(p99(every_small) * 1000, 4),
            "p99_large_ms": round(p99(every_large) * 1000, 4)}  # fmt: skip


def g1_postgres(rows: int) -> dict:
    from django.db import connection, connections

    first, second = make_campaign("G1 first"), make_campaign("G1 second")
    donors = g1_donors(rows)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        copy_rows(raw, "donors_donor", DONOR_COLUMNS, donor_rows(G1_FIRST_DONOR, donors))
        copy_rows(raw, "campaigns_queueentry", QUEUE_COLUMNS,
                  g1_queue_rows(first.pk, second.pk, G1_FIRST_DONOR, donors))  # fmt: skip
        raw.execute("ANALYZE campaigns_queueentry")
    pool = connections.settings["default"]["OPTIONS"]["pool"]
    before = dict(pool)
    connection.close()
    connection.close_pool()
    pool.update(min_size=1, max_size=G1_SESSIONS)
    try:
        result = g1_figure([first, second], donors)
    finally:
        connection.close()
        connection.close_pool()
        pool.clear()
        pool.update(before)
    return {**result, "database_sessions": G1_SESSIONS}


def t7_postgres(rows: int) -> dict:
    """T7 on PostgreSQL: each queue in its own scratch database (``t7_interleaved``)."""
    import psycopg

    admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)
    try:
        for name in (T7_SMALL, T7_LARGE):
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        return t7_interleaved({name: f"{PG_SERVER}/{name}" for name in (T7_SMALL, T7_LARGE)}, rows)
    finally:
        for name in (T7_SMALL, T7_LARGE):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def t7_sqlite(rows: int) -> dict:
    """T7 on SQLite: each queue in its own database file (``t7_interleaved``)."""
    with tempfile.TemporaryDirectory() as scratch:
        files = {name: f"sqlite:///{scratch}/{name}.sqlite3" for name in (T7_SMALL, T7_LARGE)}
        return t7_interleaved(files, rows)


def t7_interleaved(urls: dict[str, str], rows: int) -> dict:
    """The claim's latency on a queue of ``rows`` rows (``urls[T7_SMALL]``) and on one of
    ``10 × rows`` (``urls[T7_LARGE]``), each database held by its own process
    (``--t7-worker``). Their rounds alternate, so both sizes see the same background load:
    measured one after the other, minutes apart, the two p50s differed more by what else the
    machine was doing than by the queue's size."""
    workers: dict[str, subprocess.Popen] = {}
    try:
        for name, count in ((T7_SMALL, rows), (T7_LARGE, 10 * rows)):
            migrate(urls[name])
            workers[name] = subprocess.Popen(
                [sys.executable, __file__, "--t7-worker", urls[name], "--rows", str(count)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            ask(workers[name], "load")  # one at a time: loading is not what is measured
        for name in workers:  # the large load pushed the small queue out of the caches
            ask(workers[name], "warm")
            ask(workers[name], "round")
        rounds: dict[str, list[list[float]]] = {T7_SMALL: [], T7_LARGE: []}
        for n in range(4):
            for name in (T7_SMALL, T7_LARGE) if n % 2 == 0 else (T7_LARGE, T7_SMALL):
                rounds[name].append(ask(workers[name], "round"))
        return t7_figure(rounds[T7_SMALL], rounds[T7_LARGE], rows)
    finally:
        for worker in workers.values():
            worker.kill()
            worker.wait()


def ask(worker: subprocess.Popen, command: str) -> list[float]:
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(command + "\n")
    worker.stdin.flush()
    answer = worker.stdout.readline()
    if not answer:
        raise RuntimeError(f"the T7 worker stopped (exit {worker.wait()}): see above")
    return json.loads(answer)


def t7_worker(url: str, rows: int) -> None:
    """One T7 queue: ``load`` fills it (one campaign, the normal mix) and warms the claim;
    each ``round`` answers the sorted latencies of LATENCY_CLAIMS / 4 claims, as JSON."""
    setup_django(url)
    from django.db import connection

    from donorcall.staff.models import User

    campaign, agent = make_campaign("T7"), User.objects.create(username="t7agent")
    work = full_claim(campaign, [agent])
    for command in sys.stdin:
        if command.strip() == "load":
            started = time.perf_counter()
            if connection.vendor == "sqlite":
                load_t7_sqlite(Path(connection.settings_dict["NAME"]), campaign.pk, rows)
            else:
                with connection.cursor() as cursor:
                    raw = cursor.cursor
                    copy_rows(raw, "donors_donor", DONOR_COLUMNS,
                              donor_rows(T7_FIRST_DONOR, rows))  # fmt: skip
                    copy_rows(raw, "campaigns_queueentry", QUEUE_COLUMNS,
                              queue_rows("normal", campaign.pk, T7_FIRST_DONOR, rows))  # fmt: skip
                    raw.execute(ZONES_SQL)
                    raw.execute("VACUUM ANALYZE campaigns_queueentry")
                    raw.execute("VACUUM ANALYZE donors_donor")
            log(f"T7: {rows} queue rows loaded in {time.perf_counter() - started:.1f}s")
            latencies(work, 300)  # the cache and the prepared statement
            print("[]", flush=True)
        elif command.strip() == "warm":
            if connection.vendor == "sqlite":
                read_through(Path(connection.settings_dict["NAME"]))
            print("[]", flush=True)
        else:
            print(json.dumps(latencies(work, LATENCY_CLAIMS // 4)), flush=True)


def read_through(path: Path) -> None:
    """Read the database file once, into the operating system's page cache. Loading the 10M
    queue pushed the 1M queue's file out of it (this machine keeps little of a file it
    wrote minutes ago), and the 1M claims then read their pages from disk: 94 µs p50 against
    the 10M queue's 39 µs, T7 0.42. The README asks for a large SQLite queue's file to stay
    in the cache; T7 measures both queues that way."""
    with path.open("rb") as file:
        while file.read(1 << 24):
            pass


def load_t7_sqlite(path: Path, campaign_id: int, rows: int) -> None:
    raw = sqlite3.connect(path)
    sqlite_insert(raw, "donors_donor", DONOR_COLUMNS, donor_rows(T7_FIRST_DONOR, rows))
    sqlite_insert(raw, "campaigns_queueentry", QUEUE_COLUMNS,
                  queue_rows("normal", campaign_id, T7_FIRST_DONOR, rows))  # fmt: skip
    raw.execute("INSERT OR IGNORE INTO campaigns_queuezone (key) "
                "SELECT DISTINCT zone_key FROM campaigns_queueentry")  # fmt: skip
    raw.commit()
    as_enqueue_leaves_it()
    raw.execute("ANALYZE")
    # The load went through the write-ahead log (1.6 GB at 10M rows): into the database file
    # with it, as on a database in service. (It did not change T7: 1.70 before, 1.66 after.)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()


def as_enqueue_leaves_it() -> None:
    """SQLite: the loaded queue rows as ``enqueue`` leaves new rows, with room on each table
    page for their leases (``eligibility.leave_room_for_leases``). The loader inserts rows in
    id order, which fills every page to its last few bytes; a lease grows its row by ~90
    bytes, so without this the first claim on each page split it (docs/benchmarks.md,
    "T14, fourth pass")."""
    from donorcall.campaigns.models import QueueEntry
    from donorcall.campaigns.queue.eligibility import leave_room_for_leases

    leave_room_for_leases(QueueEntry.objects.all())


ZONES_SQL = (
    "INSERT INTO campaigns_queuezone (key) SELECT DISTINCT zone_key FROM campaigns_queueentry "
    "ON CONFLICT DO NOTHING"
)


def load_postgres(campaigns, rows: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        for n, kind in enumerate(FIXTURES):
            first = 1_000_000 * (n + 1)
            # The baselines run three claims at up to ~6k/s each: give them rows to spare.
            count = 3 * rows if kind == "baseline" else rows
            with raw.copy(f"COPY donors_donor ({', '.join(DONOR_COLUMNS)}) FROM STDIN") as copy:
                for row in donor_rows(first, count):
                    copy.write_row(row)
            columns = ", ".join(QUEUE_COLUMNS)
            with raw.copy(f"COPY campaigns_queueentry ({columns}) FROM STDIN") as copy:
                for row in queue_rows(kind, campaigns[kind].pk, first, count):
                    copy.write_row(row)
        raw.execute(ZONES_SQL)
        raw.execute(bare_index_postgres(campaigns["baseline"].pk))
        settle_postgres(raw)


def settle_postgres(raw) -> None:
    """Leave the loaded tables as a database in service has them before anything is timed:
    vacuumed (hint bits set, visibility map written) and checkpointed. Otherwise the first
    round pays for the load: the first claims to touch each page set its hint bits and dirty
    it, and the load's checkpoint runs under them (T1 2,169 claims/s in the first round of a
    full run against 2,991 in the second; B1 no faster in the second)."""
    for table in ("campaigns_queueentry", "donors_donor"):
        raw.execute(f"VACUUM ANALYZE {table}")
    raw.execute("ANALYZE")  # the small tables too (campaigns, zones, agents)
    raw.execute("CHECKPOINT")


# --- Measurements -------------------------------------------------------------------------------


def throughput(work, threads: int = THREADS, seconds: float = SECONDS) -> float:
    """Claims per second by ``threads`` threads each calling ``work(n)`` until time is up."""
    from django.db import connection

    counts = [0] * threads
    stop = time.perf_counter() + seconds

    def run(n: int) -> None:
        try:
            while time.perf_counter() < stop:
                if work(n):
                    counts[n] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


# B1 and B7 claim what the full claim could hand out (the claim index's conditions, open and
# not blocked) from their own index in id order: the best case for a bare claim. B7's:
BARE_INDEX = ("CREATE INDEX bench_open_idx ON campaigns_queueentry (campaign_id, id) "
              "WHERE state = 'open' AND blocked IS NULL")  # fmt: skip


# B1 on PostgreSQL: its own index holds exactly the baseline campaign's claimable rows, in id
# order, and the statement names the campaign, so the index's condition proves the query's and
# no other plan is cheaper. With an index on (campaign_id, id) and the campaign as a parameter,
# the planner once chose the primary key (it expects every campaign's rows to be spread evenly
# in id order, so the first match a few rows in) and walked the three million rows loaded
# before the baseline's on every claim: B1 fell to 4 claims/s at full size.
def bare_index_postgres(campaign_id: int) -> str:
    return (
        "CREATE INDEX bench_b1_idx ON campaigns_queueentry (id) "
        f"WHERE campaign_id = {int(campaign_id)} AND state = 'open' AND blocked IS NULL"
    )


def bare_claim_sql(campaign_id: int, *, lease: bool = False) -> str:
    """The bare claim; with ``lease``, writing every column a lease needs (holder, token,
    times), for the notes."""
    lease_columns = (
        ", lease_holder_id = %(agent)s, leased_at = now(), "
        "lease_expires_at = now() + interval '2 minutes'"
        if lease
        else ""
    )
    return (
        f"UPDATE campaigns_queueentry SET state = 'leased', lease_token = gen_random_uuid()"
        f"{lease_columns} WHERE id = (SELECT id FROM campaigns_queueentry "
        f"WHERE campaign_id = {int(campaign_id)} AND state = 'open' AND blocked IS NULL "
        "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id"
    )


def bare_claim_postgres(campaign_id: int, agents=None):
    """B1: the simplest SKIP LOCKED claim on the same table and the same fixture (its own copy
    of the normal rows), committed, through the same connection layer as the full claim: one
    autocommitted statement on a prepared-statement cursor (``claim.prepared_cursor``)."""
    from donorcall.campaigns.queue.claim import prepared_cursor

    sql = bare_claim_sql(campaign_id, lease=agents is not None)

    def work(n: int) -> bool:
        with prepared_cursor() as cursor:
            cursor.execute(sql, {} if agents is None else {"agent": agents[n].pk})
            return cursor.fetchone() is not None

    return work


def legacy_bare_claim_postgres(campaign_id: int):
    """B1 as first written, for comparison only: Django's client-bound cursor (planned on
    every call) inside transaction.atomic (BEGIN and COMMIT are two more round trips)."""
    from django.db import connection, transaction

    sql = bare_claim_sql(campaign_id)

    def work(n: int) -> bool:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone() is not None

    return work


def full_claim(campaign, agents):
    from donorcall.campaigns.queue.claim import claim_next_donor

    def work(n: int) -> bool:
        return claim_next_donor(agents[n], campaigns=[campaign], now=INSTANT) is not None

    return work


def latencies(work, count: int, *, must_claim: bool = True) -> list[float]:
    """Seconds per claim; a claim that finds nobody would be timing Out of Data instead."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        claimed = work(0)
        times.append(time.perf_counter() - started)
        if must_claim and not claimed:
            raise RuntimeError("a timed claim found nobody: the fixture ran out or is wrong")
    return sorted(times)


def p99(times: list[float]) -> float:
    return times[min(len(times) - 1, int(len(times) * 0.99))]


def figure(value: float, baseline: float, target: float, *, lower_is_better=False) -> dict:
    ratio = value / baseline if baseline else 0.0
    met = ratio <= target if lower_is_better else ratio >= target
    return {"value": round(value, 5), "baseline": round(baseline, 5), "ratio": round(ratio, 3),
            "target": target, "met": met}  # fmt: skip


def bench_postgres(rows: int, only: str | None = None) -> dict:
    import psycopg

    if only == "t7":
        return {"T7_postgres": t7_postgres(rows)}

    admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
    admin.execute(f"CREATE DATABASE {SCRATCH}")
    url = f"{PG_SERVER}/{SCRATCH}"
    try:
        log("postgres: migrating the scratch database")
        migrate(url)
        setup_django(url)
        campaigns, agents = make_campaigns_and_agents()
        started = time.perf_counter()
        load_postgres(campaigns, rows)
        log(f"postgres: {3 * rows} queue rows loaded in {time.perf_counter() - started:.1f}s")
        figures = measure_postgres(campaigns, agents)
        if only == "claims":
            return figures
        figures["G1_postgres"] = g1_postgres(rows)
        figures["T7_postgres"] = t7_postgres(rows)
        return figures
    finally:
        from django.db import connection

        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        admin.close()


def measure_postgres(campaigns, agents) -> dict:
    baseline_id = campaigns["baseline"].pk
    work = {
        "B1": bare_claim_postgres(baseline_id),
        "B1_legacy": legacy_bare_claim_postgres(baseline_id),
        "B1_lease_write": bare_claim_postgres(baseline_id, agents),
        "T1": full_claim(campaigns["normal"], agents),
        "T2": full_claim(campaigns["adversarial"], agents),
    }
    best = dict.fromkeys(work, 0.0)
    for round_ in range(ROUNDS):  # interleaved, so baseline and subject see the same noise
        for name, claim in work.items():
            best[name] = max(best[name], throughput(claim))
        log(f"postgres round {round_ + 1}: " + ", ".join(f"{k} {v:.0f}/s" for k, v in best.items()))
    normal = latencies(full_claim(campaigns["normal"], agents), 500)
    empty = latencies(full_claim(campaigns["empty"], agents), 500, must_claim=False)
    return {
        "B1_claims_per_s": round(best["B1"], 1),
        "B1_legacy_claims_per_s": round(best["B1_legacy"], 1),
        "B1_lease_write_claims_per_s": round(best["B1_lease_write"], 1),
        "T1": figure(best["T1"], best["B1"], TARGETS["T1"]),
        "T2": figure(best["T2"], best["B1"], TARGETS["T2"]),
        "T6": figure(p99(empty), p99(normal), TARGETS["T6"], lower_is_better=True),
    }


def bench_sqlite(rows: int, only: str | None = None) -> dict:
    if only == "t7":
        return {"T7_sqlite": t7_sqlite(rows)}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.sqlite3"
        url = f"sqlite:///{path}"
        migrate(url)
        setup_django(url)
        campaigns, agents = make_campaigns_and_agents()
        raw = sqlite3.connect(path)
        for first, kind in ((1_000_000, "normal"), (4_000_000, "baseline")):
            queue = queue_rows(kind, campaigns[kind].pk, first, rows)
            raw.executemany(insert_sql("donors_donor", DONOR_COLUMNS),
                            (sqlite_row(r) for r in donor_rows(first, rows)))  # fmt: skip
            raw.executemany(insert_sql("campaigns_queueentry", QUEUE_COLUMNS),
                            (sqlite_row(r) for r in queue))  # fmt: skip
        raw.execute("INSERT OR IGNORE INTO campaigns_queuezone (key) "
                    "SELECT DISTINCT zone_key FROM campaigns_queueentry")  # fmt: skip
        raw.commit()
        as_enqueue_leaves_it()
        figures = measure_sqlite(raw, like_django(path), campaigns, agents[0])
        if only == "claims":
            raw.close()
            return figures
        figures["G1_sqlite"] = g1_sqlite(raw, rows)
        figures["T7_sqlite"] = t7_sqlite(rows)
        raw.close()
        return figures


def sqlite_insert(raw: sqlite3.Connection, table: str, columns: tuple[str, ...], rows) -> None:
    raw.executemany(insert_sql(table, columns), (sqlite_row(r) for r in rows))
    raw.commit()


def g1_sqlite(raw: sqlite3.Connection, rows: int) -> dict:
    first, second = make_campaign("G1 first"), make_campaign("G1 second")
    donors = g1_donors(rows)
    sqlite_insert(raw, "donors_donor", DONOR_COLUMNS, donor_rows(G1_FIRST_DONOR, donors))
    sqlite_insert(raw, "campaigns_queueentry", QUEUE_COLUMNS,
                  g1_queue_rows(first.pk, second.pk, G1_FIRST_DONOR, donors))  # fmt: skip
    return g1_figure([first, second], donors)


def like_django(path: Path) -> sqlite3.Connection:
    """A raw connection set up as Django's is (settings.sqlite_database): autocommit, so one
    UPDATE is one transaction as in the full claim, and the same pragmas, run from the same
    ``init_command`` so that B7 cannot drift from the app's settings. ``synchronous`` is per
    connection, and the default (FULL) made every B7 commit wait for an fsync that the full
    claim's connection (NORMAL) does not; ``cache_size`` is per connection too."""
    from donorcall.settings import sqlite_database

    options = sqlite_database(path)["OPTIONS"]
    raw = sqlite3.connect(path, isolation_level=None, timeout=options["timeout"])
    raw.executescript(options["init_command"])
    return raw


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def sqlite_row(row: tuple) -> tuple:
    """Datetimes as Django stores them on SQLite (UTC, no offset)."""
    return tuple(str(v.replace(tzinfo=None)) if isinstance(v, datetime) else v for v in row)


BARE_SQLITE_PICK = (
    "WHERE id = (SELECT id FROM campaigns_queueentry WHERE campaign_id = :campaign "
    "AND state = 'open' AND blocked IS NULL ORDER BY id LIMIT 1)"
)
BARE_SQLITE_CLAIM = (
    f"UPDATE campaigns_queueentry SET state = 'leased', lease_token = 'x' {BARE_SQLITE_PICK}"
)
# For the notes: the bare claim writing every column a lease needs (holder, token, times).
LEASE_SQLITE_CLAIM = (
    "UPDATE campaigns_queueentry SET state = 'leased', lease_holder_id = :agent, "
    f"lease_token = :token, leased_at = :at, lease_expires_at = :at {BARE_SQLITE_PICK}"
)
REOPEN_SQLITE = (
    "UPDATE campaigns_queueentry SET state = 'open', lease_holder_id = NULL, lease_token = NULL, "
    "leased_at = NULL, lease_expires_at = NULL WHERE campaign_id = :campaign AND state = 'leased'"
)


def measure_sqlite(legacy: sqlite3.Connection, raw: sqlite3.Connection, campaigns, agent) -> dict:
    """B7 and T14, one writer (SQLite has one), claims per second, best of the rounds. B7 runs
    on a connection set up like Django's (``like_django``); ``legacy`` is the loader's default
    connection (BEGIN … COMMIT, synchronous=FULL), B7 as first measured, for comparison.
    B7 takes ~50k rows in 3 s, so its copy of the fixture is reopened before each run."""
    baseline = {"campaign": campaigns["baseline"].pk}

    def bare(_: int) -> bool:
        return raw.execute(BARE_SQLITE_CLAIM, baseline).rowcount == 1

    def bare_lease_write(_: int) -> bool:
        lease = {"agent": agent.pk, "token": uuid.uuid4().hex, "at": sqlite_row((INSTANT,))[0]}
        return raw.execute(LEASE_SQLITE_CLAIM, {**baseline, **lease}).rowcount == 1

    def bare_legacy(_: int) -> bool:
        cursor = legacy.execute(BARE_SQLITE_CLAIM, baseline)
        legacy.commit()
        return cursor.rowcount == 1

    work = {"B7": bare, "B7_legacy": bare_legacy, "B7_lease_write": bare_lease_write,
            "T14": full_claim(campaigns["normal"], [agent])}  # fmt: skip
    best = dict.fromkeys(work, 0.0)
    for round_ in range(ROUNDS):
        for name, claim in work.items():
            raw.execute(REOPEN_SQLITE, baseline)
            with bare_claim_index(raw, wanted=name.startswith("B7")):
                best[name] = max(best[name], count_for(claim))
        log(f"sqlite round {round_ + 1}: " + ", ".join(f"{k} {v:.0f}/s" for k, v in best.items()))
    return {
        "B7_claims_per_s": round(best["B7"], 1),
        "B7_legacy_claims_per_s": round(best["B7_legacy"], 1),
        "B7_lease_write_claims_per_s": round(best["B7_lease_write"], 1),
        "T14": figure(best["T14"], best["B7"], TARGETS["T14"]),
    }


def bare_claim_index(raw: sqlite3.Connection, *, wanted: bool):
    """B7's own index on open rows, there only while B7 runs. SQLite deletes a row's index
    entries as soon as the row changes, so while it exists every full claim (which leases an
    open row) paid for it too: one more page written per claim (8.9 → ~8 WAL frames)."""
    from contextlib import contextmanager

    @contextmanager
    def toggled():
        if wanted:
            raw.execute(BARE_INDEX)
        try:
            yield
        finally:
            raw.execute("DROP INDEX IF EXISTS bench_open_idx")

    return toggled()


def count_for(work, seconds: float = SECONDS) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        done += bool(work(0))
    return done / (time.perf_counter() - started)


NOTES = [
    "B1 and T1 go through the same connection layer: one autocommitted statement on the "
    "prepared-statement cursor the claim uses (claim.prepared_cursor). B1 used to run inside "
    "transaction.atomic on Django's client-bound cursor (planned every call, BEGIN and COMMIT "
    "as extra round trips): B1_legacy, kept for comparison, is about half of B1.",
    "B1 and B7 claim rows the full claim could hand out (open and not blocked, as in "
    "queue_claim_idx) from their own copy of the normal fixture (campaign 'baseline'), so the "
    "baselines no longer drain the rows T1/T14 claim nor leave dead index entries in them.",
    "B1's index (bench_b1_idx) holds only the baseline campaign's claimable rows, in id order, "
    "and its statement names the campaign: with an index on (campaign_id, id) and the campaign "
    "as a parameter, the planner once took the primary key instead and B1 fell to 4 claims/s "
    "at full size. PostgreSQL's tables are vacuumed and checkpointed after the load, before "
    "anything is timed (settle_postgres).",
    "B7 runs on a raw sqlite3 connection set up like Django's: autocommit and "
    "synchronous=NORMAL. It used the module's default (implicit BEGIN, synchronous=FULL, an "
    "fsync per commit that T14's connection does not pay): B7_legacy, kept for comparison.",
    "SQLite: B7's own index exists only while B7 runs; SQLite removes index entries as a row "
    "changes, so while it existed every T14 claim also paid for it.",
    "B1_lease_write / B7_lease_write are the bare claims writing every column a lease needs "
    "(holder, token, times): the part of the T1/B1 and T14/B7 gaps that is the queue row's "
    "write cost (the lease_holder foreign key: its check and its index), not the claim's logic. "
    "They are reported, not used as baselines.",
    "G1_postgres / G1_sqlite (bench/dialler_load.py): 200 agent threads claim from two "
    "campaigns sharing a third of their donors until max(20k, rows/10) claims; each claim is "
    "followed by a finish (80%: row done and the donor's other rows un-held, under the donor "
    "lock; 20%: release_lease). value = claims/s; met = no donor in the shared held set twice "
    "at once, no errors, and done-by-agents + not-done rows = initial with nothing left "
    "leased or held. PostgreSQL's max_connections is 100 here, so the 200 agents share a pool "
    "of database_sessions sessions (BENCH_G1_SESSIONS), checked out per step as requests do; "
    "SQLite: one connection per agent, writers serialised by the write lock.",
    "T7_postgres / T7_sqlite: p50 of 2,000 single-thread full claims (four rounds of 500, the "
    "best round's p50, as the throughput figures take the best round) on one campaign whose "
    "queue has rows rows, against the same on a queue of 10 x rows (quick mode 100k vs 1M, "
    "full 1M vs 10M). Each queue is in its own database (a scratch database, or a file), "
    "loaded, vacuumed or analysed, and warmed (300 claims and a discarded round) by its own "
    "process; the two sizes' rounds alternate so that both see the same background load. "
    "Before the rounds each SQLite file is read through once (read_through): loading the "
    "10M queue had pushed the 1M queue's file out of the operating system's cache. "
    "SQLite: every loaded queue row is left as enqueue leaves new rows, with room on its "
    "table page for its lease (eligibility.leave_room_for_leases; as_enqueue_leaves_it): "
    "rows inserted in id order fill each page, a lease grows its row by ~90 bytes, and the "
    "first claim on each packed page split it. "
    "met = large p50 <= 1.2 x small p50.",
]


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for package in ("Django", "psycopg"):
        try:
            found[package.lower()] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package.lower()] = "not installed"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument(
        "--only",
        choices=["t7", "claims"],
        help="only T7 (it loads 11 x rows), or only the claims (B1, T1, T2, T6; B7, T14)",
    )
    parser.add_argument("--t7-worker", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.t7_worker:
        t7_worker(args.t7_worker, args.rows)
        return 0
    if args.database == "both":  # each database in its own process: Django is set up once
        figures: dict = {}
        for database in ("postgres", "sqlite"):
            command = [sys.executable, __file__, "--rows", str(args.rows), "--database", database]
            # this script, with our own arguments; progress goes straight to our stderr
            out = subprocess.run(command, check=False, stdout=subprocess.PIPE, text=True)
            figures.update(json.loads(out.stdout)["figures"])
    else:
        run = bench_postgres if args.database == "postgres" else bench_sqlite
        figures = run(args.rows, args.only)
    report = {
        "benchmark": "dialler",
        "rows_per_fixture": args.rows,
        "threads": THREADS,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(),
        "figures": figures,
        "notes": NOTES,
    }
    print(json.dumps(report, indent=2))
    missed = [k for k, v in figures.items() if isinstance(v, dict) and not v["met"]]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
