from django.urls import path

from . import views

app_name = "donors"

urlpatterns = [
    path("", views.donor_search, name="donor-search"),
    path("new/", views.donor_create, name="donor-create"),
    path("<int:pk>/", views.donor_profile, name="donor-profile"),
    path("<int:pk>/edit/", views.donor_edit, name="donor-edit"),
    path("<int:pk>/phone-numbers/", views.phone_add, name="phone-add"),
    path("<int:pk>/emails/", views.email_add, name="email-add"),
    path("<int:pk>/addresses/", views.address_add, name="address-add"),
    path("<int:pk>/<str:kind>/<int:detail_pk>/remove/", views.detail_remove, name="detail-remove"),
    path(
        "<int:pk>/<str:kind>/<int:detail_pk>/primary/",
        views.detail_make_primary,
        name="detail-primary",
    ),
]
