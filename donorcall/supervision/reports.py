"""Reports: what the call centre did, over a date range (docs/reports.md defines each figure).

**One statement per figure, no transaction around it.** The dialler writes the same tables all
day (calls, queue rows, breaks); a report that opened a transaction and then ran several reads
would hold a snapshot, and on PostgreSQL keep vacuum from cleaning the queue's dead rows, for
as long as the manager's page took. So each table below is one aggregate ``SELECT`` (Django's
``values().annotate()``), evaluated once in autocommit: the transaction lasts exactly one
statement. Rates and averages are worked out in Python from that statement's counts and sums.
Nothing here may be wrapped in ``transaction.atomic()`` (and ATOMIC_REQUESTS is off).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from donorcall.callcenter.models import Break, Call
from donorcall.campaigns.models import EndedReasonCode
from donorcall.giving.models import (
    Donation,
    DonationStatus,
    Frequency,
    RegularGift,
    RegularGiftStatus,
)
from donorcall.lib.clock import now
from donorcall.supervision.filters import CallFilter

# A contact is a call that reached the donor: the donor spoke with the agent and either the
# conversation ran its course (Concluded) or they asked not to be called (Do not call). Not
# available means someone answered but not the donor, so it is not a contact.
CONTACT_REASONS = (EndedReasonCode.CONCLUDED, EndedReasonCode.DO_NOT_CALL)
# Handle time: from the call's start to its outcome being recorded (talk + wrap-up); a call
# closed without an outcome counts to its end.
HANDLE_TIME = ExpressionWrapper(
    Coalesce("outcome_recorded_at", "ended_at") - F("started_at"), output_field=DurationField()
)
PER_YEAR = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.ANNUALLY: 1}
UNCOUNTED_DONATIONS = (DonationStatus.FAILED, DonationStatus.REFUNDED)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, count, rate (0–1), seconds, money


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, object]]
    chart: str = ""  # the column drawn as bars, if any


# --- the call figures, shared by the summary and the "calls by" tables ------------------------

CALL_COLUMNS = (
    Column("calls", "Calls", "count"),
    Column("outcomes", "With an outcome", "count"),
    Column("contacts", "Contacts", "count"),
    Column("contact_rate", "Contact rate", "rate"),
    Column("successes", "Successes", "count"),
    Column("success_rate", "Success rate", "rate"),
    Column("handle_seconds", "Avg handle time", "seconds"),
)


def call_aggregates() -> dict[str, object]:
    return {
        "calls": Count("id"),
        "outcomes": Count("id", filter=~Q(ended_reason="")),
        "contacts": Count("id", filter=Q(ended_reason__in=CONTACT_REASONS)),
        "successes": Count("id", filter=Q(disposition__is_success=True)),
        "handle": Avg(HANDLE_TIME, filter=Q(ended_at__isnull=False)),
    }


def with_rates(row: dict[str, object]) -> dict[str, object]:
    """Contact rate = contacts / calls with an outcome; success rate = successes / contacts;
    the average handle time in seconds. None where the denominator is 0."""
    handle = row.pop("handle", None)
    return {
        **row,
        "contact_rate": ratio(row["contacts"], row["outcomes"]),
        "success_rate": ratio(row["successes"], row["contacts"]),
        "handle_seconds": seconds(handle),
    }


def ratio(part: object, whole: object) -> float | None:
    return round(int(part) / int(whole), 4) if whole else None  # type: ignore[call-overload]


def seconds(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds(), 1)
    return round(float(value) / 1_000_000, 1)  # type: ignore[arg-type]  # SQLite: microseconds


def calls(chosen: CallFilter) -> QuerySet[Call]:
    return Call.objects.filter(chosen.calls()).order_by()


def summary(chosen: CallFilter) -> Table:
    figures = calls(chosen).aggregate(**call_aggregates())
    return Table("summary", "All calls", CALL_COLUMNS, [with_rates(figures)])


# --- calls by agent, team, campaign and day ----------------------------------------------------

Grouping = tuple[dict[str, Any], Callable[[dict[str, Any]], object], str]
BY: dict[str, Grouping] = {
    "agent": (
        {"key": F("agent_id"), "first": F("agent__first_name"), "last": F("agent__last_name"),
         "username": F("agent__username")},
        lambda row: f"{row.pop('first')} {row.pop('last')}".strip() or row["username"],
        "Agent",
    ),
    "team": ({"key": F("team_id"), "name": F("team__name")},
             lambda row: row.pop("name") or "No team", "Team"),
    "campaign": ({"key": F("campaign_id"), "name": F("campaign__name")},
                 lambda row: row.pop("name") or "No campaign (inbound)", "Campaign"),
    "day": ({"key": TruncDate("started_at")}, lambda row: row["key"].isoformat(), "Day"),
}  # fmt: skip


def calls_by(dimension: str, chosen: CallFilter) -> Table:
    keys, label_of, heading = BY[dimension]
    statement = calls(chosen).values(**keys).annotate(**call_aggregates()).order_by()
    rows = []
    for found in statement:
        row: dict[str, Any] = dict(found)
        label = label_of(row)
        row.pop("username", None)
        rows.append({"key": stringify(row.pop("key")), "label": label, **with_rates(row)})
    rows.sort(key=lambda row: str(row["label"]).lower())  # days sort as ISO dates
    columns = (Column("label", heading), *CALL_COLUMNS)
    return Table(f"calls-by-{dimension}", f"Calls by {dimension}", columns, rows, chart="calls")


def stringify(key: Any) -> Any:
    return key.isoformat() if hasattr(key, "isoformat") else key


# --- success by disposition --------------------------------------------------------------------

DISPOSITION_COLUMNS = (
    Column("ended_reason", "Ended reason"),
    Column("label", "Disposition"),
    Column("is_success", "Counts as success"),
    Column("calls", "Calls", "count"),
    Column("share", "Share of outcomes", "rate"),
)


def dispositions(chosen: CallFilter) -> Table:
    """Each ended reason × disposition the calls ended with, and its share of all the calls
    with an outcome; the success flag is the disposition's own (Settings › Dispositions)."""
    statement = (
        calls(chosen)
        .exclude(ended_reason="")
        .values("ended_reason", "disposition_id", "disposition__name", "disposition__is_success")
        .annotate(calls=Count("id"))
        .order_by("ended_reason", "disposition__name")
    )
    found = list(statement)
    total = sum(int(row["calls"]) for row in found)
    rows = [
        {
            "key": row["disposition_id"],
            "ended_reason": EndedReasonCode(row["ended_reason"]).label,
            "label": row["disposition__name"] or "No disposition",
            "is_success": bool(row["disposition__is_success"]),
            "calls": row["calls"],
            "share": ratio(row["calls"], total),
        }
        for row in found
    ]
    return Table("dispositions", "Success by disposition", DISPOSITION_COLUMNS, rows, "calls")


