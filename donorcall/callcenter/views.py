"""Communications › Call Center: the agent's screen (seeds: "Calling a Donor").

One page; every button posts to a small view that runs one action and answers with the
screen's body re-rendered (htmx swaps ``#console``) and a toast (HX-Trigger). Without
JavaScript the same forms post normally and land back on the page with the toast as a message.
The screen's state lives on the server (AgentStatus), so a reload shows exactly where the
agent is.
"""

import json
from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from donorcall.callcenter import forms, queries
from donorcall.callcenter.actions import console, inbound, shifts
from donorcall.callcenter.actions.console import Step
from donorcall.campaigns.queries import disposition_chosen
from donorcall.donors.actions import DonorDetails
from donorcall.donors.models import Donor, DonorStatus
from donorcall.lib.errors import DomainError, InvalidInput
from donorcall.lib.http import AuthedRequest

use_call_center = permission_required("staff.use_call_center", raise_exception=True)
LEVELS = {"success": messages.SUCCESS, "info": messages.INFO, "warning": messages.WARNING}


@use_call_center
def call_center(request: AuthedRequest) -> HttpResponse:
    step = console.settle(request.user)
    if step is not None:
        messages.add_message(request, LEVELS.get(step.level, messages.ERROR), step.message)
    return render(request, "callcenter/console.html", queries.console(request.user))


def respond(request: AuthedRequest, step: Step | None, **extra: object) -> HttpResponse:
    """The screen as it is now, with the step's toast."""
    if not request.htmx:
        if step is not None:
            messages.add_message(request, LEVELS.get(step.level, messages.ERROR), step.message)
        if extra:
            return render(request, "callcenter/console.html", queries.console(request.user) | extra)
        return redirect("callcenter:console")
    context = queries.console(request.user) | extra
    response = render(request, "callcenter/console.html#console", context)
    if step is not None:
        response["HX-Trigger"] = json.dumps(
            {"toast": {"message": step.message, "level": step.level}}
        )
    return response


def step_view(run: Callable[[AuthedRequest], Step | None]) -> Callable[..., HttpResponse]:
    """A POST that runs one action: its Step, or its refusal, becomes the toast."""

    @use_call_center
    @require_POST
    def view(request: AuthedRequest) -> HttpResponse:
        try:
            step = run(request)
        except DomainError as error:
            return respond(request, Step(error.message, "error"))
        return respond(request, step)

    view.__name__ = run.__name__
    view.__doc__ = run.__doc__
    return view


# --- Sign In (two steps: the job role, then the Shift Time Confirmation) -----------------------


@use_call_center
@require_POST
def sign_in(request: AuthedRequest) -> HttpResponse:
    """Sign In with the chosen job role: shows the Shift Time Confirmation."""
    form = forms.SignInForm(request.POST)
    roles = shifts.job_roles_for(request.user)
    if not form.is_valid() or not roles.filter(pk=form.cleaned_data["job_role"].pk).exists():
        return respond(request, Step("Choose a job role you may sign in with.", "error"))
    role = form.cleaned_data["job_role"]
    shift_form = forms.ShiftTimeForm(
        initial={"job_role": role.pk, "ends_at": forms.DEFAULT_SHIFT_END, "extension_hours": 0}
    )
    return respond(request, None, confirming=role, shift_form=shift_form)


@use_call_center
@require_POST
def confirm_shift(request: AuthedRequest) -> HttpResponse:
    form = forms.ShiftTimeForm(request.POST)
    if not form.is_valid():
        role = form.cleaned_data.get("job_role")
        return respond(request, None, confirming=role, shift_form=form)
    times = shifts.ShiftTimes(form.cleaned_data["ends_at"], form.cleaned_data["extension_hours"])
    try:
        shifts.sign_in(request.user, job_role=form.cleaned_data["job_role"], times=times)
    except DomainError as error:
        return respond(request, Step(error.message, "error"))
    return respond(request, Step("Success signed into shift"))


def sign_out(request: AuthedRequest) -> Step:
    shifts.sign_out(request.user, by=request.user)
    return Step("Signed out of your shift.")


def cancel_sign_in(request: AuthedRequest) -> None:
    return None


# --- The dialler -------------------------------------------------------------------------------


def ready(request: AuthedRequest) -> Step:
    """Ready for Call, from the dialler popup, or after a call with the same choice; with a
    job role that takes only inbound calls, Ready for inbound calls."""
    shift = shifts.open_shift(request.user)
    if shift is not None and not shift.job_role.makes_outbound_calls:
        return inbound.ready_for_inbound(request.user)
    if "team" not in request.POST:  # after a call: the team and campaigns chosen before
        status = queries.status_for(request.user)
        team, campaigns = status.team, list(status.campaigns.all())
    else:
        form = forms.ReadyForm(request.POST)
        form.is_valid()
        team, campaigns = (
            form.cleaned_data.get("team"),
            list(form.cleaned_data.get("campaigns", [])),
        )
    return console.ready_for_call(request.user, team=team, campaigns=campaigns)


