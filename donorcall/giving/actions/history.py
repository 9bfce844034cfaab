"""What giving writes in the donor's history, and how it words amounts, dates and gifts.

History lines carry amounts, dates and choices from lists, never text a person typed (notes,
campaign, a failure reason): erasing a donor then leaves nothing personal in them.
"""

from datetime import date
from decimal import Decimal

from donorcall.giving.models import Payment, RegularGift

# The history lines giving writes; the profile's giving history shows these.
HISTORY_KINDS = (
    "donation_recorded",
    "donation_changed",
    "regular_gift_set_up",
    "regular_gift_status_changed",
    "payment_recorded",
    "payment_resolved",
)


def money(currency: str, amount: Decimal | int | str) -> str:
    return f"{currency} {Decimal(amount):,.2f}"


def day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "—"


def describe_gift(gift: RegularGift) -> str:
    """What a history line says about a gift: "Sponsorship of GBP 25.00 monthly"."""
    amount = money(gift.currency, gift.amount)
    return f"{gift.get_kind_display()} of {amount} {gift.get_frequency_display().lower()}"


def describe_payment(payment: Payment, what: str = "Payment") -> str:
    amount = money(payment.regular_gift.currency, payment.amount)
    return f"{what} of {amount} due {day(payment.due_on)}"
