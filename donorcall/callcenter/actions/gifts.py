"""Gifts during a call (seeds: "make donations and process payments"), and the vulnerable-donor
flag that ends the ask.

Each gift goes through the giving app's own action (its checks, its history), tied to the call
and to the submission's key, so a double click records one gift. No gift is taken on a call
whose donor has been flagged as possibly vulnerable (on this call or before, until a manager
clears the flag).
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from donorcall.callcenter.models import Call
from donorcall.donors.history import record_event
from donorcall.donors.models import Donor
from donorcall.giving import actions as giving
from donorcall.giving.gateways import (
    pay_by_link_config,
    payment_link_email_context,
    record_offline_gift,
    request_payment_link,
)
from donorcall.giving.models import (
    Donation,
    DonationStatus,
    Payment,
    PaymentLink,
    PaymentMethod,
    RegularGift,
)
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, NotAllowed
from donorcall.outbox.actions import NotEmailable, address_for, check_emailable, queue_email
from donorcall.outbox.builtins import PAYMENT_LINK, REGULAR_GIFT_CONFIRMATION
from donorcall.outbox.models import EmailTemplate, OutgoingEmail
from donorcall.staff.models import User

from .shifts import change_status, locked_status


class VulnerableDonor(Conflict):
    code = "vulnerable_donor"


def refuse_if_vulnerable(call: Call) -> None:
    if call.vulnerable_flagged or call.donor.vulnerable_flagged_at is not None:
        raise VulnerableDonor(
            "This donor has been flagged as possibly vulnerable: no gift can be taken on this "
            "call. A manager has been alerted."
        )


def on_campaign(call: Call, details: dict[str, Any]) -> dict[str, Any]:
    """A gift taken on a call is credited to the call's campaign unless the agent said other."""
    if call.campaign and not details.get("campaign"):
        return details | {"campaign": call.campaign.name[:100]}
    return details


def take_donation(
    call: Call, *, by: User, request_key: uuid.UUID | None, **details: Any
) -> Donation:
    """A one-off gift promised on the call, through the offline gateway: pending until the
    cheque or transfer arrives (the agent has not got the money in hand)."""
    refuse_if_vulnerable(call)
    details.setdefault("received_on", date.today())
    details.setdefault("status", DonationStatus.PENDING)
    details = on_campaign(call, details)
    return record_offline_gift(call.donor, by=by, call=call, request_key=request_key, **details)


@dataclass(frozen=True)
class LinkSent:
    donation: Donation
    link: PaymentLink
    email: OutgoingEmail


def take_donation_by_link(
    call: Call, *, by: User, request_key: uuid.UUID | None, **details: Any
) -> LinkSent:
    """Pay by link: the gift is recorded as pending (online), the gateway makes a link, and the
    outbox emails it to the donor, who pays on the gateway's page (no card number reaches
    donorcall). Everything that could refuse is checked before anything is written; if the
    gateway then fails, the pending gift stays and sending the same form again (same request
    key) asks for the link again."""
    refuse_if_vulnerable(call)
    pay_by_link_config()
    template = builtin_template(PAYMENT_LINK)
    check_emailable(call.donor, template, address_for(call.donor, None))
    details |= {"method": PaymentMethod.ONLINE, "status": DonationStatus.PENDING}
    details.setdefault("received_on", date.today())
    details = on_campaign(call, details)
    donation = giving.record_donation(
        call.donor, by=by, call=call, request_key=request_key, **details
    )
    link = request_payment_link(donation, by=by)  # HTTP: outside any transaction
    email = queue_email(
        call.donor, template, by=by, call=call, values=payment_link_email_context(link),
        about=f"donation:{donation.pk}",
    )  # fmt: skip
    return LinkSent(donation, link, email)


def builtin_template(code: str) -> EmailTemplate:
    template = EmailTemplate.objects.filter(code=code, is_active=True).first()
    if template is None:
        raise Conflict(
            "The email for this is retired: ask an administrator to put it back in use.",
            code="template_retired",
        )
    return template


def set_up_gift(
    call: Call, *, by: User, request_key: uuid.UUID | None, **details: Any
) -> tuple[RegularGift, OutgoingEmail | None]:
    """A regular gift or sponsorship set up on the call (a direct debit needs its mandate
    reference; the giving action says so), and its written confirmation queued in the same
    transaction: no gift without its email, no email for a gift that was not saved. None
    when the donor has no address the confirmation may go to (the agent is told)."""
    refuse_if_vulnerable(call)
    details = on_campaign(call, details)
    with transaction.atomic():
        gift = giving.set_up_regular_gift(
            call.donor, by=by, call=call, request_key=request_key, **details
        )
        return gift, confirm_in_writing(call, gift, by=by)


def confirm_in_writing(call: Call, gift: RegularGift, *, by: User) -> OutgoingEmail | None:
    template = EmailTemplate.objects.filter(code=REGULAR_GIFT_CONFIRMATION, is_active=True).first()
    if template is None:
        return None
    try:
        return queue_email(call.donor, template, by=by, call=call, about=f"regular-gift:{gift.pk}")
    except NotEmailable:
        return None


def resolve_payment(
    call: Call, payment: Payment, *, outcome: str, new_due_on: date | None, by: User
) -> Payment:
    """A failed payment of the donor on the call: paid now, a new date, or cancelled."""
    if payment.regular_gift.donor_id != call.donor_id:
        raise NotAllowed("That payment is not this donor's.", code="not_this_donor")
    if outcome == "paid_now":
        refuse_if_vulnerable(call)
    return giving.resolve_failed_payment(payment, outcome=outcome, new_due_on=new_due_on, by=by)


def flag_vulnerable(call: Call, *, by: User) -> Call:
    """End the ask: the call and the donor are flagged (who and when only), managers see it
    in their list, and no gift is taken on the call."""
    at = now()
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(vulnerable_flagged=True)
        call.vulnerable_flagged = True
        flagged = Donor.objects.filter(pk=call.donor_id, vulnerable_flagged_at=None).update(
            vulnerable_flagged_at=at, vulnerable_flagged_by=by
        )
        if flagged:
            record_event(call.donor, "vulnerable_flagged", "Flagged as possibly vulnerable", by=by)
        row = locked_status(by)
        change_status(
            row,
            row.status,
            notice="Possibly vulnerable donor: end the ask kindly. No gift can be taken on this "
            "call; a manager has been alerted.",
        )
    call.donor.refresh_from_db(fields=["vulnerable_flagged_at", "vulnerable_flagged_by"])
    return call
