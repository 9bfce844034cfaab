"""Outbox pages (included at the root by donorcall/urls.py, like campaigns', so Settings ›
Email templates lives under /settings/ with the other settings lists)."""

from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("outbox/", views.email_list, name="email-list"),
    path("outbox/<int:pk>/resend/", views.email_resend, name="email-resend"),
    path("outbox/in-call/", views.in_call, name="in-call"),
    path("outbox/in-call/preview/", views.in_call_preview, name="in-call-preview"),
    path("outbox/in-call/send/", views.in_call_send, name="in-call-send"),
    path("outbox/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "outbox/unsubscribe/<str:token>/one-click/",
        views.unsubscribe_one_click,
        name="unsubscribe-one-click",
    ),
    path("settings/email-templates/", views.template_list, name="template-list"),
    path("settings/email-templates/new/", views.template_create, name="template-create"),
    path("settings/email-templates/<int:pk>/", views.template_edit, name="template-edit"),
    path(
        "settings/email-templates/<int:pk>/retire/", views.template_retire, name="template-retire"
    ),
]
