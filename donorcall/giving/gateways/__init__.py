"""Payment gateways (docs/payments.md): the port every gateway fits, the built-in offline
gateway, and pay by link.

What the rest of donorcall calls:

- ``record_offline_gift(donor, *, amount, currency, method, received_on, …, by)``: cash,
  cheque, bank transfer or a direct debit mandate, recorded at once (received or pending).
- ``request_payment_link(donation, *, by)``: the gateway makes a link for a pending online or
  card donation; the outbox emails it with ``payment_link_email_context(link)``.
- ``receive_callback(body, signature)``: the gateway's signed callback (the public view).

No card number reaches donorcall: the donor types it on the gateway's page (COMPLIANCE.md).
"""

from .interface import (
    CallbackRefused,
    GatewayError,
    GatewayUnavailable,
    PayByLinkUnavailable,
    PaymentGateway,
    PaymentRequest,
    PaymentStarted,
)
from .links import payment_link_email_context, receive_callback, request_payment_link
from .offline import OfflineGateway, record_offline_gift
from .pay_by_link import PayByLinkGateway, pay_by_link_config

__all__ = [
    "CallbackRefused",
    "GatewayError",
    "GatewayUnavailable",
    "OfflineGateway",
    "PayByLinkGateway",
    "PayByLinkUnavailable",
    "PaymentGateway",
    "PaymentRequest",
    "PaymentStarted",
    "pay_by_link_config",
    "payment_link_email_context",
    "receive_callback",
    "record_offline_gift",
    "request_payment_link",
]
