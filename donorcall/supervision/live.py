"""The live view's snapshot: every signed-in agent and every active campaign, as plain data.

All managers share one snapshot per half second (``shared_snapshot``): it is built at most
twice a second per cache and kept in Django's cache framework, so watching managers cost the
database nothing more than the first one does. ``build_snapshot`` runs a fixed number of
queries (each a join or a GROUP BY), whatever the number of agents, calls or campaigns. Figures
that tick (time in status, talk time of the call in progress) are kept as instants and counted
at render time, so a snapshot a moment old still shows the right seconds.
"""

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, DurationField, F, Q, Sum
from django.utils import timezone

from donorcall.callcenter.models import (
    AgentStatus,
    Break,
    Call,
    InboundCall,
    InboundStatus,
    Status,
)
from donorcall.campaigns.models import (
    BreakReason,
    Campaign,
    CampaignStatus,
    Priority,
    QueueEntry,
    QueueState,
)
from donorcall.campaigns.queue.explain import standing_reason
from donorcall.campaigns.queue.hours import APPOINTMENT_WINDOW, campaign_window, key_inside
from donorcall.lib.clock import now as clock_now

from .models import LiveThresholds, SupervisorAction

# The fresh snapshot lives this long; "last" outlives it so that while one request rebuilds,
# the others serve the previous one instead of all rebuilding at once (a stampede). Half a
# second: a change is then on the first watching screen within a second (PERFORMANCE.md, T15),
# for two builds a second whatever the number of managers.
SNAPSHOT_SECONDS = 0.5
SNAPSHOT_KEY = "supervision:live:snapshot"
LAST_KEY = "supervision:live:last"
BUILDING_KEY = "supervision:live:building"
RECENT_ACTIONS = 20
# The pace is calls started in the last half hour, or the last hour when the half hour had none.
PACE_WINDOWS = (timedelta(minutes=30), timedelta(minutes=60))


def shared_snapshot() -> dict[str, Any]:
    """The snapshot all managers see: from the cache if under half a second old, else built
    once."""
    snapshot = cache.get(SNAPSHOT_KEY)
    if snapshot is not None:
        return snapshot
    if not cache.add(BUILDING_KEY, True, timeout=10):
        last = cache.get(LAST_KEY)
        if last is not None:
            return last
    try:
        started = time.monotonic()
        snapshot = build_snapshot()
        # Counted from when its reads began, not from when it was stored: its age is bounded.
        fresh_for = max(0.1, SNAPSHOT_SECONDS - (time.monotonic() - started))
        cache.set(SNAPSHOT_KEY, snapshot, timeout=fresh_for)
        cache.set(LAST_KEY, snapshot, timeout=60)
    finally:
        cache.delete(BUILDING_KEY)
    return snapshot


def rendered(kind: str, snapshot: dict[str, Any], render: Callable[[], str]) -> str:
    """A snapshot's rendering (the page's fragment, the API's JSON), made once per snapshot and
    shared like it: rendering 200 rows costs more than reading them, so it is not done per
    manager. While one request renders a new snapshot, the others serve the last rendering.
    ``kind`` must name everything the rendering depends on besides the snapshot."""
    key = f"supervision:live:{kind}:{snapshot['at'].timestamp()}"
    body = cache.get(key)
    if body is not None:
        return body
    last_key = f"supervision:live:{kind}:last"
    if not cache.add(f"{key}:rendering", True, timeout=10):
        last = cache.get(last_key)
        if last is not None:
            return last
    body = render()
    cache.set_many({key: body}, timeout=SNAPSHOT_SECONDS + 1)
    cache.set(last_key, body, timeout=60)
    return body


def forget_snapshot() -> None:
    """After a manager's action or new thresholds: the next request shows the change at once."""
    cache.delete(SNAPSHOT_KEY)


def build_snapshot(at: datetime | None = None) -> dict[str, Any]:
    at = at or clock_now()
    thresholds = LiveThresholds.current()
    agents = agents_on_floor(at)
    return {
        "at": at,
        "agents": agents,
        "campaigns": campaigns_on_floor(agents, thresholds, at),
        "thresholds": thresholds_of(thresholds),
        "actions": recent_actions(),
        "inbound_waiting": inbound_waiting(),
        # For the "send to break" forms: in the snapshot, so a poll reads nothing itself.
        "break_reasons": list(
            BreakReason.objects.filter(is_active=True)
            .order_by("position", "name")
            .values("id", "name")
        ),
    }


def inbound_waiting() -> list[dict[str, Any]]:
    """Donors calling in whom no agent is free to take: the queue, oldest first (one query)."""
    waiting = InboundCall.objects.filter(status=InboundStatus.WAITING).order_by("received_at")
    return [dict(row) for row in waiting.values("id", "received_at", "team__name")[:50]]


def thresholds_of(row: LiveThresholds) -> dict[str, int]:
    return {
        "long_call_minutes": row.long_call_minutes,
        "long_break_minutes": row.long_break_minutes,
        "long_wrap_up_minutes": row.long_wrap_up_minutes,
        "out_of_data_warning_minutes": row.out_of_data_warning_minutes,
    }


