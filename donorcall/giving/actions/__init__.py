"""Every change to a donor's giving, by topic: ``from donorcall.giving import actions``.

Each action checks its input, writes inside one transaction, names who did it and adds one line
to the donor's history (amounts, dates and choices, never text a person typed). No card number
gets in (COMPLIANCE.md, "Cards"): every free-text field goes through ``reject_card_numbers``,
and a card gift carries the payment gateway's token instead.

``clean_donation`` and ``clean_date`` are exported for the donor import, which checks gift
cells with the same rules before it writes them in bulk.
"""

from .donations import DonationDetails, clean_donation, record_donation, update_donation
from .erasure import anonymise_giving
from .history import HISTORY_KINDS, money
from .inputs import clean_date, today
from .payments import ResolveOutcome, record_payment, resolve_failed_payment
from .regular_gifts import change_regular_gift_status, set_up_regular_gift

__all__ = [
    "HISTORY_KINDS",
    "DonationDetails",
    "ResolveOutcome",
    "anonymise_giving",
    "change_regular_gift_status",
    "clean_date",
    "clean_donation",
    "money",
    "record_donation",
    "record_payment",
    "resolve_failed_payment",
    "set_up_regular_gift",
    "today",
    "update_donation",
]
