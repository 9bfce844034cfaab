from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "donorcall.supervision"
    label = "supervision"
    verbose_name = "Supervision"
