"""Appointments pages (see donorcall/urls.py)."""

from django.urls import path

from donorcall.appointments import views

app_name = "appointments"

urlpatterns = [
    path("", views.appointment_list, name="appointment-list"),
    path("in-call/", views.in_call, name="in-call"),
    path("donor/<int:pk>/", views.donor_panel, name="donor-panel"),
    path("<int:pk>/", views.appointment_detail, name="appointment-detail"),
    path("<int:pk>/reschedule/", views.appointment_reschedule, name="appointment-reschedule"),
    path("<int:pk>/reassign/", views.appointment_reassign, name="appointment-reassign"),
    path("<int:pk>/cancel/", views.appointment_cancel, name="appointment-cancel"),
]
