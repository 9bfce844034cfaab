from django.apps import AppConfig


class DonorsConfig(AppConfig):
    name = "donorcall.donors"
    label = "donors"
    verbose_name = "Donors"
