from django.apps import AppConfig


class CallcenterConfig(AppConfig):
    name = "donorcall.callcenter"
    label = "callcenter"
    verbose_name = "Call Center"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from donorcall.callcenter.signals import sign_out_of_shift

        user_logged_out.connect(sign_out_of_shift, dispatch_uid="callcenter-sign-out")
