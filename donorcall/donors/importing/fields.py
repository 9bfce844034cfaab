"""What a column of an import file can be, and a first guess from the file's headers.

A mapping is ``{header: field key}`` (an empty key means "don't import this column"). The
consent fields are made from the purposes that exist: one per channel × active purpose, e.g.
``consent_phone_fundraising``.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from donorcall.donors.models import Channel, Purpose


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str
    group: str
    aliases: tuple[str, ...] = ()
    # Consent fields only: which channel and purpose the column speaks for.
    channel: str = ""
    purpose_id: int = 0


def field(key: str, label: str, group: str, *aliases: str) -> ImportField:
    return ImportField(key, label, group, aliases)


# Aliases are header spellings reduced by ``header_key`` (lower case, letters and digits only).
BASE_FIELDS = [
    field(
        "reference",
        "Reference",
        "Donor",
        "ref",
        "donorid",
        "donorref",
        "donorreference",
        "supporterid",
        "supporterref",
        "constituentid",
        "accountid",
        "urn",
        "id",
    ),
    field("title", "Title", "Donor", "salutationtitle", "prefix"),
    field(
        "first_name",
        "First name",
        "Donor",
        "firstname",
        "forename",
        "forenames",
        "givenname",
        "first",
    ),
    field("last_name", "Last name", "Donor", "lastname", "surname", "familyname", "last"),
    field(
        "organisation_name",
        "Organisation name",
        "Donor",
        "organisation",
        "organization",
        "organisationname",
        "organizationname",
        "company",
        "companyname",
    ),
    field(
        "is_organisation",
        "Is an organisation (yes/no)",
        "Donor",
        "isorganisation",
        "isorganization",
        "organisationflag",
    ),
    field("date_of_birth", "Date of birth", "Donor", "dateofbirth", "dob", "birthdate", "birthday"),
    field("status", "Status (active/deceased)", "Donor", "donorstatus"),
    field(
        "phone",
        "Phone",
        "Contact",
        "telephone",
        "tel",
        "phonenumber",
        "homephone",
        "landline",
        "telephonenumber",
        "primaryphone",
    ),
    field(
        "mobile",
        "Mobile (a second number)",
        "Contact",
        "mobilephone",
        "mobilenumber",
        "cell",
        "cellphone",
        "mob",
    ),
    field("email", "Email", "Contact", "emailaddress", "email1", "mail"),
    field(
        "line1",
        "Address line 1",
        "Address",
        "address1",
        "addressline1",
        "address",
        "street",
        "line1",
        "housenumberandstreet",
    ),
    field("line2", "Address line 2", "Address", "address2", "addressline2", "line2"),
    field("city", "Town or city", "Address", "town", "towncity", "locality", "posttown"),
    field("region", "County or state", "Address", "county", "state", "province", "countystate"),
    field("postcode", "Postcode or ZIP", "Address", "zip", "zipcode", "postalcode", "postcode"),
    field("country", "Country", "Address", "countrycode"),
]

GIFT_FIELDS = [
    field(
        "last_gift_amount",
        "Last gift: amount",
        "Giving",
        "lastgiftamount",
        "lastgift",
        "giftamount",
        "donationamount",
        "amount",
    ),
    field(
        "last_gift_date",
        "Last gift: date",
        "Giving",
        "lastgiftdate",
        "giftdate",
        "donationdate",
        "dategiven",
    ),
    field(
        "last_gift_currency",
        "Last gift: currency (default GBP)",
        "Giving",
        "lastgiftcurrency",
        "currency",
    ),
    field(
        "last_gift_method",
        "Last gift: payment method",
        "Giving",
        "lastgiftmethod",
        "paymentmethod",
        "method",
    ),
    field("gift_aid", "Last gift: Gift Aid (yes/no)", "Giving", "giftaid", "giftaideligible"),
    field("gift_notes", "Last gift: notes", "Giving", "notes", "giftnotes", "comments"),
]

NOT_IMPORTED = ""


def consent_fields(purposes: Iterable[Purpose]) -> list[ImportField]:
    fields = []
    for purpose in purposes:
        for channel in Channel:
            key = f"consent_{channel.value}_{purpose.code}"
            label = f"Consent: {channel.label} for {purpose.name.lower()}"
            fields.append(ImportField(key, label, "Consent", (), channel.value, purpose.pk))
    return fields


def import_fields() -> list[ImportField]:
    """Every field a column can be mapped to, in the order the mapping form shows them."""
    purposes = Purpose.objects.filter(is_active=True).order_by("name")
    return BASE_FIELDS + consent_fields(purposes) + GIFT_FIELDS


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def guess_mapping(headers: list[str], fields: list[ImportField]) -> dict[str, str]:
    """Each header's likeliest field; a field goes to the first header that names it."""
    by_spelling: dict[str, str] = {}
    for candidate in fields:
        for spelling in (candidate.key, candidate.label, *candidate.aliases):
            by_spelling.setdefault(header_key(spelling), candidate.key)
    mapping, taken = {}, set()
    for header in headers:
        key = by_spelling.get(header_key(header), NOT_IMPORTED)
        mapping[header] = key if key not in taken else NOT_IMPORTED
        taken.add(key)
    return mapping


def check_mapping(mapping: dict[str, str], fields: list[ImportField]) -> list[str]:
    """What is wrong with a mapping, in words for the person who made it (empty: nothing)."""
    known = {candidate.key: candidate for candidate in fields}
    problems = [
        f"“{header}” is mapped to an unknown field."
        for header, key in mapping.items()
        if key and key not in known
    ]
    chosen = [key for key in mapping.values() if key]
    for key in sorted({key for key in chosen if chosen.count(key) > 1}):
        problems.append(f"{known[key].label if key in known else key} is chosen for two columns.")
    if "last_gift_amount" in chosen and "last_gift_date" not in chosen:
        problems.append("A gift needs its date: map a column to Last gift: date as well.")
    if not {"reference", "last_name", "organisation_name"} & set(chosen):
        problems.append(
            "Map a column to Reference (to update donors) or to Last name or Organisation name "
            "(to add them)."
        )
    return problems


def saved_mapping_fits(saved: dict[str, str], headers: list[str]) -> bool:
    """A saved mapping can be offered for a file that has every column it maps."""
    mapped = [header for header, key in saved.items() if key]
    return bool(mapped) and set(mapped) <= set(headers)
