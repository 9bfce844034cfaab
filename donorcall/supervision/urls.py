"""Supervision pages (see donorcall/urls.py): the live view, calls, reports."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = [
    path("live/", views.live_view, name="live"),
    path("live/floor/", views.floor, name="live-floor"),
    path("live/thresholds/", views.thresholds, name="live-thresholds"),
    path("live/agents/<int:pk>/break/", views.send_to_break, name="agent-break"),
    path("live/agents/<int:pk>/sign-out/", views.sign_out, name="agent-sign-out"),
    path("live/agents/<int:pk>/release/", views.release_donor, name="agent-release"),
]
