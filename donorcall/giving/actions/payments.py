"""Payments of regular gifts: recorded, and a failed one resolved (paid now, collected again
on a new date, or cancelled)."""

from datetime import date
from decimal import Decimal

from django.db import models, transaction

from donorcall.donors.history import record_event
from donorcall.giving.models import Payment, PaymentStatus, RegularGift, RegularGiftStatus
from donorcall.lib.errors import Conflict, InvalidInput
from donorcall.staff.models import User

from .history import day, describe_payment
from .inputs import (
    FURTHEST_AHEAD,
    check_donor,
    clean_amount,
    clean_choice,
    clean_date,
    clean_text,
    today,
)


class ResolveOutcome(models.TextChoices):
    PAID_NOW = "paid_now", "Paid now"
    NEW_DATE = "new_date", "Collect again on a new date"
    CANCELLED = "cancelled", "Cancel this payment"


def record_payment(
    gift: RegularGift,
    *,
    due_on: date | None,
    amount: Decimal | int | str,
    status: str,
    failure_reason: str = "",
    paid_on: date | None = None,
    gateway_reference: str = "",
    by: User | None,
) -> Payment:
    """One collection of a regular gift. A paid payment without a date paid was paid when it
    fell due (or today, if it was paid early)."""
    check_donor(gift.donor)
    amount = clean_amount(amount)
    status = clean_choice(status, PaymentStatus, field="status")
    failure_reason = clean_failure_reason(failure_reason, status)
    gateway_reference = clean_text(gateway_reference, field="gateway_reference", model=Payment)
    with transaction.atomic():
        gift = (
            RegularGift.objects.select_for_update(of=("self",))
            .select_related("donor")
            .get(pk=gift.pk)
        )
        due_on = clean_due_on(gift, due_on, field="due_on", status=status)
        paid_on = clean_paid_on(paid_on, status=status, due_on=due_on)
        payment = Payment.objects.create(
            regular_gift=gift, due_on=due_on, amount=amount, status=status,
            failure_reason=failure_reason, paid_on=paid_on, gateway_reference=gateway_reference,
        )  # fmt: skip
        summary = f"{describe_payment(payment)} recorded: {payment.get_status_display().lower()}"
        record_event(gift.donor, "payment_recorded", summary, by=by)
    return payment


def clean_failure_reason(reason: str, status: str) -> str:
    reason = clean_text(reason, field="failure_reason", model=Payment)
    if status == PaymentStatus.FAILED and not reason:
        raise InvalidInput(
            "Say why the payment failed, e.g. the bank's reason code.", field="failure_reason"
        )
    if status != PaymentStatus.FAILED and reason:
        raise InvalidInput("Only a failed payment has a failure reason.", field="failure_reason")
    return reason


def clean_due_on(gift: RegularGift, due_on: date | None, *, field: str, status: str) -> date:
    """A due date inside the gift's life, and not one the gift already has a live payment on
    (a double click, or two people recording the same collection)."""
    due_on = clean_date(due_on, field=field, what="The due date", latest=today() + FURTHEST_AHEAD)
    if due_on < gift.started_on:
        raise InvalidInput(
            f"The gift started on {day(gift.started_on)}: a payment cannot fall due before that.",
            field=field,
        )
    if gift.status == RegularGiftStatus.CANCELLED and status == PaymentStatus.SCHEDULED:
        raise InvalidInput(
            "This gift is cancelled: nothing more can be scheduled on it.",
            field=field,
            code="gift_cancelled",
        )
    live = gift.payments.filter(
        due_on=due_on, status__in=[PaymentStatus.SCHEDULED, PaymentStatus.PAID]
    )
    if live.exists():
        raise InvalidInput(
            f"This gift already has a payment due on {day(due_on)}.",
            field=field,
            code="duplicate_payment",
        )
    return due_on


def clean_paid_on(paid_on: date | None, *, status: str, due_on: date) -> date | None:
    if status != PaymentStatus.PAID:
        if paid_on:
            raise InvalidInput("Only a paid payment has a date paid.", field="paid_on")
        return None
    return clean_date(
        paid_on or min(due_on, today()), field="paid_on", what="The date paid", latest=today()
    )


def resolve_failed_payment(
    payment: Payment, *, outcome: str, new_due_on: date | None = None, by: User | None
) -> Payment:
    """What happened to a failed payment: paid now, collected again on ``new_due_on`` (a new
    scheduled payment; the failed one stays failed, as it did fail), or cancelled.

    Returns the payment that now stands for the money: the same one, or the new scheduled one.
    """
    outcome = clean_choice(outcome.replace(" ", "_"), ResolveOutcome, field="outcome")
    check_donor(payment.regular_gift.donor)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("regular_gift__donor")
            .get(pk=payment.pk)
        )
        if payment.status != PaymentStatus.FAILED:
            raise Conflict(
                "This payment is not failed any more: someone may have resolved it already.",
                code="payment_not_failed",
            )
        gift, failed = payment.regular_gift, describe_payment(payment, "Failed payment")
        if outcome == ResolveOutcome.NEW_DATE:
            payment = collect_again(payment, new_due_on)
            summary = f"{failed} to be collected again on {day(payment.due_on)}"
        else:
            payment.status = (
                PaymentStatus.PAID
                if outcome == ResolveOutcome.PAID_NOW
                else PaymentStatus.CANCELLED
            )
            payment.paid_on = today() if outcome == ResolveOutcome.PAID_NOW else None
            payment.save(update_fields=["status", "paid_on", "updated_at"])
            verb = "paid now" if outcome == ResolveOutcome.PAID_NOW else "cancelled"
            summary = f"{failed} {verb}"
        record_event(gift.donor, "payment_resolved", summary, by=by)
    return payment


def collect_again(failed: Payment, new_due_on: date | None) -> Payment:
    gift = failed.regular_gift
    if new_due_on is None:
        raise InvalidInput("Choose the date to collect the payment again.", field="new_due_on")
    if new_due_on < today():
        raise InvalidInput("The new date must be today or later.", field="new_due_on")
    due_on = clean_due_on(gift, new_due_on, field="new_due_on", status=PaymentStatus.SCHEDULED)
    return Payment.objects.create(
        regular_gift=gift, due_on=due_on, amount=failed.amount, status=PaymentStatus.SCHEDULED
    )
