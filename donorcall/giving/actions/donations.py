"""Donations: one-off gifts, recorded and corrected, each change in the donor's history."""

import uuid
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from donorcall.donors.history import record_event
from donorcall.donors.models import Donor
from donorcall.giving.models import Donation, DonationStatus, PaymentMethod
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

if TYPE_CHECKING:
    from donorcall.callcenter.models import Call

from .history import day, money
from .inputs import (
    check_donor,
    clean_amount,
    clean_choice,
    clean_currency,
    clean_date,
    clean_text,
    submitted_before,
    today,
)


@dataclass
class DonationDetails:
    """A donation's fields as a form or the API hands them over; cleaned by clean_donation."""

    amount: Decimal | int | str
    currency: str
    received_on: date | None
    method: str
    campaign: str = ""
    fund: str = ""
    status: str = DonationStatus.RECEIVED
    gift_aid: bool = False
    gateway_reference: str = ""
    notes: str = ""


def record_donation(
    donor: Donor,
    *,
    amount: Decimal | int | str,
    currency: str,
    received_on: date | None,
    method: str,
    campaign: str = "",
    fund: str = "",
    status: str = DonationStatus.RECEIVED,
    gift_aid: bool = False,
    gateway_reference: str = "",
    notes: str = "",
    by: User | None,
    call: "Call | None" = None,
    request_key: uuid.UUID | None = None,
) -> Donation:
    """A one-off gift. With ``request_key`` (the form's or the API client's key for this
    submission), sending the same request again returns the donation already recorded."""
    check_donor(donor)
    if (earlier := submitted_before(Donation, request_key, donor)) is not None:
        return earlier
    details = clean_donation(
        DonationDetails(
            amount=amount, currency=currency, received_on=received_on, method=method,
            campaign=campaign, fund=fund, status=status, gift_aid=gift_aid,
            gateway_reference=gateway_reference, notes=notes,
        )
    )  # fmt: skip
    try:
        with transaction.atomic():
            donation = Donation.objects.create(
                donor=donor, created_by=by, call=call, request_key=request_key, **asdict(details)
            )
            how = donation.get_method_display().lower()
            summary = f"Donation of {money(donation.currency, donation.amount)} recorded ({how})"
            record_event(donor, "donation_recorded", summary, by=by)
    except IntegrityError:
        # The same submission, twice at once: the other one won.
        if (earlier := submitted_before(Donation, request_key, donor)) is not None:
            return earlier
        raise
    return donation


def update_donation(
    donation: Donation,
    *,
    amount: Decimal | int | str | None = None,
    currency: str | None = None,
    received_on: date | None = None,
    method: str | None = None,
    campaign: str | None = None,
    fund: str | None = None,
    status: str | None = None,
    gift_aid: bool | None = None,
    gateway_reference: str | None = None,
    notes: str | None = None,
    by: User | None,
) -> Donation:
    """Change the fields given (None keeps a field as it is); the history names what changed."""
    given: dict[str, Any] = {
        "amount": amount, "currency": currency, "received_on": received_on, "method": method,
        "campaign": campaign, "fund": fund, "status": status, "gift_aid": gift_aid,
        "gateway_reference": gateway_reference, "notes": notes,
    }  # fmt: skip
    check_donor(donation.donor)
    with transaction.atomic():
        donation = (
            Donation.objects.select_for_update(of=("self",))
            .select_related("donor")
            .get(pk=donation.pk)
        )
        before = DonationDetails(
            **{f.name: getattr(donation, f.name) for f in fields(DonationDetails)}
        )
        after = clean_donation(replace(before, **{k: v for k, v in given.items() if v is not None}))
        changed = [
            f.name for f in fields(after) if getattr(after, f.name) != getattr(before, f.name)
        ]
        if not changed:
            return donation
        for name in changed:
            setattr(donation, name, getattr(after, name))
        donation.save(update_fields=changed)
        summary = (
            f"Donation of {money(before.currency, before.amount)} received "
            f"{day(before.received_on)} changed: {describe_changes(before, after, changed)}"
        )
        record_event(donation.donor, "donation_changed", summary, by=by)
    return donation


def clean_donation(details: DonationDetails) -> DonationDetails:
    cleaned = DonationDetails(
        amount=clean_amount(details.amount),
        currency=clean_currency(details.currency),
        received_on=clean_date(
            details.received_on, field="received_on", what="The date received", latest=today()
        ),
        method=clean_choice(details.method, PaymentMethod, field="method"),
        campaign=clean_text(details.campaign, field="campaign", model=Donation),
        fund=clean_text(details.fund, field="fund", model=Donation),
        status=clean_choice(details.status, DonationStatus, field="status"),
        gift_aid=bool(details.gift_aid),
        gateway_reference=clean_text(
            details.gateway_reference, field="gateway_reference", model=Donation
        ),
        notes=clean_text(details.notes, field="notes", model=Donation),
    )
    if cleaned.method == PaymentMethod.CARD and not cleaned.gateway_reference:
        raise InvalidInput(
            "A card gift needs the payment gateway's reference for the payment (its token). "
            "Never type the card number.",
            field="gateway_reference",
        )
    return cleaned


# Fields whose values may go in a history line: amounts, dates and choices from a list. The
# others (campaign, fund, notes, gateway reference) were typed by a person and are only named.
SHOWN_IN_HISTORY = {"amount", "currency", "received_on", "method", "status", "gift_aid"}


def describe_changes(before: DonationDetails, after: DonationDetails, changed: list[str]) -> str:
    def shown(details: DonationDetails, name: str) -> str:
        value = getattr(details, name)
        if isinstance(value, date):
            return day(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return f"{value:,.2f}" if isinstance(value, Decimal) else str(value).replace("_", " ")

    parts = [
        f"{name.replace('_', ' ')} {shown(before, name)} → {shown(after, name)}"
        if name in SHOWN_IN_HISTORY
        else name.replace("_", " ")
        for name in changed
    ]
    return ", ".join(parts)
