"""Call lists (managers): a new list for a campaign, from a filter or a file, with a preview
of how many donors it matches; and Refresh, which adds the donors a filter matches since."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from donorcall.lib.errors import DomainError
from donorcall.lib.forms import form_status
from donorcall.lib.http import AuthedRequest

from .. import calllists, queries
from ..forms import CallListFileForm, CallListFilterForm, attach_refusal
from ..models import CallList, CallListKind, Campaign


@permission_required("campaigns.add_calllist", raise_exception=True)
def call_list_create(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, pk)
    if request.GET.get("kind") == CallListKind.FILE:
        return file_list(request, campaign)
    return filter_list(request, campaign)


def filter_list(request: AuthedRequest, campaign: Campaign) -> HttpResponse:
    form = CallListFilterForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            if "preview" in request.POST:
                preview = calllists.preview_count(form.chosen())
            else:
                name = form.cleaned_data["name"]
                saved = calllists.create_filter_list(
                    campaign, name=name, chosen=form.chosen(), by=request.user
                )
                return connected(request, *saved)
        except DomainError as error:
            attach_refusal(form, error)
    context = {"campaign": campaign, "form": form, "kind": "filter", "preview": preview}
    return render(request, "campaigns/call_list_form.html", context, status=form_status(form))


def file_list(request: AuthedRequest, campaign: Campaign) -> HttpResponse:
    form = CallListFileForm(request.POST or None, request.FILES or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            references = calllists.read_references(upload.read())
            if "preview" in request.POST:
                checked = references
            else:
                saved = calllists.create_file_list(
                    campaign, name=form.cleaned_data["name"], file_name=upload.name or "",
                    references=references, skip_unknown=form.cleaned_data["skip_unknown"],
                    by=request.user,
                )  # fmt: skip
                return connected(request, *saved)
        except DomainError as error:
            attach_refusal(form, error)
    context = {"campaign": campaign, "form": form, "kind": "file", "checked": checked}
    return render(request, "campaigns/call_list_form.html", context, status=form_status(form))


def connected(
    request: AuthedRequest, call_list: CallList, report: calllists.ListReport
) -> HttpResponse:
    messages.success(request, f"Call list {call_list.name} connected: {report.summary()}")
    return redirect(queue_of(call_list))


@permission_required("campaigns.change_calllist", raise_exception=True)
@require_POST
def call_list_refresh(request: AuthedRequest, pk: int) -> HttpResponse:
    call_list = calllists.call_list_for(request.user, pk)
    try:
        report = calllists.refresh_call_list(call_list, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Call list {call_list.name} refreshed: {report.summary()}")
    return redirect(queue_of(call_list))


def queue_of(call_list: CallList) -> str:
    return reverse("campaigns:campaign-detail", args=[call_list.campaign_id]) + "#queue"
