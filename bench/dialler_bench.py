"""The dialler's benchmark (PERFORMANCE.md: B1, T1, T2, T6 on PostgreSQL; B7, T14 on SQLite).

    python bench/dialler_bench.py [--rows 100000] [--database postgres|sqlite|both]

Prints one JSON object: machine, versions, each figure with its baseline and ratio. Every
figure is measured against a baseline in the same run on the same data (the machines are
noisy). Quick mode is 100k rows; PERFORMANCE.md's full fixtures are 1M.

PostgreSQL runs in a scratch database ``donorcall_bench_dialler`` (created, migrated with
``donorcall migrate`` in a subprocess, dropped at the end). Fixtures are written with
``INSERT … SELECT generate_series`` (no Python round trips); ``blocked`` is filled as
``refresh_queue`` would have left it, since the claim reads only the queue row.

- **normal**: one campaign; 10% no consent, 5% max attempts, 2% no number; 70% fresh, 25%
  retries (a fifth not yet due), 5% team appointments; zones London / New York / Chicago /
  Los Angeles, all inside hours at the bench instant except Los Angeles (08:00 there).
- **adversarial**: the same, but the earliest-due 60% of rows are in Sydney (02:00 there).
- **empty**: every row ineligible (blocked, not due, or outside hours): Out of Data.
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


FIXTURES = ("normal", "adversarial", "empty")


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


def load_postgres(campaigns, rows: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        for n, kind in enumerate(FIXTURES):
            first = 1_000_000 * (n + 1)
            with raw.copy(f"COPY donors_donor ({', '.join(DONOR_COLUMNS)}) FROM STDIN") as copy:
                for row in donor_rows(first, rows):
                    copy.write_row(row)
            columns = ", ".join(QUEUE_COLUMNS)
            with raw.copy(f"COPY campaigns_queueentry ({columns}) FROM STDIN") as copy:
                for row in queue_rows(kind, campaigns[kind].pk, first, rows):
                    copy.write_row(row)
        raw.execute("INSERT INTO campaigns_queuezone (key) SELECT DISTINCT zone_key "
                    "FROM campaigns_queueentry ON CONFLICT DO NOTHING")  # fmt: skip
        # B1's best case: the bare claim gets its own index on the normal fixture's open rows.
        raw.execute("CREATE INDEX bench_open_idx ON campaigns_queueentry (campaign_id, id) "
                    "WHERE state = 'open'")  # fmt: skip
        raw.execute("ANALYZE")


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


BARE_CLAIM = (
    "UPDATE campaigns_queueentry SET state = 'leased', lease_token = gen_random_uuid() "
    "WHERE id = (SELECT id FROM campaigns_queueentry WHERE campaign_id = %(campaign)s "
    "AND state = 'open' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id"
)


def bare_claim_postgres(campaign_id: int):
    """B1: the simplest SKIP LOCKED claim on the same table and the same fixture (the normal
    campaign's rows), committed, through the same connection layer as the full claim: one
    autocommitted statement on a prepared-statement cursor (``claim.prepared_cursor``)."""
    from donorcall.campaigns.queue.claim import prepared_cursor

    def work(n: int) -> bool:
        with prepared_cursor() as cursor:
            cursor.execute(BARE_CLAIM, {"campaign": campaign_id})
            return cursor.fetchone() is not None

    return work


def legacy_bare_claim_postgres(campaign_id: int):
    """B1 as first written, for comparison only: Django's client-bound cursor (planned on
    every call) inside transaction.atomic (BEGIN and COMMIT are two more round trips)."""
    from django.db import connection, transaction

    def work(n: int) -> bool:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(BARE_CLAIM, {"campaign": campaign_id})
            return cursor.fetchone() is not None

    return work


def full_claim(campaign, agents):
    from donorcall.campaigns.queue.claim import claim_next_donor

    def work(n: int) -> bool:
        return claim_next_donor(agents[n], campaigns=[campaign], now=INSTANT) is not None

    return work


def latencies(work, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        work(0)
        times.append(time.perf_counter() - started)
    return sorted(times)


def p99(times: list[float]) -> float:
    return times[min(len(times) - 1, int(len(times) * 0.99))]


def figure(value: float, baseline: float, target: float, *, lower_is_better=False) -> dict:
    ratio = value / baseline if baseline else 0.0
    met = ratio <= target if lower_is_better else ratio >= target
    return {"value": round(value, 5), "baseline": round(baseline, 5), "ratio": round(ratio, 3),
            "target": target, "met": met}  # fmt: skip


def bench_postgres(rows: int) -> dict:
    import psycopg

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
        return measure_postgres(campaigns, agents)
    finally:
        from django.db import connection

        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        admin.close()


def measure_postgres(campaigns, agents) -> dict:
    normal_id = campaigns["normal"].pk
    work = {
        "B1": bare_claim_postgres(normal_id),
        "B1_legacy": legacy_bare_claim_postgres(normal_id),
        "T1": full_claim(campaigns["normal"], agents),
        "T2": full_claim(campaigns["adversarial"], agents),
    }
    best = dict.fromkeys(work, 0.0)
    for round_ in range(ROUNDS):  # interleaved, so baseline and subject see the same noise
        for name, claim in work.items():
            best[name] = max(best[name], throughput(claim))
        log(f"postgres round {round_ + 1}: " + ", ".join(f"{k} {v:.0f}/s" for k, v in best.items()))
    normal = latencies(full_claim(campaigns["normal"], agents), 500)
    empty = latencies(full_claim(campaigns["empty"], agents), 500)
    return {
        "B1_claims_per_s": round(best["B1"], 1),
        "B1_legacy_claims_per_s": round(best["B1_legacy"], 1),
        "T1": figure(best["T1"], best["B1"], TARGETS["T1"]),
        "T2": figure(best["T2"], best["B1"], TARGETS["T2"]),
        "T6": figure(p99(empty), p99(normal), TARGETS["T6"], lower_is_better=True),
    }


def bench_sqlite(rows: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.sqlite3"
        url = f"sqlite:///{path}"
        migrate(url)
        setup_django(url)
        campaigns, agents = make_campaigns_and_agents()
        raw = sqlite3.connect(path)
        queue = queue_rows("normal", campaigns["normal"].pk, 1_000_000, rows)
        raw.executemany(insert_sql("donors_donor", DONOR_COLUMNS),
                        (sqlite_row(r) for r in donor_rows(1_000_000, rows)))  # fmt: skip
        raw.executemany(insert_sql("campaigns_queueentry", QUEUE_COLUMNS),
                        (sqlite_row(r) for r in queue))  # fmt: skip
        raw.execute("INSERT OR IGNORE INTO campaigns_queuezone (key) "
                    "SELECT DISTINCT zone_key FROM campaigns_queueentry")  # fmt: skip
        raw.execute("CREATE INDEX bench_open_idx ON campaigns_queueentry (id) WHERE state='open'")
        raw.commit()
        return measure_sqlite(raw, like_django(path), campaigns["normal"], agents[0])


def like_django(path: Path) -> sqlite3.Connection:
    """A raw connection set up as Django's is (settings.sqlite_database): autocommit, so one
    UPDATE is one transaction as in the full claim, and the same pragmas. The file is in WAL
    mode already; ``synchronous`` is per connection, and the default (FULL) made every B7
    commit wait for an fsync that the full claim's connection (NORMAL) does not."""
    raw = sqlite3.connect(path, isolation_level=None, timeout=20)
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("PRAGMA foreign_keys=ON")
    return raw


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 -- constants


