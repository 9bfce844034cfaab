"""Reads of donors shared by pages, the API and (later) the call centre."""

from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from donorcall.lib import phone
from donorcall.lib.clock import now
from donorcall.lib.timezones import zones_of
from donorcall.staff.models import User

from .models import (
    Address,
    Channel,
    Donor,
    DonorEvent,
    EmailAddress,
    PhoneNumber,
    Purpose,
    Suppression,
    SuppressionKind,
)


def donors_visible_to(user: User) -> QuerySet[Donor]:
    """Managers and administrators see every donor. Agents see donors through the Call Center
    only (the campaigns they work on, a later capability), so the Donors pages show them none."""
    if user.has_perm("donors.view_donor"):
        return Donor.objects.all()
    return Donor.objects.none()


def donor_for(user: User, pk: int) -> Donor:
    """The only way a view loads a donor: out of the user's reach is a 404."""
    donor = donors_visible_to(user).filter(pk=pk).first()
    if donor is None:
        raise Http404("No such donor")
    return donor


def search_donors(user: User, text: str) -> QuerySet[Donor]:
    """Donors matching a name, a reference, an email or a phone number in any common format."""
    return donors_matching_text(donors_visible_to(user), text)


def donors_matching_text(donors: QuerySet[Donor], text: str) -> QuerySet[Donor]:
    """Of ``donors``, those a name, a reference, an email or a phone number finds."""
    text = " ".join(text.split())
    if not text:
        return donors.none()
    if "@" in text:
        return donors.filter(
            email_addresses__email=text.lower(), email_addresses__removed_at__isnull=True
        ).distinct()
    if phone.looks_like_phone(text):
        parsed = phone.parse(text)
        if parsed is None:
            return donors.filter(reference__iexact=text)
        return donors.filter(
            Q(phone_numbers__number=parsed.e164, phone_numbers__removed_at__isnull=True)
            | Q(reference__iexact=text)
        ).distinct()
    return donors.filter(Q(reference__iexact=text) | name_matches(text))


def name_matches(text: str) -> Q:
    """Every word must start a first, last or organisation name: "ann smi" finds Ann Smith."""
    condition = Q()
    for word in text.split():
        condition &= (
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(organisation_name__istartswith=word)
        )
    return condition


def with_primary_contacts(donors: QuerySet[Donor]) -> QuerySet[Donor]:
    """Prefetch active numbers and emails for a list page: two extra queries, not one a row."""
    return donors.prefetch_related(
        Prefetch(
            "phone_numbers",
            queryset=PhoneNumber.objects.filter(removed_at__isnull=True),
            to_attr="active_phone_numbers",
        ),
        Prefetch(
            "email_addresses",
            queryset=EmailAddress.objects.filter(removed_at__isnull=True),
            to_attr="active_email_addresses",
        ),
    )


def donor_profile(donor: Donor) -> dict[str, object]:
    """What the profile shows: current details first, removed ones as history."""
    phones = list(donor.phone_numbers.select_related("removed_by"))
    emails = list(donor.email_addresses.select_related("removed_by"))
    addresses = list(donor.addresses.select_related("removed_by"))
    return {
        "donor": donor,
        "local_times": [(zone.key, now().astimezone(zone)) for zone in zones_of(donor.timezone)],
        "phone_numbers": [entry for entry in phones if not entry.is_removed],
        "email_addresses": [entry for entry in emails if not entry.is_removed],
        "addresses": [entry for entry in addresses if not entry.is_removed],
        "removed": sorted(
            [entry for entry in [*phones, *emails, *addresses] if entry.is_removed],
            key=lambda entry: entry.removed_at or now(),
            reverse=True,
        ),
    }


def contact_detail_for(
    user: User, donor_pk: int, kind: str, pk: int
) -> PhoneNumber | EmailAddress | Address:
    models: dict[str, type[PhoneNumber] | type[EmailAddress] | type[Address]] = {
        "phone": PhoneNumber,
        "email": EmailAddress,
        "address": Address,
    }
    model = models.get(kind)
    if model is None:
        raise Http404("No such detail")
    donor = donor_for(user, donor_pk)
    entry = model.objects.filter(donor=donor, pk=pk).first()
    if entry is None:
        raise Http404("No such detail")
    return entry


