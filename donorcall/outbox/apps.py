from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "donorcall.outbox"
    label = "outbox"
    verbose_name = "Outbox"
