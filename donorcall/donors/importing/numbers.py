"""Phone numbers for an import: ``donorcall.lib.phone.parse``, cached by raw value.

Parsing is the slowest rule of an import (PERFORMANCE.md), and import files repeat numbers
(households, people on several lists, the same number written several ways), so each raw
value is parsed once. The key drops the punctuation libphonenumber ignores anyway, so
``07700 900123`` and ``07700-900123`` share an entry. Each cleaning process has its own cache
(cleaning.py spreads the rows over processes).
"""

from donorcall.lib import phone
from donorcall.lib.phone import ParsedNumber

PUNCTUATION = str.maketrans("", "", " -.()")
CACHE_LIMIT = 500_000  # entries; cleared when full, so memory stays bounded on any file


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

    def __call__(self, raw: str) -> ParsedNumber | None:
        key = raw_key(raw)
        try:
            return self.entries[key]
        except KeyError:
            if len(self.entries) >= CACHE_LIMIT:
                self.entries.clear()
            parsed = self.entries[key] = phone.parse(key, self.region)
            return parsed