# --- amounts raised by campaign ----------------------------------------------------------------

AMOUNT_COLUMNS = (
    Column("label", "Campaign"),
    Column("currency", "Currency"),
    Column("donations", "Donations", "count"),
    Column("donated", "Donated", "money"),
    Column("regular_gifts", "Regular gifts", "count"),
    Column("regular_per_year", "Regular gifts a year", "money"),
)
MONEY = DecimalField(max_digits=14, decimal_places=2)


def amounts(chosen: CallFilter) -> Table:
    """Donations (not failed or refunded) and regular gifts (not cancelled) taken on the
    chosen calls, by the call's campaign and the gift's currency; one statement each."""
    merged: dict[tuple[object, str], dict[str, object]] = {}
    for row in donation_sums(chosen):
        entry = amount_row(merged, row)
        entry["donations"], entry["donated"] = row["count"], row["total"]
    for row in regular_gift_sums(chosen):
        entry = amount_row(merged, row)
        entry["regular_gifts"], entry["regular_per_year"] = row["count"], row["total"]
    rows = sorted(merged.values(), key=lambda r: (str(r["label"]).lower(), r["currency"]))
    return Table("amounts", "Amounts raised by campaign", AMOUNT_COLUMNS, rows, "donated")


def amount_row(
    merged: dict[tuple[object, str], dict[str, object]], row: dict[str, object]
) -> dict[str, object]:
    key = (row["key"], str(row["currency"]))
    return merged.setdefault(key, {
        "key": row["key"], "label": row["name"] or "No campaign (inbound)",
        "currency": row["currency"], "donations": 0, "donated": Decimal("0.00"),
        "regular_gifts": 0, "regular_per_year": Decimal("0.00"),
    })  # fmt: skip


