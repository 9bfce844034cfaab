"""The donor import benchmark: T11 (staging) against B4, T12 (end to end) against B5.

    python bench/import_bench.py [--rows 100000|1000000] [--database postgres|sqlite]

prints one JSON object on stdout (progress on stderr): machine, versions, each figure with its
baseline and ratio, and the peak memory of the import. Exit 1 when a figure with a target falls
below it (targets apply on PostgreSQL; SQLite figures are reported without one).

- The file is generated with a fixed seed into a temporary folder: realistic columns (reference,
  names, phone and a second number, email, address, date of birth, two consent columns, last
  gift), UK and US numbers from the fictional ranges (Ofcom's drama numbers, NANP 555-01xx) in
  mixed formats, about 30% of them repeats of a number already in the file, 0.3% bad numbers.
  The fictional ranges hold about 340,000 distinct raw strings, so a 1M-row file repeats more
  than 30%; the report gives the real share.
- B4: raw COPY of the file (FORMAT csv) into an unindexed temporary table of text columns.
- T11: the import's staging step on the same file: its staging table created (unindexed) and
  each chunk's clean rows copied in (PostgreSQL: the COPY text the cleaning workers write;
  SQLite: tuples). Cleaning (and so serialising) happens first, outside the timing, as it
  happens in the worker processes during an import. The staging table's indexes and ANALYZE are
  not in T11: the import builds them once after the load, as the first step of the merge
  transaction (``Staging.prepare``), so they count in T12's "merge" phase. Building an index
  once over loaded rows is cheaper than maintaining it row by row during the COPY, so the
  total improves too; T11 is the load alone, like B4.
- B5: phonenumbers parse + is_valid_number + E.164 format of the file's phone column, every
  row, over a process pool with one worker per core.
- T12: the whole import (read, clean, normalise, stage, check, merge) of the file, mode "import
  the valid rows", into a freshly migrated scratch database (``donorcall_bench_import`` on
  PostgreSQL, dropped afterwards). Peak memory: the importing process's maximum RSS plus its
  cleaning workers' (each worker's maximum), against a limit of 1 GiB.

Scratch database server: $BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres).

Each measurement runs in its own process (this script with ``--phase``), so one phase's memory
does not count against another's. B4 and T11 alternate, twice each, and the best of each is
kept (T11 takes a quarter of a second at 100k rows: one sample of it moved by half from run to
run); B5 is measured before and after T12, which runs once, and the best B5 kept, so T12's
ratio is conservative.
"""

import argparse
import csv
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from donorcall.donors.models import ImportJob

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20_260_301
REGION = "GB"
SCRATCH_DB = "donorcall_bench_import"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGETS = {"T11": 0.5, "T12": 0.6}
MEMORY_LIMIT_MIB = 1024  # the import's processes together (PERFORMANCE.md, T12)
REPEAT_SHARE = 0.30
BAD_SHARE = 0.003

HEADER = [
    "Reference",
    "Title",
    "First name",
    "Surname",
    "Phone",
    "Mobile",
    "Email",
    "Address 1",
    "Address 2",
    "Town",
    "County",
    "Postcode",
    "Country",
    "Date of birth",
    "consent_phone_fundraising",
    "consent_email_marketing",
    "Last gift amount",
    "Last gift date",
    "Gift Aid",
]
PHONE_COLUMN = HEADER.index("Phone")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the file ----------------------------------------------------------------------------------

