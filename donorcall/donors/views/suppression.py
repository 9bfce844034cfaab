"""The suppression ledger: search it, add to it by hand or from a screening file, lift."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from donorcall.donors import actions, queries
from donorcall.donors.forms import ScreeningUploadForm, SuppressionForm, SuppressionSearchForm
from donorcall.lib.errors import InvalidInput
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest

PAGE_SIZE = 50


@permission_required("donors.view_suppression", raise_exception=True)
def suppression_list(request: AuthedRequest) -> HttpResponse:
    """The ledger. Filters travel by POST: a number or email is personal data."""
    search = SuppressionSearchForm(request.POST if "search" in request.POST else None)
    value = reason = ""
    if search.is_bound and search.is_valid():
        value, reason = search.cleaned_data["value"], search.cleaned_data["reason"]
    page_number = search.cleaned_data.get("page") if search.is_bound and search.is_valid() else 1
    page = Paginator(queries.suppression_list(value, reason), PAGE_SIZE).get_page(page_number or 1)
    context = {"page": page, "search": search, "form": SuppressionForm()}
    return render(request, "donors/suppression_list.html", context)


@permission_required("donors.add_suppression", raise_exception=True)
@require_POST
def suppression_add(request: AuthedRequest) -> HttpResponse:
    form = SuppressionForm(request.POST)
    if form.is_valid():
        try:
            actions.suppress(**form.cleaned_data, by=request.user)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, "Added to the suppression list.")
            return redirect("donors:suppression-list")
    page = Paginator(queries.suppression_list(), PAGE_SIZE).get_page(1)
    context = {"page": page, "search": SuppressionSearchForm(), "form": form, "open_form": True}
    return render(request, "donors/suppression_list.html", context, status=400)


@permission_required("donors.change_suppression", raise_exception=True)
@require_POST
def suppression_lift(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = queries.suppression_for(request.user, pk)
    try:
        actions.lift_suppression(entry, reason=request.POST.get("reason", ""), by=request.user)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Suppression lifted. It stays on the list as history.")
    return redirect("donors:suppression-list")


@permission_required("donors.add_suppression", raise_exception=True)
def screening_upload(request: AuthedRequest) -> HttpResponse:
    form = ScreeningUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        lines = io.TextIOWrapper(
            form.cleaned_data["file"].file, encoding="utf-8-sig", errors="replace"
        )
        try:
            report = actions.suppress_numbers_from_file(
                lines,
                reason=form.cleaned_data["reason"],
                source=form.cleaned_data["source"] or form.cleaned_data["file"].name,
                by=request.user,
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            message = f"Screening file read: {report.added} numbers added."
            if report.run:
                message += f" {report.run.numbers_screened} UK numbers marked screened today."
            messages.success(request, message)
    context = {"form": form, "report": report}
    return render(request, "donors/screening_upload.html", context, status=form_status(form))
