"""Donors flagged as possibly vulnerable, for managers to review and clear."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from donorcall.donors import queries
from donorcall.donors.actions.vulnerability import clear_vulnerable_flag
from donorcall.lib.errors import DomainError
from donorcall.lib.http import AuthedRequest


@permission_required("donors.change_donor", raise_exception=True)
def vulnerable_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "donors/vulnerable_list.html", {"donors": queries.vulnerable_donors()})


@permission_required("donors.change_donor", raise_exception=True)
@require_POST
def vulnerable_clear(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = queries.donor_for(request.user, pk)
    try:
        clear_vulnerable_flag(donor, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Flag cleared for {donor.name}.")
    return redirect("donors:vulnerable-list")
