"""What about a donor stops every call, kept on their queue rows (docs/dialler.md).

``refresh_queue`` recomputes ``blocked`` and ``zone_key`` for the donors' rows in one
set-based UPDATE per chunk of donors; the donor, consent, suppression and number actions call
it inside their own transactions, so a row is never callable a moment after its donor stopped
being. ``enqueue`` puts donors on a campaign.
"""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from donorcall.campaigns.models import Blocked, Campaign, QueueEntry, QueueState, QueueZone
from donorcall.campaigns.queue.hours import forget_zone_keys
from donorcall.donors.models import (
    Channel,
    ConsentState,
    ConsentStatus,
    Donor,
    DonorStatus,
    PhoneNumber,
    Suppression,
    SuppressionKind,
)
from donorcall.lib.clock import now
from donorcall.staff.models import User

CHUNK = 1000  # donors per statement: inside SQLite's and PostgreSQL's parameter limits
MINIMUM_AGE = 16
UK_PREFIX = "+44"
# COMPLIANCE.md: where a campaign requires it, a UK number screened more than 28 days ago is
# not callable. The stored ``blocked`` is recomputed by the worker's sweep every few minutes,
# so a screening stops counting an hour early: the sweep blocks the row before the 28 days end.
TPS_SCREENING_VALID = timedelta(days=28)
TPS_SWEEP_MARGIN = timedelta(hours=1)


@dataclass
class EnqueueResult:
    """What ``enqueue`` did: rows added, donors already on the campaign, and how many of the
    added rows are blocked, by reason (they stay in the queue for when the reason lifts)."""

    added: int = 0
    already_there: int = 0
    blocked: dict[str, int] = field(default_factory=dict)


def refresh_queue(donor_ids: Iterable[int]) -> int:
    """Recompute ``blocked`` and ``zone_key`` on every non-done row of these donors; returns
    the number of rows touched. Call inside the transaction that changed the donor."""
    ids = sorted(set(donor_ids))
    touched = 0
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            lock_donors(chunk)
            remember_zone_keys(chunk)
            rows = QueueEntry.objects.filter(donor_id__in=chunk).exclude(state=QueueState.DONE)
            touched += rows.update(blocked=blocked_reason(), zone_key=donor_zone_key())
    return touched


# The size of a lease's columns as a claim writes them: a uuid's 32 hex digits and two times
# with microseconds; the holder's id (a few bytes, and a foreign key to check) is left to the
# page's slack. The values themselves are never read or committed (``leave_room_for_leases``).
LEASE_SIZED = {
    "lease_token": uuid.UUID(int=0),
    "leased_at": datetime(2000, 1, 1, microsecond=1, tzinfo=UTC),
    "lease_expires_at": datetime(2000, 1, 1, microsecond=1, tzinfo=UTC),
}
NO_LEASE = dict.fromkeys(LEASE_SIZED)


def leave_room_for_leases(rows: QuerySet[QueueEntry]) -> None:
    """SQLite: grow these new rows to their leased size and back, in the transaction that
    added them, so that each table page keeps room for its rows' leases.

    A lease grows its row by ~90 bytes (token, two times, holder). Rows added in id order
    fill each page to its last few bytes, so the first claim on every page of a newly added
    list split the page: ~50 µs more, under the database's one write lock, while the other
    agents waited (docs/benchmarks.md, "T14, fourth pass"). SQLite has no fillfactor; this
    does the splitting here, in the background job that connects the list, in id order.
    PostgreSQL writes a new row version on every update, so it has nothing to gain."""
    if connection.vendor != "sqlite":
        return
    rows = rows.exclude(state=QueueState.LEASED)
    rows.update(**LEASE_SIZED)
    rows.update(**NO_LEASE)


