from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "donorcall.staff"
    label = "staff"
    verbose_name = "Staff"

    def ready(self) -> None:
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="staff.sync_roles")


def sync_roles_after_migrate(sender: AppConfig, **kwargs: object) -> None:
    """Permissions are created app by app after migrate; the role groups can be filled once
    the last app has had its turn."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label != with_models[-1].label:
        return
    from donorcall.staff.roles import sync_roles

    sync_roles()
