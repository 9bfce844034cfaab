"""Phone numbers for an import: ``donorcall.lib.phone.parse``, cached twice.

Parsing is the slowest rule of an import (PERFORMANCE.md), and import files repeat numbers
(households, people on several lists, the same number written several ways). Two caches:

- by raw value: the key drops the punctuation libphonenumber ignores anyway, so
  ``07700 900123`` and ``07700-900123`` share an entry;
- by the number itself: a raw value the first cache has not seen is only parsed (the cheap
  part) and written as E.164, and the app's ``parse`` of that E.164 (validity, type and
  region: the expensive part, for +1 numbers a walk over every NANP region) is shared by
  ``07700 900123``, ``+44 7700 900123``, ``0044 7700 900123`` and ``7700 900123``.

A raw value already written as E.164 (``+44 7700 900123``) finds its number in the second
cache without being parsed at all. For any other raw value the second cache is used only
when the E.164 parses back to itself: the app's answer then depends on nothing but the
country code and national number, which the two parses share (the E.164 spells them out), so
it is the answer ``parse`` gives for the raw value. Anything else (a number that does not
parse, or parses back differently) goes to ``parse`` as it is.
Each cleaning process has its own caches (cleaning.py spreads the rows over processes).
"""

import phonenumbers

from donorcall.lib import phone
from donorcall.lib.phone import ParsedNumber

PUNCTUATION = str.maketrans("", "", " -.()")
CACHE_LIMIT = 500_000  # entries per cache; cleared when full, so memory stays bounded
E164 = phonenumbers.PhoneNumberFormat.E164


def raw_key(raw: str) -> str:
    """The cache key: digits with an optional leading +, when nothing but punctuation
    libphonenumber ignores was dropped (after the app's own "(0)" rule); else ``raw``."""
    compact = phone.clean_raw(raw).translate(PUNCTUATION)
    digits = compact[1:] if compact.startswith("+") else compact
    return compact if digits.isascii() and digits.isdigit() else raw


class NumberCache:
    """``cache(raw)`` → the parsed number, or None when ``raw`` is not a valid number."""

    def __init__(self, region: str):
        self.region = region
        self.entries: dict[str, ParsedNumber | None] = {}
        self.numbers: dict[str, ParsedNumber | None] = {}

    def __call__(self, raw: str) -> ParsedNumber | None:
        key = raw_key(raw)
        try:
            return self.entries[key]
        except KeyError:
            if len(self.entries) >= CACHE_LIMIT:
                self.entries.clear()
            parsed = self.entries[key] = self.parse(key)
            return parsed

    def parse(self, key: str) -> ParsedNumber | None:
        if key in self.numbers:  # the key is an E.164 seen before: its own parse is there
            return self.numbers[key]
        try:
            e164 = phonenumbers.format_number(
                phonenumbers.parse(phone.clean_raw(key), self.region), E164
            )
        except phonenumbers.NumberParseException:
            return None  # what ``phone.parse`` says of a value libphonenumber cannot parse
        if e164 not in self.numbers:
            if len(self.numbers) >= CACHE_LIMIT:
                self.numbers.clear()
            self.numbers[e164] = phone.parse(e164, self.region)
        parsed = self.numbers[e164]
        if parsed is not None and parsed.e164 == e164:
            return parsed
        return phone.parse(key, self.region)
