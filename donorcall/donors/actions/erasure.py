"""Erasure (the right to be forgotten), done by an administrator.

Names, contact details and free-text notes are anonymised; every number and email the donor
ever had goes on the suppression ledger first, so an erased person is never contacted again,
even when their number comes back in a later import. Donations keep the fields the law
requires (amount, date, Gift Aid: 6 years). The erasure itself is logged in the history.
"""

from django.db import transaction

from donorcall.campaigns.queue.eligibility import refresh_queue
from donorcall.donors.history import record_event
from donorcall.donors.models import (
    Donor,
    DonorEvent,
    DonorStatus,
    SuppressionKind,
    SuppressionReason,
)
from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

from .suppression import suppress

ERASED = "Erased"
# History lines whose text after the colon was typed by a person (a removal reason).
FREE_TEXT_EVENTS = ("phone_removed", "email_removed", "address_removed", "suppression_lifted")


def erase_donor(donor: Donor, *, reason: str, by: User) -> Donor:
    reason = reject_card_numbers(reason.strip(), field="reason")
    if not reason:
        raise InvalidInput("Say why the donor is being erased, e.g. their request.", field="reason")
    if donor.status == DonorStatus.ERASED:
        return donor
    with transaction.atomic():
        suppress_everything(donor, by=by)
        anonymise_contacts(donor)
        anonymise_history(donor)
        anonymise_donor(donor)
        from donorcall.giving.actions import anonymise_giving  # giving depends on donors

        anonymise_giving(donor)
        from donorcall.outbox.actions import anonymise_emails  # outbox depends on donors

        anonymise_emails(donor)
        refresh_queue([donor.pk])  # an erased donor is never handed out again
        record_event(donor, "erased", f"Donor erased: {reason}", by=by)
    return donor


def suppress_everything(donor: Donor, *, by: User) -> None:
    source = f"Erasure of donor {donor.reference}"
    numbers = {entry.number for entry in donor.phone_numbers.all() if entry.number}
    emails = {entry.email for entry in donor.email_addresses.all() if entry.email}
    values = [(SuppressionKind.PHONE, n) for n in sorted(numbers)] + [
        (SuppressionKind.EMAIL, e) for e in sorted(emails)
    ]
    for kind, value in values:
        suppress(kind, value, reason=SuppressionReason.ERASURE, source=source, donor=donor, by=by)


def anonymise_contacts(donor: Donor) -> None:
    moment = now()
    removal = {"removed_reason": ERASED, "is_primary": False}
    donor.phone_numbers.filter(removed_at=None).update(removed_at=moment, **removal)
    donor.phone_numbers.update(number="", removed_reason=ERASED)
    donor.email_addresses.filter(removed_at=None).update(removed_at=moment, **removal)
    donor.email_addresses.update(email="", removed_reason=ERASED)
    donor.addresses.filter(removed_at=None).update(removed_at=moment, **removal)
    donor.addresses.update(
        line1=ERASED, line2="", city="", region="", postcode="", removed_reason=ERASED
    )


def anonymise_history(donor: Donor) -> None:
    for event in DonorEvent.objects.filter(donor=donor, kind__in=FREE_TEXT_EVENTS):
        event.summary = event.summary.split(":")[0] + ": (erased)"
        event.save(update_fields=["summary"])


def anonymise_donor(donor: Donor) -> None:
    donor.title = donor.first_name = donor.last_name = ""
    donor.organisation_name = ERASED if donor.is_organisation else ""
    donor.date_of_birth = None
    donor.timezone = None
    donor.status = DonorStatus.ERASED
    donor.save()