# --- Agents ------------------------------------------------------------------------------------


def start_of_day(at: datetime) -> datetime:
    """Midnight in the organisation's zone: "today" for calls and breaks."""
    return timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)


def statuses_on_floor():
    """Every agent with an open shift, with what a row shows, in one join (+ one prefetch)."""
    return (
        AgentStatus.objects.filter(shift__isnull=False, shift__signed_out_at=None)
        .select_related("agent", "shift__job_role", "team", "donor", "call", "break_taken__reason")
        .prefetch_related("campaigns")
        .order_by("agent__first_name", "agent__last_name", "agent_id")
    )


def agents_on_floor(at: datetime) -> list[dict[str, Any]]:
    rows = list(statuses_on_floor())
    ids = [row.agent_id for row in rows]
    calls = calls_today(ids, at) if ids else {}
    breaks = breaks_today(ids, at) if ids else {}
    return [
        agent_line(row, calls.get(row.agent_id, {}), breaks.get(row.agent_id, {})) for row in rows
    ]


def calls_today(agent_ids: list[int], at: datetime) -> dict[int, dict[str, Any]]:
    """Calls started today and the talk time of those ended, per agent (one GROUP BY)."""
    ended = Q(ended_at__isnull=False)
    grouped = (
        Call.objects.filter(agent_id__in=agent_ids, started_at__gte=start_of_day(at))
        .order_by()
        .values("agent_id")
        .annotate(
            count=Count("pk"),
            talk=Sum(F("ended_at") - F("started_at"), filter=ended, output_field=DurationField()),
        )
    )
    return {g["agent_id"]: dict(g) for g in grouped}


def breaks_today(agent_ids: list[int], at: datetime) -> dict[int, dict[str, Any]]:
    """Breaks started today and the time of those ended, per agent (one GROUP BY)."""
    ended = Q(ended_at__isnull=False)
    grouped = (
        Break.objects.filter(agent_id__in=agent_ids, started_at__gte=start_of_day(at))
        .order_by()
        .values("agent_id")
        .annotate(
            count=Count("pk"),
            time=Sum(F("ended_at") - F("started_at"), filter=ended, output_field=DurationField()),
        )
    )
    return {g["agent_id"]: dict(g) for g in grouped}


def agent_line(row: AgentStatus, calls: dict[str, Any], breaks: dict[str, Any]) -> dict[str, Any]:
    """One agent's row. ``talk_seconds``/``break_seconds`` cover what has ended; the call or
    break in progress is added at render time from its start (``call_started_at``)."""
    open_call = row.call if row.call is not None and row.call.ended_at is None else None
    open_break = row.break_taken if row.status == Status.ON_BREAK else None
    return {
        "id": row.agent_id,
        "name": row.agent.display_name,
        "job_role": str(row.shift.job_role) if row.shift else "",
        "status": row.status,
        "status_label": row.get_status_display(),
        "since": row.since,
        "version": row.version,
        "team": str(row.team) if row.team else "",
        "campaign_ids": [c.pk for c in row.campaigns.all()],
        "campaigns": [c.name for c in row.campaigns.all()],
        "donor": {"id": row.donor_id, "name": row.donor.name} if row.donor else None,
        "calls_today": calls.get("count", 0),
        "talk_seconds": seconds(calls.get("talk")),
        "call_started_at": open_call.started_at if open_call else None,
        "breaks_today": breaks.get("count", 0),
        "break_seconds": seconds(breaks.get("time")),
        "break_started_at": open_break.started_at if open_break else None,
        "break_reason": str(open_break.reason) if open_break else "",
    }


def seconds(duration: timedelta | None) -> int:
    return int(duration.total_seconds()) if duration else 0


# --- Campaigns ---------------------------------------------------------------------------------


def campaigns_on_floor(
    agents: list[dict[str, Any]], thresholds: LiveThresholds, at: datetime
) -> list[dict[str, Any]]:
    campaigns = list(Campaign.objects.filter(status=CampaignStatus.ACTIVE).order_by("name"))
    queue = queue_counts(campaigns, at)
    pace = calls_started_lately(at)
    ready, on_call = Counter[int](), Counter[int]()
    for agent in agents:
        for campaign_id in agent["campaign_ids"]:
            ready[campaign_id] += agent["status"] == Status.READY
            on_call[campaign_id] += agent["status"] == Status.ON_CALL
    lines = []
    for campaign in campaigns:
        remaining, due_now = queue.get(campaign.pk, (0, 0))
        line = {"id": campaign.pk, "name": campaign.name, "remaining": remaining,
                "due_now": due_now, "agents_ready": ready[campaign.pk],
                "agents_on_call": on_call[campaign.pk]}  # fmt: skip
        line |= forecast(due_now, pace.get(campaign.pk, (0, 0)), at, thresholds)
        lines.append(line)
    return lines


