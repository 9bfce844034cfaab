"""Calls and their outcomes. A call belongs to the lease it was placed under (its token), so an
outcome that arrives after the lease changed hands can be told apart and kept for review."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from donorcall.campaigns.models import (
    BreakReason,
    Campaign,
    Disposition,
    EndedReasonCode,
    QueueEntry,
    SkipReason,
    Team,
)
from donorcall.donors.models import Donor
from donorcall.staff.models import JobRole


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
    # The agent ended the ask: the donor may be vulnerable (no gift on this call).
    vulnerable_flagged = models.BooleanField(default=False)
    # A late outcome is kept as submitted (reason, disposition id, notes) for the manager.
    submitted_outcome = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="call_agent_idx"),
            models.Index(fields=["donor", "-started_at"], name="call_donor_idx"),
            models.Index(fields=["campaign", "-started_at"], name="call_campaign_idx"),
            models.Index(fields=["review"], condition=~Q(review=""), name="call_review_idx"),
            # Reports and the managers' list read calls by date range first (docs/reports.md).
            models.Index(fields=["started_at"], name="call_started_idx"),
        ]
        permissions = [("view_reports", "Can view call reports")]
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

    @property
    def submitted_reason_label(self) -> str:
        """The ended reason of an outcome kept for review, in words ("Concluded")."""
        reason = (self.submitted_outcome or {}).get("reason", "")
        return EndedReasonCode(reason).label if reason in EndedReasonCode.values else reason


class CallEdit(models.Model):
    """One field of a call changed by a manager (a correction or a review resolved): the
    record keeps what it said before, what it says now, who changed it and when."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="edits")
    field = models.CharField(max_length=16)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"call {self.call_id}: {self.field} changed by {self.by_id}"


# --- Shifts, breaks, skips and the agent's live status (the Call Center screen) ---------------


class SignOutReason(models.TextChoices):
    AGENT = "agent", "Signed out"
    SHIFT_ENDED = "shift_ended", "Shift ended"
    LOGGED_OUT = "logged_out", "Logged out of donorcall"
    MANAGER = "manager", "Signed out by a manager"


class Shift(models.Model):
    """An agent's time signed in with a job role (seeds: Sign In, Shift Time Confirmation)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shifts"
    )
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="shifts")
    signed_in_at = models.DateTimeField()
    ends_at = models.DateTimeField(help_text="The time the shift ends, as confirmed.")
    extension_hours = models.PositiveSmallIntegerField(default=0)
    warned_at = models.DateTimeField(null=True, blank=True)
    signed_out_at = models.DateTimeField(null=True, blank=True)
    signed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sign_out_reason = models.CharField(max_length=12, choices=SignOutReason, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent"], condition=Q(signed_out_at=None), name="shift_one_open_per_agent"
            ),
        ]
        indexes = [
            models.Index(fields=["ends_at"], condition=Q(signed_out_at=None), name="shift_open_idx")
        ]

    def __str__(self) -> str:
        return f"{self.agent} as {self.job_role} from {self.signed_in_at:%Y-%m-%d %H:%M}"

    @property
    def closes_at(self) -> datetime:
        """When the agent is signed out: the shift's end plus the extension hours."""
        return self.ends_at + timedelta(hours=self.extension_hours)


class Break(models.Model):
    """Take Break … Resume Shift."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="breaks")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="breaks"
    )
    reason = models.ForeignKey(BreakReason, on_delete=models.PROTECT, related_name="breaks")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["agent", "-started_at"], name="break_agent_idx")]

    def __str__(self) -> str:
        return f"{self.agent}: {self.reason} at {self.started_at:%H:%M}"


class Skip(models.Model):
    """A previewed donor the agent did not call, and why (seeds: "skip reasons")."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="skips"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="skips")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="skips")
    reason = models.ForeignKey(SkipReason, on_delete=models.PROTECT, related_name="skips")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["agent", "-at"], name="skip_agent_idx")]

    def __str__(self) -> str:
        return f"{self.agent} skipped donor {self.donor_id}: {self.reason}"


class Status(models.TextChoices):
    """What the agent is doing, for the agent's screen and the managers' live view."""

    OFFLINE = "offline", "Offline"
    NOT_READY = "not_ready", "Not ready"
    READY = "ready", "Ready"
    PREVIEW = "preview", "Preview"
    ON_CALL = "on_call", "On call"
    WRAP_UP = "wrap_up", "Wrap-up"
    ON_BREAK = "on_break", "On break"


class AgentStatus(models.Model):
    """One row per agent: the live state of their Call Center screen. ``version`` goes up at
    every change, so a screen (or the live view) can tell cheaply whether it is behind."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="call_status",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.OFFLINE)
    since = models.DateTimeField()
    version = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    break_taken = models.ForeignKey(
        Break, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaigns = models.ManyToManyField(Campaign, blank=True, related_name="+")
    # The donor on the agent's screen: under a lease (entry + token), on a call, or just called.
    entry = models.ForeignKey(
        QueueEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lease_token = models.UUIDField(null=True, blank=True)
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    donor = models.ForeignKey(
        Donor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the last step did, in words for the agent ("Number removed", "Out of Data"…).
    notice = models.CharField(max_length=300, blank=True)
    # A donor calling in, on the agent's screen (before and after the donor is chosen).
    inbound = models.ForeignKey(
        "InboundCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "agent statuses"

    def __str__(self) -> str:
        return f"{self.agent}: {self.get_status_display()}"

    @property
    def holds_donor(self) -> bool:
        return self.status in (Status.PREVIEW, Status.ON_CALL, Status.WRAP_UP)


# --- Inbound calls ----------------------------------------------------------------------------


class InboundStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an agent"
    OFFERED = "offered", "On an agent's screen"
    TAKEN = "taken", "Taken (the donor chosen)"
    ENDED = "ended", "Ended"
    ABANDONED = "abandoned", "Caller hung up while waiting"


class InboundCall(models.Model):
    """A donor calling in: from a phone system (``external_id``) or typed by the agent who took
    it. Waits in the queue until a Ready inbound agent of the line's team is free."""

    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    caller_number = models.CharField(max_length=20, help_text="E.164, or as given if invalid.")
    called_number = models.CharField(max_length=20, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_calls"
    )
    status = models.CharField(max_length=10, choices=InboundStatus, default=InboundStatus.WAITING)
    received_at = models.DateTimeField()
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    call = models.OneToOneField(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(
                fields=["received_at"], condition=Q(status="waiting"), name="inbound_waiting_idx"
            )
        ]

    def __str__(self) -> str:
        return f"inbound {self.pk} ({self.status})"