def donation_sums(chosen: CallFilter) -> Iterable[Any]:
    return (
        Donation.objects.filter(chosen.calls("call__"), call__isnull=False)
        .exclude(status__in=UNCOUNTED_DONATIONS)
        .values("currency", key=F("call__campaign_id"), name=F("call__campaign__name"))
        .annotate(count=Count("id"), total=Sum("amount"))
        .order_by()
    )


def regular_gift_sums(chosen: CallFilter) -> Iterable[Any]:
    yearly = Case(
        *(When(frequency=code, then=F("amount") * times) for code, times in PER_YEAR.items()),
        default=F("amount"),
        output_field=MONEY,
    )
    return (
        RegularGift.objects.filter(chosen.calls("call__"), call__isnull=False)
        .exclude(status=RegularGiftStatus.CANCELLED)
        .values("currency", key=F("call__campaign_id"), name=F("call__campaign__name"))
        .annotate(count=Count("id"), total=Sum(yearly))
        .order_by()
    )


# --- break time by agent -----------------------------------------------------------------------

BREAK_COLUMNS = (
    Column("label", "Agent"),
    Column("breaks", "Breaks", "count"),
    Column("break_seconds", "Break time", "seconds"),
    Column("average_seconds", "Average break", "seconds"),
)


def breaks(chosen: CallFilter) -> Table:
    """Breaks started in the range, by agent; a break still going counts up to now. Campaign
    and outcome filters do not apply (a break belongs to no campaign)."""
    until = Coalesce("ended_at", Value(now(), output_field=DateTimeField()))
    length = ExpressionWrapper(until - F("started_at"), output_field=DurationField())
    statement = (
        Break.objects.filter(chosen.breaks())
        .values(key=F("agent_id"), first=F("agent__first_name"), last=F("agent__last_name"),
                username=F("agent__username"))
        .annotate(breaks=Count("id"), total=Sum(length))
        .order_by()
    )  # fmt: skip
    rows = []
    for row in statement:
        label = f"{row['first']} {row['last']}".strip() or row["username"]
        total = seconds(row["total"]) or 0.0
        rows.append({"key": row["key"], "label": label, "breaks": row["breaks"],
                     "break_seconds": total,
                     "average_seconds": round(total / int(row["breaks"]), 1)})  # fmt: skip
    rows.sort(key=lambda row: str(row["label"]).lower())
    return Table("breaks", "Break time by agent", BREAK_COLUMNS, rows, chart="break_seconds")


# --- the catalogue: the page, the CSV export and the API all read it ---------------------------

REPORTS: dict[str, Callable[[CallFilter], Table]] = {
    "summary": summary,
    "calls-by-agent": lambda chosen: calls_by("agent", chosen),
    "calls-by-team": lambda chosen: calls_by("team", chosen),
    "calls-by-campaign": lambda chosen: calls_by("campaign", chosen),
    "calls-by-day": lambda chosen: calls_by("day", chosen),
    "dispositions": dispositions,
    "amounts": amounts,
    "breaks": breaks,
}


def report(name: str, chosen: CallFilter) -> Table:
    return REPORTS[name](chosen)
