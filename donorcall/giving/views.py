"""Giving pages for managers, reached from the donor profile's Giving panel. Each loads what it
changes through an access helper (out of reach is a 404), calls one action, and goes back to
the profile with a toast."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.forms import Form
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from donorcall.donors.models import Donor
from donorcall.donors.queries import donor_for
from donorcall.lib.errors import DomainError
from donorcall.lib.forms import form_status
from donorcall.lib.http import AuthedRequest

from . import actions, queries
from .forms import (
    DonationForm,
    GiftStatusForm,
    PaymentForm,
    RegularGiftForm,
    ResolveForm,
    attach_refusal,
    initial_dates,
)


@permission_required("giving.add_donation", raise_exception=True)
def donation_create(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = donor_for(request.user, pk)
    form = DonationForm(request.POST or None, initial=initial_dates("received_on"))
    if request.method == "POST" and form.is_valid():
        try:
            donation = actions.record_donation(donor, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            amount = actions.money(donation.currency, donation.amount)
            messages.success(request, f"Donation of {amount} recorded.")
            return back_to_profile(donor)
    return form_page(request, "giving/donation_form.html", form, donor=donor)


@permission_required("giving.change_donation", raise_exception=True)
def donation_edit(request: AuthedRequest, pk: int, donation_pk: int) -> HttpResponse:
    donation = queries.donation_for(request.user, pk, donation_pk)
    fields = DonationForm.base_fields
    form = DonationForm(
        request.POST or None, initial={name: getattr(donation, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_donation(donation, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, "Donation saved.")
            return back_to_profile(donation.donor)
    context = {"donor": donation.donor, "donation": donation}
    return form_page(request, "giving/donation_form.html", form, **context)


@permission_required("giving.add_regulargift", raise_exception=True)
def regular_gift_create(request: AuthedRequest, pk: int) -> HttpResponse:
    donor = donor_for(request.user, pk)
    form = RegularGiftForm(request.POST or None, initial=initial_dates("started_on"))
    if request.method == "POST" and form.is_valid():
        try:
            gift = actions.set_up_regular_gift(donor, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"{gift.get_kind_display()} set up.")
            return back_to_profile(donor)
    return form_page(request, "giving/regular_gift_form.html", form, donor=donor)


@permission_required("giving.change_regulargift", raise_exception=True)
def regular_gift_status(request: AuthedRequest, pk: int, gift_pk: int) -> HttpResponse:
    gift = queries.regular_gift_for(request.user, pk, gift_pk)
    form = GiftStatusForm(request.POST or None, initial={"status": gift.status})
    if request.method == "POST" and form.is_valid():
        try:
            gift = actions.change_regular_gift_status(gift, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"{gift.get_kind_display()} {gift.get_status_display()}.")
            return back_to_profile(gift.donor)
    return form_page(request, "giving/gift_status_form.html", form, donor=gift.donor, gift=gift)


@permission_required("giving.add_payment", raise_exception=True)
def payment_create(request: AuthedRequest, pk: int, gift_pk: int) -> HttpResponse:
    gift = queries.regular_gift_for(request.user, pk, gift_pk)
    initial = initial_dates("due_on") | {"amount": gift.amount}
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            payment = actions.record_payment(gift, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"Payment recorded: {payment.get_status_display()}.")
            return back_to_profile(gift.donor)
    return form_page(request, "giving/payment_form.html", form, donor=gift.donor, gift=gift)


@permission_required("giving.change_payment", raise_exception=True)
def payment_resolve(request: AuthedRequest, pk: int, payment_pk: int) -> HttpResponse:
    payment = queries.payment_for(request.user, pk, payment_pk)
    donor = payment.regular_gift.donor
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.resolve_failed_payment(payment, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            outcome = actions.ResolveOutcome(form.cleaned_data["outcome"]).label
            messages.success(request, f"Failed payment resolved: {outcome.lower()}.")
            return back_to_profile(donor)
    context = {"donor": donor, "gift": payment.regular_gift, "payment": payment}
    return form_page(request, "giving/resolve_form.html", form, **context)


def form_page(request: AuthedRequest, template: str, form: Form, **context: object) -> HttpResponse:
    return render(request, template, {"form": form, **context}, status=form_status(form))


def back_to_profile(donor: Donor) -> HttpResponseRedirect:
    return redirect(reverse("donors:donor-profile", args=[donor.pk]) + "#giving")
