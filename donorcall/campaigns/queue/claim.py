"""``claim_next_donor``: "Ready for Call" (docs/dialler.md, "The claim").

The queue is read through *branches*: the agent's own appointments, then one branch per
(campaign, zone key inside the window, priority class). Each branch is one descent of a
partial index, in (due_at, id) order, so a claim never walks rows it cannot hand out.

A claim is **one SQL statement** on either database (ranking, locking, leasing and holding
the donor's other rows together): the claim runs thousands of times a second, and every
extra round trip, BEGIN/COMMIT or savepoint cost more than the index descents themselves
(profiled: the statements ran in ~0.3 ms, the claim took ~1.8 ms).
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Self

import psycopg
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from psycopg.abc import Params

from donorcall.campaigns.models import Campaign, Priority, QueueEntry
from donorcall.campaigns.queue.hours import (
    APPOINTMENT_WINDOW,
    keys_inside,
    known_zone_keys,
    whole_second,
    window_of,
)
from donorcall.lib.clock import now as clock_now
from donorcall.staff.models import User

OPEN_ROW = "q.state = 'open' AND q.blocked IS NULL AND q.due_at <= %(at)s"
# Django switches psycopg's automatic preparing off (for transaction-mode poolers); a threshold
# nobody reaches keeps it off for everyone else while ``PreparingCursor`` asks explicitly.
ONLY_WHEN_ASKED = 2**31


@dataclass(frozen=True)
class Claim:
    entry_id: int
    campaign_id: int
    donor_id: int
    token: uuid.UUID
    expires_at: datetime

    @property
    def entry(self) -> QueueEntry:
        return QueueEntry.objects.get(pk=self.entry_id)


@dataclass(frozen=True)
class Plan:
    """Everything about a claim that depends only on the campaigns and the clock's second:
    the branches (the zone keys inside the windows change at most once a second) and the
    SQL that reads them. Built once per second per campaign set, not once per claim."""

    own_campaigns: tuple[int, ...]  # own appointments: the campaigns to look in …
    own_keys: tuple[str, ...]  # … and the zone keys inside the appointment window
    branches: tuple[tuple[int, str, int], ...]  # (campaign, zone key, priority)
    timeouts: tuple[tuple[int, int], ...]  # (campaign, preview timeout in seconds)
    sqlite_sql: str = field(default="", compare=False)
    sqlite_expiries: tuple[tuple[str, timedelta], ...] = field(default=(), compare=False)
    postgres_arrays: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def empty(self) -> bool:
        return not self.own_keys and not self.branches


def claim_next_donor(
    agent: User, *, campaigns: Iterable[Campaign], now: datetime | None = None
) -> Claim | None:
    """Lease the best callable donor on the agent's campaigns to the agent, or None (Out of
    Data). One statement; the lease is what outlives it.

    Order: the agent's own due appointments, then due team appointments, due retries, fresh
    donors; earliest due first, then id. Exclusions that do not depend on the clock are in
    ``blocked`` (and so outside the partial index); calling hours are the set of zone keys
    inside the window now, computed in Python (``hours``); "due" is ``due_at <= now``.

    PostgreSQL (``POSTGRES_CLAIM``): the branches' head rows are ranked without locks, then,
    branch by branch in that order, the branch's first row is taken ``FOR NO KEY UPDATE OF
    q, d SKIP LOCKED`` — the queue row *and its donor row* together, so two agents who reach
    two rows of one donor on two campaigns at once cannot both win — until one branch yields
    a row; the same statement leases it and marks the donor's other open rows ``held``.
    Everyone else who writes a donor's queue rows takes the donor lock first
    (``eligibility.lock_donors``), so nobody waits in a cycle.

    SQLite (``sqlite_claim_sql``): an UPDATE takes the database's write lock when it starts,
    so claims run one at a time; one UPDATE picks the best row (class by class, stopping at
    the first class with a due row) and, over the donor's open rows, leases that one and
    holds the others. Nothing to skip.
    """
    at = now or clock_now()
    plan = plan_for(campaigns, at)
    if plan.empty:
        return None
    token = uuid.uuid4()
    database = connections[DEFAULT_DB_ALIAS]  # ``connection`` looks this up on every use
    if database.vendor == "postgresql":
        row = claim_postgresql(agent, plan, token, at)
    else:
        row = claim_sqlite(agent, plan, token, at, database)
    if row is None:
        return None
    entry_id, campaign_id, donor_id = row
    expires = at + timedelta(seconds=dict(plan.timeouts)[campaign_id])
    return Claim(entry_id, campaign_id, donor_id, token, expires)


# --- The plan: branches per campaign set and second ------------------------------------------


def plan_for(campaigns: Iterable[Campaign], at: datetime) -> Plan:
    """The cached plan for the running ones of these campaigns at this second. The key holds
    everything the plan is computed from — each campaign's id, timeout and window, the
    second, the known zone keys — so a moved clock, an edited campaign or a new zone key gets
    a fresh plan. Built of plain tuples so that looking it up costs no Python-level hashing
    or comparing (the claim's Python time was a third of its CPU time, profiled)."""
    second = whole_second(at)
    today = organisation_date(second)
    signature = tuple(
        (
            campaign.pk,
            campaign.preview_timeout_seconds,
            campaign.calling_starts,
            campaign.calling_ends,
            tuple(campaign.calling_days),
        )
        for campaign in campaigns
        if campaign.is_running_on(today)
    )
    return build_plan(signature, second, known_zone_keys())


@lru_cache(maxsize=8)
def organisation_date(second: datetime) -> date:
    """Today in the organisation's zone (``Campaign.is_running``), once a second rather than
    once per campaign and claim."""
    return timezone.localdate(second, timezone.get_default_timezone())


@lru_cache(maxsize=128)
def build_plan(
    campaigns: tuple[tuple[int, int, time, time | None, tuple[int, ...]], ...],
    second: datetime,
    keys: tuple[str, ...],
) -> Plan:
    """Own appointments, team appointments (hard ceiling only, any day), then retries and
    fresh rows in the zone keys inside each campaign's window."""
    appointment_keys = tuple(keys_inside(keys, APPOINTMENT_WINDOW, second))
    branches: list[tuple[int, str, int]] = []
    for campaign_id, _, starts, ends, days in campaigns:
        branches += [(campaign_id, k, Priority.TEAM_APPOINTMENT) for k in appointment_keys]
        for key in keys_inside(keys, window_of(starts, ends, days), second):
            branches += [(campaign_id, key, p) for p in (Priority.RETRY, Priority.FRESH)]
    own = tuple(campaign_id for campaign_id, *_ in campaigns)
    plan = Plan(
        own_campaigns=own if appointment_keys else (),
        own_keys=appointment_keys if own else (),
        branches=tuple(branches),
        timeouts=tuple((campaign_id, timeout) for campaign_id, timeout, *_ in campaigns),
    )
    return replace(
        plan,
        sqlite_sql=sqlite_claim_sql(plan),
        sqlite_expiries=tuple((f"expiry{c}", timedelta(seconds=t)) for c, t in plan.timeouts),
        postgres_arrays=postgres_arrays(plan),
    )


# --- PostgreSQL ---------------------------------------------------------------------------------

# The branches arrive as arrays, so the text never changes and psycopg can keep it prepared
# (planning this statement cost as much as running it). Ranking: one LATERAL index descent
# per branch, no locks. Picking: own appointments first, then the ranked branches; Limit 1
# stops the nested loop at the first branch that yields an unlocked row, so only that
# branch's row is locked, and a branch whose due rows are all taken falls through to the
# next. The subquery's ORDER BY is the order the nested loop visits the branches in.
POSTGRES_CLAIM = f"""
WITH branch AS (
    SELECT * FROM unnest(%(branch_c)s::bigint[], %(branch_z)s::text[], %(branch_p)s::int[])
        AS t(c, z, p)
), head AS (
    SELECT b.c, b.z, b.p, h.due_at, h.id FROM branch b CROSS JOIN LATERAL (
        SELECT q.due_at, q.id FROM campaigns_queueentry q
        WHERE q.campaign_id = b.c AND q.zone_key = b.z AND q.priority = b.p AND {OPEN_ROW}
        ORDER BY q.due_at, q.id LIMIT 1
    ) h
), picked AS (
    SELECT o.id, o.donor_id FROM (
        SELECT q.id, q.donor_id FROM campaigns_queueentry q
        JOIN donors_donor d ON d.id = q.donor_id
        WHERE q.owner_id = %(agent)s::bigint AND q.priority = 1
          AND q.campaign_id = ANY(%(own_c)s::bigint[]) AND q.zone_key = ANY(%(own_z)s::text[])
          AND {OPEN_ROW}
        ORDER BY q.due_at, q.id LIMIT 1 FOR NO KEY UPDATE OF q, d SKIP LOCKED
    ) o
    UNION ALL
    SELECT x.id, x.donor_id FROM (SELECT * FROM head ORDER BY p, due_at, id) r
    CROSS JOIN LATERAL (
        SELECT q.id, q.donor_id FROM campaigns_queueentry q
        JOIN donors_donor d ON d.id = q.donor_id
        WHERE q.campaign_id = r.c AND q.zone_key = r.z AND q.priority = r.p AND {OPEN_ROW}
        ORDER BY q.due_at, q.id LIMIT 1 FOR NO KEY UPDATE OF q, d SKIP LOCKED
    ) x
    LIMIT 1
), leased AS (
    UPDATE campaigns_queueentry q SET state = 'leased', lease_holder_id = %(agent)s::bigint,
        lease_token = %(token)s::uuid, leased_at = %(at)s::timestamptz,
        lease_expires_at = %(at)s + make_interval(secs => (%(timeout_s)s::int[])[
            array_position(%(timeout_c)s::bigint[], q.campaign_id)])
    FROM picked WHERE q.id = picked.id RETURNING q.id, q.campaign_id, q.donor_id
), held AS (
    UPDATE campaigns_queueentry q SET state = 'held' FROM picked
    WHERE q.donor_id = picked.donor_id AND q.state = 'open' AND q.id <> picked.id
)
SELECT id, campaign_id, donor_id FROM leased
"""  # noqa: S608 -- constant text; every value is a parameter


def claim_postgresql(
    agent: User, plan: Plan, token: uuid.UUID, at: datetime
) -> tuple[int, int, int] | None:
    params: dict[str, Any] = {"at": at, "agent": agent.pk, "token": token, **plan.postgres_arrays}
    with prepared_cursor() as cursor:
        cursor.execute(POSTGRES_CLAIM, params)
        return cursor.fetchone()


def postgres_arrays(plan: Plan) -> dict[str, str]:
    """The plan's arrays as PostgreSQL array literals, written once per plan: psycopg
    turning Python lists into arrays on every claim was most of the claim's Python time."""
    return {
        "own_c": array_literal(plan.own_campaigns),
        "own_z": array_literal(plan.own_keys),
        "branch_c": array_literal([c for c, _, _ in plan.branches]),
        "branch_z": array_literal([z for _, z, _ in plan.branches]),
        "branch_p": array_literal([int(p) for _, _, p in plan.branches]),
        "timeout_c": array_literal([c for c, _ in plan.timeouts]),
        "timeout_s": array_literal([t for _, t in plan.timeouts]),
    }


def array_literal(values: Iterable[int | str]) -> str:
    """``{1,2}`` / ``{"a","b"}``; strings quoted with backslash escapes (array input syntax),
    so a zone key can hold any character. Cast in the SQL (``::text[]``, ``::bigint[]``)."""
    return "{" + ",".join(array_element(value) for value in values) + "}"


def array_element(value: int | str) -> str:
    if isinstance(value, int):
        return str(int(value))
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class PreparingCursor(psycopg.Cursor):
    """Binds values on the server and prepares every statement it runs. Django's cursors bind
    on the client, so PostgreSQL planned the claim afresh every time: 0.75 ms, more than
    running it. Prepared, it is planned once per database session."""

    def execute(
        self,
        query: Any,  # psycopg's overloads (str, bytes, SQL, templates) pass straight through
        params: Params | None = None,
        *,
        prepare: bool | None = None,
        binary: bool | None = None,
    ) -> Self:
        return super().execute(query, params, prepare=True, binary=binary)


def prepared_cursor() -> CursorWrapper:
    """A ``PreparingCursor`` in Django's wrapper (error translation, the broken-transaction
    check), on the current connection: one from the pool keeps its prepared statements from
    one checkout to the next. When queries are being logged (DEBUG, tests counting queries)
    Django's own cursor runs the same SQL instead: it can show the statement, a prepared one
    it cannot."""
    if connection.queries_logged:
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = ONLY_WHEN_ASKED
    return CursorWrapper(PreparingCursor(raw), connection)


# --- SQLite -------------------------------------------------------------------------------------

SQLITE_OPEN_ROW = "q.state = 'open' AND q.blocked IS NULL AND q.due_at <= :at"


def sqlite_claim_sql(plan: Plan) -> str:
    """One ``UPDATE … FROM`` over the picked donor's open rows: the picked row is leased, the
    donor's other open rows are held. Campaign ids and priorities are our integers and zone
    keys are text literals, all written in (``sqlite_classes``); the agent, the clock and the
    token are parameters, with the sqlite3 module's own ``:name`` placeholders. Written once
    per plan (``sqlite_cursor``).

    The pick is ``COALESCE`` over the priority classes, best first (``sqlite_classes``):
    SQLite evaluates its arguments lazily, so a claim stops at the first class that has a due
    row and never descends the branches of the classes after it. ``UPDATE … FROM`` joins the
    picked row instead of reading a CTE through a scalar subquery per column (~10% less
    time per statement, measured against that form)."""
    classes = sqlite_classes(plan)
    best = classes[0] if len(classes) == 1 else f"COALESCE({', '.join(classes)})"
    expiry = " ".join(f"WHEN {int(c)} THEN :expiry{int(c)}" for c, _ in plan.timeouts)
    picked = "q.id = pick.id"
    return (
        "UPDATE campaigns_queueentry AS q SET "  # noqa: S608 -- our fragments only; values are parameters
        f"state = CASE WHEN {picked} THEN 'leased' ELSE 'held' END, "
        f"lease_holder_id = CASE WHEN {picked} THEN :agent ELSE q.lease_holder_id END, "
        f"lease_token = CASE WHEN {picked} THEN :token ELSE q.lease_token END, "
        f"leased_at = CASE WHEN {picked} THEN :at ELSE q.leased_at END, "
        f"lease_expires_at = CASE WHEN {picked} THEN (CASE q.campaign_id {expiry} END) "
        "ELSE q.lease_expires_at END "
        f"FROM (SELECT id, donor_id FROM campaigns_queueentry WHERE id = {best}) AS pick "
        "WHERE q.donor_id = pick.donor_id AND q.state = 'open' "
        "RETURNING id, campaign_id, donor_id, state"
    )


def sqlite_classes(plan: Plan) -> list[str]:
    """One scalar subquery per priority class, best class first: the id of the class's
    earliest due row (due_at, then id), or NULL. Own appointments are one arm (the agent's,
    in every campaign and appointment zone); every other class is a ``UNION ALL`` of its
    branches, one (campaign, zone key, priority) each, the claim index's columns in order.
    Each branch yields its rows in (due_at, id) order straight from the index, so SQLite
    merges the branches (``MERGE (UNION ALL)`` in the query plan) and stops at the first row:
    no sort and no temporary table. Ranking every branch's head row and sorting them, the
    first form, took ~1.5 × as long. One arm per (campaign, zone key) with the priorities as
    an ``IN`` list was slower still: SQLite builds a table for each ``IN`` list on every run.

    Zone keys are written in as literals, not bound: the sqlite3 module binds a named
    parameter with a dictionary lookup and a release and retake of the GIL each, and the
    fourteen zone-key parameters of a one-campaign claim were an eighth of the statement's
    instructions (callgrind) and ~7 µs of its CPU time."""
    arms: dict[int, list[str]] = {}
    if plan.own_keys:
        campaigns = ", ".join(str(int(c)) for c in plan.own_campaigns)
        zones = ", ".join(sqlite_text(key) for key in plan.own_keys)
        arms[Priority.OWN_APPOINTMENT] = [
            "SELECT q.due_at AS due_at, q.id AS id FROM campaigns_queueentry q "  # noqa: S608 -- our integers and quoted literals only
            "WHERE q.owner_id = :agent AND q.priority = 1 "
            f"AND q.campaign_id IN ({campaigns}) AND q.zone_key IN ({zones}) AND {SQLITE_OPEN_ROW}"
        ]
    for campaign_id, key, priority in plan.branches:
        arms.setdefault(int(priority), []).append(
            "SELECT q.due_at AS due_at, q.id AS id FROM campaigns_queueentry q "  # noqa: S608 -- our integers and quoted literals only
            f"WHERE q.campaign_id = {int(campaign_id)} AND q.zone_key = {sqlite_text(key)} "
            f"AND q.priority = {int(priority)} AND {SQLITE_OPEN_ROW}"
        )
    return [
        f"(SELECT id FROM ({' UNION ALL '.join(arms[p])} ORDER BY 1, 2 LIMIT 1))"  # noqa: S608 -- our fragments only
        for p in sorted(arms)
    ]


def sqlite_text(value: str) -> str:
    """``value`` as an SQLite string literal: quotes doubled, the only escape SQLite's
    literals have. The zone keys written this way are IANA names that passed ``hours``, but
    the quoting does not rely on it; a NUL cannot be in SQL text at all, so it is refused."""
    if "\x00" in value:
        raise ValueError("an SQL text literal cannot hold a NUL character")
    return "'" + value.replace("'", "''") + "'"


def claim_sqlite(
    agent: User, plan: Plan, token: uuid.UUID, at: datetime, database: BaseDatabaseWrapper
) -> tuple[int, int, int] | None:
    """No transaction of our own: a single UPDATE is atomic, and it holds SQLite's write lock
    from its first step, so the row it picks is the row it leases."""
    params: dict[str, Any] = {
        "agent": agent.pk,
        "at": sqlite_datetime(at, database),
        "token": token.hex,  # what UUIDField stores where the database has no uuid type
    }
    for name, timeout in plan.sqlite_expiries:
        params[name] = sqlite_datetime(at + timeout, database)
    for row in run_sqlite(database, plan.sqlite_sql, params):
        if row[3] == "leased":
            return row[:3]
    return None


def sqlite_datetime(at: datetime, database: BaseDatabaseWrapper) -> str:
    """An aware datetime as Django's SQLite backend stores it (``adapt_datetimefield_value``
    with USE_TZ: naive in the connection's zone, ``str``), without its checks and lookups."""
    return str(at.astimezone(database.timezone).replace(tzinfo=None))


def run_sqlite(database: BaseDatabaseWrapper, sql: str, params: dict[str, Any]) -> list[Any]:
    """Run one statement on the connection's own sqlite3 connection and fetch its rows, with
    what Django's cursor wrapper does around it: the thread and broken-transaction checks,
    and error translation (an exception leaves through ``wrap_database_errors``, as it would
    from Django's cursor). When queries are logged or an execute wrapper is installed,
    Django's wrapper itself runs it (``sqlite_cursor``), so they see it. Its layers of calls
    cost ~10 µs per claim, as much as picking the row."""
    if database.connection is None or database.queries_logged or database.execute_wrappers:
        with sqlite_cursor(database) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    database.validate_thread_sharing()
    database.validate_no_broken_transaction()
    try:
        return database.connection.execute(sql, params).fetchall()
    except Exception:
        with database.wrap_database_errors:
            raise


def sqlite_cursor(database: BaseDatabaseWrapper) -> CursorWrapper:
    """The connection's own sqlite3 cursor in Django's wrapper (error translation, the
    broken-transaction check, the query log when it is on). Django's SQLite cursor rewrote
    the claim's ``%(name)s`` placeholders into ``:name`` on every call and added a layer of
    calls: together about a tenth of a claim (profiled), so the plan's SQL is written in
    ``:name`` form once and runs on the plain cursor (``run_sqlite``)."""
    database.ensure_connection()
    database.validate_thread_sharing()
    raw = database.connection.cursor()
    if database.queries_logged:
        return database.make_debug_cursor(raw)
    return database.make_cursor(raw)
