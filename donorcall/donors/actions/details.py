"""Every change to a donor and their contact details.

Each action validates, writes inside one transaction, names who did it, and raises an
InvalidInput that names the field when the input is wrong (nothing is half-written).
"""

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from donorcall.campaigns.queue.eligibility import refresh_queue
from donorcall.donors.history import record_event
from donorcall.donors.models import Address, Donor, DonorStatus, EmailAddress, PhoneNumber
from donorcall.lib import phone
from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import InvalidInput
from donorcall.lib.timezones import derive_zone_key
from donorcall.staff.models import User

COUNTRY_CODES = {"UK": "GB"}  # what people type → ISO 3166
ContactEntry = PhoneNumber | EmailAddress | Address


@dataclass
class DonorDetails:
    """The donor's own fields, as a form or the API hands them to an action."""

    title: str = ""
    first_name: str = ""
    last_name: str = ""
    is_organisation: bool = False
    organisation_name: str = ""
    date_of_birth: date | None = None
    status: str = DonorStatus.ACTIVE


@dataclass
class AddressDetails:
    line1: str
    line2: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = "GB"


def create_donor(
    details: DonorDetails,
    *,
    reference: str = "",
    phone_number: str = "",
    email: str = "",
    address: AddressDetails | None = None,
    by: User | None,
) -> Donor:
    """A new donor with, optionally, a first number, email and address (all primary)."""
    check_details(details)
    reference = reference.strip()
    if reference and Donor.objects.filter(reference__iexact=reference).exists():
        raise InvalidInput("Another donor already has that reference.", field="reference")
    parsed = phone.normalise(phone_number, field="phone_number") if phone_number.strip() else None
    email = clean_email(email, field="email") if email.strip() else ""
    if address:
        address = clean_address(address)
    with transaction.atomic():
        donor = Donor(reference=reference or new_reference(), created_by=by)
        apply_details(donor, details)
        donor.save()
        if parsed:
            PhoneNumber.objects.create(
                donor=donor, number=parsed.e164, kind=parsed.kind, is_primary=True
            )
        if email:
            EmailAddress.objects.create(donor=donor, email=email, is_primary=True)
        if address:
            Address.objects.create(donor=donor, is_primary=True, **address.__dict__)
        refresh_timezone(donor)
        record_event(donor, "donor_created", "Donor created", by=by)
    return donor


def update_donor(donor: Donor, details: DonorDetails, *, by: User) -> Donor:
    check_details(details)
    if donor.status == DonorStatus.ERASED:
        raise InvalidInput("This donor has been erased and cannot be changed.", field="status")
    if details.status == DonorStatus.ERASED:
        raise InvalidInput("Erasure is done by an administrator, not by editing.", field="status")
    before = {field: getattr(donor, field) for field in details.__dict__}
    with transaction.atomic():
        apply_details(donor, details)
        donor.save()
        changed = [
            name.replace("_", " ") for name, old in before.items() if getattr(donor, name) != old
        ]
        if changed:
            record_event(donor, "donor_changed", f"Details changed: {', '.join(changed)}", by=by)
        refresh_queue([donor.pk])  # status and date of birth decide whether the donor is callable
    return donor


def check_details(details: DonorDetails) -> None:
    if details.is_organisation and not details.organisation_name.strip():
        raise InvalidInput("Enter the organisation's name.", field="organisation_name")
    if not details.is_organisation and not details.last_name.strip():
        raise InvalidInput("Enter the donor's last name.", field="last_name")
    if details.date_of_birth and details.date_of_birth > now().date():
        raise InvalidInput("The date of birth cannot be in the future.", field="date_of_birth")
    if details.status not in DonorStatus.values:
        raise InvalidInput("Choose a status from the list.", field="status")


def check_not_erased(donor: Donor) -> None:
    """An erased donor gets no new personal data: their record is only the gifts' anchor."""
    if donor.status == DonorStatus.ERASED:
        raise InvalidInput("This donor has been erased and cannot be changed.", code="donor_erased")


def apply_details(donor: Donor, details: DonorDetails) -> None:
    for field, value in details.__dict__.items():
        setattr(donor, field, value.strip() if isinstance(value, str) else value)


def new_reference() -> str:
    """A reference nobody has yet: D and eight digits, drawn at random so that two people
    creating donors at once do not pick the same next number."""
    for _ in range(10):
        reference = f"D{secrets.randbelow(10**8):08d}"
        if not Donor.objects.filter(reference=reference).exists():
            return reference
    raise IntegrityError("could not find a free donor reference")


def add_phone_number(
    donor: Donor, *, number: str, kind: str = "", primary: bool = False, by: User
) -> PhoneNumber:
    check_not_erased(donor)
    parsed = phone.normalise(number, field="number")
    active = donor.phone_numbers.filter(removed_at__isnull=True)
    if active.filter(number=parsed.e164).exists():
        raise InvalidInput("This donor already has that number.", field="number")
    with transaction.atomic():
        primary = primary or not active.exists()
        if primary:
            active.filter(is_primary=True).update(is_primary=False)
        entry = PhoneNumber.objects.create(
            donor=donor, number=parsed.e164, kind=kind or parsed.kind, is_primary=primary
        )
        refresh_timezone(donor)
        record_event(donor, "phone_added", f"{entry.get_kind_display()} number added", by=by)
    return entry


