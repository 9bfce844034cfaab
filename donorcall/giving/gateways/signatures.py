"""Signed callbacks, in Stripe's scheme: ``X-Donorcall-Signature: t=<unix time>,v1=<hex>``
where the hex is HMAC-SHA256 of ``"<t>.<body>"`` with the shared secret.

The time is inside what is signed, so an old delivery cannot be given a fresh time; deliveries
older than TOLERANCE are refused, which bounds how long a captured one could be replayed.
Several ``v1`` values are allowed, so a gateway can sign with old and new secrets while the
secret is being changed.
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from .interface import CallbackRefused

HEADER = "X-Donorcall-Signature"
TOLERANCE = timedelta(minutes=5)


class BadSignature(CallbackRefused):
    code = "bad_signature"
    status = 403


class StaleSignature(CallbackRefused):
    code = "stale_signature"
    status = 403


def sign(body: bytes, *, secret: str, at: datetime) -> str:
    """The header value a gateway sends with ``body`` at ``at`` (the tests' gateway uses it)."""
    timestamp = int(at.timestamp())
    return f"t={timestamp},v1={digest(body, secret=secret, timestamp=str(timestamp))}"


def digest(body: bytes, *, secret: str, timestamp: str) -> str:
    signed = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, *, secret: str, now: datetime) -> datetime:
    """The time the gateway signed ``body`` at, or BadSignature / StaleSignature."""
    if not secret:
        raise BadSignature("Callbacks cannot be checked: no signing secret is configured.")
    timestamp, signatures = parse_header(header or "")
    expected = digest(body, secret=secret, timestamp=timestamp)
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise BadSignature("The callback's signature does not match.")
    signed_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    if abs(now - signed_at) > TOLERANCE:
        raise StaleSignature("The callback was signed too long ago (or in the future).")
    return signed_at


def parse_header(header: str) -> tuple[str, list[str]]:
    pairs = [part.strip().partition("=") for part in header.split(",")]
    timestamps = [value for key, _, value in pairs if key == "t"]
    signatures = [value for key, _, value in pairs if key == "v1" and value]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        raise BadSignature(f"The callback needs an {HEADER} header: t=<unix time>,v1=<hex>.")
    return timestamps[0], signatures
