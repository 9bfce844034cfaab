"""One row of an import file → one clean tuple for the staging table, or the reasons it is bad.

The rules are the app's own, imported rather than rewritten: numbers through
``donorcall.lib.phone`` (E.164, number type), emails through ``actions.clean_email``,
addresses through ``clean_address``, gifts through ``giving.actions.clean_donation``, the
donor's zone through ``derive_zone_key``, and every free-text cell through the card-number check.
A problem names the line and the column as written in the file, never the value: the report
must not copy personal data.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Model

from donorcall.donors.actions.details import AddressDetails, clean_address, clean_email
from donorcall.donors.models import Address, Donor, DonorStatus, EmailAddress
from donorcall.giving.actions import DonationDetails, clean_date, clean_donation, today
from donorcall.giving.currencies import DEFAULT_CURRENCY
from donorcall.giving.models import PaymentMethod
from donorcall.lib.cards import contains_card_number
from donorcall.lib.errors import InvalidInput
from donorcall.lib.phone import ParsedNumber
from donorcall.lib.timezones import derive_zone_key, zones_for_address

from .fields import ImportField

# The staging table's columns, in the order of a clean tuple; one ``consent_N`` column per
# mapped consent field follows them.
COLUMNS = (
    "line",
    "reference",
    "generated",
    "ref_key",
    "title",
    "first_name",
    "last_name",
    "organisation_name",
    "is_organisation",
    "date_of_birth",
    "status",
    "phone",
    "phone_kind",
    "mobile",
    "mobile_kind",
    "email",
    "line1",
    "line2",
    "city",
    "region",
    "postcode",
    "country",
    "timezone",
    "gift_amount",
    "gift_date",
    "gift_currency",
    "gift_method",
    "gift_aid",
    "gift_notes",
)

TRUE_WORDS = {"yes", "y", "true", "t", "1"}
FALSE_WORDS = {"no", "n", "false", "f", "0"}
CONSENT_WORDS = {
    **dict.fromkeys(TRUE_WORDS | {"granted", "given", "opt in", "opted in"}, "granted"),
    **dict.fromkeys(FALSE_WORDS | {"withdrawn", "refused", "opt out", "opted out"}, "withdrawn"),
}
METHOD_WORDS = {
    **{label.lower(): value for value, label in PaymentMethod.choices},
    **{value: value for value in PaymentMethod.values},
    "dd": "direct_debit",
    "direct debit": "direct_debit",
    "so": "standing_order",
    "standing order": "standing_order",
    "bacs": "bank_transfer",
    "transfer": "bank_transfer",
    "bank transfer": "bank_transfer",
    "credit card": "card",
    "debit card": "card",
}
CURRENCY_SIGNS = str.maketrans("", "", "£$€, ")
ADDRESS_KEYS = ("line1", "line2", "city", "region", "postcode", "country")


def max_length(model: type[Model], name: str) -> int:
    return getattr(model._meta.get_field(name), "max_length", None) or 0


TEXT_LIMITS = {
    key: max_length(Donor, key)
    for key in ("reference", "title", "first_name", "last_name", "organisation_name")
}
ADDRESS_LIMITS = {key: max_length(Address, key) for key in ADDRESS_KEYS}
EMAIL_LIMIT = max_length(EmailAddress, "email")
# Cells a person could have typed anything into. The others must parse as a number, date,
# amount or a word from a list, which a card number never does (a phone number, though, can
# pass the Luhn check: "001 212 555 0123").
FREE_TEXT = {
    "reference",
    "title",
    "first_name",
    "last_name",
    "organisation_name",
    "email",
    "line1",
    "line2",
    "city",
    "region",
    "postcode",
    "gift_notes",
}
SHORTEST_CARD = 13  # digits (COMPLIANCE.md): a shorter cell cannot hold a card number
CACHE_LIMIT = 200_000  # entries per cache below, so memory stays bounded on any file

NumberLookup = Callable[[str], ParsedNumber | None]


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str
    level: str = "error"

    @property
    def message(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
            "level": self.level,
        }


class RowError(Exception):
    """One cell is wrong: the row is bad, and the reason goes in the report."""

    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key, self.reason = key, reason


@dataclass
class Plan:
    """The mapping resolved against the file: where each field is and what its header says."""

    columns: dict[str, int]
    headers: dict[str, str]
    consents: list[ImportField]
    region: str
    width: int

    @classmethod
    def build(
        cls, headers: list[str], mapping: dict[str, str], fields: list[ImportField], region: str
    ) -> "Plan":
        known = {candidate.key: candidate for candidate in fields}
        chosen = {key: header for header, key in mapping.items() if key in known}
        columns = {key: headers.index(header) for key, header in chosen.items()}
        consents = [known[key] for key in known if key in columns and known[key].channel]
        return cls(columns, chosen, consents, region.upper(), len(headers))

    def header(self, key: str) -> str:
        """The column to blame for ``key``: its own, else one that identifies the donor."""
        for candidate in (key, "reference", "last_name", "organisation_name"):
            if candidate in self.headers:
                return self.headers[candidate]
        return "?"


def candidate_reference() -> str:
    """A new donor's reference, shaped like ``actions.details.new_reference``'s; checks.py
    draws again the rare one another donor already has, in one statement rather than a query
    per row."""
    return f"D{secrets.randbelow(10**8):08d}"


class RowCleaner:
    """Cleans rows for one import. Dates and time zones repeat across rows, so both are
    cached here; phone numbers come from ``numbers``, which has its own cache by raw value."""

    def __init__(self, plan: Plan, numbers: NumberLookup):
        self.plan = plan
        self.numbers = numbers
        self.dates: dict[str, date | None] = {}
        self.zones: dict[tuple, str | None] = {}
        self.places: dict[tuple[str, str], bool] = {}
        self.gifts: dict[tuple, tuple] = {}
        self.mapped = list(plan.columns.items())
        self.today = today()

    def clean(self, line: int, cells: list[str]) -> tuple[tuple | None, list[Problem]]:
        if len(cells) > self.plan.width and any(c.strip() for c in cells[self.plan.width :]):
            reason = f"the row has more cells than the header ({self.plan.width})"
            return None, [Problem(line, f"{self.plan.width + 1}", reason)]
        values, problems = self.cells(line, cells)
        if problems:
            return None, problems
        try:
            return self.build(line, values), []
        except RowError as error:
            return None, [Problem(line, self.plan.header(error.key), error.reason)]

    def cells(self, line: int, cells: list[str]) -> tuple[dict[str, str], list[Problem]]:
        """The mapped cells, stripped; a free-text cell that holds a card number is a problem."""
        values, problems = {}, []
        for key, index in self.mapped:
            value = cells[index].strip() if index < len(cells) else ""
            if len(value) >= SHORTEST_CARD and key in FREE_TEXT and contains_card_number(value):
                reason = "looks like a payment card number"
                problems.append(Problem(line, self.plan.headers[key], reason))
            values[key] = value
        return values, problems

    def build(self, line: int, values: dict[str, str]) -> tuple:
        reference = values.get("reference") or None
        generated = reference is None
        reference = reference or candidate_reference()
        self.check_length(values)
        phone, mobile = self.number(values, "phone"), self.number(values, "mobile")
        address = self.address(values)
        numbers = [parsed.e164 for parsed in (phone, mobile) if parsed]
        return (
            line,
            reference,
            generated,
            reference.upper(),
            values.get("title") or None,
            values.get("first_name") or None,
            values.get("last_name") or None,
            values.get("organisation_name") or None,
            self.flag(values, "is_organisation"),
            self.birth_date(values),
            self.status(values),
            phone.e164 if phone else None,
            phone.kind if phone else None,
            mobile.e164 if mobile else None,
            mobile.kind if mobile else None,
            self.email(values),
            *address,
            self.zone(address, numbers),
            *self.gift(values),
            *self.consents(values),
        )

    def check_length(self, values: dict[str, str]) -> None:
        for key, limit in TEXT_LIMITS.items():
            if len(values.get(key, "")) > limit:
                raise RowError(key, f"longer than {limit} characters")

    def number(self, values: dict[str, str], key: str) -> ParsedNumber | None:
        raw = values.get(key)
        if not raw:
            return None
        parsed = self.numbers(raw)
        if parsed is None:
            raise RowError(
                key,
                "not a valid phone number (include the country code, e.g. +44 or +1, if it "
                f"is not a {self.plan.region} number)",
            )
        return parsed

    def email(self, values: dict[str, str]) -> str | None:
        raw = values.get("email")
        if not raw:
            return None
        try:
            email = clean_email(raw, field="email")
        except InvalidInput:
            raise RowError("email", "not a valid email address") from None
        if len(email) > EMAIL_LIMIT:
            raise RowError("email", f"longer than {EMAIL_LIMIT} characters")
        return email

    def address(self, values: dict[str, str]) -> tuple[str | None, ...]:
        """(line1, line2, city, region, postcode, country), all None when there is none.
        A country on its own is not an address."""
        if not any(values.get(key) for key in ADDRESS_KEYS[:-1]):
            return (None,) * len(ADDRESS_KEYS)
        details = AddressDetails(
            **{key: values.get(key, "") for key in ADDRESS_KEYS[:-1]},
            country=values.get("country") or self.plan.region,
        )
        try:
            cleaned = clean_address(details)
        except InvalidInput as error:
            key = error.field if error.field in self.plan.columns else self.first_address_key()
            raise RowError(key, lower_first(error.message)) from None
        for key, limit in ADDRESS_LIMITS.items():
            if len(getattr(cleaned, key)) > limit:
                raise RowError(key, f"longer than {limit} characters")
        return tuple(getattr(cleaned, key) or None for key in ADDRESS_KEYS)

    def first_address_key(self) -> str:
        return next((key for key in ADDRESS_KEYS if key in self.plan.columns), "line1")

    def zone(self, address: tuple[str | None, ...], numbers: list[str]) -> str | None:
        """A new donor's zone, as ``refresh_timezone`` derives it: the address (country,
        region), then the numbers, primary first. An address in one zone decides alone
        (``derive_zone_key`` asks the numbers only to narrow an address's choice, or without
        one), so the numbers are left out of the cache key and its entries are shared."""
        place = (address[5] or "", address[3] or "") if address[0] else None
        key = (place,) if place and self.single_zone(place) else (place, *numbers)
        if key not in self.zones:
            if len(self.zones) >= CACHE_LIMIT:
                self.zones.clear()
            self.zones[key] = derive_zone_key(place, numbers)
        return self.zones[key]

    def single_zone(self, place: tuple[str, str]) -> bool:
        if place not in self.places:
            self.places[place] = len(zones_for_address(*place)) == 1
        return self.places[place]

    def flag(self, values: dict[str, str], key: str) -> bool | None:
        raw = values.get(key, "").lower()
        if not raw:
            return None
        if raw in TRUE_WORDS or raw in FALSE_WORDS:
            return raw in TRUE_WORDS
        raise RowError(key, "write yes or no")

    def day(self, values: dict[str, str], key: str) -> date | None:
        raw = values.get(key)
        if not raw:
            return None
        if raw not in self.dates:
            if len(self.dates) >= CACHE_LIMIT:
                self.dates.clear()
            self.dates[raw] = parse_date(raw, us=self.plan.region == "US")
        if self.dates[raw] is None:
            example = "12/31/1980" if self.plan.region == "US" else "31/12/1980"
            raise RowError(key, f"not a date (write it as 1980-12-31 or {example})")
        return self.dates[raw]

    def birth_date(self, values: dict[str, str]) -> date | None:
        born = self.day(values, "date_of_birth")
        if born is None:
            return None
        try:
            return clean_date(born, field="", what="The date of birth", latest=self.today)
        except InvalidInput as error:
            raise RowError("date_of_birth", lower_first(error.message)) from None

    def status(self, values: dict[str, str]) -> str | None:
        raw = values.get("status", "").lower()
        if not raw:
            return None
        if raw == DonorStatus.ERASED:
            raise RowError("status", "erasure is done by an administrator, not by an import")
        for value, label in DonorStatus.choices:
            if raw in (value, label.lower()) and value != DonorStatus.ERASED:
                return value
        raise RowError("status", "write active or deceased")

    def gift(self, values: dict[str, str]) -> tuple:
        """(amount, date, currency, method, gift aid, notes), all None without an amount."""
        amount = values.get("last_gift_amount", "").translate(CURRENCY_SIGNS)
        if not amount:
            if values.get("last_gift_date"):
                raise RowError("last_gift_amount", "a gift date needs an amount")
            return (None,) * 6
        method = values.get("last_gift_method", "").lower()
        if method and method not in METHOD_WORDS:
            options = ", ".join(label.lower() for label in PaymentMethod.labels)
            raise RowError("last_gift_method", f"choose one of: {options}")
        given = (
            amount,
            values.get("last_gift_currency") or DEFAULT_CURRENCY,
            self.day(values, "last_gift_date"),
            METHOD_WORDS.get(method, PaymentMethod.OTHER),
            bool(self.flag(values, "gift_aid")),
            values.get("gift_notes", ""),
        )
        if given not in self.gifts:
            if len(self.gifts) >= CACHE_LIMIT:
                self.gifts.clear()
            self.gifts[given] = self.clean_gift(*given)
        return self.gifts[given]

    def clean_gift(
        self,
        amount: str,
        currency: str,
        received_on: date | None,
        method: str,
        gift_aid: bool,
        notes: str,
    ) -> tuple:
        """``clean_donation``, whose result ``gift`` caches by its inputs: a file's gifts
        repeat (the same amounts on the same days). A bad gift is not cached."""
        details = DonationDetails(
            amount=amount,
            currency=currency,
            received_on=received_on,
            method=method,
            gift_aid=gift_aid,
            notes=notes,
        )
        try:
            gift = clean_donation(details)
        except InvalidInput as error:
            key = GIFT_KEYS.get(error.field or "", "last_gift_amount")
            raise RowError(key, lower_first(error.message)) from None
        return (
            gift.amount,
            gift.received_on,
            gift.currency,
            gift.method,
            gift.gift_aid,
            gift.notes or None,
        )

    def consents(self, values: dict[str, str]) -> list[str | None]:
        found = []
        for consent in self.plan.consents:
            raw = values.get(consent.key, "").lower()
            if raw and raw not in CONSENT_WORDS:
                raise RowError(consent.key, "write granted or withdrawn (or yes or no)")
            found.append(CONSENT_WORDS.get(raw))
        return found


GIFT_KEYS = {
    "amount": "last_gift_amount",
    "currency": "last_gift_currency",
    "received_on": "last_gift_date",
    "method": "last_gift_method",
    "notes": "gift_notes",
    "gateway_reference": "last_gift_method",
}


DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y")


def parse_date(raw: str, *, us: bool = False) -> date | None:
    """ISO first (what databases export), then the country's habit: day first, or month
    first for US files. A time after the date (Excel's "1980-12-31 00:00:00") is ignored."""
    text = raw[:10] if len(raw) > 10 and raw[10] in " T" else raw
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in MONTH_FIRST if us else DAY_FIRST:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def lower_first(message: str) -> str:
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]
