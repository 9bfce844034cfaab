"""Campaigns (managers): the list, a campaign's page, create and edit, and status changes
(activate, pause, resume, archive)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from donorcall.lib.errors import DomainError
from donorcall.lib.forms import form_status
from donorcall.lib.http import AuthedRequest

from .. import actions, queries
from ..forms import CampaignForm, attach_refusal
from ..models import CampaignStatus
from ..queue_summary import queue_section

STATUS_DONE = {
    CampaignStatus.ACTIVE: "is active: agents on its teams can call its donors",
    CampaignStatus.PAUSED: "is paused: no donor is handed out until it is resumed",
    CampaignStatus.ARCHIVED: "is archived",
}


@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_list(request: AuthedRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    context = {
        "campaigns": queries.campaign_list(archived=archived),
        "archived": archived,
        "archived_count": 0 if archived else queries.archived_count(),
    }
    return render(request, "campaigns/campaign_list.html", context)


@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, pk)
    context = {"campaign": campaign, "teams": queries.campaign_teams(campaign)}
    context |= queue_section(campaign)
    return render(request, "campaigns/campaign_detail.html", context)


@permission_required("campaigns.add_campaign", raise_exception=True)
def campaign_create(request: AuthedRequest) -> HttpResponse:
    defaults = actions.CampaignSettings(name="", purpose=queries.purpose_by_code("fundraising"))
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_from(defaults))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.create_campaign(form.settings(), by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"Campaign {campaign.name} created as a draft.")
            return redirect("campaigns:campaign-detail", pk=campaign.pk)
    context = {"form": form, "campaign": None}
    return render(request, "campaigns/campaign_form.html", context, status=form_status(form))


@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, pk)
    initial = CampaignForm.initial_from(actions.settings_of(campaign))
    form = CampaignForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_campaign(campaign, form.settings(), by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"Campaign {campaign.name} saved.")
            return redirect("campaigns:campaign-detail", pk=campaign.pk)
    context = {"form": form, "campaign": campaign}
    return render(request, "campaigns/campaign_form.html", context, status=form_status(form))


@permission_required("campaigns.change_campaign", raise_exception=True)
@require_POST
def campaign_status(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, pk)
    status = request.POST.get("status", "")
    try:
        campaign = actions.change_campaign_status(campaign, status=status, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = STATUS_DONE[CampaignStatus(campaign.status)]
        messages.success(request, f"Campaign {campaign.name} {done}.")
    return redirect("campaigns:campaign-detail", pk=campaign.pk)