# Ofcom's drama ranges that libphonenumber (or donorcall, for 07700 900) accepts, as the
# national number after the 0, split where people put the space.
UK_RANGES = [
    ("7700", "900"),
    ("20", "7946 0"),
    ("113", "496 0"),
    ("114", "496 0"),
    ("116", "496 0"),
    ("117", "496 0"),
    ("118", "496 0"),
    ("121", "496 0"),
    ("131", "496 0"),
    ("141", "496 0"),
    ("151", "496 0"),
    ("161", "496 0"),
    ("191", "498 0"),
    ("28", "9649 6"),
    ("29", "2018 0"),
    ("306", "999 0"),
]
UK_FORMATS = [
    "0{a} {b}",
    "+44 {a} {b}",
    "(0){a}-{b}",
    "+44 (0){a} {b}",
    "0{a}{c}",
    "0044 {a} {b}",
    "+44{a}{c}",
]
US_FORMATS = [
    "+1 ({npa}) 555-{line}",
    "+1 {npa}-555-{line}",
    "+1.{npa}.555.{line}",
    "+1{npa}555{line}",
    "001 {npa} 555 {line}",
]
JUNK = ["n/a", "unknown", "07700 90", "+44", "tel", "none", "0800", "+1 555", "x", "?"]

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Mary",
    "John",
    "Priya",
    "Mohammed",
    "Olivia",
    "Wei",
    "Sofia",
    "James",
    "Amelia",
    "Noah",
    "Isla",
    "Oliver",
    "Fatima",
    "Liam",
    "Chloe",
    "Arjun",
    "Zoe",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Lewis",
    "Harris",
]
STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Avenue",
    "Mill Lane",
    "Victoria Road",
    "Main Street",
    "Oak Drive",
    "Elm Street",
    "Maple Avenue",
]
UK_TOWNS = [
    ("Leeds", "West Yorkshire", "LS1 1AA"),
    ("York", "North Yorkshire", "YO1 7HH"),
    ("Bristol", "", "BS1 4DJ"),
    ("Manchester", "", "M1 1AE"),
    ("Cardiff", "", "CF10 1AA"),
    ("Belfast", "County Antrim", "BT1 1AA"),
]
US_TOWNS = [
    ("New York", "NY", "10001"),
    ("Chicago", "IL", "60601"),
    ("Denver", "CO", "80202"),
    ("Seattle", "WA", "98101"),
    ("Austin", "TX", "73301"),
    ("Boston", "MA", "02108"),
]


def us_area_codes() -> list[str]:
    import phonenumbers

    return [
        str(npa)
        for npa in range(201, 990)
        if phonenumbers.is_valid_number(phonenumbers.parse(f"+1{npa}5550100"))
    ]


def number_pool(rng: random.Random) -> tuple[list[str], list[str]]:
    """Every raw string the fictional ranges give, UK and US, shuffled."""
    uk, us = [], []
    for area, start in UK_RANGES:
        for suffix in range(1000):
            local = f"{start}{suffix:03d}"
            compact = local.replace(" ", "")
            uk += [f.format(a=area, b=local, c=compact) for f in UK_FORMATS]
    for npa in us_area_codes():
        us += [f.format(npa=npa, line=f"01{n:02d}") for n in range(100) for f in US_FORMATS]
    rng.shuffle(uk)
    rng.shuffle(us)
    return uk, us


