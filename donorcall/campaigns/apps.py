from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CampaignsConfig(AppConfig):
    name = "donorcall.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        post_migrate.connect(ensure_builtins, sender=self, dispatch_uid="campaigns.builtins")


def ensure_builtins(sender: AppConfig, **kwargs: object) -> None:
    from donorcall.campaigns.builtins import ensure_ended_reasons

    ensure_ended_reasons()
