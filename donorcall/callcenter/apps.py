from django.apps import AppConfig


class CallcenterConfig(AppConfig):
    name = "donorcall.callcenter"
    label = "callcenter"
    verbose_name = "Call Center"
