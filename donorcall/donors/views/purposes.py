"""Settings › Purposes: why the charity contacts people (fundraising, marketing, service…)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from donorcall.donors import actions, queries
from donorcall.donors.forms import PurposeForm
from donorcall.donors.models import Purpose
from donorcall.lib.errors import InvalidInput
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest


@permission_required("donors.change_purpose", raise_exception=True)
def purpose_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "donors/purpose_list.html", {"purposes": Purpose.objects.all()})


@permission_required("donors.change_purpose", raise_exception=True)
def purpose_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    purpose = queries.purpose_for(request.user, pk) if pk else None
    initial = {"name": purpose.name, "is_active": purpose.is_active} if purpose else None
    form = PurposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_purpose(purpose, **form.cleaned_data, by=request.user)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Purpose {saved.name} saved.")
            return redirect("donors:purpose-list")
    context = {"form": form, "purpose": purpose}
    return render(request, "donors/purpose_form.html", context, status=form_status(form))
