"""Phone numbers: parse what people type, store E.164, say what kind of line it is.

Every number goes through ``normalise`` before it is stored or searched for, so
``07700 900123``, ``+44 7700 900123`` and ``(0)7700-900123`` are one number.
"""

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.conf import settings
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from phonenumbers import timezone as phone_timezone

from donorcall.lib.errors import InvalidInput

# Ofcom reserves these UK ranges for drama and training; libphonenumber calls the mobile one
# invalid. We accept them so the demo organisation and agent training can never ring a real
# person (the demo's UK mobiles are all here). US demo numbers use 555-01xx, which
# libphonenumber already accepts.
FICTIONAL_MOBILE_PREFIXES = ("+447700900",)

KIND_BY_TYPE = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "other",
    PhoneNumberType.PERSONAL_NUMBER: "other",
    PhoneNumberType.PAGER: "other",
    PhoneNumberType.UAN: "other",
}


@dataclass(frozen=True)
class ParsedNumber:
    e164: str
    kind: str
    region: str | None


def default_region() -> str:
    return settings.DONORCALL_DEFAULT_REGION


def clean_raw(raw: str) -> str:
    """Drop the UK habit of writing the trunk zero in brackets: +44 (0)20 … or (0)7700 …."""
    return raw.strip().replace("(0)", "", 1) if "(0)" in raw else raw.strip()


@lru_cache(maxsize=100_000)
def parse(raw: str, region: str | None = None) -> ParsedNumber | None:
    """The number ``raw`` means, or None when it is not a valid number. Cached by raw value
    because imports repeat the same numbers and parsing is the slow part."""
    try:
        number = phonenumbers.parse(clean_raw(raw), region or default_region())
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if e164.startswith(FICTIONAL_MOBILE_PREFIXES) and phonenumbers.is_possible_number(number):
        return ParsedNumber(e164, "mobile", "GB")
    if not phonenumbers.is_valid_number(number):
        return None
    kind = KIND_BY_TYPE.get(phonenumbers.number_type(number), "other")
    return ParsedNumber(e164, kind, phonenumbers.region_code_for_number(number))


def normalise(raw: str, *, field: str = "number", region: str | None = None) -> ParsedNumber:
    """Like ``parse`` but a bad number is an InvalidInput naming ``field``."""
    if not raw or not raw.strip():
        raise InvalidInput("Enter a phone number.", field=field)
    parsed = parse(raw, region)
    if parsed is None:
        raise InvalidInput(
            f"“{raw.strip()}” is not a valid phone number. Include the country code "
            f"(+44, +1…) if it is not a {default_region()} number.",
            field=field,
        )
    return parsed


def looks_like_phone(text: str) -> bool:
    """Is a search term a phone number rather than a name or reference?"""
    digits = sum(ch.isdigit() for ch in text)
    allowed = set("0123456789+()-. ")
    return digits >= 6 and all(ch in allowed for ch in text.strip())


def zones_for(e164: str) -> tuple[str, ...]:
    """The time zones a number may be in, per libphonenumber (empty when unknown)."""
    if e164.startswith(FICTIONAL_MOBILE_PREFIXES):
        return ("Europe/London",)
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return ()
    zones = phone_timezone.time_zones_for_number(number)
    return tuple(zone for zone in zones if zone != phone_timezone.UNKNOWN_TIMEZONE)


def display(e164: str) -> str:
    """The number as people write it: national format at home, international abroad."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    home = phonenumbers.region_code_for_country_code(number.country_code or 0)
    if home == default_region():
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