def queue_counts(campaigns: list[Campaign], at: datetime) -> dict[int, tuple[int, int]]:
    """(remaining, due now) per campaign: remaining is every donor not done; due now those an
    agent could be given this minute, by the same rules as the Out-of-Data explanation
    (campaigns.queue.explain), for all campaigns in one GROUP BY."""
    by_id = {c.pk: c for c in campaigns}
    groups = (
        QueueEntry.objects.filter(campaign_id__in=list(by_id))
        .exclude(state=QueueState.DONE)
        .order_by()
        .values("campaign_id", "state", "blocked", "zone_key")
        .annotate(
            total=Count("pk"),
            due_appointments=Count(
                "pk", filter=Q(due_at__lte=at, priority__lte=Priority.TEAM_APPOINTMENT)
            ),
            due_calls=Count("pk", filter=Q(due_at__lte=at, priority__gt=Priority.TEAM_APPOINTMENT)),
        )
    )
    remaining, due = Counter[int](), Counter[int]()
    windows = {pk: campaign_window(c) for pk, c in by_id.items()}
    for group in groups:
        pk = group["campaign_id"]
        remaining[pk] += group["total"]
        if standing_reason(group):
            continue
        if key_inside(group["zone_key"], APPOINTMENT_WINDOW, at):
            due[pk] += group["due_appointments"]
        if key_inside(group["zone_key"], windows[pk], at):
            due[pk] += group["due_calls"]
    return {pk: (remaining[pk], due[pk]) for pk in by_id}


def calls_started_lately(at: datetime) -> dict[int, tuple[int, int]]:
    """Calls started in the last 30 and 60 minutes, per campaign (one GROUP BY)."""
    half, hour = (at - window for window in PACE_WINDOWS)
    grouped = (
        Call.objects.filter(started_at__gt=hour, started_at__lte=at, campaign__isnull=False)
        .order_by()
        .values("campaign_id")
        .annotate(last_30=Count("pk", filter=Q(started_at__gt=half)), last_60=Count("pk"))
    )
    return {g["campaign_id"]: (g["last_30"], g["last_60"]) for g in grouped}


def forecast(
    due_now: int, calls: tuple[int, int], at: datetime, thresholds: LiveThresholds
) -> dict[str, Any]:
    """When the donors due now run out at the current pace: calls an hour over the last half
    hour (or the last hour, if the half hour had none). ``warning`` is "out_of_data" when
    nobody is due, "soon" when the forecast falls within the manager's warning time."""
    last_30, last_60 = calls
    per_hour = last_30 * 2 if last_30 else last_60
    result: dict[str, Any] = {
        "calls_last_30": last_30,
        "calls_last_60": last_60,
        "calls_per_hour": per_hour,
        "runs_out_at": None,
        "warning": "",
    }
    if due_now == 0:
        result["warning"] = "out_of_data"
    elif per_hour:
        runs_out = at + timedelta(hours=due_now / per_hour)
        result["runs_out_at"] = runs_out
        if runs_out - at <= timedelta(minutes=thresholds.out_of_data_warning_minutes):
            result["warning"] = "soon"
    return result


# --- What managers did -------------------------------------------------------------------------


def recent_actions() -> list[dict[str, Any]]:
    actions = SupervisorAction.objects.select_related("manager", "agent")[:RECENT_ACTIONS]
    return [
        {
            "at": a.at,
            "manager": a.manager.display_name,
            "agent": a.agent.display_name,
            "agent_id": a.agent_id,
            "what": a.what,
            "what_label": a.get_what_display(),
            "detail": a.detail,
        }
        for a in actions
    ]


# --- What ticks: worked out at render time from the snapshot's instants ------------------------

LONG_AFTER = {
    Status.ON_CALL: "long_call_minutes",
    Status.ON_BREAK: "long_break_minutes",
    Status.WRAP_UP: "long_wrap_up_minutes",
}


def as_of(snapshot: dict[str, Any], at: datetime | None = None) -> dict[str, Any]:
    """The snapshot with each agent's ticking figures counted to ``at`` and the threshold each
    row has passed (``long``), without touching the cached copy."""
    at = at or clock_now()
    thresholds = snapshot["thresholds"]
    agents = [ticking(agent, thresholds, at) for agent in snapshot["agents"]]
    return snapshot | {"agents": agents, "now": at}


def ticking(agent: dict[str, Any], thresholds: dict[str, int], at: datetime) -> dict[str, Any]:
    in_status = elapsed(agent["since"], at)
    limit = LONG_AFTER.get(agent["status"])
    return agent | {
        "seconds_in_status": in_status,
        "long": bool(limit and in_status >= thresholds[limit] * 60),
        "talk_seconds_now": agent["talk_seconds"] + elapsed(agent["call_started_at"], at),
        "break_seconds_now": agent["break_seconds"] + elapsed(agent["break_started_at"], at),
    }


def elapsed(since: datetime | None, at: datetime) -> int:
    return max(0, int((at - since).total_seconds())) if since else 0
