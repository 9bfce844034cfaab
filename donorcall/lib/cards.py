"""Keep card numbers out of donorcall (COMPLIANCE.md, "Cards").

Every free-text field a person or an import can fill goes through ``reject_card_numbers``: a
run of 13–19 digits (spaces and dashes allowed between them, as people type cards) that passes
the Luhn check is refused, so no note, email or audit record can ever hold a card number.
"""

import re

from donorcall.lib.errors import InvalidInput

# Digits with optional single spaces or dashes between them, 13–19 digits long in all.
CARD_LIKE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")

CARD_MESSAGE = (
    "This looks like a payment card number. Never write card details in donorcall: take card "
    "payments through the payment page, and remove the number from this text."
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def contains_card_number(text: str) -> bool:
    for match in CARD_LIKE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return True
    return False


def reject_card_numbers(text: str, *, field: str) -> str:
    """Return ``text`` unchanged, or refuse it naming ``field`` if it holds a card number."""
    if contains_card_number(text):
        raise InvalidInput(CARD_MESSAGE, field=field, code="card_number_refused")
    return text
