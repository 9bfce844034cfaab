"""Supervision pages (see donorcall/urls.py): the live view, calls, reports."""

from django.urls import URLPattern, URLResolver

app_name = "supervision"

urlpatterns: list[URLPattern | URLResolver] = []
