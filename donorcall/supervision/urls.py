"""Supervision pages (see donorcall/urls.py): the live view, calls, reports."""

from django.urls import URLPattern, URLResolver, path

from donorcall.supervision import views, views_calls, views_reports

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = [
    path("live/", views.live_view, name="live"),
    path("live/floor/", views.floor, name="live-floor"),
    path("live/thresholds/", views.thresholds, name="live-thresholds"),
    path("live/agents/<int:pk>/break/", views.send_to_break, name="agent-break"),
    path("live/agents/<int:pk>/sign-out/", views.sign_out, name="agent-sign-out"),
    path("live/agents/<int:pk>/release/", views.release_donor, name="agent-release"),
    # Calls and reports (issue 7, parts 3 and 4).
    path("calls/", views_calls.call_list, name="call-list"),
    path("calls/review/", views_calls.review_list, name="call-review"),
    path("calls/<int:pk>/", views_calls.call_detail, name="call-detail"),
    path("calls/<int:pk>/correct/", views_calls.call_correct, name="call-correct"),
    path("calls/<int:pk>/resolve/", views_calls.call_resolve, name="call-resolve"),
    path("reports/", views_reports.report_page, name="reports"),
    path("reports/<slug:name>.csv", views_reports.report_csv, name="report-csv"),
]