class Numbers:
    """Hands out raw numbers: a fresh one, or (REPEAT_SHARE, and once a pool runs dry) one
    already handed out."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pools = dict(zip(("GB", "US"), number_pool(rng), strict=True))
        self.used: dict[str, list[str]] = {"GB": [], "US": []}
        self.repeats = 0

    def take(self, country: str) -> str:
        pool, used = self.pools[country], self.used[country]
        if used and (not pool or self.rng.random() < REPEAT_SHARE):
            self.repeats += 1
            return self.rng.choice(used)
        used.append(pool.pop())
        return used[-1]


def some_date(rng: random.Random, start: date, days: int, us: bool) -> str:
    day = start + timedelta(days=rng.randrange(days))
    if us or rng.random() < 0.5:
        return day.isoformat()
    return day.strftime("%d/%m/%Y")


def donor_row(n: int, rng: random.Random, numbers: Numbers) -> list[str]:
    us = rng.random() < 0.4
    country = "US" if us else "GB"
    first, last = rng.choice(FIRST), rng.choice(LAST)
    phone = numbers.take(country) if rng.random() > BAD_SHARE else rng.choice(JUNK)
    mobile = numbers.take("GB") if rng.random() < 0.25 else ""
    email = f"{first}.{last}{n}@example.org".lower() if rng.random() < 0.8 else ""
    town, county, postcode = rng.choice(US_TOWNS if us else UK_TOWNS)
    gift = rng.random() < 0.6
    return [
        f"CRM{n:07d}" if rng.random() < 0.9 else "",
        rng.choice(["Mr", "Ms", "Mrs", "Dr", ""]),
        first,
        last,
        phone,
        mobile,
        email,
        f"{rng.randrange(1, 300)} {rng.choice(STREETS)}",
        "",
        town,
        county,
        postcode,
        rng.choice(["US"] if us else ["GB", "UK"]),
        some_date(rng, date(1930, 1, 1), 25000, us) if rng.random() < 0.4 else "",
        rng.choice(["yes", "no", "", ""]),
        rng.choice(["granted", "withdrawn", ""]),
        f"{rng.choice([5, 10, 20, 25, 50, 100])}.00" if gift else "",
        some_date(rng, date(2022, 1, 1), 900, us) if gift else "",
        rng.choice(["yes", "no"]) if gift else "",
    ]


def generate(path: Path, rows: int) -> dict:
    rng = random.Random(SEED)
    numbers = Numbers(rng)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(1, rows + 1):
            writer.writerow(donor_row(n, rng, numbers))
    handed = numbers.repeats + sum(len(used) for used in numbers.used.values())
    return {
        "rows": rows,
        "bytes": path.stat().st_size,
        "distinct_raw_numbers": handed - numbers.repeats,
        "repeated_numbers_share": round(numbers.repeats / handed, 3),
    }


# --- phases (each in its own process) ---------------------------------------------------------


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donorcall.settings")
    import django

    django.setup()


def phase_b4(file: Path, database_url: str) -> dict:
    """Raw COPY of the file's columns into an unindexed temporary table."""
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    if database_url.startswith("sqlite"):
        return sqlite_b4(file, database_url, columns)
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"CREATE TEMPORARY TABLE raw_import ({columns})")
        began = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY raw_import FROM STDIN (FORMAT csv, HEADER true)") as copy,
            file.open("rb") as data,
        ):
            while block := data.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - began
        (loaded,) = conn.execute("SELECT count(*) FROM raw_import").fetchone() or (0,)
    return {"seconds": seconds, "rows": loaded}


def sqlite_b4(file: Path, database_url: str, columns: str) -> dict:
    conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    conn.execute(f"CREATE TEMPORARY TABLE raw_import ({columns})")
    marks = ", ".join("?" * len(HEADER))
    began = time.perf_counter()
    with file.open(newline="", encoding="utf-8") as data:
        reader = csv.reader(data)
        next(reader)
        conn.executemany(f"INSERT INTO raw_import VALUES ({marks})", reader)
    conn.commit()
    seconds = time.perf_counter() - began
    (loaded,) = conn.execute("SELECT count(*) FROM raw_import").fetchone()
    return {"seconds": seconds, "rows": loaded}


def e164_all(raws: list[str]) -> int:
    import phonenumbers

    valid = 0
    for raw in raws:
        try:
            number = phonenumbers.parse(raw, REGION)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            valid += 1
    return valid


def phase_b5(file: Path) -> dict:
    """phonenumbers on every row's phone column, one worker per core, no cache."""
    with file.open(newline="", encoding="utf-8") as data:
        reader = csv.reader(data)
        next(reader)
        raws = [row[PHONE_COLUMN] for row in reader]
    cores = os.cpu_count() or 1
    size = 10_000
    with ProcessPoolExecutor(max_workers=cores) as pool:
        pool.submit(e164_all, ["+441134960000"]).result()  # workers up before the clock starts
        began = time.perf_counter()
        valid = sum(pool.map(e164_all, [raws[i : i + size] for i in range(0, len(raws), size)]))
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "rows": len(raws), "valid": valid, "cores": cores}


