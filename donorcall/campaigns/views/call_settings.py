"""Settings › Skip reasons, Break reasons, Ended reasons and their dispositions
(administrators). Skip and break reasons are the same kind of list, so their pages share
``reason_list``, ``reason_edit`` and ``reason_move``; each URL has its own permission."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from donorcall.lib.errors import DomainError
from donorcall.lib.forms import form_status
from donorcall.lib.http import AuthedRequest

from .. import actions, queries
from ..forms import DispositionForm, EndedReasonForm, ReasonForm, attach_refusal
from ..models import BreakReason, Disposition, EndedReason, SkipReason


@dataclass(frozen=True)
class ReasonList:
    model: type[SkipReason] | type[BreakReason]
    title: str
    singular: str
    url: str  # URL names start with this: skip-reason-list, skip-reason-edit…
    save: Callable
    explanation: str
    example: str


SKIP = ReasonList(
    SkipReason, "Skip reasons", "skip reason", "skip-reason", actions.save_skip_reason,
    "Why an agent skipped a donor they were previewing, instead of calling. Agents choose "
    "one whenever they skip.",
    "“Donor recently called by another team” or “Language not spoken”",
)  # fmt: skip
BREAK = ReasonList(
    BreakReason, "Break reasons", "break reason", "break-reason", actions.save_break_reason,
    "Why an agent takes a break (Take Break). Managers see it on the live view.",
    "“Lunch”, “Training” or “Comfort break”",
)  # fmt: skip


def reason_list(request: AuthedRequest, kind: ReasonList) -> HttpResponse:
    reasons = kind.model.objects.order_by("position", "name")
    return render(request, "campaigns/reason_list.html", {"kind": kind, "reasons": reasons})


def reason_edit(request: AuthedRequest, kind: ReasonList, pk: int | None) -> HttpResponse:
    reason = queries.setting_for(request.user, kind.model, pk) if pk else None
    initial = {"name": reason.name, "is_active": reason.is_active} if reason else None
    form = ReasonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = kind.save(reason, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"{kind.singular.capitalize()} {saved.name} saved.")
            return redirect(f"campaigns:{kind.url}-list")
    context = {"form": form, "kind": kind, "reason": reason}
    return render(request, "campaigns/reason_form.html", context, status=form_status(form))


def reason_move(request: AuthedRequest, kind: ReasonList, pk: int) -> HttpResponse:
    reason = queries.setting_for(request.user, kind.model, pk)
    move_or_warn(request, reason)
    return redirect(f"campaigns:{kind.url}-list")


def move_or_warn(request: AuthedRequest, item: SkipReason | BreakReason | Disposition) -> None:
    try:
        actions.move(item, direction=request.POST.get("direction", ""), by=request.user)
    except DomainError as error:
        messages.error(request, error.message)


@permission_required("campaigns.change_skipreason", raise_exception=True)
def skip_reason_list(request: AuthedRequest) -> HttpResponse:
    return reason_list(request, SKIP)


@permission_required("campaigns.add_skipreason", raise_exception=True)
def skip_reason_create(request: AuthedRequest) -> HttpResponse:
    return reason_edit(request, SKIP, None)


@permission_required("campaigns.change_skipreason", raise_exception=True)
def skip_reason_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return reason_edit(request, SKIP, pk)


@permission_required("campaigns.change_skipreason", raise_exception=True)
@require_POST
def skip_reason_move(request: AuthedRequest, pk: int) -> HttpResponse:
    return reason_move(request, SKIP, pk)


@permission_required("campaigns.change_breakreason", raise_exception=True)
def break_reason_list(request: AuthedRequest) -> HttpResponse:
    return reason_list(request, BREAK)


@permission_required("campaigns.add_breakreason", raise_exception=True)
def break_reason_create(request: AuthedRequest) -> HttpResponse:
    return reason_edit(request, BREAK, None)


@permission_required("campaigns.change_breakreason", raise_exception=True)
def break_reason_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return reason_edit(request, BREAK, pk)


@permission_required("campaigns.change_breakreason", raise_exception=True)
@require_POST
def break_reason_move(request: AuthedRequest, pk: int) -> HttpResponse:
    return reason_move(request, BREAK, pk)


# --- Ended reasons and dispositions ----------------------------------------------------------


def to_ended_reason(reason: EndedReason) -> HttpResponse:
    return redirect(reverse("campaigns:ended-reason-list") + f"#{reason.code}")


@permission_required("campaigns.change_endedreason", raise_exception=True)
def ended_reason_list(request: AuthedRequest) -> HttpResponse:
    context = {"ended_reasons": queries.ended_reasons()}
    return render(request, "campaigns/ended_reason_list.html", context)


@permission_required("campaigns.change_endedreason", raise_exception=True)
def ended_reason_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = queries.setting_for(request.user, EndedReason, pk)
    form = EndedReasonForm(request.POST or None, initial={"description": reason.description})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_ended_reason(reason, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"Description of {reason} saved.")
            return to_ended_reason(reason)
    context = {"form": form, "ended_reason": reason}
    return render(request, "campaigns/ended_reason_form.html", context, status=form_status(form))


@permission_required("campaigns.add_disposition", raise_exception=True)
def disposition_create(request: AuthedRequest, pk: int) -> HttpResponse:
    reason = queries.setting_for(request.user, EndedReason, pk)
    return disposition_form(request, reason, None)


@permission_required("campaigns.change_disposition", raise_exception=True)
def disposition_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    disposition = queries.setting_for(request.user, Disposition, pk)
    return disposition_form(request, disposition.ended_reason, disposition)


def disposition_form(
    request: AuthedRequest, reason: EndedReason, disposition: Disposition | None
) -> HttpResponse:
    fields = ("name", "is_success", "is_active")
    initial = {name: getattr(disposition, name) for name in fields} if disposition else None
    form = DispositionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_disposition(
                disposition, ended_reason=reason, **form.cleaned_data, by=request.user
            )
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"Disposition {reason} → {saved.name} saved.")
            return to_ended_reason(reason)
    context = {"form": form, "ended_reason": reason, "disposition": disposition}
    return render(request, "campaigns/disposition_form.html", context, status=form_status(form))


@permission_required("campaigns.change_disposition", raise_exception=True)
@require_POST
def disposition_move(request: AuthedRequest, pk: int) -> HttpResponse:
    disposition = queries.setting_for(request.user, Disposition, pk)
    move_or_warn(request, disposition)
    return to_ended_reason(disposition.ended_reason)
