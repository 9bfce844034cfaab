"""Call lists (the seeds' "accounts lists"): donors chosen by a saved filter or a file of
donor references, connected to a campaign to fill its queue.

``donors_matching(filter)`` is the filter, as one queryset of EXISTS subqueries: no loop over
donors in Python, so it counts and walks a million donors in the database. Connecting a list
(and refreshing a filter list) puts the matching donors on the campaign through
``queue.eligibility.enqueue``: donors already there are left alone, so a refresh adds only the
new matches. The counts of each run are kept on the list; which donor came from which list is
not (millions of rows, for little use).

Each chunk of donors is its own transaction. ``enqueue`` locks the chunk's donor rows, and a
claim skips a locked donor (docs/dialler.md): one transaction over a million donors would hide
them all from agents until it ended. A run that fails halfway leaves a list whose Refresh (or
connecting the file again) finishes the job, since donors already queued are left alone.
"""

import csv
import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from donorcall.donors.models import Address, Donor, DonorStatus, EmailAddress
from donorcall.giving.models import (
    Donation,
    DonationStatus,
    GiftKind,
    Payment,
    PaymentStatus,
    RegularGift,
    RegularGiftStatus,
)
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, InvalidInput
from donorcall.staff.models import User

from .actions.inputs import clean_name, max_length
from .models import Blocked, CallList, CallListKind, Campaign, CampaignStatus
from .queue.eligibility import EnqueueResult, enqueue

FILL_CHUNK = 1000  # donors per enqueue: one transaction, inside the parameter limits
LOG_LINES = 50  # runs kept in a list's log
UNKNOWN_SHOWN = 50  # unknown references named in a report; the rest are counted
MAX_DAYS = 3660
MAX_MONTHS = 240


class CampaignClosed(Conflict):
    """An archived campaign takes no call list: its donors are never called again."""

    code = "campaign_archived"


# --- The filter --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    """Who a filter list selects. Every condition is optional; those given must all hold."""

    failed_payment_days: int | None = None  # a regular gift's payment failed in the last N days
    active_sponsorship: bool = False
    no_gift_months: int | None = None  # no received donation in the last N months
    country: str = ""  # ISO code of the primary address
    has_email: bool = False
    active_only: bool = True  # donor status active (not deceased or erased)

    @classmethod
    def from_dict(cls, saved: dict[str, Any]) -> "ListFilter":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in saved.items() if key in names})

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def describe(self) -> list[str]:
        """The conditions in words, for the campaign page."""
        parts = []
        if self.failed_payment_days:
            parts.append(f"a failed payment in the last {plural(self.failed_payment_days, 'day')}")
        if self.active_sponsorship:
            parts.append("an active sponsorship")
        if self.no_gift_months:
            parts.append(f"no gift for {plural(self.no_gift_months, 'month')}")
        if self.country:
            parts.append(f"lives in {self.country}")
        if self.has_email:
            parts.append("has an email address")
        if self.active_only:
            parts.append("active donors only")
        return parts or ["every donor"]


def plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def clean_filter(chosen: ListFilter) -> ListFilter:
    """The filter with its country in capitals, or InvalidInput naming the condition."""
    days, months = chosen.failed_payment_days, chosen.no_gift_months
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            f"Give a number of days from 1 to {MAX_DAYS}.", field="failed_payment_days"
        )
    if months is not None and not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(
            f"Give a number of months from 1 to {MAX_MONTHS}.", field="no_gift_months"
        )
    country = (chosen.country or "").strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise InvalidInput("Give the country as its two-letter code, e.g. GB.", field="country")
    return dataclasses.replace(chosen, country=country)


def donors_matching(chosen: ListFilter) -> QuerySet[Donor]:
    """Donors for whom every condition of the filter holds: EXISTS subqueries on indexed
    foreign keys, one statement however many donors there are."""
    today = now().date()
    donors = Donor.objects.all()
    if chosen.active_only:
        donors = donors.filter(status=DonorStatus.ACTIVE)
    if chosen.failed_payment_days:
        since = today - timedelta(days=chosen.failed_payment_days)
        failed = Payment.objects.filter(
            regular_gift__donor=OuterRef("pk"),
            status=PaymentStatus.FAILED,
            due_on__gte=since,
            due_on__lte=today,
        )
        donors = donors.filter(Exists(failed))
    if chosen.active_sponsorship:
        sponsorship = RegularGift.objects.filter(
            donor=OuterRef("pk"), kind=GiftKind.SPONSORSHIP, status=RegularGiftStatus.ACTIVE
        )
        donors = donors.filter(Exists(sponsorship))
    if chosen.no_gift_months:
        recent = Donation.objects.filter(
            donor=OuterRef("pk"),
            status=DonationStatus.RECEIVED,
            received_on__gte=months_before(today, chosen.no_gift_months),
        )
        donors = donors.filter(~Exists(recent))
    if chosen.country:
        address = Address.objects.filter(
            donor=OuterRef("pk"), is_primary=True, removed_at=None, country=chosen.country
        )
        donors = donors.filter(Exists(address))
    if chosen.has_email:
        email = EmailAddress.objects.filter(donor=OuterRef("pk"), removed_at=None)
        donors = donors.filter(Exists(email))
    return donors


