"""In the call: the panel beside the donor's profile (seeds: "make donations and process
payments"; Send Email and Schedule Appointment come from the outbox and appointments apps).

Each tab is a fragment (``#in-call-panel``). A form with errors comes back in the panel; a
success re-renders the whole screen (the profile shows the new gift) with a toast.
"""

import json
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from donorcall.callcenter import forms, queries
from donorcall.callcenter.actions import gifts
from donorcall.callcenter.actions.console import Step
from donorcall.callcenter.models import Call
from donorcall.callcenter.views import respond, use_call_center
from donorcall.giving.actions import money, today
from donorcall.giving.forms import attach_refusal
from donorcall.giving.models import Payment, PaymentStatus
from donorcall.lib.errors import DomainError
from donorcall.lib.http import AuthedRequest

TABS = {
    "donation": ("Donation", forms.DonationInCallForm),
    "regular-gift": ("Regular gift or sponsorship", forms.RegularGiftInCallForm),
    "failed-payment": ("Failed payment", forms.ResolveInCallForm),
}


def panel(request: AuthedRequest, tab: str, call: Call, **context: Any) -> HttpResponse:
    context = {"tab": tab, "call": call, "donor": call.donor, "tabs": TABS} | context
    if tab == "failed-payment":
        context.setdefault("failed_payments", failed_payments(call))
    return render(request, "callcenter/in_call_panel.html", context)


def failed_payments(call: Call) -> list[Payment]:
    return list(
        Payment.objects.filter(regular_gift__donor=call.donor, status=PaymentStatus.FAILED)
        .select_related("regular_gift")
        .order_by("-due_on")
    )


@use_call_center
@require_http_methods(["GET", "POST"])
def in_call(request: AuthedRequest, tab: str) -> HttpResponse:
    if tab not in TABS:
        raise Http404("No such panel")
    call = queries.call_on_screen(request.user)
    form_class = TABS[tab][1]
    form = form_class(request.POST or None, initial=form_initial(tab))
    if request.method == "POST" and form.is_valid():
        try:
            step = ACTIONS[tab](request, call, form.cleaned_data)
        except DomainError as error:
            attach_refusal(form, error)
            response = panel(request, tab, call, form=form)
            toast = {"toast": {"message": error.message, "level": "error"}}
            response["HX-Trigger"] = json.dumps(toast)
            return response
        return whole_screen(request, step)
    return panel(request, tab, call, form=form)


def form_initial(tab: str) -> dict[str, Any]:
    return {"started_on": today()} if tab == "regular-gift" else {}


def whole_screen(request: AuthedRequest, step: Step) -> HttpResponse:
    response = respond(request, step)
    if request.htmx:
        response["HX-Retarget"] = "#console"
        response["HX-Reswap"] = "outerHTML"
    return response


def donation(request: AuthedRequest, call: Call, data: dict[str, Any]) -> Step:
    key = data.pop("request_key")
    if data["method"] == forms.PAY_BY_LINK:
        data.pop("method")
        sent = gifts.take_donation_by_link(call, by=request.user, request_key=key, **data)
        amount = money(sent.donation.currency, sent.donation.amount)
        return Step(f"Payment link for {amount} emailed to {sent.email.to_address}.")
    given = gifts.take_donation(call, by=request.user, request_key=key, **data)
    return Step(f"Donation of {money(given.currency, given.amount)} recorded (pending).")


def regular_gift(request: AuthedRequest, call: Call, data: dict[str, Any]) -> Step:
    key = data.pop("request_key")
    gift, confirmation = gifts.set_up_gift(call, by=request.user, request_key=key, **data)
    done = f"{gift.get_kind_display()} of {money(gift.currency, gift.amount)} set up."
    if confirmation is None:
        return Step(f"{done} No email can go to this donor: send the confirmation by post.",
                    "warning")  # fmt: skip
    return Step(f"{done} Confirmation email queued to {confirmation.to_address}.")


def failed_payment(request: AuthedRequest, call: Call, data: dict[str, Any]) -> Step:
    payment = Payment.objects.select_related("regular_gift").filter(pk=data["payment"]).first()
    if payment is None:
        raise Http404("No such payment")
    gifts.resolve_payment(
        call, payment, outcome=data["outcome"], new_due_on=data["new_due_on"], by=request.user
    )
    return Step("Failed payment resolved.")


ACTIONS = {"donation": donation, "regular-gift": regular_gift, "failed-payment": failed_payment}


@use_call_center
@require_http_methods(["POST"])
def vulnerable(request: AuthedRequest) -> HttpResponse:
    call = queries.call_on_screen(request.user)
    gifts.flag_vulnerable(call, by=request.user)
    return whole_screen(request, Step("Flagged as possibly vulnerable. A manager will review.",
                                      "warning"))  # fmt: skip
