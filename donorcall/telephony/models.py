"""Phone lines (a called number and the team that answers it) and the signatures of webhook
requests already seen (a replayed request is refused)."""

from django.db import models

from donorcall.campaigns.models import Team


class PhoneLine(models.Model):
    number = models.CharField(max_length=20, unique=True, help_text="E.164, as donors dial it.")
    name = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="phone_lines")

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name or self.number


class SeenRequest(models.Model):
    """A webhook request's signature, kept past the signature's tolerance: the same request
    sent again (a replay) is refused."""

    signature = models.CharField(max_length=128, unique=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["at"], name="seen_request_at_idx")]

    def __str__(self) -> str:
        return f"request seen {self.at:%Y-%m-%d %H:%M:%S}"
