from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "donorcall.telephony"
    label = "telephony"
    verbose_name = "Telephony"
