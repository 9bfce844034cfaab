"""Outbox pages (see donorcall/urls.py)."""

from django.urls import URLPattern

app_name = "outbox"

urlpatterns: list[URLPattern] = []