def new_job(file: Path, mode: str) -> "ImportJob":
    from donorcall.donors.importing.fields import guess_mapping, import_fields
    from donorcall.donors.importing.jobs import start_import
    from donorcall.donors.importing.reader import read_headers

    mapping = guess_mapping(read_headers(file), import_fields())
    return start_import(
        file,
        original_name=file.name,
        mapping=mapping,
        mode=mode,
        region=REGION,
        queue=False,
        by=None,
    )


def phase_t11(file: Path, database_url: str) -> dict:
    """The staging step alone, as the import runs it: each chunk is cleaned and serialised
    first (outside the timing, as pool workers do it in the import), then copied in."""
    setup_django(database_url)
    from donorcall.donors.importing.cleaning import clean_chunk
    from donorcall.donors.importing.fields import import_fields
    from donorcall.donors.importing.numbers import NumberCache
    from donorcall.donors.importing.reader import CsvSource
    from donorcall.donors.importing.rows import Plan, RowCleaner
    from donorcall.donors.importing.runner import CHUNK_ROWS, chunks
    from donorcall.donors.importing.staging import Staging

    job = new_job(file, "valid_rows")
    seconds, staged = 0.0, 0
    with CsvSource(file) as source:
        plan = Plan.build(source.headers, job.mapping, import_fields(), REGION)
        cleaner = RowCleaner(plan, NumberCache(REGION))
        staging = Staging(len(plan.consents))
        began = time.perf_counter()
        staging.create()
        seconds += time.perf_counter() - began
        for chunk in chunks(source.rows(), CHUNK_ROWS):
            cleaned = clean_chunk(cleaner, chunk, staging.takes_csv)
            began = time.perf_counter()
            staging.write(cleaned)
            seconds += time.perf_counter() - began
            staged += cleaned.good
        staging.drop()  # indexes and ANALYZE belong to the merge (Staging.prepare), not T11
    return {"seconds": seconds, "rows": staged}


def phase_t12(file: Path, database_url: str) -> dict:
    setup_django(database_url)
    from donorcall.donors.importing.runner import ImportRun, default_workers

    job = new_job(file, "valid_rows")
    began = time.perf_counter()
    run = ImportRun(job)
    run.run()
    seconds = time.perf_counter() - began
    job.refresh_from_db()
    return {
        "seconds": seconds,
        "rows": job.rows_read,
        "status": job.status,
        "donors_created": job.donors_created,
        "rows_rejected": job.rows_rejected,
        "phases": {name: round(value, 2) for name, value in run.timings.items()},
        "peak_rss_mib": peak_rss_mib(),
        "workers_peak_rss_mib": round(run.worker_peak_rss_kib / 1024, 1),
        "workers": default_workers(file.stat().st_size),
    }


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "b4": phase_b4,
    "b5": phase_b5,
    "t11": phase_t11,
    "t12": phase_t12,
}


def run_phase(name: str, file: Path, database_url: str) -> dict:
    """Run one phase in a fresh process and return what it printed."""
    command = [
        sys.executable,
        __file__,
        "--phase",
        name,
        "--file",
        str(file),
        "--database-url",
        database_url,
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["peak_rss_mib"] = result.get("peak_rss_mib")
    log(f"  {name}: {result['rows']:,} rows in {result['seconds']:.1f}s")
    return result


# --- scratch database -------------------------------------------------------------------------


def scratch_database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    import psycopg

    server = os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {SCRATCH_DB}")
    return server.rsplit("/", 1)[0] + f"/{SCRATCH_DB}"


def migrate(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "-m", "donorcall", "migrate", "--noinput", "-v0"],
        check=True,
        env=env,
        cwd=ROOT,
    )


