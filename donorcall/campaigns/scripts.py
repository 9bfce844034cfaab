"""Call scripts: the text agents read, with merge fields filled in for the donor on the line.

A script is a manager's free text, so it is never run as a Django template (that would let
it reach any attribute and any tag). Merge fields are a fixed list written in single braces,
``{first_name}``; each value is looked up only if the script uses it. An unknown field is left
as it was written, so a typo shows on the agent's screen instead of silently vanishing, and the
campaign form refuses it before that can happen (``unknown_merge_fields``).
"""

import re
from collections.abc import Callable
from datetime import date

from donorcall.donors.models import Donor
from donorcall.giving.actions import money
from donorcall.giving.models import DonationStatus, RegularGiftStatus
from donorcall.giving.queries import failed_payments, regular_gifts_with_payments
from donorcall.staff.models import User

from .models import Campaign

# {first_name} or { first_name }; anything else in braces is plain text.
MERGE_FIELD = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")

MERGE_FIELDS: dict[str, str] = {
    "first_name": "The donor's first name (an organisation's name if none).",
    "last_name": "The donor's last name.",
    "name": "The donor's full name with title, or the organisation's name.",
    "reference": "The donor's reference.",
    "last_gift": "The last donation received, e.g. “GBP 25.00 on 3 March 2026”.",
    "failed_payment": "The latest failed regular payment, e.g. “GBP 10.00 due on 1 June 2026”.",
    "agent_first_name": "The first name of the agent on the call.",
    "regular_gift": "The donor's newest active regular gift or sponsorship, e.g. “a monthly "
    "sponsorship of GBP 25.00 by direct debit (mandate DDI-0042), from 1 December 2026”.",
}


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def last_gift(donor: Donor) -> str:
    gift = (
        donor.donations.filter(status=DonationStatus.RECEIVED)
        .order_by("-received_on", "-id")
        .first()
    )
    return f"{money(gift.currency, gift.amount)} on {long_date(gift.received_on)}" if gift else ""


def failed_payment(donor: Donor) -> str:
    failing = failed_payments(regular_gifts_with_payments(donor))
    if not failing:
        return ""
    payment = failing[0]
    currency = payment.regular_gift.currency
    return f"{money(currency, payment.amount)} due on {long_date(payment.due_on)}"


def regular_gift(donor: Donor) -> str:
    gift = (
        donor.regular_gifts.filter(status=RegularGiftStatus.ACTIVE)
        .order_by("-created_at", "-id")
        .first()
    )
    if gift is None:
        return ""
    what = f"a {gift.get_frequency_display().lower()} {gift.get_kind_display().lower()}"
    how = gift.get_method_display().lower()
    mandate = f" (mandate {gift.mandate_reference})" if gift.mandate_reference else ""
    return (
        f"{what} of {money(gift.currency, gift.amount)} by {how}{mandate}, "
        f"from {long_date(gift.started_on)}"
    )


VALUES: dict[str, Callable[[Donor, User | None], str]] = {
    "first_name": lambda donor, agent: donor.first_name or donor.name,
    "last_name": lambda donor, agent: donor.last_name,
    "name": lambda donor, agent: donor.name,
    "reference": lambda donor, agent: donor.reference,
    "last_gift": lambda donor, agent: last_gift(donor),
    "failed_payment": lambda donor, agent: failed_payment(donor),
    "agent_first_name": lambda donor, agent: (agent.first_name or agent.username) if agent else "",
    "regular_gift": lambda donor, agent: regular_gift(donor),
}


def unknown_merge_fields(script: str) -> list[str]:
    """The merge fields in ``script`` that are not in MERGE_FIELDS, in order, once each."""
    names = (match.group(1) for match in MERGE_FIELD.finditer(script or ""))
    return list(dict.fromkeys(name for name in names if name not in VALUES))


def render_script(campaign: Campaign, donor: Donor, *, agent: User | None = None) -> str:
    """The campaign's script for this donor, as plain text (the page escapes it)."""
    used = {match.group(1) for match in MERGE_FIELD.finditer(campaign.script)}
    values = {name: VALUES[name](donor, agent) for name in used if name in VALUES}

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return MERGE_FIELD.sub(fill, campaign.script)
