"""The outbox over JSON: the same actions and access rules as the pages.

Agents email only the donor of the call on their screen (``POST /in-call``); managers may
email any donor (``POST /emails``), list the outbox and resend.
"""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from donorcall.callcenter.queries import call_on_screen
from donorcall.donors.api import require
from donorcall.donors.models import Donor, EmailAddress

from . import actions, queries
from .models import EmailTemplate, OutgoingEmail

router = Router(tags=["outbox"])


class TemplateOut(Schema):
    id: int
    name: str
    purpose: str
    subject: str
    body: str
    is_active: bool

    @staticmethod
    def resolve_purpose(template: EmailTemplate) -> str:
        return template.purpose.code


class EmailOut(Schema):
    id: int
    donor_id: int
    template_id: int
    call_id: int | None
    to_address: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    provider_message_id: str
    queued_at: datetime
    sent_at: datetime | None


class QueueIn(Schema):
    template_id: int
    email_address_id: int | None = None


class DonorQueueIn(QueueIn):
    donor_id: int


def chosen_address(donor: Donor, pk: int | None) -> EmailAddress | None:
    return get_object_or_404(EmailAddress, pk=pk, donor=donor) if pk is not None else None


@router.get("/templates", response=list[TemplateOut])
def list_templates(request: HttpRequest) -> list[EmailTemplate]:
    """Templates in use, for choosing one to send."""
    require(request, "staff.use_call_center")
    return list(queries.active_templates().filter(code=""))  # built-ins go by themselves


@router.post("/in-call", response={201: EmailOut})
def queue_in_call(request: HttpRequest, payload: QueueIn) -> tuple[int, OutgoingEmail]:
    """Email the donor of the call on the agent's screen (404 if none). Sending the same
    template twice on one call answers with the email already queued."""
    agent = require(request, "staff.use_call_center")
    call = call_on_screen(agent)
    template = get_object_or_404(EmailTemplate, pk=payload.template_id)
    address = chosen_address(call.donor, payload.email_address_id)
    email = actions.queue_email(call.donor, template, by=agent, call=call, address=address)
    return 201, email


@router.post("/emails", response={201: EmailOut})
def queue_for_donor(request: HttpRequest, payload: DonorQueueIn) -> tuple[int, OutgoingEmail]:
    manager = require(request, "outbox.add_outgoingemail")
    donor = get_object_or_404(Donor, pk=payload.donor_id)
    template = get_object_or_404(EmailTemplate, pk=payload.template_id)
    address = chosen_address(donor, payload.email_address_id)
    return 201, actions.queue_email(donor, template, by=manager, address=address)


@router.get("/emails", response=list[EmailOut])
def list_emails(
    request: HttpRequest, status: str = "", limit: int = 100, offset: int = 0
) -> list[OutgoingEmail]:
    """Newest first; ``status`` is queued, sending, sent, failed or suppressed."""
    require(request, "outbox.view_outgoingemail")
    limit = max(1, min(limit, 500))
    return list(queries.outbox(status)[offset : offset + limit])


@router.post("/emails/{pk}/resend", response=EmailOut)
def resend(request: HttpRequest, pk: int) -> OutgoingEmail:
    manager = require(request, "outbox.resend_outgoingemail")
    return actions.resend(queries.email_for(manager, pk), by=manager)