def lock_donors(donor_ids: Sequence[int]) -> None:
    """Take the donors' row locks, in id order, before touching their queue rows.

    The claim locks a queue row together with its donor (SKIP LOCKED) and then writes the
    donor's other rows; anyone else who writes a donor's queue rows takes the donor lock first,
    so the two can never wait on each other in a cycle. SQLite serialises writers instead.
    """
    if connection.vendor == "postgresql" and donor_ids:
        list(
            Donor.objects.select_for_update(no_key=True)
            .filter(pk__in=donor_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def remember_zone_keys(donor_ids: Sequence[int]) -> None:
    """Add the donors' zone keys to QueueZone, the short list the claim's hours are computed
    from. Read first, insert the missing: a no-op costs one indexed read."""
    keys = {
        key
        for key in Donor.objects.filter(pk__in=donor_ids).values_list("timezone", flat=True)
        if key
    }
    known = set(QueueZone.objects.filter(key__in=keys).values_list("key", flat=True))
    if missing := keys - known:
        QueueZone.objects.bulk_create(
            [QueueZone(key=key) for key in sorted(missing)], ignore_conflicts=True
        )
        forget_zone_keys()


def donor_zone_key() -> Subquery:
    return Subquery(Donor.objects.filter(pk=OuterRef("donor_id")).values("timezone")[:1])


def blocked_reason() -> Case:
    """The first reason, in the order of docs/dialler.md, that stops every call to the row's
    donor on the row's campaign, or NULL. Portable: EXISTS subqueries only."""
    donor = Donor.objects.filter(pk=OuterRef("donor_id"))
    return Case(
        When(Exists(donor.filter(status=DonorStatus.ERASED)), then=Value("erased")),
        When(Exists(donor.filter(status=DonorStatus.DECEASED)), then=Value("deceased")),
        When(Exists(donor.filter(date_of_birth__gt=sixteen_years_ago())), then=Value("under_16")),
        When(~Exists(current_numbers()), then=Value("no_number")),
        When(~Exists(callable_numbers()), then=Value("suppressed")),
        When(Exists(screening_campaign()) & ~Exists(tps_callable_numbers()),
             then=Value("tps_unscreened")),
        When(Exists(withdrawn_phone_consent()), then=Value("no_consent")),
        When(Exists(attempts_used_up()), then=Value("max_attempts")),
        default=Value(None),
        output_field=CharField(),
    )  # fmt: skip


def current_numbers():
    return PhoneNumber.objects.filter(donor_id=OuterRef("donor_id"), removed_at=None).exclude(
        number=""
    )


def callable_numbers():
    return current_numbers().filter(~Exists(active_suppression()))


def screening_campaign():
    return Campaign.objects.filter(pk=OuterRef("campaign_id"), requires_tps_screening=True)


def tps_callable_numbers(at: datetime | None = None):
    """Callable numbers a screening campaign may dial: non-UK, or UK and screened recently."""
    recent = Q(tps_screened_at__gte=tps_screening_cutoff(at))
    return callable_numbers().filter(~Q(number__startswith=UK_PREFIX) | recent)


def tps_screening_cutoff(at: datetime | None = None) -> datetime:
    """A UK number screened before this instant no longer counts as screened."""
    return (at or now()) - TPS_SCREENING_VALID + TPS_SWEEP_MARGIN


def attempts_used_up():
    return Campaign.objects.filter(
        pk=OuterRef("campaign_id"), max_attempts__lte=OuterRef("attempts")
    )


def active_suppression():
    return Suppression.objects.filter(
        kind=SuppressionKind.PHONE, value=OuterRef("number"), lifted_at=None
    )


def withdrawn_phone_consent():
    return ConsentState.objects.filter(
        donor_id=OuterRef("donor_id"),
        channel=Channel.PHONE,
        status=ConsentStatus.WITHDRAWN,
        purpose__campaigns=OuterRef("campaign_id"),
    )


def sixteen_years_ago() -> date:
    """Born after this date = known to be under 16. A birthday does not refresh the queue, so
    a donor turning 16 stays blocked until their next change: the safe side."""
    today = now().date()
    try:
        return today.replace(year=today.year - MINIMUM_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MINIMUM_AGE, day=28)


def sweep_tps_screening(limit: int = 500) -> int:
    """Refresh the donors whose stored ``tps_unscreened`` is out of step with the clock: rows of
    screening campaigns still callable although no number passes the 28-day rule any more,
    and ``tps_unscreened`` rows that a screening, a new number or the campaign no longer
    justifies. At most ``limit`` donors; returns how many. Idempotent: a refreshed row no
    longer matches. The worker runs it every few minutes (docs/dialler.md, "TPS screening")."""
    at = now()
    later = [Blocked.NO_CONSENT, Blocked.MAX_ATTEMPTS]  # tps_unscreened comes before these
    screened = Exists(tps_callable_numbers(at))
    live = QueueEntry.objects.exclude(state=QueueState.DONE)
    expired = live.filter(Q(blocked=None) | Q(blocked__in=later)).filter(
        Exists(screening_campaign()), ~screened
    )
    lifted = live.filter(blocked=Blocked.TPS_UNSCREENED).filter(
        ~Exists(screening_campaign()) | screened
    )
    donors: set[int] = set()
    for rows in (expired, lifted):
        if len(donors) < limit:
            wanted = limit - len(donors)
            donors.update(rows.order_by().values_list("donor_id", flat=True).distinct()[:wanted])
    refresh_queue(donors)
    return len(donors)


def enqueue(campaign: Campaign, donor_ids: Iterable[int], *, by: User | None) -> EnqueueResult:
    """Put donors on the campaign as fresh rows due now; donors already on it are left alone.

    A donor leased on another campaign right now gets a ``held`` row, as the claim would have
    made it. ``by`` is for the caller's history; the queue row itself keeps no actor.
    """
    ids = sorted(set(donor_ids))
    result = EnqueueResult()
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            add_chunk(campaign, ids[start : start + CHUNK], result)
    return result


def add_chunk(campaign: Campaign, chunk: list[int], result: EnqueueResult) -> None:
    lock_donors(chunk)
    present = set(
        QueueEntry.objects.filter(campaign=campaign, donor_id__in=chunk).values_list(
            "donor_id", flat=True
        )
    )
    new = [donor_id for donor_id in chunk if donor_id not in present]
    due = now()
    QueueEntry.objects.bulk_create(
        [QueueEntry(campaign=campaign, donor_id=donor_id, due_at=due) for donor_id in new]
    )
    refresh_queue(new)
    leave_room_for_leases(QueueEntry.objects.filter(campaign=campaign, donor_id__in=new))
    leased_elsewhere = QueueEntry.objects.filter(
        donor_id=OuterRef("donor_id"), state=QueueState.LEASED
    )
    QueueEntry.objects.filter(campaign=campaign, donor_id__in=new, state=QueueState.OPEN).filter(
        Exists(leased_elsewhere)
    ).update(state=QueueState.HELD)
    reasons = QueueEntry.objects.filter(campaign=campaign, donor_id__in=new).filter(
        ~Q(blocked=None)
    )
    result.added += len(new)
    result.already_there += len(present)
    counts = Counter(reason for reason in reasons.values_list("blocked", flat=True) if reason)
    for reason, count in counts.items():
        result.blocked[reason] = result.blocked.get(reason, 0) + count