def consent_overview(donor: Donor) -> dict[str, object]:
    """The consent grid (channel × purpose → current state) and the full history."""
    purposes = list(Purpose.objects.filter(is_active=True))
    states = {(s.channel, s.purpose_id): s for s in donor.consents.all()}
    grid = [
        (channel_label, [(purpose, states.get((channel, purpose.pk))) for purpose in purposes])
        for channel, channel_label in Channel.choices
    ]
    history = donor.consent_events.select_related("purpose", "recorded_by")
    return {"consent_purposes": purposes, "consent_grid": grid, "consent_history": list(history)}


def suppressed_values(donor: Donor) -> dict[str, list[Suppression]]:
    """Active suppressions of the donor's current numbers and emails, keyed by value."""
    numbers = donor.phone_numbers.filter(removed_at=None).values("number")
    emails = donor.email_addresses.filter(removed_at=None).values("email")
    found: dict[str, list[Suppression]] = {}
    entries = Suppression.objects.filter(lifted_at=None).filter(
        Q(kind=SuppressionKind.PHONE, value__in=numbers)
        | Q(kind=SuppressionKind.EMAIL, value__in=emails)
    )
    for entry in entries:
        found.setdefault(entry.value, []).append(entry)
    return found


def donor_history(donor: Donor, limit: int = 50) -> list[DonorEvent]:
    return list(donor.events.select_related("actor")[:limit])


def suppression_list(value: str = "", reason: str = "") -> QuerySet[Suppression]:
    """The ledger, newest first; ``value`` is normalised the way entries are stored."""
    entries = Suppression.objects.select_related("created_by", "lifted_by", "donor")
    if reason:
        entries = entries.filter(reason=reason)
    value = value.strip()
    if value:
        parsed = phone.parse(value) if phone.looks_like_phone(value) else None
        entries = entries.filter(value=parsed.e164 if parsed else value.lower())
    return entries


def suppression_for(user: User, pk: int) -> Suppression:
    if not user.has_perm("donors.view_suppression"):
        raise Http404("No such entry")
    entry = Suppression.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404("No such entry")
    return entry


ADDRESS_EXPORT_FIELDS = ["line1", "line2", "city", "region", "postcode", "country"]
EXPORT_COLUMNS = [
    *("reference", "title", "first_name", "last_name", "organisation_name", "status"),
    *("phone", "email", *(f"address_{name}" for name in ADDRESS_EXPORT_FIELDS)),
    *("timezone", "created_at"),
]


def export_rows(donors: QuerySet[Donor]) -> tuple[list[str], Iterator[tuple]]:
    """Donors with their primary number, email and address, as one streamed query."""

    def primary(model: type[PhoneNumber] | type[EmailAddress] | type[Address], field: str):
        current = model.objects.filter(donor=OuterRef("pk"), removed_at=None)
        return Subquery(current.order_by("-is_primary", "id").values(field)[:1])

    annotated = donors.order_by("reference").annotate(
        phone=primary(PhoneNumber, "number"),
        email=primary(EmailAddress, "email"),
        **{f"address_{name}": primary(Address, name) for name in ADDRESS_EXPORT_FIELDS},
    )
    rows = annotated.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)
    return EXPORT_COLUMNS, rows


def purpose_for(user: User, pk: int) -> Purpose:
    if not user.has_perm("donors.change_purpose"):
        raise Http404("No such purpose")
    purpose = Purpose.objects.filter(pk=pk).first()
    if purpose is None:
        raise Http404("No such purpose")
    return purpose


def vulnerable_donors() -> QuerySet[Donor]:
    """Donors flagged as possibly vulnerable, newest flag first, for managers to review."""
    return (
        Donor.objects.filter(vulnerable_flagged_at__isnull=False)
        .select_related("vulnerable_flagged_by")
        .order_by("-vulnerable_flagged_at")
    )


def number_for_call(donor: Donor) -> str | None:
    """The number to dial: the primary current number unless it is suppressed, else the oldest
    current number that is not. None when no number may be called."""
    current = donor.phone_numbers.filter(removed_at=None).order_by("-is_primary", "id")
    suppressed = Suppression.objects.filter(
        kind=SuppressionKind.PHONE, lifted_at=None, value=OuterRef("number")
    )
    callable_number = current.exclude(Exists(suppressed)).values_list("number", flat=True).first()
    return callable_number
