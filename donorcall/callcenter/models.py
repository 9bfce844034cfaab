"""Calls and their outcomes. A call belongs to the lease it was placed under (its token), so an
outcome that arrives after the lease changed hands can be told apart and kept for review."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from donorcall.campaigns.models import Campaign, Disposition, EndedReasonCode, QueueEntry, Team
from donorcall.donors.models import Donor


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "Outbound"
    INBOUND = "inbound", "Inbound"


class Review(models.TextChoices):
    """Why a manager should look at a call (DESIGN.md: nothing is silently marked complete)."""

    NO_OUTCOME = "no_outcome", "No outcome recorded (the agent's time ran out)"
    LATE_OUTCOME = "late_outcome", "Outcome arrived after the lease had ended"


class Call(models.Model):
    direction = models.CharField(max_length=8, choices=Direction, default=Direction.OUTBOUND)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls"
    )
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="calls")
    queue_entry = models.ForeignKey(
        QueueEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    lease_token = models.UUIDField(null=True, blank=True)
    number_dialled = models.CharField(max_length=20, blank=True)
    is_appointment_call = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=16, choices=EndedReasonCode, blank=True)
    disposition = models.ForeignKey(
        Disposition, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    notes = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review = models.CharField(max_length=12, choices=Review, blank=True)
    # A late outcome is kept as submitted (reason, disposition id, notes) for the manager.
    submitted_outcome = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="call_agent_idx"),
            models.Index(fields=["donor", "-started_at"], name="call_donor_idx"),
            models.Index(fields=["campaign", "-started_at"], name="call_campaign_idx"),
            models.Index(fields=["review"], condition=~Q(review=""), name="call_review_idx"),
        ]
        constraints = [
            # An open call is one per lease: a retried "Call" click cannot place two.
            models.UniqueConstraint(
                fields=["lease_token"],
                condition=Q(lease_token__isnull=False),
                name="call_one_per_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"call {self.pk} ({self.ended_reason or 'open'})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
