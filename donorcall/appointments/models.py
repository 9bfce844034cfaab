"""Appointments: a call-back the donor asked for, at a time on their own clock.

The queue row (campaigns.QueueEntry) is what the dialler serves; the appointment is the
record of the promise: who booked it, for whom, at what local time in which zone, and what
became of it. ``schedule_appointment`` and the other actions keep the two in step.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from donorcall.campaigns.models import Campaign
from donorcall.donors.models import Donor


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class Appointment(models.Model):
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="appointments")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="appointments")
    # The agent it belongs to; NULL = anyone on a team working the campaign.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    # What the donor was told, on their own clock, and the zone that clock is in. The UTC
    # instant is derived from them once, when booked, and is what the dialler uses.
    local_date = models.DateField()
    local_time = models.TimeField()
    zone = models.CharField(max_length=64)
    due_at = models.DateTimeField(help_text="The appointment's instant (UTC).")
    # Still scheduled at this instant = missed (the worker flags it; docs/appointments.md).
    miss_after = models.DateTimeField()
    status = models.CharField(
        max_length=9, choices=AppointmentStatus, default=AppointmentStatus.SCHEDULED
    )
    notes = models.TextField(blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField()
    booked_on_call = models.ForeignKey(
        "callcenter.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments_booked",
    )
    handed_to_team_at = models.DateTimeField(null=True, blank=True)
    done_by_call = models.ForeignKey(
        "callcenter.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments_done",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["donor", "campaign"],
                condition=Q(status="scheduled"),
                name="appointment_one_scheduled_per_donor",
            ),
        ]
        indexes = [
            # The worker's hand-over and missed sweeps, and the managers' list by date.
            models.Index(
                fields=["due_at"], condition=Q(status="scheduled"), name="appointment_due_idx"
            ),
            models.Index(
                fields=["miss_after"],
                condition=Q(status="scheduled"),
                name="appointment_miss_idx",
            ),
            models.Index(fields=["owner", "due_at"], name="appointment_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"appointment {self.pk} ({self.status})"

    @property
    def for_team(self) -> bool:
        """Served to anyone on the team: booked so, or handed over when the owner was away."""
        return self.owner_id is None or self.handed_to_team_at is not None

    @property
    def is_scheduled(self) -> bool:
        return self.status == AppointmentStatus.SCHEDULED
