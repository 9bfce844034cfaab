"""Giving pages, under a donor: /donors/<pk>/giving/… (see donorcall/urls.py)."""

from django.urls import path

from . import views

app_name = "giving"

urlpatterns = [
    path("donations/new/", views.donation_create, name="donation-create"),
    path("donations/<int:donation_pk>/edit/", views.donation_edit, name="donation-edit"),
    path("regular-gifts/new/", views.regular_gift_create, name="regular-gift-create"),
    path(
        "regular-gifts/<int:gift_pk>/status/", views.regular_gift_status, name="regular-gift-status"
    ),
    path("regular-gifts/<int:gift_pk>/payments/new/", views.payment_create, name="payment-create"),
    path("payments/<int:payment_pk>/resolve/", views.payment_resolve, name="payment-resolve"),
]
