"""Keep card numbers out of donorcall (COMPLIANCE.md, "Cards").

Every free-text field a person or an import can fill goes through ``reject_card_numbers``: a
run of 13–19 digits (spaces and dashes allowed between them, as people type cards) that passes
the Luhn check is refused, so no note, email or audit record can ever hold a card number.
"""

import re

from donorcall.lib.errors import InvalidInput

# A run of digit groups separated by up to two spaces or dashes, as people type cards.
DIGIT_RUN = re.compile(r"\d+(?:[ -]{1,2}\d+)*")

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
    return any(
        luhn_valid(candidate)
        for run in DIGIT_RUN.finditer(text or "")
        for candidate in candidates(re.split(r"[ -]+", run.group()))
    )


def candidates(groups: list[str]) -> list[str]:
    """Every 13–19 digit number made of whole consecutive groups: "4111 1111 1111 1111 123"
    holds the card "4111111111111111" followed by its security code. Whole groups only, so a
    long unbroken reference number is one candidate, not dozens of accidental matches."""
    found = []
    for start in range(len(groups)):
        digits = ""
        for group in groups[start:]:
            digits += group
            if len(digits) > 19:
                break
            if len(digits) >= 13:
                found.append(digits)
    return found


def reject_card_numbers(text: str, *, field: str) -> str:
    """Return ``text`` unchanged, or refuse it naming ``field`` if it holds a card number."""
    if contains_card_number(text):
        raise InvalidInput(CARD_MESSAGE, field=field, code="card_number_refused")
    return text
