"""What the campaign page and the API say about a campaign's queue: how many donors are in
each state, and why nobody is callable now (the manager's side of Out of Data), each reason
with a human label and a hint on what to do. Two GROUP BY queries, whatever the queue's size.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from . import calllists
from .models import Campaign, QueueEntry, QueueState
from .queue.explain import out_of_data_reasons
from .templatetags.campaigns import weekdays

STATES = [
    (QueueState.OPEN, "waiting", "Waiting"),
    (QueueState.LEASED, "with_agent", "With an agent"),
    (QueueState.HELD, "held", "Held (with an agent on another campaign)"),
    (QueueState.DONE, "done", "Done"),
]

# Reason code → (label, what to do). In the order the page lists them. ``{…}`` fields are
# filled from the campaign.
REASONS: dict[str, tuple[str, str]] = {
    "callable": (
        "Callable now",
        "Ready for agents: they get these donors when they press Ready for Call on this "
        "campaign (it must be active, with a team).",
    ),
    "not_due": (
        "Not due yet",
        "Retries and appointments wait for their time and come back by themselves.",
    ),
    "outside_hours": (
        "Outside calling hours",
        "It is outside {hours} on {days} in these donors' local time; they are called when "
        "their hours start. Widen the calling hours or days to reach them sooner.",
    ),
    "unknown_zone": (
        "Unknown time zone",
        "Their local time is unknown, so they are never called: add an address with its "
        "country (and US state) or a phone number, on the donor's profile.",
    ),
    "no_consent": (
        "No consent",
        "They withdrew phone consent for {purpose}. Only the donor can give it again.",
    ),
    "suppressed": (
        "Suppressed",
        "Every number they have is on the suppression list (do not call, TPS). Add another "
        "number only if the donor gives one.",
    ),
    "tps_unscreened": (
        "TPS screening out of date",
        "This campaign requires TPS screening and their UK numbers were not screened in the "
        "last 28 days (or never). Upload this month's TPS screening file on the suppression "
        "list; numbers it does not list become callable at once.",
    ),
    "no_number": (
        "No number",
        "Add a phone number on the donor's profile, or import one.",
    ),
    "max_attempts": (
        "Max attempts",
        "Tried {max_attempts} times already. Raise the maximum attempts in the settings to try "
        "them again.",
    ),
    "deceased": ("Deceased", "Never called. Nothing to do."),
    "erased": ("Erased", "Their personal data was erased; never called."),
    "under_16": ("Under 16", "Known to be under 16: never called."),
    "leased": ("With an agent", "An agent has this donor on screen or on the line now."),
    "held": (
        "Held by another agent",
        "An agent has this donor on another campaign; they come back when that call ends.",
    ),
}


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    hint: str
    count: int


def state_counts(campaign: Campaign) -> dict[str, int]:
    """Donors on the campaign by state: waiting, with_agent, held, done (one GROUP BY)."""
    counted = dict(
        QueueEntry.objects.filter(campaign=campaign)
        .order_by()
        .values("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    return {key: counted.get(state, 0) for state, key, _ in STATES}


def state_labels() -> dict[str, str]:
    return {key: label for _, key, label in STATES}


def why_not_callable(campaign: Campaign) -> list[Reason]:
    """Every donor not done, counted once under the first reason that applies, with what to
    do about it; reasons with nobody under them are left out."""
    counts = out_of_data_reasons(campaign)
    fields = {
        "purpose": campaign.purpose.name,
        "max_attempts": campaign.max_attempts,
        "hours": f"{campaign.calling_starts:%H:%M}–{campaign.calling_ends:%H:%M}",
        "days": weekdays(campaign.calling_days),
    }
    reasons = [
        Reason(code, label, hint.format(**fields), counts[code])
        for code, (label, hint) in REASONS.items()
        if counts.get(code)
    ]
    known = set(REASONS)
    reasons += [Reason(code, code, "", n) for code, n in counts.items() if code not in known]
    return reasons


def queue_section(campaign: Campaign) -> dict[str, Any]:
    """The campaign page's Queue section: states, connected lists, reasons. A fixed number of
    queries whatever the number of donors or lists."""
    states = state_counts(campaign)
    total = sum(states.values())
    call_lists = list(calllists.campaign_call_lists(campaign))
    for call_list in call_lists:
        call_list.conditions = calllists.ListFilter.from_dict(call_list.filter).describe()  # type: ignore[attr-defined]
        call_list.left_out = calllists.left_out_labels(call_list.last_counts.get("left_out", {}))  # type: ignore[attr-defined]
    return {
        "queue": {"states": states, "labels": state_labels(), "total": total},
        "call_lists": call_lists,
        "reasons": why_not_callable(campaign) if total else [],
    }
