"""Donors (the seeds' "accounts") and how to reach them.

Contact details are never deleted: a number, email or address that is no longer right is
*removed*, keeping who removed it, when and why (DESIGN.md invariant 5).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from donorcall.lib import phone
from donorcall.lib.timezones import zones_of


class DonorStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DECEASED = "deceased", "Deceased"
    ERASED = "erased", "Erased"


class Donor(models.Model):
    reference = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    is_organisation = models.BooleanField(default=False)
    organisation_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=DonorStatus, default=DonorStatus.ACTIVE)
    date_of_birth = models.DateField(null=True, blank=True)
    # One or more IANA zone names joined by spaces; NULL = unknown, which is never callable.
    timezone = models.CharField(max_length=255, null=True, blank=True)
    # A donor who may be vulnerable: only that a flag was raised, when and by whom, nothing
    # about why (data minimisation). While set, no gift is taken on a call.
    vulnerable_flagged_at = models.DateTimeField(null=True, blank=True)
    vulnerable_flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            ("export_donor", "Can export donors to CSV"),
            ("erase_donor", "Can erase a donor (anonymise their personal data)"),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="donor_name_idx"),
            models.Index(fields=["organisation_name"], name="donor_organisation_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_organisation=False) | ~Q(organisation_name=""),
                name="donor_organisation_has_name",
            ),
            models.CheckConstraint(
                condition=Q(is_organisation=True) | ~Q(last_name="") | Q(status="erased"),
                name="donor_person_has_last_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"

    @property
    def name(self) -> str:
        if self.is_organisation:
            return self.organisation_name
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)

    @property
    def zone_names(self) -> list[str]:
        return [zone.key for zone in zones_of(self.timezone)]

    @property
    def is_callable_status(self) -> bool:
        return self.status == DonorStatus.ACTIVE


class ContactDetail(models.Model):
    """What numbers, emails and addresses share: primary flag and removal with who and why."""

    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    LANDLINE = "landline", "Landline"
    VOIP = "voip", "Internet phone"
    TOLL_FREE = "toll_free", "Toll-free"
    PREMIUM_RATE = "premium_rate", "Premium rate"
    OTHER = "other", "Other"


class PhoneNumber(ContactDetail):
    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="phone_numbers")
    number = models.CharField(max_length=20, help_text="E.164, e.g. +447700900123")
    kind = models.CharField(max_length=16, choices=PhoneKind, default=PhoneKind.OTHER)
    # UK numbers: when the last TPS screening run covered this number (docs/dialler.md, "TPS
    # screening"); NULL = never screened.
    tps_screened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        indexes = [models.Index(fields=["number"], name="phone_number_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["donor", "number"],
                condition=Q(removed_at__isnull=True),
                name="phone_unique_active_per_donor",
            ),
            models.UniqueConstraint(
                fields=["donor"],
                condition=Q(removed_at__isnull=True, is_primary=True),
                name="phone_one_primary_per_donor",
            ),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return phone.display(self.number)


class EmailAddress(ContactDetail):
    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="email_addresses")
    email = models.EmailField(max_length=254, help_text="Stored in lower case.")

    class Meta:
        ordering = ["-is_primary", "id"]
        indexes = [models.Index(fields=["email"], name="email_address_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["donor", "email"],
                condition=Q(removed_at__isnull=True),
                name="email_unique_active_per_donor",
            ),
            models.UniqueConstraint(
                fields=["donor"],
                condition=Q(removed_at__isnull=True, is_primary=True),
                name="email_one_primary_per_donor",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Address(ContactDetail):
    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField("town or city", max_length=100, blank=True)
    region = models.CharField(
        "county or state", max_length=100, blank=True, help_text="US: the state, e.g. NY."
    )
    postcode = models.CharField("postcode or ZIP", max_length=20, blank=True)
    country = models.CharField(max_length=2, default="GB", help_text="ISO code, e.g. GB, US.")

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["donor"],
                condition=Q(removed_at__isnull=True, is_primary=True),
                name="address_one_primary_per_donor",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(self.lines)

    @property
    def lines(self) -> list[str]:
        parts = [self.line1, self.line2, self.city, self.region, self.postcode, self.country]
        return [part for part in parts if part]


# --- Consent ---------------------------------------------------------------------------------


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    POST = "post", "Post"


class Purpose(models.Model):
    """Why we contact someone: fundraising, marketing, service… Administrators may add more.
    A campaign names one; consent is given or withdrawn per purpose and channel."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", "Granted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentSource(models.TextChoices):
    CALL = "call", "Call"
    IMPORT = "import", "Import"
    WEB = "web", "Web"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email (unsubscribe)"


