"""Live: the managers' view of the floor (docs/live-view.md).

The page polls its ``#floor`` fragment every second; every manager's poll reads the same
cached snapshot (``live.shared_snapshot``). Actions post back and answer with the fragment and
a toast, like the Call Center's steps.
"""

import json
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from donorcall.lib.errors import DomainError
from donorcall.lib.http import AuthedRequest
from donorcall.staff.models import User

from . import actions, forms, live
from .models import LiveThresholds, SupervisorAction
from .queries import agent_on_floor

FLOOR_TEMPLATE = "supervision/live.html#floor"
view_live = permission_required("supervision.view_live", raise_exception=True)
supervise = permission_required("supervision.supervise_agent", raise_exception=True)


# Stands for the viewer's CSRF token in the shared fragment (letters only, so HTML-safe).
CSRF_MARK = "floorcsrfmark"


def floor_context(
    request: AuthedRequest, form: forms.ThresholdsForm | None = None
) -> dict[str, object]:
    context = live.as_of(live.shared_snapshot())
    initial = context["thresholds"]
    return context | {
        "can_act": request.user.has_perm("supervision.supervise_agent"),
        "floor_csrf": get_token(request),
        "thresholds_form": form or forms.ThresholdsForm(initial=initial),
    }


def floor_html(request: AuthedRequest) -> str:
    """The fragment, rendered once per snapshot for each kind of viewer (may act or not) and
    shared by every manager; only the action forms' CSRF token is the viewer's own, put in
    after, so the forms also work without htmx."""
    can_act = request.user.has_perm("supervision.supervise_agent")
    snapshot = live.shared_snapshot()
    context = live.as_of(snapshot) | {"can_act": can_act, "floor_csrf": CSRF_MARK}
    shared = live.rendered(
        f"floor:{can_act}", snapshot, lambda: render_to_string(FLOOR_TEMPLATE, context)
    )
    return shared.replace(CSRF_MARK, get_token(request)) if can_act else shared


@view_live
@require_GET
def live_view(request: AuthedRequest) -> HttpResponse:
    return render(request, "supervision/live.html", floor_context(request))


@view_live
@require_GET
def floor(request: AuthedRequest) -> HttpResponse:
    """The fragment each manager's page asks for every second."""
    return HttpResponse(floor_html(request))


@permission_required("supervision.change_livethresholds", raise_exception=True)
@require_POST
def thresholds(request: AuthedRequest) -> HttpResponse:
    form = forms.ThresholdsForm(request.POST, instance=LiveThresholds.current())
    if not form.is_valid():
        messages.error(request, "The thresholds were not saved: see the form.")
        return render(request, "supervision/live.html", floor_context(request, form), status=400)
    actions.set_thresholds(form.instance, by=request.user)
    messages.success(request, "Thresholds saved.")
    return redirect("supervision:live")


def respond(request: AuthedRequest, message: str, level: str) -> HttpResponse:
    """The floor as it is now, with a toast (htmx), or back to the page with a message."""
    if not request.htmx:
        messages.add_message(request, getattr(messages, level.upper()), message)
        return redirect("supervision:live")
    live.forget_snapshot()  # the action's effect, not the last second's floor
    response = HttpResponse(floor_html(request))
    response["HX-Trigger"] = json.dumps({"toast": {"message": message, "level": level}})
    return response


def agent_action(
    run: Callable[[AuthedRequest, User], SupervisorAction],
) -> Callable[..., HttpResponse]:
    """A POST about one agent on the floor: the action's log line or its refusal is the toast."""

    @supervise
    @require_POST
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        agent = agent_on_floor(pk)
        try:
            done = run(request, agent)
        except DomainError as error:
            return respond(request, error.message, "error")
        return respond(
            request, f"{agent.display_name}: {done.get_what_display().lower()}.", "success"
        )

    view.__name__ = run.__name__
    return view


@agent_action
def send_to_break(request: AuthedRequest, agent: User) -> SupervisorAction:
    form = forms.BreakForm(request.POST)
    reason = form.cleaned_data["break_reason"] if form.is_valid() else None
    return actions.send_to_break(agent, reason=reason, by=request.user)


@agent_action
def sign_out(request: AuthedRequest, agent: User) -> SupervisorAction:
    return actions.sign_out_agent(agent, by=request.user)


@agent_action
def release_donor(request: AuthedRequest, agent: User) -> SupervisorAction:
    return actions.release_donor(agent, by=request.user)
