"""The demo donors' consent and giving: what the Call Center's campaigns and call lists read.

Phone consent for fundraising granted at an import (a few withdrawn on a call since); one-off
donations; regular gifts and sponsorships by direct debit with a year of payments, some of the
latest failed. Each donor's draws come from the seed and their reference alone
(``donor_random``), and a donor who already has consent or giving is left as they are.
demo_calling.py puts these together with the rest of the Call Center.
"""

import random
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

from donorcall.donors.actions import withdraw_consent
from donorcall.donors.models import (
    Channel,
    ConsentEvent,
    ConsentSource,
    ConsentState,
    ConsentStatus,
    Donor,
    DonorEvent,
    DonorStatus,
    PhoneNumber,
    Purpose,
)
from donorcall.giving.actions import (
    DonationDetails,
    clean_donation,
    money,
    record_payment,
    set_up_regular_gift,
    today,
)
from donorcall.giving.actions.history import describe_payment
from donorcall.giving.models import (
    Donation,
    Frequency,
    GiftKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
    RegularGift,
)
from donorcall.lib.clock import now
from donorcall.runtime.demo_data import FAILURE_REASONS, FUNDS, SPONSORED_COUNTRIES

if TYPE_CHECKING:  # demo_calling imports this module
    from donorcall.runtime.demo_calling import CallingCounts

# Shares of the demo's donors (phone consent among those with a number; giving among active).
CONSENT_GRANTED_SHARE = 0.88
CONSENT_WITHDRAWN_SHARE = 0.02  # granted at the import, withdrawn on a call since
DONATION_SHARE = 0.45
REGULAR_GIFT_SHARE = 0.15
SPONSORSHIP_SHARE = 0.06
NEW_SPONSOR_SHARE = 0.35  # sponsorships started in the last two months
FAILING_SHARE = 0.15  # monthly gifts whose latest collection, in the last 30 days, failed
OLD_FAILURE_SHARE = 0.03  # earlier collections that failed and were not made up
PAYMENT_HISTORY = timedelta(days=365)  # payments kept on each gift: the last year's
IMPORTED_DAYS_AGO = 200

CONSENT_WORDING = "Supporter database import (demo): agreed to phone calls about fundraising."
WITHDRAWAL_WORDING = "Asked on a call not to be phoned about fundraising again (demo)."
DONATION_AMOUNTS = ("5", "10", "10", "15", "20", "25", "25", "30", "50", "50", "75", "100", "250")
ORGANISATION_AMOUNTS = ("100", "150", "250", "500", "500", "1000", "2500")
REGULAR_AMOUNTS = ("3", "5", "5", "8", "10", "10", "10", "12", "15", "20", "25")
SPONSORSHIP_AMOUNTS = {"GBP": ("25", "25", "30"), "USD": ("35", "35", "40")}
DONATION_METHODS = (
    PaymentMethod.CHEQUE, PaymentMethod.BANK_TRANSFER, PaymentMethod.ONLINE, PaymentMethod.CASH,
)  # fmt: skip
DONATION_METHOD_WEIGHTS = (25, 30, 40, 5)
FREQUENCIES = (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.ANNUALLY)
FREQUENCY_WEIGHTS = (85, 8, 7)
MONTHS_BETWEEN = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUALLY: 12}
SEASONS = ("Winter",) * 2 + ("Spring",) * 3 + ("Summer",) * 3 + ("Autumn",) * 3 + ("Winter",)


def donor_random(seed: int, topic: str, donor: Donor) -> random.Random:
    """A donor's own draws: the same whichever other donors are there (a donor deleted and
    added back gets what it had)."""
    return random.Random(f"{seed}:{topic}:{donor.reference}")


def fundraising() -> Purpose:
    return Purpose.objects.get(code="fundraising")


# --- Consent -------------------------------------------------------------------------------


