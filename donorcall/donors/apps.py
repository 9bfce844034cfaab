from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DonorsConfig(AppConfig):
    name = "donorcall.donors"
    label = "donors"
    verbose_name = "Donors"

    def ready(self) -> None:
        post_migrate.connect(ensure_builtins, sender=self, dispatch_uid="donors.builtins")


def ensure_builtins(sender: AppConfig, **kwargs: object) -> None:
    from donorcall.donors.builtins import ensure_purposes

    ensure_purposes()
