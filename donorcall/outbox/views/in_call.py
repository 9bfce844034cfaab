"""Send Email during a call: the fragment the Call Center includes (docs/outbox.md).

It always acts on the call on the agent's screen (``call_on_screen``; none is 404), so an
agent can never email a donor they are not on a call with.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from donorcall.callcenter.models import Call
from donorcall.callcenter.queries import call_on_screen
from donorcall.lib.errors import DomainError, InvalidInput
from donorcall.lib.http import AuthedRequest

from .. import actions, queries
from ..models import EmailTemplate, OutgoingEmail

use_call_center = permission_required("staff.use_call_center", raise_exception=True)
FRAGMENT = "outbox/in_call.html"


@use_call_center
@require_GET
def in_call(request: AuthedRequest) -> HttpResponse:
    call = call_on_screen(request.user)
    context = queries.in_call_context(call, request.user, request.GET.get("template"))
    return render(request, FRAGMENT, context)


@use_call_center
@require_GET
def in_call_preview(request: AuthedRequest) -> HttpResponse:
    """The chosen template rendered for the donor on the line (htmx swaps #email-preview)."""
    call = call_on_screen(request.user)
    context = queries.in_call_context(call, request.user, request.GET.get("template"))
    return render(request, f"{FRAGMENT}#preview", context)


@use_call_center
@require_POST
def in_call_send(request: AuthedRequest) -> HttpResponse:
    call = call_on_screen(request.user)
    chosen = request.POST.get("template")
    try:
        email = queue(request, call)
    except DomainError as error:
        return answer(request, call, chosen, error.message, "error")
    return answer(request, call, chosen, f"Email queued to {email.to_address}.", "success")


def queue(request: AuthedRequest, call: Call) -> OutgoingEmail:
    chosen = digits(request.POST.get("template"))
    template = EmailTemplate.objects.filter(pk=chosen).first() if chosen else None
    if template is None:
        raise InvalidInput("Choose a template.", field="template")
    address = None
    if picked := digits(request.POST.get("address")):
        address = call.donor.email_addresses.filter(pk=picked).first()
        if address is None:
            raise InvalidInput("Choose one of the donor's email addresses.", field="address")
    return actions.queue_email(call.donor, template, by=request.user, call=call, address=address)


def digits(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def answer(
    request: AuthedRequest, call: Call, chosen: object, message: str, level: str
) -> HttpResponse:
    """The fragment again with a toast (htmx), or back to the Call Center with a message."""
    if not request.htmx:
        messages.add_message(request, messages.SUCCESS if level == "success" else messages.ERROR,
                             message)  # fmt: skip
        return redirect("callcenter:console")
    response = render(request, FRAGMENT, queries.in_call_context(call, request.user, chosen))
    response["HX-Trigger"] = json.dumps({"toast": {"message": message, "level": level}})
    return response
