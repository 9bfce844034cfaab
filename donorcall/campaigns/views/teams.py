"""Teams (managers): the list, create and edit (name, agents, campaigns), deactivate."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from donorcall.lib.errors import DomainError
from donorcall.lib.forms import form_status
from donorcall.lib.http import AuthedRequest

from .. import actions, queries
from ..forms import TeamForm, attach_refusal


@permission_required("campaigns.view_team", raise_exception=True)
def team_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "campaigns/team_list.html", {"teams": queries.team_list()})


@permission_required("campaigns.add_team", raise_exception=True)
def team_create(request: AuthedRequest) -> HttpResponse:
    return team_form(request, None)


@permission_required("campaigns.change_team", raise_exception=True)
def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return team_form(request, pk)


def team_form(request: AuthedRequest, pk: int | None) -> HttpResponse:
    team = queries.team_for(request.user, pk) if pk else None
    initial = (
        {"name": team.name, "members": team.members.all(), "campaigns": team.campaigns.all()}
        if team else None
    )  # fmt: skip
    form = TeamForm(request.POST or None, initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_team(
                team, name=data["name"], members=list(data["members"]),
                campaigns=list(data["campaigns"]), by=request.user,
            )  # fmt: skip
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"Team {saved.name} saved.")
            return redirect("campaigns:team-list")
    context = {"form": form, "team": team}
    return render(request, "campaigns/team_form.html", context, status=form_status(form))


@permission_required("campaigns.change_team", raise_exception=True)
@require_POST
def team_active(request: AuthedRequest, pk: int) -> HttpResponse:
    team = queries.team_for(request.user, pk)
    if request.POST.get("active") == "1":
        actions.reactivate_team(team, by=request.user)
        messages.success(request, f"Team {team.name} is active again.")
    else:
        actions.deactivate_team(team, by=request.user)
        messages.success(
            request, f"Team {team.name} is deactivated; its members and campaigns are kept."
        )
    return redirect("campaigns:team-list")
