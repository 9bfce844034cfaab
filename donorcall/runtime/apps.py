from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "donorcall.runtime"
    label = "runtime"
    verbose_name = "Running donorcall"