def call(request: AuthedRequest) -> Step:
    return console.call_donor(request.user)


def skip(request: AuthedRequest) -> Step:
    form = forms.SkipForm(request.POST)
    form.is_valid()
    return console.skip_donor(request.user, reason=form.cleaned_data.get("skip_reason"))


def end_call(request: AuthedRequest) -> Step:
    return console.end_call(request.user)


def outcome(request: AuthedRequest) -> Step:
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return Step(str(error), "error")
    disposition = disposition_chosen(form.disposition_id(), field="disposition")
    return console.save_outcome(
        request.user,
        reason=form.cleaned_data["reason"],
        disposition=disposition,
        notes=form.cleaned_data["notes"],
    )


def other_campaigns(request: AuthedRequest) -> Step:
    return console.choose_other_campaigns(request.user)


def take_break(request: AuthedRequest) -> Step:
    form = forms.BreakForm(request.POST)
    form.is_valid()
    taken = shifts.take_break(request.user, reason=form.cleaned_data.get("break_reason"))
    return Step(f"On break: {taken.reason}.")


def resume(request: AuthedRequest) -> Step:
    shifts.resume_shift(request.user)
    return Step("Shift resumed. Ready for Call when you are.")


def incoming(request: AuthedRequest) -> Step:
    """Incoming call, by hand: the agent picked up and types the caller's number."""
    form = forms.IncomingForm(request.POST)
    form.is_valid()
    return inbound.incoming_by_hand(request.user, caller=form.cleaned_data.get("caller", ""))


def caller_is(request: AuthedRequest) -> Step:
    """The caller is this donor: one of the number's matches, or found by a search."""
    raw = request.POST.get("donor", "")
    donors = Donor.objects.exclude(status=DonorStatus.ERASED)
    donor = donors.filter(id=int(raw)).first() if raw.isdigit() else None
    if donor is None:
        raise InvalidInput("Choose the donor who is calling.", field="donor")
    return inbound.choose_donor(request.user, donor)


def new_caller(request: AuthedRequest) -> Step:
    form = forms.NewCallerForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("Give at least the caller's last name.", field="last_name")
    return inbound.new_donor_for_call(request.user, DonorDetails(**form.cleaned_data))


@use_call_center
@require_POST
def caller_search(request: AuthedRequest) -> HttpResponse:
    """Search for the caller by name, reference or email (a POST: no personal data in URLs).
    Only while an incoming call waits for its donor on the agent's screen."""
    status = queries.status_for(request.user)
    if status.inbound is None or status.call is not None:
        return respond(request, Step("There is no incoming call on your screen.", "error"))
    form = forms.InboundSearchForm(request.POST)
    found = queries.callers_found(form.cleaned_data["q"]) if form.is_valid() else []
    return respond(request, None, caller_results=found, caller_query=request.POST.get("q", ""))


@use_call_center
@require_POST
def heartbeat(request: AuthedRequest) -> HttpResponse:
    """The screen's heartbeat (htmx, every few seconds): 204 if nothing changed since the
    version the screen shows, else the screen re-rendered (with a toast if there is news)."""
    try:
        step = console.keep_alive(request.user)
    except DomainError as error:
        step = Step(error.message, "error")
    shown = request.POST.get("version", "")
    if step is None and shown == str(queries.status_for(request.user).version):
        return HttpResponse(status=204)
    return respond(request, step)


# --- Calls (the agent's calls and appointments for a day) -------------------------------------


@use_call_center
def calls(request: AuthedRequest) -> HttpResponse:
    day = parse_day(request.GET.get("date", ""))
    context = {
        "day": day,
        "today": timezone.localdate(),
        "calls": queries.calls_on(request.user, day),
        "appointments": queries.appointments_on(request.user, day),
    }
    return render(request, "callcenter/calls.html", context)


def parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()


@use_call_center
def donor(request: AuthedRequest, pk: int) -> HttpResponse:
    """A donor the agent has on screen or has called, read-only (from the Calls list)."""
    found = queries.donor_for_agent(request.user, pk)
    return render(request, "callcenter/donor.html", queries.donor_profile(found))


step_views = {
    name: step_view(run)
    for name, run in {
        "sign_out": sign_out, "cancel_sign_in": cancel_sign_in, "ready": ready, "call": call,
        "skip": skip, "end_call": end_call, "outcome": outcome,
        "other_campaigns": other_campaigns, "take_break": take_break, "resume": resume,
        "incoming": incoming, "caller_is": caller_is, "new_caller": new_caller,
    }.items()
}  # fmt: skip
