"""Card numbers are kept out of every free-text field (donorcall/lib/cards.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donorcall.lib.cards import CARD_MESSAGE, contains_card_number, luhn_valid, reject_card_numbers
from donorcall.lib.errors import InvalidInput


def luhn_oracle(digits: str) -> bool:
    """The Luhn check written out the long way, to test the product's against."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += sum(int(d) for d in str(value))
    return total % 10 == 0


def with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_oracle(body + d))


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4111111111111111", True),
        ("4111111111111112", False),
        ("79927398713", True),
        ("79927398710", False),
        ("378282246310005", True),
        ("0", True),
    ],
)
def test_luhn_check(digits, valid):
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111111",  # Visa, 16 digits
        "4222222222222",  # Visa, 13 digits
        "6331101999999999992",  # 19 digits
        "4000000000000000006",  # 19 digits
        "378282246310005",  # American Express, 15 digits
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "3782 822463 10005",
        "6011 0009 9990 0016",
    ],
)
def test_card_numbers_are_found(text):
    assert contains_card_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "Donor read out 4111111111111111 before I could stop her",
        "card: 4111 1111 1111 1111, exp 12/27",
        "Call back on 07700 900123 about card 4111-1111-1111-1111.",
        "(4111111111111111)",
    ],
)
def test_a_card_number_inside_text_is_found(text):
    assert contains_card_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "07700 900123",  # UK mobile
        "+44 7700 900123",
        "020 7946 0018",  # UK landline
        "+44 (0)20 7946 0018",
        "123456789012",  # 12 digits
        "411111111117",  # 12 digits, even though it passes Luhn
        "4111 1111 1111 1112",  # 16 digits failing Luhn
        "41111111111111110000",  # 20 digits: longer than any card
        "Gift Aid declaration 2024-03-01, ref D00001234",
        "",
    ],
)
def test_numbers_that_are_not_cards_are_left_alone(text):
    assert not contains_card_number(text)


def test_reject_card_numbers_names_the_field_with_a_clear_message():
    with pytest.raises(InvalidInput) as refused:
        reject_card_numbers("card 4111 1111 1111 1111", field="notes")

    assert refused.value.field == "notes"
    assert refused.value.code == "card_number_refused"
    assert refused.value.message == CARD_MESSAGE
    assert "card number" in CARD_MESSAGE


def test_reject_card_numbers_returns_other_text_unchanged():
    assert reject_card_numbers("Call back on 07700 900123", field="notes") == (
        "Call back on 07700 900123"
    )


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111 123",  # the security code straight after the number
        "card 4111 1111 1111 1111 737 exp 12 27",
        "4111  1111  1111  1111",  # double spaces
        "Ref 2024 4111 1111 1111 1111",  # a year before it
    ],
)
def test_a_card_number_next_to_other_numbers_is_found(text):
    assert contains_card_number(text)


# Properties

# Text around a number: anything but digits (\d matches every script's digits, so all are out).
NO_DIGITS = st.text(st.characters(exclude_categories=["Nd"]), max_size=20)


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    length = draw(st.integers(min_value=13, max_value=19))
    body = draw(st.text("0123456789", min_size=length - 1, max_size=length - 1))
    return with_check_digit(body)


@st.composite
def as_typed(draw: st.DrawFn, digits: str) -> str:
    """The digits with a space, a dash or nothing between each pair, as people type cards."""
    gaps = draw(st.lists(st.sampled_from(["", " ", "-"]), min_size=len(digits) - 1))
    return digits[0] + "".join(gap + digit for gap, digit in zip(gaps, digits[1:], strict=False))


@given(card_numbers())
def test_every_luhn_valid_number_of_13_to_19_digits_is_flagged(number):
    assert luhn_oracle(number)
    assert contains_card_number(number)


@given(st.data(), card_numbers(), NO_DIGITS, NO_DIGITS)
def test_every_card_number_is_flagged_however_typed_and_wherever_in_the_text(
    data, number, before, after
):
    typed = data.draw(as_typed(number))

    assert contains_card_number(before + typed + after)
    with pytest.raises(InvalidInput):
        reject_card_numbers(before + typed + after, field="notes")


@given(st.text("0123456789", min_size=13, max_size=19))
def test_a_run_of_13_to_19_digits_is_flagged_exactly_when_it_passes_luhn(digits):
    assert contains_card_number(digits) == luhn_oracle(digits)


@given(st.one_of(st.text("0123456789", max_size=12), st.text("0123456789", min_size=20)))
def test_a_run_shorter_or_longer_than_a_card_is_never_flagged(digits):
    assert not contains_card_number(digits)
