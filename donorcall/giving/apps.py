from django.apps import AppConfig


class GivingConfig(AppConfig):
    name = "donorcall.giving"
    label = "giving"
    verbose_name = "Giving"
