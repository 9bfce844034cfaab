"""The port every payment gateway fits (docs/payments.md): what donorcall asks, what it expects
back, and the refusals a gateway can cause.

A gateway never sees a card number from donorcall and never hands one back: the donor types card
details on the gateway's own page, and donorcall keeps the gateway's id for the payment.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from donorcall.lib.errors import DomainError


@dataclass(frozen=True)
class PaymentRequest:
    """What donorcall sends a gateway for one donation. No personal data: the gateway needs the
    money and a way back, not who the donor is."""

    reference: str  # donorcall's reference for the donation, echoed in callbacks
    amount: Decimal
    currency: str
    method: str  # a PaymentMethod value
    description: str = ""
    callback_url: str = ""
    # The same key for a retry of the same request: the gateway answers with what it made the
    # first time instead of making a second link (a timeout must not mean two payments).
    idempotency_key: str = ""


@dataclass(frozen=True)
class PaymentStarted:
    """A gateway's answer: the donation's status now, the gateway's id for the payment (blank
    when nothing outside donorcall is involved), and where the donor pays (pay by link)."""

    status: str  # a DonationStatus value: received, or pending until the gateway calls back
    gateway_reference: str = ""
    url: str = ""


class PaymentGateway(Protocol):
    name: str
    methods: frozenset[str]  # the PaymentMethod values this gateway takes

    def start_payment(self, request: PaymentRequest) -> PaymentStarted:
        """Start taking the payment; raise a GatewayError subclass if the gateway cannot."""
        ...


class GatewayError(DomainError):
    code = "gateway_error"


class GatewayUnavailable(GatewayError):
    """The gateway could not be reached, timed out, or answered with an error: nothing was
    written, and the same request may be tried again."""

    code = "gateway_unavailable"
    status = 503


class PayByLinkUnavailable(GatewayError):
    """Pay by link is not configured on this installation."""

    code = "pay_by_link_unavailable"
    status = 503


class CallbackRefused(GatewayError):
    """A callback donorcall will not act on; ``code`` says why. Nothing changes."""

    code = "callback_refused"
    status = 400