class ConsentEvent(models.Model):
    """One grant or withdrawal: append-only, never edited or deleted (COMPLIANCE.md)."""

    # No index of its own: consent_latest_idx leads with the donor, so a second one
    # would only be written with every row.
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="consent_events", db_index=False
    )
    channel = models.CharField(max_length=8, choices=Channel)
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ConsentStatus)
    source = models.CharField(max_length=10, choices=ConsentSource)
    wording = models.TextField(blank=True, help_text="What the donor was told, or the evidence.")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(
                fields=["donor", "channel", "purpose", "-recorded_at"], name="consent_latest_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.channel}/{self.purpose_id}"


class ConsentState(models.Model):
    """The current consent per donor × channel × purpose: the latest event, kept by the same
    action that appends it, so the dialler filters on one indexed row instead of scanning the
    history for the newest event."""

    # No index of its own: consent_state_unique leads with the donor, so a second one
    # would only be written with every row.
    donor = models.ForeignKey(
        Donor, on_delete=models.CASCADE, related_name="consents", db_index=False
    )
    channel = models.CharField(max_length=8, choices=Channel)
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ConsentStatus)
    since = models.DateTimeField()
    event = models.ForeignKey(ConsentEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["donor", "channel", "purpose"], name="consent_state_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["purpose", "channel", "donor"],
                condition=Q(status="withdrawn"),
                name="consent_withdrawn_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.purpose_id}: {self.status}"


# --- Suppression -----------------------------------------------------------------------------


class SuppressionKind(models.TextChoices):
    PHONE = "phone", "Phone number"
    EMAIL = "email", "Email address"


class SuppressionReason(models.TextChoices):
    DO_NOT_CALL = "do_not_call", "Donor asked not to be contacted"
    TPS = "tps", "Telephone Preference Service"
    FPS = "fps", "Fundraising Preference Service"
    ERASURE = "erasure", "Erasure"
    MANUAL = "manual", "Added by hand"


class Suppression(models.Model):
    """A number or email that must never be contacted, wherever it appears (a shared household
    line). It outlives the donor record: erasure keeps it, a later import meets it."""

    kind = models.CharField(max_length=5, choices=SuppressionKind)
    value = models.CharField(max_length=254, help_text="E.164 number or lower-case email.")
    reason = models.CharField(max_length=12, choices=SuppressionReason)
    source = models.CharField(max_length=200, blank=True, help_text="e.g. the screening file.")
    donor = models.ForeignKey(
        Donor, null=True, blank=True, on_delete=models.SET_NULL, related_name="suppressions"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value", "reason"],
                condition=Q(lifted_at__isnull=True),
                name="suppression_unique_active",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "value"],
                condition=Q(lifted_at__isnull=True),
                name="suppression_active_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} suppressed ({self.get_reason_display()})"


class ScreeningRun(models.Model):
    """One TPS screening upload: every current UK number on file at ``at`` counts as screened
    then (``PhoneNumber.tps_screened_at``); the file's numbers are the registered ones."""

    at = models.DateTimeField()
    reason = models.CharField(max_length=12, choices=SuppressionReason)
    source = models.CharField(max_length=200, blank=True)
    numbers_screened = models.PositiveIntegerField(default=0)
    registered_found = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Screening run {self.at:%Y-%m-%d %H:%M} ({self.numbers_screened} numbers)"


# --- History ---------------------------------------------------------------------------------


class DonorEvent(models.Model):
    """What happened to a donor, by whom and when: the profile's History panel.

    The summary names the kind of change, never the personal value itself ("Phone number
    removed: Wrong number", not the number), so erasing a donor leaves no personal data here.
    """

    # No index of its own: donor_event_idx leads with the donor, so a second one
    # would only be written with every row.
    donor = models.ForeignKey(
        Donor, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["donor", "-at"], name="donor_event_idx")]

    def __str__(self) -> str:
        return self.summary


# --- Import ----------------------------------------------------------------------------------


class ColumnMapping(models.Model):
    """A saved "this file's column → donorcall field" mapping, offered again for files with
    the same headers."""

    name = models.CharField(max_length=100, unique=True)
    headers = models.JSONField(default=list, help_text="The file headers it was made for.")
    mapping = models.JSONField(default=dict, help_text="{header: field}")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "All or nothing: any bad row stops the import"
    VALID_ROWS = "valid_rows", "Import the valid rows and report the bad ones"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    REJECTED = "rejected", "Rejected (bad rows, nothing imported)"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One donor import: the file, how to read it, its progress and its report.

    The page queues a job and the worker runs it; the CLI runs one in the foreground. Progress
    is counted in bytes of the file read, since the number of rows is unknown until the end.
    """

    original_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    mapping = models.JSONField(default=dict)
    mode = models.CharField(max_length=16, choices=ImportMode, default=ImportMode.ALL_OR_NOTHING)
    default_region = models.CharField(max_length=2, default="GB")
    status = models.CharField(max_length=10, choices=ImportStatus, default=ImportStatus.QUEUED)
    total_bytes = models.BigIntegerField(default=0)
    processed_bytes = models.BigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    donors_created = models.PositiveIntegerField(default=0)
    donors_updated = models.PositiveIntegerField(default=0)
    donors_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    suppressed_numbers = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="The first bad rows: line, column, reason.")
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Saved with the progress while a job runs; the worker fails a job whose runner went quiet
    # (importing.jobs.fail_stalled_imports).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="import_job_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status in {ImportStatus.DONE, ImportStatus.REJECTED}:
            return 100
        if not self.total_bytes:
            return 0
        return min(99, int(100 * self.processed_bytes / self.total_bytes))
