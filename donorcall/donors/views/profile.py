"""Donor pages: search, profile, create and edit, contact details.

Search runs as a POST so that names, numbers and emails never appear in a URL or an access
log (COMPLIANCE.md: no personal data in URLs or logs).
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from donorcall.donors import actions, queries
from donorcall.donors.forms import (
    AddressForm,
    ConsentForm,
    DonorForm,
    DonorSearchForm,
    EmailForm,
    NewDonorForm,
    PhoneNumberForm,
    RemovalForm,
)
from donorcall.donors.models import Donor
from donorcall.giving.queries import giving_profile
from donorcall.lib.errors import InvalidInput
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest

PAGE_SIZE = 25

view_donors = permission_required("donors.view_donor", raise_exception=True)
change_donors = permission_required("donors.change_donor", raise_exception=True)


@view_donors
def donor_search(request: AuthedRequest) -> HttpResponse:
    form = DonorSearchForm(request.POST or None)
    page = None
    if request.method == "POST" and form.is_valid():
        found = queries.search_donors(request.user, form.cleaned_data["q"])
        paginator = Paginator(queries.with_primary_contacts(found), PAGE_SIZE)
        page = paginator.get_page(form.cleaned_data["page"] or 1)
    context = {"form": form, "page": page, "searched": request.method == "POST"}
    template = "donors/search.html#results" if request.htmx else "donors/search.html"
    return render(request, template, context)


@view_donors
def donor_profile(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = queries.donor_for(request.user, pk)
    return render(request, "donors/profile.html", profile_context(donor))


def profile_context(donor: Donor, **forms: Form) -> dict[str, object]:
    """Everything the profile shows, with empty forms unless a failed one is passed in."""
    empty_forms = {
        "phone_form": PhoneNumberForm(),
        "email_form": EmailForm(),
        "address_form": AddressForm(),
        "consent_form": ConsentForm(),
    }
    return (
        queries.donor_profile(donor)
        | queries.consent_overview(donor)
        | giving_profile(donor)
        | {"suppressed": queries.suppressed_values(donor), "history": queries.donor_history(donor)}
        | empty_forms
        | forms
    )


@permission_required("donors.add_donor", raise_exception=True)
def donor_create(request: AuthedRequest) -> HttpResponse:
    form = NewDonorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donor = actions.create_donor(
                form.details(),
                reference=form.cleaned_data["reference"],
                phone_number=form.cleaned_data["phone_number"],
                email=form.cleaned_data["email"],
                address=form.address(),
                by=request.user,
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Donor {donor.reference} created.")
            return redirect("donors:donor-profile", pk=donor.pk)
    context = {"form": form, "donor": None}
    return render(request, "donors/donor_form.html", context, status=form_status(form))


@change_donors
def donor_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = queries.donor_for(request.user, pk)
    form = DonorForm(request.POST or None, initial=donor_initial(donor))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_donor(donor, form.details(), by=request.user)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, "Donor details saved.")
            return redirect("donors:donor-profile", pk=donor.pk)
    context = {"form": form, "donor": donor}
    return render(request, "donors/donor_form.html", context, status=form_status(form))


def donor_initial(donor) -> dict:
    fields = ["title", "first_name", "last_name", "is_organisation", "organisation_name",
              "date_of_birth", "status"]  # fmt: skip
    return {name: getattr(donor, name) for name in fields}


@change_donors
@require_POST
def phone_add(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = queries.donor_for(request.user, pk)
    form = PhoneNumberForm(request.POST)
    if form.is_valid():
        try:
            actions.add_phone_number(
                donor,
                number=form.cleaned_data["number"],
                kind=form.cleaned_data["kind"],
                primary=form.cleaned_data["primary"],
                by=request.user,
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, "Phone number added.")
            return redirect("donors:donor-profile", pk=donor.pk)
    return profile_with_form(request, donor, "phone_form", form)


@change_donors
@require_POST
def email_add(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = queries.donor_for(request.user, pk)
    form = EmailForm(request.POST)
    if form.is_valid():
        try:
            actions.add_email(
                donor, email=form.cleaned_data["email"], primary=form.cleaned_data["primary"],
                by=request.user,
            )  # fmt: skip
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, "Email address added.")
            return redirect("donors:donor-profile", pk=donor.pk)
    return profile_with_form(request, donor, "email_form", form)


@change_donors
@require_POST
def address_add(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = queries.donor_for(request.user, pk)
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            actions.add_address(
                donor, form.details(), primary=form.cleaned_data["primary"], by=request.user
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, "Address added.")
            return redirect("donors:donor-profile", pk=donor.pk)
    return profile_with_form(request, donor, "address_form", form)


@change_donors
@require_POST
def detail_remove(request: AuthedRequest, pk: int, kind: str, detail_pk: int) -> HttpResponse:
    entry = queries.contact_detail_for(request.user, pk, kind, detail_pk)
    form = RemovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why this is being removed.")
        return redirect("donors:donor-profile", pk=pk)
    actions.remove_contact_detail(entry, reason=form.cleaned_data["reason"], by=request.user)
    messages.success(
        request, f"{str(entry._meta.verbose_name).capitalize()} removed. It stays in the history."
    )
    return redirect("donors:donor-profile", pk=pk)


@change_donors
@require_POST
def detail_make_primary(request: AuthedRequest, pk: int, kind: str, detail_pk: int) -> HttpResponse:
    entry = queries.contact_detail_for(request.user, pk, kind, detail_pk)
    try:
        actions.make_primary(entry, by=request.user)
    except InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Primary {entry._meta.verbose_name} changed.")
    return redirect("donors:donor-profile", pk=pk)


def profile_with_form(request: AuthedRequest, donor: Donor, name: str, form: Form) -> HttpResponse:
    """Show the profile again with the failed form open and its errors, input kept."""
    context = profile_context(donor, **{name: form}) | {"open_form": name}
    return render(request, "donors/profile.html", context, status=400)
