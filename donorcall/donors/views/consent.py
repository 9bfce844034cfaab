from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from donorcall.donors import actions, queries
from donorcall.donors.forms import ConsentForm
from donorcall.lib.errors import InvalidInput
from donorcall.lib.http import AuthedRequest

from .profile import profile_with_form


@permission_required("donors.add_consentevent", raise_exception=True)
@require_POST
def consent_record(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = queries.donor_for(request.user, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            event = actions.record_consent(donor, **form.cleaned_data, by=request.user)
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                f"{event.get_channel_display()} consent for {event.purpose.name.lower()} "
                f"{event.get_status_display().lower()}.",
            )
            return redirect("donors:donor-profile", pk=donor.pk)
    return profile_with_form(request, donor, "consent_form", form)
