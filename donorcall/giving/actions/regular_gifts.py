"""Regular gifts and sponsorships: set up, paused, resumed, cancelled."""

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from donorcall.donors.history import record_event
from donorcall.donors.models import Donor
from donorcall.giving.models import (
    Frequency,
    GiftKind,
    PaymentMethod,
    PaymentStatus,
    RegularGift,
    RegularGiftStatus,
)
from donorcall.lib.clock import now
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

from .history import describe_gift
from .inputs import (
    FURTHEST_AHEAD,
    check_donor,
    clean_amount,
    clean_choice,
    clean_currency,
    clean_date,
    clean_text,
    submitted_before,
    today,
)

if TYPE_CHECKING:
    from donorcall.callcenter.models import Call


def set_up_regular_gift(
    donor: Donor,
    *,
    kind: str,
    amount: Decimal | int | str,
    currency: str,
    frequency: str,
    started_on: date | None,
    method: str,
    mandate_reference: str = "",
    sponsored: str = "",
    campaign: str = "",
    fund: str = "",
    gift_aid: bool = False,
    notes: str = "",
    by: User | None,
    call: "Call | None" = None,
    request_key: uuid.UUID | None = None,
) -> RegularGift:
    """A new regular gift or sponsorship, active from ``started_on``.

    Card is refused: a repeating card payment needs the gateway's stored token, which a
    regular gift has no column for until a gateway is configured (COMPLIANCE.md, "Cards").
    """
    check_donor(donor)
    if (earlier := submitted_before(RegularGift, request_key, donor)) is not None:
        return earlier
    kind = clean_choice(kind, GiftKind, field="kind")
    values = {
        "kind": kind,
        "amount": clean_amount(amount),
        "currency": clean_currency(currency),
        "frequency": clean_choice(frequency, Frequency, field="frequency"),
        "started_on": clean_date(
            started_on, field="started_on", what="The start date", latest=today() + FURTHEST_AHEAD
        ),
        "method": clean_gift_method(method, mandate_reference),
        "mandate_reference": clean_text(
            mandate_reference, field="mandate_reference", model=RegularGift
        ),
        "sponsored": clean_text(sponsored, field="sponsored", model=RegularGift),
        "campaign": clean_text(campaign, field="campaign", model=RegularGift),
        "fund": clean_text(fund, field="fund", model=RegularGift),
        "gift_aid": bool(gift_aid),
        "notes": clean_text(notes, field="notes", model=RegularGift),
    }
    if kind == GiftKind.SPONSORSHIP and not values["sponsored"]:
        raise InvalidInput(
            "Enter the child or project this sponsorship supports.", field="sponsored"
        )
    try:
        with transaction.atomic():
            gift = RegularGift.objects.create(
                donor=donor, created_by=by, call=call, request_key=request_key, **values
            )
            how = gift.get_method_display().lower()
            summary = f"{describe_gift(gift)} set up ({how})"
            record_event(donor, "regular_gift_set_up", summary, by=by)
    except IntegrityError:
        if (earlier := submitted_before(RegularGift, request_key, donor)) is not None:
            return earlier
        raise
    return gift


def clean_gift_method(method: str, mandate_reference: str) -> str:
    method = clean_choice(method, PaymentMethod, field="method")
    if method == PaymentMethod.CARD:
        raise InvalidInput(
            "Regular card payments need the payment gateway, which is not set up. Choose direct "
            "debit or standing order.",
            field="method",
        )
    if method == PaymentMethod.DIRECT_DEBIT and not (mandate_reference or "").strip():
        raise InvalidInput(
            "A direct debit needs its mandate reference, from the bank instruction.",
            field="mandate_reference",
        )
    return method


# Which status may follow which; a cancelled gift stays cancelled (a new one is set up instead).
STATUS_CHANGES = {
    RegularGiftStatus.ACTIVE: {RegularGiftStatus.PAUSED, RegularGiftStatus.CANCELLED},
    RegularGiftStatus.PAUSED: {RegularGiftStatus.ACTIVE, RegularGiftStatus.CANCELLED},
    RegularGiftStatus.CANCELLED: set(),
}
STATUS_VERBS = {
    RegularGiftStatus.ACTIVE: "resumed",
    RegularGiftStatus.PAUSED: "paused",
    RegularGiftStatus.CANCELLED: "cancelled",
}


def change_regular_gift_status(gift: RegularGift, *, status: str, by: User | None) -> RegularGift:
    """Pause, resume or cancel. Cancelling ends the gift today and cancels its scheduled
    payments, so nothing is collected from a donor who stopped giving."""
    status = clean_choice(status, RegularGiftStatus, field="status")
    check_donor(gift.donor)
    with transaction.atomic():
        gift = (
            RegularGift.objects.select_for_update(of=("self",))
            .select_related("donor")
            .get(pk=gift.pk)
        )
        if gift.status == status:
            return gift  # a double click changes nothing
        if status not in STATUS_CHANGES[RegularGiftStatus(gift.status)]:
            raise InvalidInput(
                "A cancelled gift stays cancelled. Set up a new one instead.",
                field="status",
                code="gift_cancelled",
            )
        gift.status = status
        summary = f"{describe_gift(gift)} {STATUS_VERBS[RegularGiftStatus(status)]}"
        if status == RegularGiftStatus.CANCELLED:
            gift.ended_on = today()
            scheduled = gift.payments.filter(status=PaymentStatus.SCHEDULED)
            if count := scheduled.update(status=PaymentStatus.CANCELLED, updated_at=now()):
                summary += f"; {count} scheduled payment{'s' if count > 1 else ''} cancelled"
        else:
            gift.ended_on = None
        gift.save(update_fields=["status", "ended_on"])
        record_event(gift.donor, "regular_gift_status_changed", summary, by=by)
    return gift
