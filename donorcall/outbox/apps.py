from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OutboxConfig(AppConfig):
    name = "donorcall.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        post_migrate.connect(ensure_builtins, sender=self, dispatch_uid="outbox.builtins")


def ensure_builtins(sender: AppConfig, **kwargs: object) -> None:
    from donorcall.outbox.builtins import ensure_templates

    ensure_templates()
