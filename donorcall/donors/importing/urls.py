"""Included by donors/urls.py under import/, in its "donors" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_upload, name="import-upload"),
    path("map/<str:token>/", views.import_mapping, name="import-mapping"),
    path("<int:pk>/", views.import_job, name="import-job"),
    path("<int:pk>/status/", views.import_job_status, name="import-status"),
    path("<int:pk>/report.csv", views.import_report, name="import-report"),
]