def remove_phone_number(entry: PhoneNumber, *, reason: str, by: User | None) -> PhoneNumber:
    remove_contact_detail(entry, reason=reason, by=by)
    return entry


def add_email(donor: Donor, *, email: str, primary: bool = False, by: User) -> EmailAddress:
    check_not_erased(donor)
    email = clean_email(email, field="email")
    active = donor.email_addresses.filter(removed_at__isnull=True)
    if active.filter(email=email).exists():
        raise InvalidInput("This donor already has that email address.", field="email")
    with transaction.atomic():
        primary = primary or not active.exists()
        if primary:
            active.filter(is_primary=True).update(is_primary=False)
        entry = EmailAddress.objects.create(donor=donor, email=email, is_primary=primary)
        record_event(donor, "email_added", "Email address added", by=by)
    return entry


def remove_email(entry: EmailAddress, *, reason: str, by: User | None) -> EmailAddress:
    remove_contact_detail(entry, reason=reason, by=by)
    return entry


def add_address(
    donor: Donor, address: AddressDetails, *, primary: bool = False, by: User
) -> Address:
    check_not_erased(donor)
    address = clean_address(address)
    active = donor.addresses.filter(removed_at__isnull=True)
    with transaction.atomic():
        primary = primary or not active.exists()
        if primary:
            active.filter(is_primary=True).update(is_primary=False)
        entry = Address.objects.create(donor=donor, is_primary=primary, **address.__dict__)
        refresh_timezone(donor)
        record_event(donor, "address_added", "Address added", by=by)
    return entry


def remove_address(entry: Address, *, reason: str, by: User | None) -> Address:
    remove_contact_detail(entry, reason=reason, by=by)
    return entry


def make_primary(entry: ContactEntry, *, by: User) -> None:
    if entry.removed_at:
        raise InvalidInput("A removed detail cannot be made primary.", code="detail_removed")
    siblings = type(entry).objects.filter(donor=entry.donor, removed_at__isnull=True)
    with transaction.atomic():
        siblings.filter(is_primary=True).update(is_primary=False)
        siblings.filter(pk=entry.pk).update(is_primary=True)
        refresh_timezone(entry.donor)
        label = str(entry._meta.verbose_name).capitalize()
        record_event(entry.donor, "primary_changed", f"{label} made primary", by=by)


def remove_contact_detail(entry: ContactEntry, *, reason: str, by: User | None) -> ContactEntry:
    """Take a number, email or address off the donor, keeping it with who, when and why.

    If it was the primary one, the oldest remaining one becomes primary.
    """
    reason = reject_card_numbers(reason.strip(), field="reason")
    if not reason:
        raise InvalidInput("Say why this is being removed.", field="reason")
    if entry.removed_at:
        return entry  # removing twice (a double click) changes nothing
    with transaction.atomic():
        entry.removed_at = now()
        entry.removed_by = by
        entry.removed_reason = reason[:200]
        was_primary, entry.is_primary = entry.is_primary, False
        entry.save(update_fields=["removed_at", "removed_by", "removed_reason", "is_primary"])
        if was_primary:
            remaining = type(entry).objects.filter(donor=entry.donor, removed_at__isnull=True)
            successor = remaining.order_by("id").first()
            if successor:
                remaining.filter(pk=successor.pk).update(is_primary=True)
        refresh_timezone(entry.donor)
        label = str(entry._meta.verbose_name).capitalize()
        kind = {"PhoneNumber": "phone", "EmailAddress": "email", "Address": "address"}[
            type(entry).__name__
        ]
        record_event(entry.donor, f"{kind}_removed", f"{label} removed: {reason}", by=by)
    return entry


def refresh_timezone(donor: Donor) -> Donor:
    """Re-derive the donor's zone from their primary address and numbers (COMPLIANCE.md)."""
    address = donor.addresses.filter(removed_at__isnull=True).order_by("-is_primary", "id").first()
    numbers = donor.phone_numbers.filter(removed_at__isnull=True).order_by("-is_primary", "id")
    key = derive_zone_key(
        (address.country, address.region) if address else None,
        numbers.values_list("number", flat=True),
    )
    if key != donor.timezone:
        donor.timezone = key
        Donor.objects.filter(pk=donor.pk).update(timezone=key)
    # Every number and address change passes here: the queue's zone and no_number follow it.
    refresh_queue([donor.pk])
    return donor


def clean_email(email: str, *, field: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvalidInput(f"“{email}” is not a valid email address.", field=field) from error
    return email


def clean_address(address: AddressDetails) -> AddressDetails:
    if not address.line1.strip():
        raise InvalidInput("Enter the first line of the address.", field="line1")
    country = address.country.strip().upper()
    country = COUNTRY_CODES.get(country, country)
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput("Enter the country as a two-letter code, e.g. GB.", field="country")
    return AddressDetails(
        line1=address.line1.strip(),
        line2=address.line2.strip(),
        city=address.city.strip(),
        region=address.region.strip(),
        postcode=address.postcode.strip().upper(),
        country=country,
    )
