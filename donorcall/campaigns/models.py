"""Campaigns, teams, and the lists administrators keep: skip, break and ended reasons, and
dispositions. The campaign queue and the claim (the dialler) build on these."""

from datetime import date, datetime, time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from donorcall.donors.models import Purpose

# --- Settings lists (administrators) ---------------------------------------------------------


class ReasonList(models.Model):
    """A list administrators keep (skip reasons, break reasons): named, ordered, retired rather
    than deleted, since past skips and breaks refer to their reason."""

    name = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SkipReason(ReasonList):
    """Why an agent skipped a previewed donor (seeds: "Skip reasons are added by your system
    administrator")."""


class BreakReason(ReasonList):
    """Why an agent takes a break (Take Break): lunch, training, comfort break…"""


class EndedReasonCode(models.TextChoices):
    """The seeds' five ended reasons. They are built in: the dialler's rules hang on them."""

    CONCLUDED = "concluded", "Concluded"
    DO_NOT_CALL = "do_not_call", "Do not call"
    NO_ANSWER = "no_answer", "No answer"
    NOT_AVAILABLE = "not_available", "Not available"
    WRONG_NUMBER = "wrong_number", "Wrong number"


class EndedReason(models.Model):
    """One row per built-in ended reason (created by a migration, never deleted), so that
    dispositions can hang under it and administrators can reword its description."""

    code = models.CharField(max_length=16, choices=EndedReasonCode, unique=True)
    description = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.get_code_display()


class Disposition(models.Model):
    """The outcome of a call under an ended reason (Concluded → Donation made, Declined…)."""

    ended_reason = models.ForeignKey(
        EndedReason, on_delete=models.PROTECT, related_name="dispositions"
    )
    name = models.CharField(max_length=80)
    is_success = models.BooleanField(default=False, help_text="Counts as a success in reports.")
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ended_reason__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["ended_reason", "name"], name="disposition_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.ended_reason} → {self.name}"


# --- Campaigns and teams ---------------------------------------------------------------------


class DiallingMode(models.TextChoices):
    PREVIEW = "preview", "Preview"
    PROGRESSIVE = "progressive", "Progressive"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ARCHIVED = "archived", "Archived"


# Monday = 0 … Sunday = 6, as datetime.weekday() counts. Default: Monday–Saturday.
DEFAULT_CALLING_DAYS = [0, 1, 2, 3, 4, 5]


def default_calling_days() -> list[int]:
    return list(DEFAULT_CALLING_DAYS)


