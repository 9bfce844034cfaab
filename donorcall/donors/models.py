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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
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
