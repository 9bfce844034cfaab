"""Communications › Appointments (managers) and the in-call Schedule Appointment fragment
(agents, included by the Call Center). Each view: access helper, form, one action, render."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from donorcall.appointments import actions, forms, queries
from donorcall.appointments.actions import describe, donor_zones, owner_choices
from donorcall.appointments.local_time import instant_of
from donorcall.appointments.models import Appointment
from donorcall.callcenter.models import Call
from donorcall.callcenter.queries import call_on_screen
from donorcall.campaigns.models import Campaign, CampaignStatus
from donorcall.donors.models import Donor
from donorcall.lib.errors import DomainError, InvalidInput
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest

PAGE_SIZE = 50
may_view = permission_required("appointments.view_appointment", raise_exception=True)
may_change = permission_required("appointments.change_appointment", raise_exception=True)
use_call_center = permission_required("staff.use_call_center", raise_exception=True)


@may_view
def appointment_list(request: AuthedRequest) -> HttpResponse:
    form = forms.FilterForm(request.GET or None)
    chosen = queries.AppointmentFilter(**form.cleaned_data) if form.is_valid() else None
    rows = queries.appointment_list(chosen or queries.AppointmentFilter())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filtered": bool(request.GET),
        "missed": queries.recently_missed(),
        "query": params.urlencode(),
    }
    return render(request, "appointments/list.html", context)


@may_view
def appointment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    appointment = queries.appointment_for(request.user, pk)
    return render(request, "appointments/detail.html", detail_context(appointment))


def detail_context(appointment: Appointment, **forms_given: object) -> dict[str, object]:
    zones = donor_zones(appointment.donor) or [appointment.zone]
    initial = {"date": appointment.local_date, "time": appointment.local_time,
               "zone": appointment.zone, "notes": appointment.notes}  # fmt: skip
    owners = owner_choices(appointment.campaign)
    return {
        "appointment": appointment,
        "when": describe(appointment),
        "reschedule": forms.RescheduleForm(initial=initial, zones=zones),
        "reassign": forms.ReassignForm(initial={"owner": appointment.owner_id}, owners=owners),
        "cancel": forms.CancelForm(),
        **queries.clocks(appointment.due_at, appointment.zone),
        **forms_given,
    }


@may_change
@require_POST
def appointment_reschedule(request: AuthedRequest, pk: int) -> HttpResponse:
    appointment = queries.appointment_for(request.user, pk)
    form = forms.RescheduleForm(request.POST, zones=donor_zones(appointment.donor))
    if form.is_valid():
        try:
            actions.reschedule_appointment(appointment, local=form.local,
                zone=form.cleaned_data["zone"], notes=form.cleaned_data["notes"],
                by=request.user)  # fmt: skip
            messages.success(request, f"Appointment moved to {describe_pk(pk)}.")
            return redirect("appointments:appointment-detail", pk)
        except DomainError as error:
            attach_error(form, error)
    context = detail_context(appointment, reschedule=form)
    return render(request, "appointments/detail.html", context, status=form_status(form))


@may_change
@require_POST
def appointment_reassign(request: AuthedRequest, pk: int) -> HttpResponse:
    appointment = queries.appointment_for(request.user, pk)
    form = forms.ReassignForm(request.POST, owners=owner_choices(appointment.campaign))
    if form.is_valid():
        try:
            owner = form.cleaned_data["owner"]
            actions.reassign_appointment(appointment, owner=owner, by=request.user)
            whom = owner.display_name if owner else "anyone on the team"
            messages.success(request, f"Appointment given to {whom}.")
            return redirect("appointments:appointment-detail", pk)
        except DomainError as error:
            attach_error(form, error)
    context = detail_context(appointment, reassign=form)
    return render(request, "appointments/detail.html", context, status=form_status(form))


@may_change
@require_POST
def appointment_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    appointment = queries.appointment_for(request.user, pk)
    form = forms.CancelForm(request.POST)
    if form.is_valid():
        try:
            actions.cancel_appointment(
                appointment, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, "Appointment cancelled.")
            return redirect("appointments:appointment-detail", pk)
        except DomainError as error:
            attach_error(form, error)
    context = detail_context(appointment, cancel=form)
    return render(request, "appointments/detail.html", context, status=form_status(form))


def describe_pk(pk: int) -> str:
    return describe(Appointment.objects.get(pk=pk))


# --- In a call: Schedule Appointment (the Call Center includes this fragment) -----------------


@use_call_center
def in_call(request: AuthedRequest) -> HttpResponse:
    """GET: the form for the call on screen (with ?date=&time= it shows that time on the
    agent's clock too). POST: book it; the fragment again, with a toast."""
    call = call_on_screen(request.user)
    zones = donor_zones(call.donor)
    if request.method != "POST":
        chosen = {"zone": zones[0] if zones else "", **request.GET.dict()}
        form = forms.InCallForm(initial=chosen, zones=zones)
        return in_call_fragment(request, call, form, preview=preview_of(request, zones))
    form = forms.InCallForm(request.POST, zones=zones)
    if form.is_valid():
        try:
            appointment = book_in_call(request, call, form)
        except DomainError as error:
            attach_error(form, error)
        else:
            return booked(request, call, appointment)
    return in_call_fragment(request, call, form, status=400 if not request.htmx else 200)


def book_in_call(request: AuthedRequest, call: Call, form: forms.InCallForm) -> Appointment:
    if call.campaign is None:  # an inbound call outside any campaign: nothing to serve it on
        raise InvalidInput("Appointments are booked on a campaign; this call has none.")
    owner = request.user if form.cleaned_data["owner"] == forms.ME else None
    return actions.schedule_appointment(
        call.donor, call.campaign, local=form.local, zone=form.cleaned_data["zone"],
        owner=owner, notes=form.cleaned_data["notes"], by=request.user, call=call,
    )  # fmt: skip


def booked(request: AuthedRequest, call: Call, appointment: Appointment) -> HttpResponse:
    yours = timezone.localtime(appointment.due_at)
    message = f"Appointment booked for {describe(appointment)} ({yours:%H:%M} your time)."
    zones = donor_zones(call.donor)
    form = forms.InCallForm(initial={"zone": appointment.zone}, zones=zones)
    response = in_call_fragment(request, call, form, appointment=appointment)
    response["HX-Trigger"] = json.dumps({"toast": {"message": message, "level": "success"}})
    if not request.htmx:
        messages.success(request, message)
    return response


def preview_of(request: AuthedRequest, zones: list[str]) -> dict[str, object] | None:
    """The chosen time on both clocks, for the form's live preview; None if incomplete."""
    form = forms.SlotForm(request.GET, zones=zones)
    if not request.GET or not form.is_valid():
        return None
    try:
        instant = instant_of(form.local, form.cleaned_data["zone"])
    except DomainError as error:
        return {"problem": error.message}
    return {"agent_at": timezone.localtime(instant), "local": form.local}


def in_call_fragment(
    request: AuthedRequest, call: Call, form: forms.InCallForm, *, status: int = 200,
    preview: dict[str, object] | None = None, appointment: Appointment | None = None,
) -> HttpResponse:  # fmt: skip
    zone = form["zone"].value() or (donor_zones(call.donor) or [""])[0]
    context = {
        "call": call,
        "form": form,
        "preview": preview,
        "appointment": appointment,
        **queries.clocks(None, str(zone)),
    }
    return render(request, "appointments/in_call.html", context, status=status)


# --- From the donor's profile (managers; donors/profile.html includes the panel) --------------


@may_view
def donor_panel(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the donor's appointments and, for managers who may book, the form. POST: book."""
    donor = get_object_or_404(Donor, pk=pk)
    form = None
    if request.user.has_perm("appointments.add_appointment"):
        form = profile_form(donor, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            appointment = actions.schedule_appointment(
                donor, form.cleaned_data["campaign"], local=form.local,
                zone=form.cleaned_data["zone"], owner=form.cleaned_data["owner"],
                notes=form.cleaned_data["notes"], by=request.user,
            )  # fmt: skip
        except DomainError as error:
            attach_error(form, error)
        else:
            return donor_booked(request, donor, appointment)
    context = {"donor": donor, "form": form,
               "appointments": queries.donor_appointments(donor.pk)[:20]}  # fmt: skip
    if request.htmx or request.method != "POST":
        return render(request, "appointments/donor_panel.html", context)
    return render(request, "appointments/donor_panel_page.html", context, status=400)


def donor_booked(request: AuthedRequest, donor: Donor, appointment: Appointment) -> HttpResponse:
    message = f"Appointment booked for {describe(appointment)}."
    if not request.htmx:
        messages.success(request, message)
        return redirect(reverse("donors:donor-profile", args=[donor.pk]) + "#appointments")
    context = {"donor": donor, "form": profile_form(donor, None),
               "appointments": queries.donor_appointments(donor.pk)[:20]}  # fmt: skip
    response = render(request, "appointments/donor_panel.html", context)
    response["HX-Trigger"] = json.dumps({"toast": {"message": message, "level": "success"}})
    return response


def profile_form(donor: Donor, data: object) -> forms.ProfileForm:
    zones = donor_zones(donor)
    campaigns = Campaign.objects.filter(status=CampaignStatus.ACTIVE)
    initial = {"zone": zones[0] if zones else ""}
    return forms.ProfileForm(data, initial=initial, zones=zones, campaigns=campaigns)
