"""The offline gateway, built in: cash, cheque, bank transfer and a direct debit mandate.

Nothing outside donorcall is asked: the gift is recorded as received, or as pending while the
money is still to come (a direct debit is collected by the bank later; a cheque in the post).
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from donorcall.donors.models import Donor
from donorcall.giving.actions import record_donation
from donorcall.giving.actions.inputs import clean_amount
from donorcall.giving.models import Donation, DonationStatus, PaymentMethod
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

from .interface import PaymentRequest, PaymentStarted

if TYPE_CHECKING:
    from donorcall.callcenter.models import Call

# Recorded straight away unless the person taking the gift says the money is still to come.
PENDING_UNTIL_COLLECTED = {PaymentMethod.DIRECT_DEBIT}


class OfflineGateway:
    name = "offline"
    methods = frozenset(
        {
            PaymentMethod.CASH,
            PaymentMethod.CHEQUE,
            PaymentMethod.BANK_TRANSFER,
            PaymentMethod.DIRECT_DEBIT,
        }
    )

    def start_payment(self, request: PaymentRequest) -> PaymentStarted:
        if request.method not in self.methods:
            raise InvalidInput(
                "Take this gift through pay by link: the offline gateway records cash, cheque, "
                "bank transfer and direct debit.",
                field="method",
            )
        status = (
            DonationStatus.PENDING
            if request.method in PENDING_UNTIL_COLLECTED
            else DonationStatus.RECEIVED
        )
        return PaymentStarted(status=status)


def record_offline_gift(
    donor: Donor,
    *,
    amount: Decimal | int | str,
    currency: str,
    method: str,
    received_on: date | None,
    status: str = "",
    reference: str = "",
    campaign: str = "",
    fund: str = "",
    gift_aid: bool = False,
    notes: str = "",
    by: User | None,
    call: "Call | None" = None,
    request_key: uuid.UUID | None = None,
) -> Donation:
    """A one-off gift taken offline (on ``call``, if on one; ``request_key``: a resubmission
    returns the gift already recorded). ``status`` (received or pending) overrides the method's
    usual one; ``reference`` is the cheque number, transfer reference or mandate reference, and
    goes through the same card-number check as every free text (a direct debit needs one)."""
    request = PaymentRequest(
        reference="", amount=clean_amount(amount), currency=currency, method=method
    )
    started = OfflineGateway().start_payment(request)
    if status and status not in (DonationStatus.RECEIVED, DonationStatus.PENDING):
        raise InvalidInput("An offline gift is received or pending.", field="status")
    if method == PaymentMethod.DIRECT_DEBIT and not reference.strip():
        raise InvalidInput(
            "A direct debit needs its mandate reference, from the bank instruction.",
            field="reference",
        )
    return record_donation(
        donor, amount=request.amount, currency=currency, received_on=received_on, method=method,
        status=status or started.status, gateway_reference=reference, campaign=campaign,
        fund=fund, gift_aid=gift_aid, notes=notes, by=by, call=call, request_key=request_key,
    )  # fmt: skip
