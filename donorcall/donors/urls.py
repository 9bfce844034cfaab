from django.urls import include, path

from . import views

app_name = "donors"

urlpatterns = [
    path("", views.donor_search, name="donor-search"),
    path("new/", views.donor_create, name="donor-create"),
    path("export/", views.donor_export, name="donor-export"),
    path("import/", include("donorcall.donors.importing.urls")),
    path("suppressions/", views.suppression_list, name="suppression-list"),
    path("suppressions/add/", views.suppression_add, name="suppression-add"),
    path("suppressions/screening/", views.screening_upload, name="screening-upload"),
    path("suppressions/<int:pk>/lift/", views.suppression_lift, name="suppression-lift"),
    path("vulnerable/", views.vulnerable_list, name="vulnerable-list"),
    path("<int:pk>/vulnerable/clear/", views.vulnerable_clear, name="vulnerable-clear"),
    path("purposes/", views.purpose_list, name="purpose-list"),
    path("purposes/new/", views.purpose_edit, name="purpose-create"),
    path("purposes/<int:pk>/", views.purpose_edit, name="purpose-edit"),
    path("<int:pk>/", views.donor_profile, name="donor-profile"),
    path("<int:pk>/edit/", views.donor_edit, name="donor-edit"),
    path("<int:pk>/consent/", views.consent_record, name="consent-record"),
    path("<int:pk>/erase/", views.donor_erase, name="donor-erase"),
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
