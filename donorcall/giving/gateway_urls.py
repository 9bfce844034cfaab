"""The payment gateway's callback, a public URL: /giving/gateway/… (see donorcall/urls.py)."""

from django.urls import path

from .gateways import views

app_name = "giving-gateway"

urlpatterns = [
    path("callback/", views.gateway_callback, name="callback"),
]
