"""Donors over JSON: the same actions and access rules as the pages."""

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from donorcall.lib.errors import NotAllowed
from donorcall.staff.models import User

from . import actions, queries
from .models import Donor

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
