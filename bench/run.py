"""donorcall's benchmarks: `make bench` prints one JSON object on stdout (progress on stderr).

Machines here are shared and noisy, so every figure is measured against a baseline in the same
run, on the same data, and reported as a ratio (docs/benchmarks.md). Nothing here asserts a
time; a figure with a target fails the run loudly (exit 1) when its ratio falls below it.

Figures today:
- phone_parse_cold: the app's phone normalisation (``donorcall.lib.phone.parse``, cache
  cleared) over 50,000 distinct raw numbers, against B5-like raw ``phonenumbers`` parse +
  is_valid_number + E.164 on the same strings, one core.
- phone_parse_cached: the same strings again with the cache warm, against the cold pass
  (imports repeat numbers; the cache is keyed by the raw string).

Suites run as their own processes, each printing its own JSON, embedded here under "suites":
- import (bench/import_bench.py): T11 staging vs B4 raw COPY, T12 end to end vs B5, memory;
- dialler (bench/dialler_bench.py): T1, T2, T6 on PostgreSQL against B1, T14 on SQLite vs B7;
- live (bench/live_bench.py): T15, the live view with 200 agents and 20 managers.
- reports (bench/reports_bench.py): T16, each report table against hand-written SQL (B6).
`python bench/run.py [phone|import|dialler ...] [--rows N]` runs only those (quick: 100k rows).
"""

import gc
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donorcall.settings")

import django  # noqa: E402

django.setup()

import phonenumbers  # noqa: E402
from phonenumbers import PhoneNumberFormat  # noqa: E402

from donorcall.lib import phone  # noqa: E402

SEED = 20_260_101
PHONE_COUNT = 50_000
ROUNDS = 3  # best of N, baseline and subject interleaved so both see the same noise
REGION = "GB"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data --------------------------------------------------------------------------------------

# Ofcom's drama and training ranges (never a real subscriber): the mobile range the demo uses and
# geographic ones, written as the national significant number after +44.
UK_RANGES = ["7700900", "2079460", "1134960", "1614960", "1214960", "1314960"]
UK_FORMATS = [
    "0{a} {b}",  # 07700 900123
    "+44 {a} {b}",  # +44 7700 900123
    "(0){a}-{b}",  # (0)7700-900123
    "+44 (0){a} {b}",  # +44 (0)7700 900123
    "0{a}{b}",  # 07700900123
    "0044 {a} {b}",  # 0044 7700 900123
    "+44{a}{b}",  # +447700900123
]
US_FORMATS = [
    "+1 ({npa}) 555-{line}",
    "+1 {npa}-555-{line}",
    "+1.{npa}.555.{line}",
    "+1{npa}555{line}",
    "001 {npa} 555 {line}",
]
JUNK = ["n/a", "unknown", "0", "07700 90", "+44", "tel:", "none", "0800", "+1 555", "x"]


def us_area_codes() -> list[str]:
    """Area codes for which libphonenumber accepts NPA-555-01xx (the fictional block)."""
    codes = []
    for npa in range(201, 990):
        number = phonenumbers.parse(f"+1{npa}5550100")
        if phonenumbers.is_valid_number(number):
            codes.append(str(npa))
    return codes


def uk_number(prefix: str, suffix: int) -> tuple[str, str]:
    """(area part, local part) of +44 prefix + suffix, split as people write it."""
    digits = prefix + f"{suffix:03d}"
    split = 4 if digits.startswith("7") else (2 if digits.startswith("20") else 3)
    return digits[:split], digits[split:]


def phone_strings(count: int, rng: random.Random) -> list[str]:
    """`count` distinct raw strings as an import file has them: 40% UK, 59% US, in mixed
    formats, and 1% junk. Distinct, so that every one misses the cache."""
    uk: set[str] = set()
    for prefix in UK_RANGES:
        for suffix in range(1000):
            area, local = uk_number(prefix, suffix)
            uk.update(template.format(a=area, b=local) for template in UK_FORMATS)
    us: set[str] = set()
    for npa in us_area_codes():
        for line in range(100, 200):
            us.update(template.format(npa=npa, line=f"0{line}") for template in US_FORMATS)
    junk = count // 100
    chosen = rng.sample(sorted(uk), count * 40 // 100)
    chosen += rng.sample(sorted(us), count - len(chosen) - junk)
    chosen += [f"{rng.choice(JUNK)} {i}" for i in range(junk)]
    rng.shuffle(chosen)
    assert len(set(chosen)) == count
    return chosen


# --- measuring ---------------------------------------------------------------------------------


def baseline_parse(raw: str) -> str | None:
    """B5 on one core: parse + validate + E.164, nothing else."""
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def app_parse_cold(raw: str) -> str | None:
    parsed = phone.parse(raw)
    return parsed.e164 if parsed else None


def timed(function: Callable[[str], object], data: Iterable[str], before=None) -> float:
    """Seconds for one pass of ``function`` over ``data`` (GC off, as timeit does)."""
    if before:
        before()
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for raw in data:
            function(raw)
        return time.perf_counter() - start
    finally:
        gc.enable()


def check_agreement(data: list[str]) -> int:
    """The app must agree with plain libphonenumber wherever libphonenumber says valid."""
    phone.parse.cache_clear()
    agreed = 0
    for raw in data:
        expected = baseline_parse(raw)
        if expected is not None:
            got = app_parse_cold(raw)
            if got != expected:
                raise SystemExit(f"bench: app parses {raw!r} as {got}, libphonenumber {expected}")
            agreed += 1
    return agreed


def figure(name: str, what: str, unit: str, value: float, baseline: float, **extra) -> dict:
    return {
        "name": name,
        "what": what,
        "unit": unit,
        "value": round(value, 1),
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3),
        **extra,
    }


