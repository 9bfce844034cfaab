"""Campaigns, teams and the Call Center's settings lists (see donorcall/urls.py)."""

from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/status/", views.campaign_status, name="campaign-status"),
    path("campaigns/<int:pk>/lists/new/", views.call_list_create, name="call-list-create"),
    path("call-lists/<int:pk>/refresh/", views.call_list_refresh, name="call-list-refresh"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/new/", views.team_create, name="team-create"),
    path("teams/<int:pk>/", views.team_edit, name="team-edit"),
    path("teams/<int:pk>/active/", views.team_active, name="team-active"),
    path("settings/skip-reasons/", views.skip_reason_list, name="skip-reason-list"),
    path("settings/skip-reasons/new/", views.skip_reason_create, name="skip-reason-create"),
    path("settings/skip-reasons/<int:pk>/", views.skip_reason_edit, name="skip-reason-edit"),
    path("settings/skip-reasons/<int:pk>/move/", views.skip_reason_move, name="skip-reason-move"),
    path("settings/break-reasons/", views.break_reason_list, name="break-reason-list"),
    path("settings/break-reasons/new/", views.break_reason_create, name="break-reason-create"),
    path("settings/break-reasons/<int:pk>/", views.break_reason_edit, name="break-reason-edit"),
    path(
        "settings/break-reasons/<int:pk>/move/", views.break_reason_move, name="break-reason-move"
    ),
    path("settings/ended-reasons/", views.ended_reason_list, name="ended-reason-list"),
    path("settings/ended-reasons/<int:pk>/", views.ended_reason_edit, name="ended-reason-edit"),
    path(
        "settings/ended-reasons/<int:pk>/dispositions/new/",
        views.disposition_create,
        name="disposition-create",
    ),
    path("settings/dispositions/<int:pk>/", views.disposition_edit, name="disposition-edit"),
    path("settings/dispositions/<int:pk>/move/", views.disposition_move, name="disposition-move"),
]
