from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from donorcall.donors import actions, queries
from donorcall.donors.forms import ErasureForm
from donorcall.lib.errors import InvalidInput
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest


@permission_required("donors.erase_donor", raise_exception=True)
def donor_erase(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm, then erase: the administrator types the reference, so it is never a slip."""
    donor = queries.donor_for(request.user, pk)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"].strip().upper() != donor.reference.upper():
            form.add_error("confirm", "That is not this donor's reference.")
        else:
            try:
                actions.erase_donor(donor, reason=form.cleaned_data["reason"], by=request.user)
            except InvalidInput as error:
                attach_error(form, error)
            else:
                messages.success(request, f"Donor {donor.reference} erased.")
                return redirect("donors:donor-profile", pk=donor.pk)
    context = {"donor": donor, "form": form}
    return render(request, "donors/erase.html", context, status=form_status(form))