def months_before(day: date, months: int) -> date:
    """The same day of the month ``months`` earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- A file of donor references ----------------------------------------------------------------


@dataclass
class ReferenceFile:
    """A file's donor references resolved to donors: ids found, and unknown references with
    the line they are on (the first UNKNOWN_SHOWN; ``unknown_count`` counts them all)."""

    donor_ids: list[int] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    unknown_count: int = 0
    lines: int = 0

    def unknown_message(self) -> str:
        named = ", ".join(f"line {line} ({ref})" for line, ref in self.unknown[:10])
        more = self.unknown_count - min(len(self.unknown), 10)
        extra = f" and {plural(more, 'more line')}" if more > 0 else ""
        count = plural(self.unknown_count, "reference")
        return f"{count} matched no donor: {named}{extra}."


def read_references(content: bytes) -> ReferenceFile:
    """One reference a line, or a CSV file with a ``reference`` column (comma, semicolon or
    tab separated). Line numbers are the file's own, header included."""
    text = decode(content)
    rows = csv.reader(text.splitlines(), dialect=sniff(text))
    column, first = header_column(rows)

    def references() -> Iterator[tuple[int, str]]:
        if first:
            yield first
        for row in rows:
            if column < len(row) and row[column].strip():
                yield rows.line_num, row[column].strip()

    return resolve_references(references(), field="file")


def resolve_references(references: Iterable[tuple[int, str]], *, field: str) -> ReferenceFile:
    """(line, reference) pairs looked up a chunk at a time: one query per FILL_CHUNK lines."""
    resolved = ReferenceFile()
    batch: list[tuple[int, str]] = []
    for line, reference in references:
        batch.append((line, reference))
        resolved.lines = line
        if len(batch) >= FILL_CHUNK:
            resolve(batch, resolved)
            batch = []
    resolve(batch, resolved)
    if not resolved.donor_ids and not resolved.unknown_count:
        raise InvalidInput("There are no donor references in it.", field=field)
    return resolved


def decode(content: bytes) -> str:
    """UTF-8 (with or without the byte-order mark Excel writes), else Windows-1252."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def sniff(text: str) -> type[csv.Dialect]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = next((mark for mark in (",", ";", "\t") if mark in first), ",")
    return type("Upload", (csv.excel,), {"delimiter": delimiter})


def header_column(rows: Iterator[list[str]]) -> tuple[int, tuple[int, str] | None]:
    """The reference column, and the first line's reference if the file has no header."""
    for row in rows:
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        names = [cell.lower() for cell in cells]
        if "reference" in names:
            return names.index("reference"), None
        if len(cells) > 1:
            raise InvalidInput(
                "This file has several columns: name the column of donor references "
                "“reference” in its first line.",
                field="file",
            )
        line = rows.line_num  # type: ignore[attr-defined]
        return 0, (line, cells[0])
    raise InvalidInput("The file is empty.", field="file")


def resolve(batch: list[tuple[int, str]], resolved: ReferenceFile) -> None:
    if not batch:
        return
    references = {reference for _, reference in batch}
    found = dict(Donor.objects.filter(reference__in=references).values_list("reference", "pk"))
    for line, reference in batch:
        if reference in found:
            resolved.donor_ids.append(found[reference])
            continue
        resolved.unknown_count += 1
        if len(resolved.unknown) < UNKNOWN_SHOWN:
            resolved.unknown.append((line, reference))


# --- Connecting and refreshing -----------------------------------------------------------------


@dataclass
class ListReport:
    """What a run did: donors matched, added to the queue, already there, and of those added
    how many are left out for now, by blocked reason (they wait on the queue in case it lifts:
    a consent given again, a number added)."""

    matched: int = 0
    added: int = 0
    already_there: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    unknown: int = 0

    def take(self, result: EnqueueResult) -> None:
        self.added += result.added
        self.already_there += result.already_there
        for reason, count in result.blocked.items():
            self.left_out[reason] = self.left_out.get(reason, 0) + count

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def left_out_labelled(self) -> list[tuple[str, int]]:
        return left_out_labels(self.left_out)

    def summary(self) -> str:
        text = f"{self.added:,} added, {self.already_there:,} already on the campaign"
        if self.left_out:
            reasons = ", ".join(f"{label} {count:,}" for label, count in self.left_out_labelled)
            text += f"; left out for now: {reasons}"
        if self.unknown:
            text += f"; {plural(self.unknown, 'unknown reference')} skipped"
        return text + "."


def left_out_labels(left_out: dict[str, int]) -> list[tuple[str, int]]:
    """Blocked reasons as people read them, in the order of the Blocked choices."""
    return [(str(b.label), left_out[b.value]) for b in Blocked if left_out.get(b.value)]


