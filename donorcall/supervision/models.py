"""The managers' side of the floor: the thresholds the live view colours by, and the log of what
managers did to agents from it."""

from django.conf import settings
from django.db import models


class LiveThresholds(models.Model):
    """One row for the organisation: when a call, a break or a wrap-up counts as long (the row
    turns amber), and how soon before Out of Data a campaign warns."""

    long_call_minutes = models.PositiveSmallIntegerField(default=15)
    long_break_minutes = models.PositiveSmallIntegerField(default=20)
    long_wrap_up_minutes = models.PositiveSmallIntegerField(default=3)
    out_of_data_warning_minutes = models.PositiveSmallIntegerField(
        default=30, help_text="Warn when the data of a campaign runs out sooner than this."
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "live thresholds"
        permissions = [("view_live", "Can watch the live view of the floor")]

    def __str__(self) -> str:
        return "live view thresholds"

    @classmethod
    def current(cls) -> "LiveThresholds":
        row, _ = cls.objects.get_or_create(pk=1)
        return row


class SupervisorActionKind(models.TextChoices):
    BREAK = "break", "Sent to break"
    SIGN_OUT = "sign_out", "Signed out"
    RELEASE = "release", "Donor released"


class SupervisorAction(models.Model):
    """What a manager did to an agent from the live view. ``detail`` names records by id or
    label (a break reason, a queue row), never a donor's name or number."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=10, choices=SupervisorActionKind)
    at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at"], name="supervisor_action_at_idx")]
        permissions = [("supervise_agent", "Can send agents to break, sign them out, release")]

    def __str__(self) -> str:
        return f"{self.manager} {self.get_what_display()} {self.agent} at {self.at:%H:%M}"