def create_consent(donors: list[Donor], counts: "CallingCounts", *, prefix: str, seed: int) -> None:
    """Phone consent for fundraising, from the supporter database import, for most donors with
    a number; a few withdrew it on a call since (through ``withdraw_consent``, which also
    blocks them on every fundraising queue). Donors with any phone consent for fundraising
    already are left alone."""
    purpose = fundraising()
    decided = set(
        ConsentEvent.objects.filter(
            donor__reference__startswith=prefix, channel=Channel.PHONE, purpose=purpose
        ).values_list("donor_id", flat=True)
    )
    reachable = set(
        PhoneNumber.objects.filter(
            donor__reference__startswith=prefix, removed_at=None
        ).values_list("donor_id", flat=True)
    )
    granted: list[Donor] = []
    withdrawn: list[Donor] = []
    for donor in donors:
        if donor.pk in decided or donor.pk not in reachable or donor.status == DonorStatus.ERASED:
            continue
        draw = donor_random(seed, "consent", donor).random()
        if draw < CONSENT_WITHDRAWN_SHARE:
            withdrawn.append(donor)
        elif draw < CONSENT_WITHDRAWN_SHARE + CONSENT_GRANTED_SHARE:
            granted.append(donor)
    grant_imported([*granted, *withdrawn], purpose)
    for donor in withdrawn:
        withdraw_consent(
            donor, channel=Channel.PHONE, purpose=purpose, source=ConsentSource.CALL,
            wording=WITHDRAWAL_WORDING, by=None,
        )  # fmt: skip
    counts.consents_granted += len(granted)
    counts.consents_withdrawn += len(withdrawn)


def grant_imported(donors: list[Donor], purpose: Purpose) -> None:
    """What ``record_consent`` writes for each grant (the event, the current state it moves,
    the history line), in bulk. These donors have no phone consent for the purpose yet, so
    each event becomes their state; their queue rows are refreshed by the call lists that
    create them."""
    at = imported_at()
    events = ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(
                donor=donor,
                channel=Channel.PHONE,
                purpose=purpose,
                status=ConsentStatus.GRANTED,
                source=ConsentSource.IMPORT,
                wording=CONSENT_WORDING,
                recorded_at=at,
            )
            for donor in donors
        ],
        batch_size=500,
    )
    ConsentState.objects.bulk_create(
        [
            ConsentState(
                donor=event.donor,
                channel=event.channel,
                purpose=purpose,
                status=event.status,
                since=event.recorded_at,
                event=event,
            )
            for event in events
        ],
        batch_size=500,
    )
    summary = f"Phone consent for {purpose.name.lower()} granted (import)"
    history(donors, "consent_granted", summary)


def imported_at() -> datetime:
    return now().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(
        days=IMPORTED_DAYS_AGO
    )


def history(donors: list[Donor], kind: str, summary: str) -> None:
    at = now()
    DonorEvent.objects.bulk_create(
        [DonorEvent(donor=donor, kind=kind, summary=summary, at=at) for donor in donors],
        batch_size=500,
    )


# --- Giving --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentPlan:
    due_on: date
    status: str
    failure_reason: str = ""


@dataclass(frozen=True)
class GiftPlan:
    kind: str
    amount: Decimal
    currency: str
    frequency: str
    started_on: date
    mandate_reference: str
    sponsored: str
    campaign: str
    fund: str
    gift_aid: bool
    payments: tuple[PaymentPlan, ...]


@dataclass
class GivingPlan:
    donations: list[DonationDetails] = field(default_factory=list)
    gifts: list[GiftPlan] = field(default_factory=list)


def create_giving(donors: list[Donor], counts: "CallingCounts", *, prefix: str, seed: int) -> None:
    """One-off donations, regular gifts and sponsorships by direct debit, with the last year's
    payments, for a share of the active donors who have no giving yet."""
    on = today()
    giving = Q(donor__reference__startswith=prefix)
    given = set(Donation.objects.filter(giving).values_list("donor_id", flat=True))
    given |= set(RegularGift.objects.filter(giving).values_list("donor_id", flat=True))
    plans = [
        (donor, plan_giving(donor, donor_random(seed, "giving", donor), on))
        for donor in donors
        if donor.status == DonorStatus.ACTIVE and donor.pk not in given
    ]
    add_donations(plans, counts)
    add_regular_gifts(plans, counts)


def plan_giving(donor: Donor, rng: random.Random, on: date) -> GivingPlan:
    currency = "GBP" if (donor.timezone or "Europe/London").startswith("Europe/") else "USD"
    gift_aid = currency == "GBP" and not donor.is_organisation  # UK taxpayers only
    plan = GivingPlan()
    if rng.random() < DONATION_SHARE:
        count = rng.choices((1, 2, 3, 4), weights=(50, 25, 15, 10))[0]
        plan.donations = [
            plan_donation(rng, on, currency, gift_aid, donor.is_organisation) for _ in range(count)
        ]
    if donor.is_organisation:
        return plan
    digits = "".join(ch for ch in donor.reference if ch.isdigit())
    for kind, share in ((GiftKind.REGULAR_GIFT, REGULAR_GIFT_SHARE),
                        (GiftKind.SPONSORSHIP, SPONSORSHIP_SHARE)):  # fmt: skip
        if rng.random() < share:
            mandate = f"BWT{digits}{len(plan.gifts) + 1}"
            plan.gifts.append(plan_gift(kind, rng, on, currency, gift_aid, mandate))
    return plan