def check_takes_lists(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.ARCHIVED:
        raise CampaignClosed(
            "This campaign is archived: it takes no call list. Create a new campaign.",
            field="campaign",
        )


def clean_list_name(campaign: Campaign, name: str) -> str:
    return clean_name(
        name,
        what="call list on this campaign",
        taken=CallList.objects.filter(campaign=campaign),
        limit=max_length(CallList, "name"),
    )


def create_filter_list(
    campaign: Campaign, *, name: str, chosen: ListFilter, by: User | None
) -> tuple[CallList, ListReport]:
    """Save a filter list on the campaign and put every donor it matches on the queue."""
    check_takes_lists(campaign)
    name = clean_list_name(campaign, name)
    chosen = clean_filter(chosen)
    call_list = CallList.objects.create(
        name=name, campaign=campaign, kind=CallListKind.FILTER, filter=chosen.as_dict(),
        created_at=now(), created_by=by,
    )  # fmt: skip
    return call_list, fill_from_filter(call_list, by=by)


def create_file_list(
    campaign: Campaign,
    *,
    name: str,
    file_name: str,
    references: ReferenceFile,
    skip_unknown: bool = False,
    by: User | None,
) -> tuple[CallList, ListReport]:
    """Save a list from a file of references and put its donors on the queue. A file with
    unknown references is refused, naming their lines, unless ``skip_unknown``."""
    check_takes_lists(campaign)
    name = clean_list_name(campaign, name)
    if references.unknown_count and not skip_unknown:
        raise InvalidInput(references.unknown_message(), field="file")
    call_list = CallList.objects.create(
        name=name, campaign=campaign, kind=CallListKind.FILE,
        file_name=file_name[: max_length(CallList, "file_name")], created_at=now(), created_by=by,
    )  # fmt: skip
    report = fill_queue(campaign, iter(dict.fromkeys(references.donor_ids)), by=by)
    report.unknown = references.unknown_count
    log_run(call_list, report, by=by)
    return call_list, report


def refresh_call_list(call_list: CallList, *, by: User | None) -> ListReport:
    """Run a filter list again: donors who match it now and are not on the campaign yet are
    added; those already there are left as they are."""
    if call_list.kind != CallListKind.FILTER:
        raise InvalidInput(
            "A list from a file cannot be refreshed: connect a new file instead.", field="kind"
        )
    check_takes_lists(call_list.campaign)
    return fill_from_filter(call_list, by=by)


def fill_from_filter(call_list: CallList, *, by: User | None) -> ListReport:
    donors = donors_matching(ListFilter.from_dict(call_list.filter)).order_by("pk")
    ids = donors.values_list("pk", flat=True).iterator(chunk_size=FILL_CHUNK)
    report = fill_queue(call_list.campaign, ids, by=by)
    log_run(call_list, report, by=by)
    return report


def fill_queue(campaign: Campaign, donor_ids: Iterator[int], *, by: User | None) -> ListReport:
    """Enqueue the donors chunk by chunk, each chunk committed on its own (see the module's
    docstring for why)."""
    report = ListReport()
    for chunk in chunked(donor_ids, FILL_CHUNK):
        report.matched += len(set(chunk))
        report.take(enqueue(campaign, chunk, by=by))
    return report


def chunked(values: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def log_run(call_list: CallList, report: ListReport, *, by: User | None) -> None:
    """Keep the run's counts on the list: the last counts, and a line in its short log."""
    at = now()
    line = {"at": at.isoformat(), "by": by.pk if by else None, **report.as_dict()}
    with transaction.atomic():
        current = CallList.objects.select_for_update().get(pk=call_list.pk)
        current.last_counts = report.as_dict()
        current.last_refreshed_at, current.last_refreshed_by = at, by
        current.log = [*current.log, line][-LOG_LINES:]
        current.save(update_fields=["last_counts", "last_refreshed_at", "last_refreshed_by", "log"])
    call_list.last_counts, call_list.log = current.last_counts, current.log
    call_list.last_refreshed_at, call_list.last_refreshed_by = at, by


# --- Reads -------------------------------------------------------------------------------------


def call_list_for(user: User, pk: int) -> CallList:
    """A call list, for whoever may see campaigns (out of reach: 404)."""
    if not user.has_perm("campaigns.view_calllist"):
        raise Http404("No such call list")
    call_list = CallList.objects.select_related("campaign").filter(pk=pk).first()
    if call_list is None:
        raise Http404("No such call list")
    return call_list


def campaign_call_lists(campaign: Campaign) -> QuerySet[CallList]:
    return CallList.objects.filter(campaign=campaign).select_related(
        "created_by", "last_refreshed_by"
    )


def preview_count(chosen: ListFilter) -> int:
    """How many donors the filter matches now: the count shown before saving."""
    return donors_matching(clean_filter(chosen)).count()
