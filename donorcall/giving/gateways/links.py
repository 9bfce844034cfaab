"""Pay by link: ask the gateway for a link for a donation, give the outbox what the email needs,
and apply the gateway's signed callback (docs/payments.md).

The HTTP call happens before any write and outside any transaction: a gateway that is down or
slow leaves nothing half-written and holds no lock while the agent waits.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from donorcall.donors.history import record_event
from donorcall.giving.actions import money, update_donation
from donorcall.giving.actions.inputs import check_donor
from donorcall.giving.models import (
    Donation,
    DonationStatus,
    PaymentLink,
    PaymentLinkStatus,
)
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, InvalidInput
from donorcall.staff.models import User

from . import signatures
from .interface import CallbackRefused, PaymentRequest
from .pay_by_link import PayByLinkGateway, pay_by_link_config

log = logging.getLogger(__name__)

# uuid5 namespace for idempotency keys: the same donation and attempt give the same key.
IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1d7c52-3b8e-4c8e-9d55-0c6f3f0b6a11")
# A donation that may be sent a (new) link: still to be paid, or its last link failed.
LINKABLE = (DonationStatus.PENDING, DonationStatus.FAILED)


def donation_reference(donation: Donation) -> str:
    """donorcall's reference for a donation at the gateway: an id, nothing personal."""
    return f"donation-{donation.pk}"


def request_payment_link(donation: Donation, *, by: User | None) -> PaymentLink:
    """A link where the donor pays ``donation``, made by the gateway and kept as a PaymentLink;
    the donation is (again) pending with the link's id as its gateway reference.

    A donation that already has an open link gets that link back (a double click sends one
    link). Raises PayByLinkUnavailable when not configured, GatewayUnavailable when the
    gateway cannot be reached or refuses: then nothing is written.
    """
    config = pay_by_link_config()
    # What the database says now, not the caller's copy: it may have been paid meanwhile.
    donation = Donation.objects.select_related("donor").get(pk=donation.pk)
    check_linkable(donation)
    if open_link := donation.payment_links.filter(status=PaymentLinkStatus.CREATED).first():
        return open_link
    request = link_request(donation, callback_url=config.callback_url)
    started = PayByLinkGateway(config).start_payment(request)
    return keep_link(donation, gateway_id=started.gateway_reference, url=started.url, by=by)


def check_linkable(donation: Donation) -> None:
    check_donor(donation.donor)
    if donation.status not in LINKABLE:
        raise Conflict(
            f"This donation is {donation.get_status_display().lower()}: a payment link is only "
            "for a gift still to be paid.",
            code="donation_not_payable",
        )
    if donation.method not in PayByLinkGateway.methods:
        raise InvalidInput(
            "A payment link is for a gift paid online or by card; this one is recorded as "
            f"{donation.get_method_display().lower()}.",
            field="method",
        )


def link_request(donation: Donation, *, callback_url: str) -> PaymentRequest:
    attempt = donation.payment_links.count() + 1
    key = uuid.uuid5(
        IDEMPOTENCY_NAMESPACE, f"{donation.pk}:{donation.created_at.isoformat()}:{attempt}"
    )
    return PaymentRequest(
        reference=donation_reference(donation),
        amount=donation.amount,
        currency=donation.currency,
        method=donation.method,
        description=f"Donation to {settings.DONORCALL_ORGANISATION_NAME}",
        callback_url=callback_url,
        idempotency_key=str(key),
    )


def keep_link(donation: Donation, *, gateway_id: str, url: str, by: User | None) -> PaymentLink:
    """Store the gateway's link. Two requests racing for one donation send the same idempotency
    key, so the gateway gives both the same link: the loser finds the open link and returns it."""
    try:
        with transaction.atomic():
            locked = Donation.objects.select_for_update(of=("self",)).get(pk=donation.pk)
            link = PaymentLink.objects.create(
                donation=locked, gateway_id=gateway_id, url=url, created_at=now(), created_by=by
            )
            locked.status = DonationStatus.PENDING
            locked.gateway_reference = gateway_id
            locked.save(update_fields=["status", "gateway_reference"])
            summary = f"Payment link for {money(locked.currency, locked.amount)} requested"
            record_event(locked.donor, "payment_link_requested", summary, by=by)
    except IntegrityError:
        open_link = donation.payment_links.filter(status=PaymentLinkStatus.CREATED).first()
        if open_link is None:
            raise
        return open_link
    log.info("payment link %s made for donation %s", link.pk, donation.pk)
    return link


