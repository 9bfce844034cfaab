"""Reads of a donor's giving, shared by the profile, the call screen and the API, and the access
helpers that are the only way a page loads a gift or a payment (out of reach is a 404)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404

from donorcall.donors.models import Donor
from donorcall.donors.queries import donor_for
from donorcall.staff.models import User

from .actions.inputs import CENT, today
from .models import Donation, DonationStatus, Payment, PaymentStatus, RegularGift, RegularGiftStatus

RECENT_DONATIONS = 10
RECENT_PAYMENTS = 3  # per regular gift, newest first


@dataclass
class Total:
    """What a donor gave in one currency: received donations only, never converted."""

    currency: str
    lifetime: Decimal
    this_year: Decimal
    count: int


def giving_profile(donor: Donor) -> dict[str, object]:
    """What the donor profile's giving panels show, in five queries however much was given:
    totals, recent donations, regular gifts and their recent payments (the donor's history
    panel shows the giving history lines with the rest)."""
    totals = giving_totals(donor)
    donations = list(donor.donations.all()[:RECENT_DONATIONS])
    gifts = regular_gifts_with_payments(donor)
    failing = failed_payments(gifts)
    return {
        "giving_totals": totals,
        "donation_count": sum(total.count for total in totals),
        "donations": donations,
        # The newest received gift among the recent ones (older ones are in the totals).
        "last_gift": next((d for d in donations if d.status == DonationStatus.RECEIVED), None),
        "regular_gifts": gifts,
        "failed_payment": failing[0] if failing else None,
        "failed_payments": failing,
    }


def giving_totals(donor: Donor) -> list[Total]:
    this_year = Q(received_on__year=today().year)
    rows = (
        donor.donations.filter(status=DonationStatus.RECEIVED)
        .values("currency")
        .annotate(
            lifetime=Sum("amount"),
            this_year=Sum("amount", filter=this_year, default=Decimal("0.00")),
            count=Count("id"),
        )
        .order_by("currency")
    )
    # SQLite sums decimals without their scale ("25.5"); money always shows two places.
    return [
        Total(row["currency"], row["lifetime"].quantize(CENT), row["this_year"].quantize(CENT),
              row["count"])
        for row in rows
    ]  # fmt: skip


def regular_gifts_with_payments(donor: Donor) -> list[RegularGift]:
    """The donor's regular gifts, live ones first, each with ``recent_payments`` (newest first)."""
    recent = Payment.objects.order_by("-due_on", "-id")[:RECENT_PAYMENTS]
    gifts = donor.regular_gifts.prefetch_related(
        Prefetch("payments", queryset=recent, to_attr="recent_payments")
    )
    return sorted(gifts, key=lambda gift: gift.status == RegularGiftStatus.CANCELLED)


def failed_payments(gifts: list[RegularGift]) -> list[Payment]:
    """Payments that failed and are still the latest of a live gift, newest first: what an agent
    calls the donor about. Collecting again on a new date, paying or cancelling clears one."""
    failing = [
        payment
        for gift in gifts
        if gift.status != RegularGiftStatus.CANCELLED
        and (payment := latest_payment(gift))
        and payment.status == PaymentStatus.FAILED
    ]
    return sorted(failing, key=lambda payment: (payment.due_on, payment.pk), reverse=True)


def latest_payment(gift: RegularGift) -> Payment | None:
    recent: list[Payment] = gift.recent_payments  # type: ignore[attr-defined]
    return recent[0] if recent else None


def donation_for(user: User, donor_pk: int, pk: int) -> Donation:
    donor = donor_for(user, donor_pk)
    donation = Donation.objects.filter(donor=donor, pk=pk).first()
    if donation is None:
        raise Http404("No such donation")
    donation.donor = donor
    return donation


def regular_gift_for(user: User, donor_pk: int, pk: int) -> RegularGift:
    donor = donor_for(user, donor_pk)
    gift = RegularGift.objects.filter(donor=donor, pk=pk).first()
    if gift is None:
        raise Http404("No such regular gift")
    gift.donor = donor
    return gift


def payment_for(user: User, donor_pk: int, pk: int) -> Payment:
    donor = donor_for(user, donor_pk)
    payment = (
        Payment.objects.filter(regular_gift__donor=donor, pk=pk)
        .select_related("regular_gift")
        .first()
    )
    if payment is None:
        raise Http404("No such payment")
    payment.regular_gift.donor = donor
    return payment