def plan_donation(
    rng: random.Random, on: date, currency: str, gift_aid: bool, organisation: bool
) -> DonationDetails:
    received_on = on - timedelta(days=rng.randint(1, 3 * 365))
    emergency = rng.random() < 0.2
    appeal = f"{SEASONS[received_on.month - 1]} appeal {received_on.year}"
    return clean_donation(
        DonationDetails(
            amount=rng.choice(ORGANISATION_AMOUNTS if organisation else DONATION_AMOUNTS),
            currency=currency,
            received_on=received_on,
            method=rng.choices(DONATION_METHODS, weights=DONATION_METHOD_WEIGHTS)[0],
            campaign="Emergency appeal" if emergency else appeal,
            fund="Emergency response" if emergency else rng.choice(FUNDS),
            gift_aid=gift_aid and rng.random() < 0.6,
        )
    )


def plan_gift(
    kind: str, rng: random.Random, on: date, currency: str, gift_aid: bool, mandate: str
) -> GiftPlan:
    sponsorship = kind == GiftKind.SPONSORSHIP
    frequency = (
        Frequency.MONTHLY if sponsorship else rng.choices(FREQUENCIES, weights=FREQUENCY_WEIGHTS)[0]
    )
    new = sponsorship and rng.random() < NEW_SPONSOR_SHARE
    started = on - timedelta(days=rng.randint(3, 60) if new else rng.randint(61, 3 * 365))
    started = started.replace(day=min(started.day, 28))  # a collection day every month has
    amounts = SPONSORSHIP_AMOUNTS[currency] if sponsorship else REGULAR_AMOUNTS
    sponsored = (
        f"{rng.choice(SPONSORED_COUNTRIES)}-{rng.randint(1000, 9999)}" if sponsorship else ""
    )
    return GiftPlan(
        kind=kind,
        amount=Decimal(rng.choice(amounts)),
        currency=currency,
        frequency=frequency,
        started_on=started,
        mandate_reference=mandate,
        sponsored=sponsored,
        campaign="Child sponsorship" if sponsorship else "Regular giving",
        fund="Child sponsorship" if sponsorship else "General",
        gift_aid=gift_aid and rng.random() < 0.7,
        payments=plan_payments(rng, on, started, frequency),
    )


def plan_payments(
    rng: random.Random, on: date, started: date, frequency: str
) -> tuple[PaymentPlan, ...]:
    """The last year's collections, paid but for a few old failures; then either the next one
    scheduled, or (a share of monthly gifts) the latest one, in the last 30 days, failed: what
    the Failed payments campaign calls about. Nothing comes after a failed latest payment, so
    it stays the gift's latest, as the script's {failed_payment} reads it."""
    step = MONTHS_BETWEEN[Frequency(frequency)]
    dues = list(due_dates(started, step, on))
    recent = [due for due in dues if due >= on - PAYMENT_HISTORY]
    failing = (
        frequency == Frequency.MONTHLY
        and bool(recent)
        and (on - recent[-1]).days <= 30
        and rng.random() < FAILING_SHARE
    )
    plans = []
    for due in recent[:-1] if failing else recent:
        if (on - due).days > 30 and rng.random() < OLD_FAILURE_SHARE:
            plans.append(PaymentPlan(due, PaymentStatus.FAILED, rng.choice(FAILURE_REASONS)))
        else:
            plans.append(PaymentPlan(due, PaymentStatus.PAID))
    if failing:
        plans.append(PaymentPlan(recent[-1], PaymentStatus.FAILED, rng.choice(FAILURE_REASONS)))
    else:
        plans.append(PaymentPlan(add_months(started, step * len(dues)), PaymentStatus.SCHEDULED))
    return tuple(plans)


def due_dates(started: date, step: int, on: date) -> list[date]:
    dues: list[date] = []
    while (due := add_months(started, step * len(dues))) <= on:
        dues.append(due)
    return dues


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, day.day)  # day.day is at most 28 (plan_gift)


