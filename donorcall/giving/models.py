"""Giving: one-off donations, regular gifts and sponsorships, and their payments.

No card number or security code is ever stored: a card payment is a gateway's token in
``gateway_reference``, and every free-text field refuses card-like numbers (lib/cards.py).
Amounts are Decimal in the donation's currency.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from donorcall.donors.models import Donor


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CHEQUE = "cheque", "Cheque"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    DIRECT_DEBIT = "direct_debit", "Direct debit"
    STANDING_ORDER = "standing_order", "Standing order"
    CARD = "card", "Card (through the payment gateway)"
    ONLINE = "online", "Online"
    OTHER = "other", "Other"


class DonationStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PENDING = "pending", "Pending"
    REFUNDED = "refunded", "Refunded"
    FAILED = "failed", "Failed"


class Donation(models.Model):
    # No index of its own: donation_donor_idx leads with the donor, so a second one
    # would only be written with every row.
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="donations", db_index=False
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    received_on = models.DateField()
    campaign = models.CharField(max_length=100, blank=True, help_text="Appeal or campaign code.")
    fund = models.CharField(max_length=100, blank=True)
    method = models.CharField(max_length=16, choices=PaymentMethod)
    status = models.CharField(
        max_length=10, choices=DonationStatus, default=DonationStatus.RECEIVED
    )
    gift_aid = models.BooleanField(default=False)
    gateway_reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call = models.ForeignKey(
        "callcenter.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    # The form's (or API client's) key for this submission: a double click records one gift.
    request_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["donor", "-received_on"], name="donation_donor_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount} on {self.received_on}"


class GiftKind(models.TextChoices):
    REGULAR_GIFT = "regular_gift", "Regular gift"
    SPONSORSHIP = "sponsorship", "Sponsorship"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Annually"


class RegularGiftStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"


class RegularGift(models.Model):
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="regular_gifts")
    kind = models.CharField(max_length=12, choices=GiftKind, default=GiftKind.REGULAR_GIFT)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.MONTHLY)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=RegularGiftStatus, default=RegularGiftStatus.ACTIVE
    )
    method = models.CharField(
        max_length=16, choices=PaymentMethod, default=PaymentMethod.DIRECT_DEBIT
    )
    mandate_reference = models.CharField(max_length=35, blank=True)
    sponsored = models.CharField(
        max_length=100, blank=True, help_text="Sponsorships: the child or project reference."
    )
    campaign = models.CharField(max_length=100, blank=True)
    fund = models.CharField(max_length=100, blank=True)
    gift_aid = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call = models.ForeignKey(
        "callcenter.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regular_gifts",
    )
    request_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="regular_gift_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.currency} {self.amount} {self.frequency}"


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Payment(models.Model):
    """One collection of a regular gift; a failed one is what the seeds' agents call about."""

    regular_gift = models.ForeignKey(RegularGift, on_delete=models.PROTECT, related_name="payments")
    due_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=10, choices=PaymentStatus, default=PaymentStatus.SCHEDULED)
    failure_reason = models.CharField(max_length=200, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    gateway_reference = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        indexes = [
            models.Index(fields=["regular_gift", "-due_on"], name="payment_gift_idx"),
            models.Index(
                fields=["due_on"], condition=Q(status="failed"), name="payment_failed_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} due {self.due_on} ({self.status})"


class PaymentLinkStatus(models.TextChoices):
    CREATED = "created", "Created"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class PaymentLink(models.Model):
    """A page on the payment gateway where the donor pays one donation (docs/payments.md).

    The card is typed on the gateway's page, never into donorcall: this row holds only the
    gateway's id for the link, its address and what the gateway last said about it.
    """

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="payment_links")
    gateway_id = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=500)
    status = models.CharField(
        max_length=8, choices=PaymentLinkStatus, default=PaymentLinkStatus.CREATED
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    # The signed time of the last callback applied: a delivery signed no later than this one is
    # a replay (each genuine delivery, retries included, is signed afresh).
    last_callback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One link the donor can still pay per donation: two could mean paying twice.
            models.UniqueConstraint(
                fields=["donation"],
                condition=Q(status="created"),
                name="payment_link_one_open_per_donation",
            )
        ]

    def __str__(self) -> str:
        return f"Payment link {self.gateway_id} ({self.status})"
