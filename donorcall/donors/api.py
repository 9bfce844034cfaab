"""Donors over JSON: the same actions and access rules as the pages."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from donorcall.donors.actions.suppression import normalise_value
from donorcall.lib.errors import InvalidInput, NotAllowed
from donorcall.staff.models import User

from . import actions, queries
from .models import ConsentEvent, Donor, PhoneNumber, Purpose, Suppression

router = Router(tags=["donors"])


def require(request: HttpRequest, permission: str) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if not user.has_perm(permission):
        raise NotAllowed("Your role may not do this.", code="forbidden")
    return user


class PhoneOut(Schema):
    id: int
    number: str
    kind: str
    is_primary: bool


class EmailOut(Schema):
    id: int
    email: str
    is_primary: bool


class AddressOut(Schema):
    id: int
    line1: str
    line2: str
    city: str
    region: str
    postcode: str
    country: str
    is_primary: bool


class DonorOut(Schema):
    id: int
    reference: str
    name: str
    title: str
    first_name: str
    last_name: str
    is_organisation: bool
    organisation_name: str
    status: str
    date_of_birth: date | None
    timezone: str | None


class DonorDetailOut(DonorOut):
    phone_numbers: list[PhoneOut]
    email_addresses: list[EmailOut]
    addresses: list[AddressOut]


class AddressIn(Schema):
    line1: str
    line2: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = "GB"


class DonorIn(Schema):
    reference: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    is_organisation: bool = False
    organisation_name: str = ""
    date_of_birth: date | None = None
    phone_number: str = ""
    email: str = ""
    address: AddressIn | None = None


class SearchIn(Schema):
    q: str
    page: int = 1


class SearchOut(Schema):
    results: list[DonorOut]
    page: int
    pages: int
    count: int


PAGE_SIZE = 25


@router.post("/search", response=SearchOut)
def search(request: HttpRequest, payload: SearchIn) -> dict:
    """Search by name, reference, email or phone number. A POST, so personal data stays out
    of URLs and access logs."""
    user = require(request, "donors.view_donor")
    found = queries.search_donors(user, payload.q).order_by("last_name", "first_name", "id")
    count = found.count()
    start = (max(payload.page, 1) - 1) * PAGE_SIZE
    return {
        "results": list(found[start : start + PAGE_SIZE]),
        "page": max(payload.page, 1),
        "pages": max(1, -(-count // PAGE_SIZE)),
        "count": count,
    }


@router.get("/{int:donor_id}", response=DonorDetailOut)
def donor_detail(request: HttpRequest, donor_id: int) -> dict:
    user = require(request, "donors.view_donor")
    return detail(queries.donor_for(user, donor_id))


@router.post("", response={201: DonorDetailOut})
def donor_create(request: HttpRequest, payload: DonorIn) -> tuple[int, dict]:
    user = require(request, "donors.add_donor")
    donor = actions.create_donor(
        actions.DonorDetails(
            title=payload.title,
            first_name=payload.first_name,
            last_name=payload.last_name,
            is_organisation=payload.is_organisation,
            organisation_name=payload.organisation_name,
            date_of_birth=payload.date_of_birth,
        ),
        reference=payload.reference,
        phone_number=payload.phone_number,
        email=payload.email,
        address=actions.AddressDetails(**payload.address.dict()) if payload.address else None,
        by=user,
    )
    return 201, detail(donor)


def detail(donor: Donor) -> dict:
    profile = queries.donor_profile(donor)
    return {
        **DonorOut.from_orm(donor).dict(),
        "phone_numbers": profile["phone_numbers"],
        "email_addresses": profile["email_addresses"],
        "addresses": profile["addresses"],
    }


# --- contact details -------------------------------------------------------------------------


class PhoneIn(Schema):
    number: str
    kind: str = ""
    primary: bool = False


class RemovalIn(Schema):
    reason: str


@router.post("/{int:donor_id}/phone-numbers", response={201: PhoneOut})
def phone_add(request: HttpRequest, donor_id: int, payload: PhoneIn) -> tuple[int, PhoneNumber]:
    user = require(request, "donors.change_donor")
    donor = queries.donor_for(user, donor_id)
    entry = actions.add_phone_number(
        donor, number=payload.number, kind=payload.kind, primary=payload.primary, by=user
    )
    return 201, entry


@router.post("/{int:donor_id}/phone-numbers/{int:phone_id}/remove", response=PhoneOut)
def phone_remove(
    request: HttpRequest, donor_id: int, phone_id: int, payload: RemovalIn
) -> PhoneNumber:
    """Remove (never delete) a number, keeping who, when and why."""
    user = require(request, "donors.change_donor")
    entry = queries.contact_detail_for(user, donor_id, "phone", phone_id)
    actions.remove_contact_detail(entry, reason=payload.reason, by=user)
    return entry  # type: ignore[return-value]  # "phone" always gives a PhoneNumber


# --- consent ---------------------------------------------------------------------------------


class ConsentIn(Schema):
    channel: str
    purpose: str  # the purpose's code, e.g. "fundraising"
    status: str
    source: str
    wording: str = ""


class ConsentOut(Schema):
    channel: str
    purpose: str
    status: str
    source: str
    wording: str
    recorded_at: datetime
    recorded_by: str | None

    @staticmethod
    def resolve_purpose(event: ConsentEvent) -> str:
        return event.purpose.code

    @staticmethod
    def resolve_recorded_by(event: ConsentEvent) -> str | None:
        return event.recorded_by.username if event.recorded_by else None


class ConsentStateOut(Schema):
    channel: str
    purpose: str
    status: str
    since: datetime


class ConsentHistoryOut(Schema):
    current: list[ConsentStateOut]
    history: list[ConsentOut]


@router.get("/{int:donor_id}/consent", response=ConsentHistoryOut)
def consent_detail(request: HttpRequest, donor_id: int) -> dict:
    user = require(request, "donors.view_donor")
    donor = queries.donor_for(user, donor_id)
    states = donor.consents.select_related("purpose")
    return {
        "current": [
            {"channel": s.channel, "purpose": s.purpose.code, "status": s.status, "since": s.since}
            for s in states
        ],
        "history": list(donor.consent_events.select_related("purpose", "recorded_by")),
    }


@router.post("/{int:donor_id}/consent", response={201: ConsentOut})
def consent_record(
    request: HttpRequest, donor_id: int, payload: ConsentIn
) -> tuple[int, ConsentEvent]:
    user = require(request, "donors.add_consentevent")
    donor = queries.donor_for(user, donor_id)
    purpose = Purpose.objects.filter(code=payload.purpose, is_active=True).first()
    if purpose is None:
        raise InvalidInput(f"No purpose with the code {payload.purpose!r}.", field="purpose")
    event = actions.record_consent(
        donor, channel=payload.channel, purpose=purpose, status=payload.status,
        source=payload.source, wording=payload.wording, by=user,
    )  # fmt: skip
    return 201, event


# --- suppression -----------------------------------------------------------------------------

suppressions = Router(tags=["suppression"])


class SuppressionIn(Schema):
    kind: str  # "phone" or "email"
    value: str
    reason: str
    source: str = ""


class SuppressionOut(Schema):
    id: int
    kind: str
    value: str
    reason: str
    source: str
    created_at: datetime
    lifted_at: datetime | None


class SuppressionCheckIn(Schema):
    kind: str
    value: str


class SuppressionCheckOut(Schema):
    value: str
    suppressed: bool
    entries: list[SuppressionOut]


@suppressions.post("", response={201: SuppressionOut})
def suppression_add(request: HttpRequest, payload: SuppressionIn) -> tuple[int, Suppression]:
    """Add a number or email to the ledger (adding it again for the same reason is harmless)."""
    user = require(request, "donors.add_suppression")
    entry = actions.suppress(
        payload.kind, payload.value, reason=payload.reason, source=payload.source, by=user
    )
    return 201, entry


@suppressions.post("/check", response=SuppressionCheckOut)
def suppression_check(request: HttpRequest, payload: SuppressionCheckIn) -> dict:
    """Is this number or email suppressed? A POST: the value is personal data."""
    require(request, "donors.view_suppression")
    value = normalise_value(payload.kind, payload.value)
    entries = list(queries.suppression_list(value).filter(kind=payload.kind, lifted_at=None))
    return {"value": value, "suppressed": bool(entries), "entries": entries}