def bench_phone() -> list[dict]:
    rng = random.Random(SEED)
    data = phone_strings(PHONE_COUNT, rng)
    valid = check_agreement(data)
    log(f"phone: {len(data)} distinct strings, {valid} valid per libphonenumber")
    base_times, cold_times, warm_times = [], [], []
    for round_ in range(ROUNDS):
        base_times.append(timed(baseline_parse, data))
        cold_times.append(timed(app_parse_cold, data, before=phone.parse.cache_clear))
        warm_times.append(timed(app_parse_cold, data))  # the same strings, cache now warm
        log(
            f"phone round {round_ + 1}/{ROUNDS}: baseline {base_times[-1]:.2f}s, "
            f"app cold {cold_times[-1]:.2f}s, app warm {warm_times[-1]:.3f}s"
        )
    n = len(data)
    base, cold, warm = n / min(base_times), n / min(cold_times), n / min(warm_times)
    common = {"n": n, "rounds": ROUNDS, "statistic": "best of rounds", "cores": 1}
    return [
        figure(
            "phone_parse_cold",
            "donorcall.lib.phone.parse, cache cleared, 50k distinct UK/US raw numbers; baseline "
            "B5-like: phonenumbers.parse + is_valid_number + format E.164 on the same strings",
            "numbers/s",
            cold,
            base,
            target=None,
            **common,
        ),
        figure(
            "phone_parse_cached",
            "the same 50k strings again with parse's cache warm; baseline: the cold pass",
            "numbers/s",
            warm,
            cold,
            target=None,
            **common,
        ),
    ]


# --- the report --------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for package in ("donorcall", "Django", "phonenumbers", "psycopg"):
        try:
            found[package.lower()] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package.lower()] = "not installed"
    return found


SUITES = {"import": "bench/import_bench.py", "dialler": "bench/dialler_bench.py"}
SUITES["live"] = "bench/live_bench.py"
SUITES["reports"] = "bench/reports_bench.py"  # T16: reports against hand-written SQL (B6)


def run_suite(name: str, rows: int) -> dict:
    """One suite in its own process (each sets up its own scratch databases)."""
    log(f"bench: {name} ({rows:,} rows)…")
    done = subprocess.run(
        [sys.executable, SUITES[name], "--rows", str(rows)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(done.stderr[-4000:])
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"error": f"{name} bench exited {done.returncode} without a report"}


def suite_failures(name: str, report: dict) -> list[str]:
    """Figures below target, whichever shape the suite reports them in (list or mapping)."""
    figures = report.get("figures", {})
    items = figures.items() if isinstance(figures, dict) else ((f["name"], f) for f in figures)
    failed = []
    for figure, data in items:
        # The dialler suite also reports its baselines as bare numbers (B1_claims_per_s, …).
        if not isinstance(data, dict) or data.get("target") is None:
            continue
        met = data["met"] if "met" in data else data.get("ratio", 0) >= data["target"]
        if not met:
            failed.append(f"{name}.{figure}")
    if "error" in report:
        failed.append(f"{name}: {report['error']}")
    return failed


def chosen_suites(argv: list[str]) -> tuple[list[str], int]:
    rows = 100_000
    if "--rows" in argv:
        rows = int(argv[argv.index("--rows") + 1])
    names = [a for a in argv if a in ("phone", *SUITES)]
    return names or ["phone", *SUITES], rows


def main() -> int:
    started = time.perf_counter()
    names, rows = chosen_suites(sys.argv[1:])
    figures = bench_phone() if "phone" in names else []
    failed = [f["name"] for f in figures if f["target"] is not None and f["ratio"] < f["target"]]
    suites = {name: run_suite(name, rows) for name in names if name in SUITES}
    for name, suite in suites.items():
        failed += suite_failures(name, suite)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpu": cpu_model(),
            "cores": os.cpu_count(),
            "memory_gib": memory_gib(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": versions(),
        "figures": figures,
        "suites": suites,
        "below_target": failed,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2))
    if failed:
        log(f"bench: below target: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
