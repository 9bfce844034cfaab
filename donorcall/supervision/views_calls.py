"""Calls (managers): the list with filters, a call's page with its story and corrections, and
the review of calls closed without an outcome or with a late one. Each view: access helper,
form, one action, render."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from donorcall.callcenter.actions.corrections import correct_call, resolve_review
from donorcall.callcenter.models import Call
from donorcall.lib.errors import DomainError
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest
from donorcall.supervision import calls as queries
from donorcall.supervision.forms_calls import CallFilterForm, OutcomeForm

PAGE_SIZE = 50
may_view = permission_required("callcenter.view_call", raise_exception=True)
may_change = permission_required("callcenter.change_call", raise_exception=True)


@may_view
def call_list(request: AuthedRequest) -> HttpResponse:
    form = CallFilterForm(request.GET or None)
    page = Paginator(queries.call_list(form.chosen()), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "filtered": bool(params), "query": params.urlencode(),
               "to_review": queries.calls_for_review().count()}  # fmt: skip
    return render(request, "supervision/calls.html", context)


@may_view
def call_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    call = queries.call_for(request.user, pk)
    return render(request, "supervision/call_detail.html", detail_context(call))


def detail_context(call: Call, **forms_given: object) -> dict[str, object]:
    initial = {"reason": call.ended_reason, "disposition": call.disposition_id,
               "notes": call.notes}  # fmt: skip
    donations, regular_gifts = queries.gifts_on(call)
    return {
        "call": call,
        "edits": queries.call_edits(call),
        "donations": donations,
        "regular_gifts": regular_gifts,
        "correction": OutcomeForm(initial=initial, prefix="correct"),
        "resolution": OutcomeForm(initial=submitted_initial(call), prefix="resolve"),
        **forms_given,
    }


def submitted_initial(call: Call) -> dict[str, object]:
    kept = call.submitted_outcome or {}
    return {"reason": kept.get("reason") or call.ended_reason,
            "disposition": kept.get("disposition") or call.disposition_id,
            "notes": kept.get("notes") or call.notes}  # fmt: skip


@may_change
@require_POST
def call_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    call = queries.call_for(request.user, pk)
    form = OutcomeForm(request.POST, prefix="correct")
    if form.is_valid():
        try:
            data = form.cleaned_data
            correct_call(call, reason=data["reason"], disposition=data["disposition"],
                         notes=data["notes"], by=request.user)  # fmt: skip
            messages.success(request, "Call corrected. The queue was not changed.")
            return redirect("supervision:call-detail", pk)
        except DomainError as error:
            attach_error(form, error)
    context = detail_context(call, correction=form)
    return render(request, "supervision/call_detail.html", context, status=form_status(form))


@may_change
@require_POST
def call_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Apply the outcome the agent submitted late (``apply=submitted``), or the manager's."""
    call = queries.call_for(request.user, pk)
    form = OutcomeForm(request.POST, prefix="resolve")
    as_submitted = request.POST.get("apply") == "submitted"
    if as_submitted or form.is_valid():
        try:
            if as_submitted:
                resolve_review(call, by=request.user)
            else:
                data = form.cleaned_data
                resolve_review(call, reason=data["reason"], disposition=data["disposition"],
                               notes=data["notes"], by=request.user)  # fmt: skip
            messages.success(request, "Review resolved.")
            return redirect("supervision:call-review")
        except DomainError as error:
            attach_error(form, error)
    context = detail_context(call, resolution=form)
    return render(request, "supervision/call_detail.html", context, status=400)


@may_view
def review_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(queries.calls_for_review(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/calls_review.html", {"page": page})