def payment_link_email_context(link: PaymentLink) -> dict[str, str]:
    """The merge values for the email that sends the donor their link (the outbox sends it;
    the donor's own fields are the outbox's to merge)."""
    donation = link.donation
    return {
        "payment_link_url": link.url,
        "amount": f"{donation.amount:.2f}",
        "currency": donation.currency,
        "amount_with_currency": money(donation.currency, donation.amount),
        "donation_reference": donation_reference(donation),
        "organisation_name": settings.DONORCALL_ORGANISATION_NAME,
    }


@dataclass(frozen=True)
class CallbackEvent:
    """What the gateway says in a callback, read from its signed JSON body."""

    gateway_id: str
    status: str  # paid, failed or expired
    reference: str
    amount: Decimal
    currency: str


class UnknownLink(CallbackRefused):
    code = "unknown_payment_link"
    status = 404


class CallbackReplayed(CallbackRefused):
    code = "callback_replayed"
    status = 409


class CallbackMismatch(CallbackRefused):
    code = "callback_mismatch"
    status = 409


def receive_callback(body: bytes, signature: str | None) -> PaymentLink:
    """Apply a callback from the gateway: check its signature and age, then move the link (and
    the donation) on. A callback that repeats what the link already says changes nothing.

    Refusals (each a CallbackRefused with its code; nothing changes): bad_signature,
    stale_signature, invalid_callback, unknown_payment_link, callback_replayed,
    callback_mismatch (amount, currency or reference not the donation's).
    """
    signed_at = signatures.verify(
        body, signature, secret=settings.DONORCALL_PAYMENT_LINK_SECRET, now=now()
    )
    event = read_event(body)
    with transaction.atomic():
        link = (
            PaymentLink.objects.select_for_update(of=("self",))
            .select_related("donation__donor")
            .filter(gateway_id=event.gateway_id)
            .first()
        )
        if link is None:
            log.warning("callback for an unknown payment link refused")
            raise UnknownLink("donorcall made no payment link with this id.")
        check_fresh(link, signed_at)
        check_matches(link, event)
        link.last_callback_at = signed_at
        apply_status(link, event.status)
        link.save(update_fields=["status", "paid_at", "last_callback_at"])
    return link


CALLBACK_STATUSES = (PaymentLinkStatus.PAID, PaymentLinkStatus.FAILED, PaymentLinkStatus.EXPIRED)


def read_event(body: bytes) -> CallbackEvent:
    try:
        data = json.loads(body)
        event = CallbackEvent(
            gateway_id=str(data["id"]),
            status=str(data["status"]),
            reference=str(data["reference"]),
            amount=Decimal(str(data["amount"])),
            currency=str(data["currency"]).upper(),
        )
    except (ValueError, KeyError, TypeError, InvalidOperation) as error:
        raise CallbackRefused(
            "The callback needs JSON with id, status, reference, amount and currency.",
            code="invalid_callback",
        ) from error
    if event.status not in CALLBACK_STATUSES:
        raise CallbackRefused(
            "The callback's status must be paid, failed or expired.", code="invalid_callback"
        )
    return event


def check_fresh(link: PaymentLink, signed_at: datetime) -> None:
    # Every genuine delivery is signed afresh, so one signed no later than the last applied
    # is someone sending a captured delivery again.
    if link.last_callback_at and signed_at <= link.last_callback_at:
        log.warning("replayed callback for payment link %s refused", link.pk)
        raise CallbackReplayed("This callback was already received.")


def check_matches(link: PaymentLink, event: CallbackEvent) -> None:
    donation = link.donation
    if event.reference != donation_reference(donation):
        mismatch = "reference"
    elif event.currency != donation.currency:
        mismatch = "currency"
    elif event.amount != donation.amount:
        mismatch = "amount"
    else:
        return
    # Ids only: the log never holds who the donor is or what they gave.
    log.warning("callback for payment link %s refused: %s does not match", link.pk, mismatch)
    raise CallbackMismatch(
        f"The callback's {mismatch} is not the donation's.", code=f"{mismatch}_mismatch"
    )


def apply_status(link: PaymentLink, status: str) -> None:
    """Paid is final and always wins: money taken is recorded even on a link that failed or
    expired first. Failed and expired only close a link that is still open."""
    if link.status == status or link.status == PaymentLinkStatus.PAID:
        return
    if status != PaymentLinkStatus.PAID and link.status != PaymentLinkStatus.CREATED:
        return
    link.status = status
    donation = link.donation
    if status == PaymentLinkStatus.PAID:
        link.paid_at = now()
        received_on = timezone.localdate(link.paid_at)
        update_donation(donation, status=DonationStatus.RECEIVED, received_on=received_on, by=None)
    elif donation.status == DonationStatus.PENDING:
        update_donation(donation, status=DonationStatus.FAILED, by=None)
    log.info("payment link %s now %s", link.pk, status)