def add_donations(plans: list[tuple[Donor, GivingPlan]], counts: "CallingCounts") -> None:
    """What ``record_donation`` writes (the donation, a history line), in bulk; each donation
    was checked by ``clean_donation``, as the donor import checks its gifts."""
    rows = [
        Donation(donor=donor, **asdict(details))
        for donor, plan in plans
        for details in plan.donations
    ]
    donations = Donation.objects.bulk_create(rows, batch_size=500)
    DonorEvent.objects.bulk_create(
        [
            DonorEvent(
                donor=donation.donor,
                kind="donation_recorded",
                summary=f"Donation of {money(donation.currency, donation.amount)} recorded "
                f"({donation.get_method_display().lower()})",
                at=now(),
            )
            for donation in donations
        ],
        batch_size=500,
    )
    counts.donations_created += len(donations)


def add_regular_gifts(plans: list[tuple[Donor, GivingPlan]], counts: "CallingCounts") -> None:
    """Gifts through ``set_up_regular_gift`` and failed payments through ``record_payment``
    (a few hundred: the rules on mandates, sponsorships and failure reasons apply). The
    thousands of routine paid and scheduled payments are bulk-inserted with the history line
    ``record_payment`` writes; their dates fall inside each gift's life by construction."""
    rows: list[Payment] = []
    failed: list[tuple[RegularGift, PaymentPlan]] = []
    for donor, plan in plans:
        for gift_plan in plan.gifts:
            gift = set_up(donor, gift_plan)
            if gift.kind == GiftKind.SPONSORSHIP:
                counts.sponsorships_created += 1
            else:
                counts.regular_gifts_created += 1
            for payment in gift_plan.payments:
                if payment.status == PaymentStatus.FAILED:
                    failed.append((gift, payment))
                    continue
                paid_on = payment.due_on if payment.status == PaymentStatus.PAID else None
                rows.append(Payment(regular_gift=gift, due_on=payment.due_on, amount=gift.amount,
                                    status=payment.status, paid_on=paid_on))  # fmt: skip
    payments = Payment.objects.bulk_create(rows, batch_size=500)
    at = now()
    DonorEvent.objects.bulk_create(
        [
            DonorEvent(
                donor=payment.regular_gift.donor,
                kind="payment_recorded",
                at=at,
                summary=f"{describe_payment(payment)} recorded: "
                f"{payment.get_status_display().lower()}",
            )
            for payment in payments
        ],
        batch_size=500,
    )
    for gift, payment in failed:
        record_payment(
            gift, due_on=payment.due_on, amount=gift.amount, status=PaymentStatus.FAILED,
            failure_reason=payment.failure_reason, by=None,
        )  # fmt: skip
    counts.payments_created += len(payments) + len(failed)
    counts.failed_payments_created += len(failed)
    recently = today() - timedelta(days=30)
    counts.failed_payments_recent += sum(payment.due_on >= recently for _, payment in failed)


def set_up(donor: Donor, plan: GiftPlan) -> RegularGift:
    return set_up_regular_gift(
        donor, kind=plan.kind, amount=plan.amount, currency=plan.currency,
        frequency=plan.frequency, started_on=plan.started_on, method=PaymentMethod.DIRECT_DEBIT,
        mandate_reference=plan.mandate_reference, sponsored=plan.sponsored,
        campaign=plan.campaign, fund=plan.fund, gift_aid=plan.gift_aid, by=None,
    )  # fmt: skip


# --- Reporting -----------------------------------------------------------------------------


def report_consent(counts: "CallingCounts", prefix: str) -> str:
    if counts.consents_granted or counts.consents_withdrawn:
        return (
            f"Phone consent for fundraising: {counts.consents_granted:,} granted (import), "
            f"{counts.consents_withdrawn:,} withdrawn."
        )
    states = ConsentState.objects.filter(
        donor__reference__startswith=prefix, channel=Channel.PHONE, purpose__code="fundraising"
    )
    return f"Phone consent for fundraising: already present ({states.count():,} donors)."


def report_giving(counts: "CallingCounts", prefix: str) -> str:
    if counts.donations_created or counts.regular_gifts_created or counts.sponsorships_created:
        return (
            f"Giving: {counts.donations_created:,} donations, {counts.regular_gifts_created:,} "
            f"regular gifts and {counts.sponsorships_created:,} sponsorships by direct debit "
            f"({counts.payments_created:,} payments; {counts.failed_payments_created:,} failed, "
            f"{counts.failed_payments_recent:,} of them in the last 30 days)."
        )
    donations = Donation.objects.filter(donor__reference__startswith=prefix).count()
    gifts = RegularGift.objects.filter(donor__reference__startswith=prefix).count()
    return (
        f"Giving: already present ({donations:,} donations, {gifts:,} regular gifts and "
        "sponsorships)."
    )