def sqlite_row(row: tuple) -> tuple:
    """Datetimes as Django stores them on SQLite (UTC, no offset)."""
    return tuple(str(v.replace(tzinfo=None)) if isinstance(v, datetime) else v for v in row)


BARE_SQLITE_CLAIM = (
    "UPDATE campaigns_queueentry SET state = 'leased', lease_token = 'x' WHERE id = "
    "(SELECT id FROM campaigns_queueentry WHERE state = 'open' ORDER BY id LIMIT 1)"
)


def measure_sqlite(legacy: sqlite3.Connection, raw: sqlite3.Connection, campaign, agent) -> dict:
    """B7 and T14, one writer (SQLite has one), claims per second, best of the rounds. B7 runs
    on a connection set up like Django's (``like_django``); ``legacy`` is the loader's default
    connection (BEGIN … COMMIT, synchronous=FULL), B7 as first measured, for comparison."""

    def bare(_: int) -> bool:
        return raw.execute(BARE_SQLITE_CLAIM).rowcount == 1

    def bare_legacy(_: int) -> bool:
        cursor = legacy.execute(BARE_SQLITE_CLAIM)
        legacy.commit()
        return cursor.rowcount == 1

    work = {"B7": bare, "B7_legacy": bare_legacy, "T14": full_claim(campaign, [agent])}
    best = dict.fromkeys(work, 0.0)
    for round_ in range(ROUNDS):
        for name, claim in work.items():
            best[name] = max(best[name], count_for(claim))
        log(f"sqlite round {round_ + 1}: " + ", ".join(f"{k} {v:.0f}/s" for k, v in best.items()))
    return {
        "B7_claims_per_s": round(best["B7"], 1),
        "B7_legacy_claims_per_s": round(best["B7_legacy"], 1),
        "T14": figure(best["T14"], best["B7"], TARGETS["T14"]),
    }


def count_for(work, seconds: float = SECONDS) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        done += bool(work(0))
    return done / (time.perf_counter() - started)


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
    args = parser.parse_args()
    if args.database == "both":  # each database in its own process: Django is set up once
        figures: dict = {}
        for database in ("postgres", "sqlite"):
            command = [sys.executable, __file__, "--rows", str(args.rows), "--database", database]
            # this script, with our own arguments; progress goes straight to our stderr
            out = subprocess.run(command, check=False, stdout=subprocess.PIPE, text=True)  # noqa: S603
            figures.update(json.loads(out.stdout)["figures"])
    else:
        run = bench_postgres if args.database == "postgres" else bench_sqlite
        figures = run(args.rows)
    report = {
        "benchmark": "dialler",
        "rows_per_fixture": args.rows,
        "threads": THREADS,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(),
        "figures": figures,
    }
    print(json.dumps(report, indent=2))
    missed = [k for k, v in figures.items() if isinstance(v, dict) and not v["met"]]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
