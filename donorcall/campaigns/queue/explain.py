"""Why nobody is callable: the manager's Out-of-Data explanation (docs/dialler.md).

Every non-done row of the campaign is counted once, under the first reason that applies:
its ``blocked`` reason; ``leased`` (with an agent now) or ``held`` (its donor is with an agent
on another campaign); ``unknown_zone``; ``not_due``; ``outside_hours`` (campaign hours, or
the hard ceiling for appointments); else ``callable``.
"""

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from donorcall.campaigns.models import Campaign, Priority, QueueEntry, QueueState
from donorcall.campaigns.queue.hours import (
    APPOINTMENT_WINDOW,
    campaign_window,
    key_inside,
)
from donorcall.lib.clock import now as clock_now


def out_of_data_reasons(campaign: Campaign, now: datetime | None = None) -> dict[str, int]:
    """Counts by reason, from one GROUP BY over (state, blocked, zone key, due, appointment):
    a few hundred groups at most, whatever the queue's size."""
    at = now or clock_now()
    groups = (
        QueueEntry.objects.filter(campaign=campaign)
        .exclude(state=QueueState.DONE)
        .values("state", "blocked", "zone_key")
        .annotate(
            not_due=Count("pk", filter=Q(due_at__gt=at)),
            due_appointments=Count(
                "pk", filter=Q(due_at__lte=at, priority__lte=Priority.TEAM_APPOINTMENT)
            ),
            due_calls=Count("pk", filter=Q(due_at__lte=at, priority__gt=Priority.TEAM_APPOINTMENT)),
        )
    )
    counts: Counter[str] = Counter()
    window = campaign_window(campaign)
    for group in groups:
        total = group["not_due"] + group["due_appointments"] + group["due_calls"]
        reason = standing_reason(group)
        if reason:
            counts[reason] += total
            continue
        counts["not_due"] += group["not_due"]
        inside = key_inside(group["zone_key"], APPOINTMENT_WINDOW, at)
        counts["callable" if inside else "outside_hours"] += group["due_appointments"]
        inside = key_inside(group["zone_key"], window, at)
        counts["callable" if inside else "outside_hours"] += group["due_calls"]
    return {reason: count for reason, count in counts.items() if count}


def standing_reason(group: Mapping[str, Any]) -> str | None:
    """A reason that holds whatever the clock says."""
    if group["blocked"]:
        return group["blocked"]
    if group["state"] in (QueueState.LEASED, QueueState.HELD):
        return group["state"]
    if not group["zone_key"]:
        return "unknown_zone"
    return None