class Campaign(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=CampaignStatus, default=CampaignStatus.DRAFT)
    dialling_mode = models.CharField(
        max_length=12, choices=DiallingMode, default=DiallingMode.PREVIEW
    )
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="campaigns")
    # Calling hours in the donor's local time; the end is exclusive (21:00:00 is outside).
    calling_starts = models.TimeField(default=time(9, 0))
    calling_ends = models.TimeField(default=time(21, 0))
    calling_days = models.JSONField(default=default_calling_days)
    no_answer_delay_minutes = models.PositiveIntegerField(default=4 * 60)
    not_available_delay_minutes = models.PositiveIntegerField(default=24 * 60)
    rotate_retry_times = models.BooleanField(
        default=True, help_text="Add 1–3 hours to whole-day delays so retries vary the hour."
    )
    max_attempts = models.PositiveSmallIntegerField(default=6)
    concluded_is_final = models.BooleanField(default=True)
    recall_after_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="If Concluded is not final: call again after this many days.",
    )
    preview_timeout_seconds = models.PositiveIntegerField(default=120)
    skip_allowed = models.BooleanField(default=True)
    wrap_up_seconds = models.PositiveIntegerField(
        default=15,
        help_text="Progressive mode: the pause after a call's outcome before the next donor "
        "(the agent can pause the countdown).",
    )
    caller_id = models.CharField(max_length=20, blank=True, help_text="E.164, shown to donors.")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    requires_tps_screening = models.BooleanField(default=False)
    script = models.TextField(
        blank=True,
        help_text="Shown to agents. Merge fields: {first_name}, {last_gift}, {failed_payment}…",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(calling_starts__lt=models.F("calling_ends")),
                name="campaign_calling_hours_in_order",
            ),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="campaign_max_attempts"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_running(self, at: datetime) -> bool:
        """Active, and ``at`` falls within its start and end dates (inclusive) in the
        organisation's time zone. Only a running campaign hands out donors."""
        return self.is_running_on(timezone.localdate(at))

    def is_running_on(self, today: date) -> bool:
        """``is_running`` for a day already known in the organisation's zone (the claim
        works it out once a second, not once per campaign and claim)."""
        if self.status != CampaignStatus.ACTIVE:
            return False
        if self.starts_on and today < self.starts_on:
            return False
        return not (self.ends_on and today > self.ends_on)


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)
    campaigns = models.ManyToManyField(Campaign, related_name="teams", blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- The campaign queue (docs/dialler.md) ----------------------------------------------------


class QueueState(models.TextChoices):
    OPEN = "open", "Waiting"
    LEASED = "leased", "With an agent"
    HELD = "held", "Held: with an agent on another campaign"
    DONE = "done", "Done"


class Priority(models.IntegerChoices):
    OWN_APPOINTMENT = 1, "Appointment (an agent's own)"
    TEAM_APPOINTMENT = 2, "Appointment (anyone on the team)"
    RETRY = 3, "Retry"
    FRESH = 4, "Fresh"


class Blocked(models.TextChoices):
    """Why a donor is not callable regardless of the clock, kept on the row by refresh_queue."""

    ERASED = "erased", "Erased"
    DECEASED = "deceased", "Deceased"
    UNDER_16 = "under_16", "Known to be under 16"
    NO_NUMBER = "no_number", "No number"
    SUPPRESSED = "suppressed", "Suppressed"
    TPS_UNSCREENED = "tps_unscreened", "TPS screening out of date"
    NO_CONSENT = "no_consent", "No consent"
    MAX_ATTEMPTS = "max_attempts", "Max attempts"


class QueueEntry(models.Model):
    """One campaign × donor: narrow on purpose, separate from call history (PERFORMANCE.md)."""

    # No plain foreign-key indexes on this table: PostgreSQL adds an entry to every index of a
    # row at each claim, outcome and release (``state`` is in the partial indexes' conditions,
    # so no update is HOT), so an index that another one already covers is a random page
    # written per claim for nothing. campaign: the unique (campaign, donor) index leads with it;
    # donor: ``queue_donor_idx``; owner: ``queue_owner_idx``, appointments only.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="queue", db_index=False
    )
    donor = models.ForeignKey(
        "donors.Donor", on_delete=models.CASCADE, related_name="queue_entries", db_index=False
    )
    state = models.CharField(max_length=6, choices=QueueState, default=QueueState.OPEN)
    priority = models.PositiveSmallIntegerField(choices=Priority, default=Priority.FRESH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    zone_key = models.CharField(max_length=255, null=True, blank=True)
    blocked = models.CharField(max_length=16, choices=Blocked, null=True, blank=True)
    # Not indexed: nothing looks leases up by holder, and every claim would write the index
    # (docs/dialler.md, "The queue row"). Staff are deactivated, not deleted; deleting a user
    # from the shell scans the queue for their live leases.
    lease_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    lease_token = models.UUIDField(null=True, blank=True)
    leased_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_ended_reason = models.CharField(max_length=16, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "donor"], name="queue_one_row_per_donor"),
            models.CheckConstraint(
                condition=Q(state="leased", lease_token__isnull=False) | ~Q(state="leased"),
                name="queue_lease_has_token",
            ),
        ]
        indexes = [
            # The claim: one index descent per (campaign, zone key), in priority order.
            models.Index(
                fields=["campaign", "zone_key", "priority", "due_at", "id"],
                condition=Q(state="open", blocked__isnull=True),
                name="queue_claim_idx",
            ),
            # An agent's own appointments.
            models.Index(
                fields=["owner", "due_at"],
                condition=Q(state="open", priority=1),
                name="queue_own_appointment_idx",
            ),
            models.Index(fields=["donor", "state"], name="queue_donor_idx"),
            models.Index(
                fields=["lease_expires_at"], condition=Q(state="leased"), name="queue_lease_idx"
            ),
            # For deleting a user (SET NULL, and the database's own foreign-key check): only
            # appointment rows have an owner.
            models.Index(
                fields=["owner"], condition=Q(owner__isnull=False), name="queue_owner_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"queue {self.campaign_id}/{self.donor_id} {self.state}"


class QueueZone(models.Model):
    """Every zone key a queue row has had: the claim computes which are inside calling hours
    from this short list instead of a DISTINCT over millions of rows."""

    key = models.CharField(max_length=255, unique=True)

    def __str__(self) -> str:
        return self.key


# --- Call lists (the seeds' "accounts lists") -------------------------------------------------


class CallListKind(models.TextChoices):
    FILTER = "filter", "Saved filter"
    FILE = "file", "File of donor references"


class CallList(models.Model):
    """Donors chosen by a saved filter or a file of references, connected to one campaign.

    Connecting fills the campaign's queue; a filter list can be refreshed to add the donors
    who match it since. Which donor came from which list is not kept (millions of rows for
    little use): the list keeps the counts of its last run and a short log of runs.
    """

    name = models.CharField(max_length=120)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="call_lists")
    kind = models.CharField(max_length=6, choices=CallListKind)
    # Filter lists: the saved filter (calllists.ListFilter as a dict). File lists: empty.
    filter = models.JSONField(default=dict, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"matched", "added", "already_there", "left_out": {blocked reason: count}, "unknown"}
    last_counts = models.JSONField(default=dict, blank=True)
    # One line per run (connect or refresh): the counts, when and by whom. Kept short.
    log = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="call_list_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_refresh(self) -> bool:
        return self.kind == CallListKind.FILTER
