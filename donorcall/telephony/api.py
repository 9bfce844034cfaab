"""The phone system's webhook: ``POST /api/v1/telephony/inbound`` (docs/telephony.md).

The body is JSON: ``{"event": "ringing" | "answered" | "ended", "call_id": "…", "caller":
"+447700900123", "called": "+442079460000"}``, signed like the payment gateway's callbacks:
``X-Donorcall-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`` with the shared
secret ``DONORCALL_TELEPHONY_SECRET``. A bad signature is 403 and changes nothing; a request
signed over five minutes ago, or one already seen (a replay), is refused too.

Ringing answers whether the call went to an agent or waits in the queue.
"""

import json
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Router, Schema

from donorcall.callcenter.actions import inbound
from donorcall.callcenter.models import InboundCall, InboundStatus
from donorcall.giving.gateways.signatures import HEADER, TOLERANCE, parse_header, verify
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, DomainError, InvalidInput

from .models import PhoneLine, SeenRequest

router = Router(tags=["telephony"])
EVENTS = ("ringing", "answered", "ended")


class Replayed(DomainError):
    code = "replayed"
    status = 409


class InboundOut(Schema):
    call_id: str
    status: str  # waiting, offered, taken, ended, abandoned
    queued: bool
    agent_id: int | None
    message: str


@router.post("/inbound", response=InboundOut, auth=None)
def inbound_event(request: HttpRequest) -> dict[str, Any]:
    body = request.body
    signature = request.headers.get(HEADER)
    verify(body, signature, secret=settings.DONORCALL_TELEPHONY_SECRET, now=now())
    event = parsed(body)
    with transaction.atomic():
        remember(signature or "")
    return answer(handle(event))


def parsed(body: bytes) -> dict[str, str]:
    try:
        event = json.loads(body)
    except ValueError as error:
        raise InvalidInput("The body is not JSON.", field="body") from error
    if not isinstance(event, dict) or not str(event.get("call_id", "")).strip():
        raise InvalidInput("Send the phone system's call id.", field="call_id")
    event.setdefault("event", "ringing")
    if event["event"] not in EVENTS:
        raise InvalidInput("event is ringing, answered or ended.", field="event")
    return {key: str(value) for key, value in event.items()}


def remember(signature: str) -> None:
    """A request is accepted once: its signature is kept for longer than it stays valid."""
    _, values = parse_header(signature)
    try:
        with transaction.atomic():
            SeenRequest.objects.create(signature=values[0][:128], at=now())
    except IntegrityError as error:
        raise Replayed("This request was already received.") from error
    SeenRequest.objects.filter(at__lt=now() - 2 * TOLERANCE).delete()


def handle(event: dict[str, str]) -> InboundCall:
    call_id = event["call_id"].strip()
    if event["event"] == "ringing":
        caller = event.get("caller", "").strip()
        if not caller:
            raise InvalidInput("Send the caller's number.", field="caller")
        called = event.get("called", "")
        line = PhoneLine.objects.filter(number=inbound.normalised(called)).first()
        team = line.team if line else None
        return inbound.ring(caller=caller, team=team, external_id=call_id, called=called)
    known = InboundCall.objects.filter(external_id=call_id).first()
    if known is None:
        raise Conflict("No call with this id is known here.", code="unknown_call")
    if event["event"] == "answered":
        return inbound.phone_answered(known)
    return inbound.phone_ended(known)


def answer(call: InboundCall) -> dict[str, Any]:
    queued = call.status == InboundStatus.WAITING
    message = (
        "Waiting in the queue: no inbound agent is free."
        if queued
        else f"{call.get_status_display()}."
    )
    return {
        "call_id": call.external_id or "",
        "status": call.status,
        "queued": queued,
        "agent_id": call.offered_to_id,
        "message": message,
    }
