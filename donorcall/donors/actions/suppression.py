"""The suppression ledger: numbers and emails that must never be contacted.

Entries are keyed by the normalised value, not by donor, so a suppressed household line stays
suppressed on every record that carries it, and after the donor is erased.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from donorcall.campaigns.models import QueueEntry, QueueState
from donorcall.campaigns.queue.eligibility import UK_PREFIX, refresh_queue
from donorcall.donors.history import record_event
from donorcall.donors.models import (
    Donor,
    EmailAddress,
    PhoneNumber,
    ScreeningRun,
    Suppression,
    SuppressionKind,
    SuppressionReason,
)
from donorcall.lib import phone
from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

from .details import clean_email

# An erasure's suppression is the only trace that keeps an erased person from being contacted
# again, so nobody may lift it.
PERMANENT_REASONS = {SuppressionReason.ERASURE}
CHUNK = 1000  # values per query: well inside SQLite's and PostgreSQL's parameter limits


def normalise_value(kind: str, value: str) -> str:
    if kind == SuppressionKind.PHONE:
        return phone.normalise(value, field="value").e164
    if kind == SuppressionKind.EMAIL:
        return clean_email(value, field="value")
    raise InvalidInput("Choose phone number or email.", field="kind")


def suppress(
    kind: str,
    value: str,
    *,
    reason: str,
    source: str = "",
    donor: Donor | None = None,
    by: User | None,
) -> Suppression:
    """Add ``value`` to the ledger; adding it again for the same reason changes nothing."""
    if reason not in SuppressionReason.values:
        raise InvalidInput("Choose a reason from the list.", field="reason")
    value = normalise_value(kind, value)
    source = reject_card_numbers(source.strip(), field="source")[:200]
    existing = Suppression.objects.filter(kind=kind, value=value, reason=reason, lifted_at=None)
    if entry := existing.first():
        return entry
    try:
        with transaction.atomic():
            entry = Suppression.objects.create(
                kind=kind, value=value, reason=reason, source=source, donor=donor,
                created_at=now(), created_by=by,
            )  # fmt: skip
            for affected in donors_with(kind, value):
                summary = f"{SuppressionKind(kind).label} suppressed: {entry.get_reason_display()}"
                record_event(affected, "suppressed", summary, by=by)
            # Suppression beats everything, at once: the queue rows learn it in this transaction.
            refresh_queue(affected.pk for affected in donors_with(kind, value))
    except IntegrityError:  # someone else added the same entry a moment ago
        return existing.get()
    return entry


def donors_with(kind: str, value: str) -> Iterable[Donor]:
    """The donors whose current details carry ``value`` (usually one; a shared line more)."""
    if kind == SuppressionKind.PHONE:
        return Donor.objects.filter(
            pk__in=PhoneNumber.objects.filter(number=value, removed_at=None).values("donor_id")
        )
    return Donor.objects.filter(
        pk__in=EmailAddress.objects.filter(email=value, removed_at=None).values("donor_id")
    )


def lift_suppression(entry: Suppression, *, reason: str, by: User) -> Suppression:
    if entry.reason in PERMANENT_REASONS:
        raise InvalidInput(
            "An erasure's suppression is permanent and cannot be lifted.", code="permanent"
        )
    reason = reject_card_numbers(reason.strip(), field="reason")
    if not reason:
        raise InvalidInput("Say why the suppression is being lifted.", field="reason")
    if entry.lifted_at:
        return entry
    with transaction.atomic():
        entry.lifted_at, entry.lifted_by, entry.lifted_reason = now(), by, reason[:200]
        entry.save(update_fields=["lifted_at", "lifted_by", "lifted_reason"])
        for affected in donors_with(entry.kind, entry.value):
            summary = f"{entry.get_kind_display()} suppression lifted: {reason}"
            record_event(affected, "suppression_lifted", summary, by=by)
        # Another reason may still suppress the number; refresh_queue decides from the ledger.
        refresh_queue(affected.pk for affected in donors_with(entry.kind, entry.value))
    return entry


@dataclass
class ScreeningReport:
    """What a screening file did: counts, and the lines that were not numbers."""

    lines: int = 0
    added: int = 0
    already_suppressed: int = 0
    donors_affected: int = 0
    invalid: list[tuple[int, str]] = field(default_factory=list)
    run: ScreeningRun | None = None  # TPS only: the screening run this file recorded


def suppress_numbers_from_file(
    lines: Iterable[str], *, reason: str, source: str, by: User | None
) -> ScreeningReport:
    """A TPS/FPS screening file: one number per line, any common format. Blank lines and
    lines starting with # are skipped; a line that is not a number is reported, not fatal."""
    report = ScreeningReport()
    numbers: dict[str, int] = {}
    for line_number, raw in enumerate(lines, start=1):
        text = raw.strip().strip('"').strip()
        if not text or text.startswith("#"):
            continue
        report.lines += 1
        parsed = phone.parse(text)
        if parsed is None:
            report.invalid.append((line_number, "not a valid phone number"))
            continue
        numbers.setdefault(parsed.e164, line_number)
    values = list(numbers)
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        active = set(
            Suppression.objects.filter(
                kind=SuppressionKind.PHONE, reason=reason, lifted_at=None, value__in=chunk
            ).values_list("value", flat=True)
        )
        report.already_suppressed += len(active)
        with transaction.atomic():
            for number in chunk:
                if number not in active:
                    suppress(SuppressionKind.PHONE, number, reason=reason, source=source, by=by)
                    report.added += 1
        report.donors_affected += (
            PhoneNumber.objects.filter(number__in=chunk, removed_at=None)
            .values("donor_id")
            .distinct()
            .count()
        )
    if reason == SuppressionReason.TPS:
        report.run = record_screening_run(report, source=source, by=by)
    return report


def record_screening_run(report: ScreeningReport, *, source: str, by: User | None) -> ScreeningRun:
    """A TPS file screens every current UK number on file now (docs/dialler.md, "TPS
    screening"): the registered ones are suppressed above, before this runs, so no registered
    number is ever marked screened without its suppression. One set-based UPDATE, then the
    queue rows of screening campaigns learn it in the same transaction."""
    with transaction.atomic():
        at = now()
        uk = PhoneNumber.objects.filter(removed_at=None, number__startswith=UK_PREFIX)
        screened = uk.update(tps_screened_at=at)
        run = ScreeningRun.objects.create(
            at=at, reason=SuppressionReason.TPS, source=source[:200], numbers_screened=screened,
            registered_found=report.added + report.already_suppressed, by=by,
        )  # fmt: skip
        affected = (
            QueueEntry.objects.filter(campaign__requires_tps_screening=True)
            .exclude(state=QueueState.DONE)
            .filter(donor_id__in=uk.values("donor_id"))
            .order_by()
            .values_list("donor_id", flat=True)
            .distinct()
        )
        refresh_queue(affected)
    return run
