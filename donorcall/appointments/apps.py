from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "donorcall.appointments"
    label = "appointments"
    verbose_name = "Appointments"
