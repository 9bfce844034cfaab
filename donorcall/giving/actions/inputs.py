"""The checks every giving action shares: the donor, amounts, currencies, dates, choices and
free text (which never holds a card number: COMPLIANCE.md, "Cards")."""

import uuid
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.db import models
from django.utils import timezone

from donorcall.donors.models import Donor, DonorStatus
from donorcall.giving.currencies import DEFAULT_CURRENCY, ISO_4217
from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, InvalidInput

from .history import day

CENT = Decimal("0.01")
LARGEST_AMOUNT = Decimal("9999999999.99")  # what the amount columns (12 digits, 2 places) hold
EARLIEST = date(1900, 1, 1)
FURTHEST_AHEAD = timedelta(days=366)  # a gift may start, or a payment fall due, up to a year on


def check_donor(donor: Donor) -> None:
    if donor.status == DonorStatus.ERASED:
        raise InvalidInput("This donor has been erased.", code="donor_erased")


def today() -> date:
    return timezone.localdate(now())


def clean_amount(value: Decimal | int | str | None, *, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise InvalidInput("Enter the amount as a number, e.g. 25.00.", field=field)
    if amount <= 0:
        raise InvalidInput("The amount must be more than zero.", field=field)
    if amount > LARGEST_AMOUNT:
        raise InvalidInput("That amount is too large to be a gift.", field=field)
    if amount != amount.quantize(CENT):
        raise InvalidInput("Give the amount with at most two decimal places.", field=field)
    return amount.quantize(CENT)


def clean_currency(value: str | None, *, field: str = "currency") -> str:
    currency = (value or DEFAULT_CURRENCY).strip().upper()
    if currency not in ISO_4217:
        raise InvalidInput(
            "Enter the currency as its three-letter code, e.g. GBP, EUR or USD.", field=field
        )
    return currency


def clean_date(value: date | None, *, field: str, what: str, latest: date) -> date:
    if value is None:
        raise InvalidInput(f"{what} is needed.", field=field)
    if value > latest:
        when = "in the future" if latest == today() else f"after {day(latest)}"
        raise InvalidInput(f"{what} cannot be {when}.", field=field)
    if value < EARLIEST:
        raise InvalidInput(f"{what} is too long ago: check the year.", field=field)
    return value


def clean_choice(value: str, choices: type[models.TextChoices], *, field: str) -> str:
    if value not in choices.values:
        options = ", ".join(label.lower() for label in choices.labels)
        raise InvalidInput(f"Choose one of: {options}.", field=field)
    return value


def clean_text(value: str | None, *, field: str, model: type[models.Model]) -> str:
    text = reject_card_numbers((value or "").strip(), field=field)
    limit = getattr(model._meta.get_field(field), "max_length", None)
    if limit and len(text) > limit:
        raise InvalidInput(f"Keep this to {limit} characters or fewer.", field=field)
    return text


Submitted = TypeVar("Submitted", bound=models.Model)


def submitted_before(
    model: type[Submitted], request_key: uuid.UUID | None, donor: Donor
) -> Submitted | None:
    """The gift an earlier submission with this key recorded, if any. A key reused for another
    donor is a client's mistake, refused rather than answered with someone else's gift."""
    if request_key is None:
        return None
    earlier = model._default_manager.filter(request_key=request_key).first()
    if earlier is not None and earlier.donor_id != donor.pk:  # type: ignore[attr-defined]
        raise Conflict("This request key was used for another donor.", code="request_key_reused")
    return earlier