def drop_scratch(kind: str) -> None:
    if kind != "postgres":
        return
    import psycopg

    with psycopg.connect(os.environ.get("BENCH_PG_URL", DEFAULT_PG), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")


# --- the report -------------------------------------------------------------------------------


def figure(name: str, what: str, subject: dict, baseline: dict, target: float | None) -> dict:
    value = subject["rows"] / subject["seconds"]
    base = baseline["rows"] / baseline["seconds"]
    return {
        "name": name,
        "what": what,
        "unit": "rows/s",
        "value": round(value, 1),
        "baseline": round(base, 1),
        "ratio": round(value / base, 3),
        "target": target,
    }


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def versions() -> dict:
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for package in ("Django", "phonenumbers", "psycopg"):
        found[package.lower()] = metadata.version(package)
    return found


def best(results: list[dict]) -> dict:
    return min(results, key=lambda result: result["seconds"])


def measure(rows: int, kind: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="donorcall-bench-") as tmp:
        folder = Path(tmp)
        file = folder / "donors.csv"
        log(f"import bench: generating {rows:,} rows")
        data = generate(file, rows)
        url = scratch_database(kind, folder)
        try:
            migrate(url)
            # Subject and baseline alternate and the best of each is kept; T12 runs once (it
            # is minutes long at full size, and its baseline B5 is taken before and after it).
            b4, t11 = [run_phase("b4", file, url)], [run_phase("t11", file, url)]
            b5 = [run_phase("b5", file, url)]
            t12 = run_phase("t12", file, url)
            b4.append(run_phase("b4", file, url))
            t11.append(run_phase("t11", file, url))
            b5.append(run_phase("b5", file, url))
        finally:
            drop_scratch(kind)
    return {"file": data, "database": kind, "figures": figures(kind, b4, b5, best(t11), t12)}


def figures(kind: str, b4: list[dict], b5: list[dict], t11: dict, t12: dict) -> list[dict]:
    targets = TARGETS if kind == "postgres" else dict.fromkeys(TARGETS)
    staging = figure(
        "T11",
        "import staging step: create the unindexed staging table, COPY in each chunk's text "
        "as the cleaning workers wrote it (SQLite: insert the tuples); its indexes and ANALYZE "
        "are built once after the load as part of the merge (counted in T12's merge phase, "
        "not here); baseline B4: raw COPY of the file into an unindexed table of text columns",
        t11,
        best(b4),
        targets["T11"],
    )
    end_to_end = figure(
        "T12",
        "import end to end (read, clean, normalise, stage, check, merge in one transaction) "
        "into a fresh database; baseline B5: phonenumbers parse + validate + E.164 of the "
        "phone column, every row, on all cores",
        t12,
        best(b5),
        targets["T12"],
    )
    phases = dict(t12["phases"])
    phases["read_and_clean"] = round(phases["total"] - phases["stage"] - phases["merge"], 2)
    workers = t12["workers"]
    memory = round(t12["peak_rss_mib"] + workers * t12["workers_peak_rss_mib"], 1)
    end_to_end.update(
        phases_seconds=phases,
        peak_rss_mib=t12["peak_rss_mib"],
        workers=workers,
        workers_peak_rss_mib=t12["workers_peak_rss_mib"],
        memory_mib=memory,
        memory_limit_mib=MEMORY_LIMIT_MIB,
        rows_rejected=t12["rows_rejected"],
        status=t12["status"],
    )
    return [staging, end_to_end]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase = PHASES[args.phase]
        result = phase(args.file) if args.phase == "b5" else phase(args.file, args.database_url)
        print(json.dumps(result))
        return 0
    started = time.perf_counter()
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        **measure(args.rows, args.database),
    }
    over = [
        f"{f['name']} memory"
        for f in report["figures"]
        if f.get("memory_mib", 0) > MEMORY_LIMIT_MIB
    ]
    report["below_target"] = over + [
        f["name"] for f in report["figures"] if f["target"] is not None and f["ratio"] < f["target"]
    ]
    # The machine is shared: the load at the end says whether it changed during the run.
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))
    return 1 if report["below_target"] else 0


if __name__ == "__main__":
    sys.exit(main())
