"""Giving over JSON: the same actions, access rules and refusals as the pages. Amounts travel as
strings ("25.00") so no program reads money through a float."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from donorcall.donors.api import require
from donorcall.donors.queries import donor_for

from . import actions, queries
from .models import DonationStatus, Frequency, GiftKind, Payment, PaymentMethod, RegularGift

router = Router(tags=["giving"])


class DonationOut(Schema):
    id: int
    amount: Decimal
    currency: str
    received_on: date
    method: str
    status: str
    campaign: str
    fund: str
    gift_aid: bool
    gateway_reference: str
    notes: str


class PaymentOut(Schema):
    id: int
    regular_gift_id: int
    due_on: date
    amount: Decimal
    status: str
    failure_reason: str
    paid_on: date | None
    gateway_reference: str


class RegularGiftOut(Schema):
    id: int
    kind: str
    amount: Decimal
    currency: str
    frequency: str
    started_on: date
    ended_on: date | None
    status: str
    method: str
    mandate_reference: str
    sponsored: str
    campaign: str
    fund: str
    gift_aid: bool
    notes: str
    recent_payments: list[PaymentOut] = []


class TotalOut(Schema):
    currency: str
    lifetime: Decimal
    this_year: Decimal
    count: int


class GivingOut(Schema):
    totals: list[TotalOut]
    donation_count: int
    last_gift: DonationOut | None
    donations: list[DonationOut]
    regular_gifts: list[RegularGiftOut]
    failed_payment: PaymentOut | None


class DonationIn(Schema):
    amount: Decimal
    currency: str = "GBP"
    received_on: date
    method: str
    status: str = DonationStatus.RECEIVED
    campaign: str = ""
    fund: str = ""
    gift_aid: bool = False
    gateway_reference: str = ""
    notes: str = ""


class RegularGiftIn(Schema):
    kind: str = GiftKind.REGULAR_GIFT
    amount: Decimal
    currency: str = "GBP"
    frequency: str = Frequency.MONTHLY
    started_on: date
    method: str = PaymentMethod.DIRECT_DEBIT
    mandate_reference: str = ""
    sponsored: str = ""
    campaign: str = ""
    fund: str = ""
    gift_aid: bool = False
    notes: str = ""


class PaymentIn(Schema):
    due_on: date
    amount: Decimal
    status: str
    failure_reason: str = ""
    paid_on: date | None = None
    gateway_reference: str = ""


@router.get("/donors/{int:donor_id}", response=GivingOut)
def giving_summary(request: HttpRequest, donor_id: int) -> dict:
    """Totals per currency, recent donations, regular gifts with their recent payments, and
    the failed payment to call about, if any."""
    user = require(request, "giving.view_donation")
    profile = queries.giving_profile(donor_for(user, donor_id))
    return {
        "totals": profile["giving_totals"],
        **{key: profile[key] for key in ("donation_count", "last_gift", "donations")},
        **{key: profile[key] for key in ("regular_gifts", "failed_payment")},
    }


@router.post("/donors/{int:donor_id}/donations", response={201: DonationOut})
def donation_create(request: HttpRequest, donor_id: int, payload: DonationIn) -> tuple[int, object]:
    user = require(request, "giving.add_donation")
    donor = donor_for(user, donor_id)
    return 201, actions.record_donation(donor, **payload.dict(), by=user)


@router.post("/donors/{int:donor_id}/regular-gifts", response={201: RegularGiftOut})
def regular_gift_create(
    request: HttpRequest, donor_id: int, payload: RegularGiftIn
) -> tuple[int, RegularGift]:
    user = require(request, "giving.add_regulargift")
    donor = donor_for(user, donor_id)
    return 201, actions.set_up_regular_gift(donor, **payload.dict(), by=user)


@router.post(
    "/donors/{int:donor_id}/regular-gifts/{int:gift_id}/payments", response={201: PaymentOut}
)
def payment_create(
    request: HttpRequest, donor_id: int, gift_id: int, payload: PaymentIn
) -> tuple[int, Payment]:
    user = require(request, "giving.add_payment")
    gift = queries.regular_gift_for(user, donor_id, gift_id)
    return 201, actions.record_payment(gift, **payload.dict(), by=user)
