"""Settings › Phone lines (see donorcall/urls.py)."""

from django.urls import path

from . import views

app_name = "telephony"

urlpatterns = [
    path("settings/phone-lines/", views.line_list, name="line-list"),
    path("settings/phone-lines/<int:pk>/remove/", views.line_remove, name="line-remove"),
]
