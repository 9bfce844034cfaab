"""The pay-by-link gateway's client: donorcall asks it over HTTP for a link where the donor pays
(docs/payments.md, "Creating a link").

``POST <DONORCALL_PAYMENT_LINK_URL>`` with ``Authorization: Bearer <key>``, an
``Idempotency-Key`` header and a JSON body; the answer is JSON with the link's ``id`` and
``url``. Any failure to get that answer is GatewayUnavailable, raised before donorcall writes
anything, so the agent can simply try again.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TypeGuard
from urllib.parse import urlsplit

from django.conf import settings

from donorcall.giving.models import DonationStatus, PaymentMethod

from .interface import GatewayUnavailable, PayByLinkUnavailable, PaymentRequest, PaymentStarted

log = logging.getLogger(__name__)

# Long enough for a slow gateway, short enough that an agent on a call is not left waiting.
TIMEOUT_SECONDS = 10
# The most of an answer donorcall reads: a link's id and address are a few hundred bytes.
MAX_ANSWER_BYTES = 64 * 1024
UNAVAILABLE = (
    "The payment gateway did not answer properly, so no link was made. Try again in a minute, "
    "or take the gift another way."
)


@dataclass(frozen=True)
class PayByLinkConfig:
    url: str
    key: str
    secret: str
    public_url: str

    @property
    def callback_url(self) -> str:
        return f"{self.public_url}/giving/gateway/callback/"


def pay_by_link_config() -> PayByLinkConfig:
    """The settings pay by link needs, or PayByLinkUnavailable naming the one missing."""
    config = PayByLinkConfig(
        url=settings.DONORCALL_PAYMENT_LINK_URL,
        key=settings.DONORCALL_PAYMENT_LINK_KEY,
        secret=settings.DONORCALL_PAYMENT_LINK_SECRET,
        public_url=settings.DONORCALL_PUBLIC_URL,
    )
    if not config.url:
        raise PayByLinkUnavailable(
            "Pay by link is not set up on this donorcall (DONORCALL_PAYMENT_LINK_URL is not "
            "set). Take the gift offline, or ask an administrator."
        )
    if urlsplit(config.url).scheme not in ("https", "http"):
        raise PayByLinkUnavailable(
            "DONORCALL_PAYMENT_LINK_URL must be an https:// address. Ask an administrator."
        )
    missing = [
        name
        for name, value in (
            ("DONORCALL_PAYMENT_LINK_KEY", config.key),
            ("DONORCALL_PAYMENT_LINK_SECRET", config.secret),
            ("DONORCALL_PUBLIC_URL", config.public_url),
        )
        if not value
    ]
    if missing:
        raise PayByLinkUnavailable(
            f"Pay by link is only half set up: {', '.join(missing)} is not set. Ask an "
            "administrator."
        )
    return config


class PayByLinkGateway:
    name = "pay_by_link"
    methods = frozenset({PaymentMethod.ONLINE, PaymentMethod.CARD})

    def __init__(self, config: PayByLinkConfig):
        self.config = config

    def start_payment(self, request: PaymentRequest) -> PaymentStarted:
        answer = self.post(link_body(request), idempotency_key=request.idempotency_key)
        link_id, url = answer.get("id"), answer.get("url")
        if not valid_id(link_id) or not valid_url(url):
            log.warning("payment gateway answered without a usable link id and url")
            raise GatewayUnavailable(UNAVAILABLE)
        return PaymentStarted(status=DonationStatus.PENDING, gateway_reference=link_id, url=url)

    def post(self, body: dict, *, idempotency_key: str) -> dict:
        http_request = urllib.request.Request(  # noqa: S310 (scheme checked in pay_by_link_config)
            self.config.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.config.key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Idempotency-Key": idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(http_request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = json.loads(response.read(MAX_ANSWER_BYTES))
        except urllib.error.HTTPError as error:
            log.warning("payment gateway refused a link request: HTTP %s", error.code)
            raise GatewayUnavailable(UNAVAILABLE) from error
        except (OSError, ValueError) as error:  # network, timeout, TLS, or not JSON
            log.warning("payment gateway unreachable or unreadable: %s", type(error).__name__)
            raise GatewayUnavailable(UNAVAILABLE) from error
        if not isinstance(answer, dict):
            raise GatewayUnavailable(UNAVAILABLE)
        return answer


def link_body(request: PaymentRequest) -> dict:
    # Amounts travel as strings so no program reads money through a float.
    return {
        "amount": f"{request.amount:.2f}",
        "currency": request.currency,
        "reference": request.reference,
        "description": request.description,
        "callback_url": request.callback_url,
    }


def valid_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= 100 and value.isprintable()


def valid_url(value: object) -> TypeGuard[str]:
    if not isinstance(value, str) or len(value) > 500:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)
