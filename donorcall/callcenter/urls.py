"""Communications › Call Center (see donorcall/urls.py)."""

from django.urls import path

from . import in_call, views

app_name = "callcenter"

urlpatterns = [
    path("", views.call_center, name="console"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("shift/", views.confirm_shift, name="confirm-shift"),
    path("calls/", views.calls, name="calls"),
    path("donors/<int:pk>/", views.donor, name="donor"),
    path("heartbeat/", views.heartbeat, name="heartbeat"),
    path("caller-search/", views.caller_search, name="caller-search"),
    path("in-call/vulnerable/", in_call.vulnerable, name="in-call-vulnerable"),
    path("in-call/<slug:tab>/", in_call.in_call, name="in-call"),
] + [
    path(f"{name.replace('_', '-')}/", view, name=name.replace("_", "-"))
    for name, view in views.step_views.items()
]
