"""lib.phone: what people type becomes one E.164 number, or an InvalidInput naming the field."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donorcall.lib import phone
from donorcall.lib.errors import InvalidInput


@pytest.mark.parametrize(
    "raw",
    ["07700 900123", "+44 7700 900123", "(0)7700-900123", "+44 (0)7700 900123", "447700900123"],
)
def test_uk_mobile_in_any_common_format_is_one_number(raw):
    parsed = phone.normalise(raw)

    assert parsed.e164 == "+447700900123"
    assert parsed.kind == "mobile"
    assert parsed.region == "GB"


@pytest.mark.parametrize("raw", ["+44 (0)20 7946 0123", "020 7946 0123", "(020) 7946 0123"])
def test_london_number_with_the_trunk_zero_in_brackets(raw):
    parsed = phone.normalise(raw)

    assert parsed.e164 == "+442079460123"
    assert parsed.kind == "landline"


def test_us_number_needs_its_country_code_in_a_uk_organisation():
    assert phone.normalise("+1 (212) 555-0123").e164 == "+12125550123"


def test_default_region_reads_national_numbers(settings):
    settings.DONORCALL_DEFAULT_REGION = "US"

    assert phone.normalise("(415) 555-0123", field="x").e164 == "+14155550123"


def test_region_argument_overrides_the_default():
    assert phone.normalise("212 555 0123", region="US").e164 == "+12125550123"


@pytest.mark.parametrize(
    "raw",
    ["not a number", "hello 0770", "0770", "12", "+44 12", "0000000000000000000000", "+999 1"],
)
def test_garbage_and_too_short_numbers_raise_invalid_input_naming_the_field(raw):
    with pytest.raises(InvalidInput) as raised:
        phone.normalise(raw, field="phone_number")

    assert raised.value.field == "phone_number"
    assert raised.value.code == "invalid_input"
    assert "not a valid phone number" in raised.value.message


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_empty_number_asks_for_one(raw):
    with pytest.raises(InvalidInput) as raised:
        phone.normalise(raw, field="number")

    assert raised.value.field == "number"
    assert raised.value.message == "Enter a phone number."


def test_field_defaults_to_number():
    with pytest.raises(InvalidInput) as raised:
        phone.normalise("rubbish")

    assert raised.value.field == "number"


@given(st.text(max_size=60))
def test_normalise_never_raises_anything_but_invalid_input(raw):
    try:
        parsed = phone.normalise(raw, field="f")
    except InvalidInput as error:
        assert error.field == "f"
    else:
        assert parsed.e164.startswith("+")
        assert parsed.e164[1:].isdigit()
        assert phone.normalise(parsed.e164).e164 == parsed.e164


@given(st.text(alphabet="0123456789 +()-.", max_size=25))
def test_normalise_never_raises_anything_but_invalid_input_on_number_like_text(raw):
    try:
        parsed = phone.normalise(raw, field="f")
    except InvalidInput as error:
        assert error.field == "f"
    else:
        assert phone.normalise(parsed.e164).e164 == parsed.e164


@pytest.mark.parametrize(
    ("text", "is_phone"),
    [
        ("07700 900123", True),
        ("+44 (0)20 7946 0123", True),
        ("D00001234", False),
        ("ada love", False),
        ("ada@example.org", False),
        ("12345", False),
    ],
)
def test_search_text_that_looks_like_a_phone_number(text, is_phone):
    assert phone.looks_like_phone(text) is is_phone


@pytest.mark.parametrize(
    ("e164", "shown"),
    [("+447700900123", "07700 900123"), ("+12125550123", "+1 212-555-0123")],
)
def test_numbers_are_shown_nationally_at_home_and_internationally_abroad(e164, shown):
    assert phone.display(e164) == shown


@pytest.mark.parametrize(
    ("e164", "zones"),
    [
        ("+447700900123", ("Europe/London",)),
        ("+12125550123", ("America/New_York",)),
        ("+881612345678", ()),
    ],
)
def test_zones_for_a_number(e164, zones):
    assert phone.zones_for(e164) == zones
