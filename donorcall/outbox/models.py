"""Email templates and the emails queued from them (DESIGN.md, "OutgoingEmail").

An OutgoingEmail keeps the subject and body as rendered when it was queued: what the agent saw
on the call is what the donor receives, even if the template is edited later.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from donorcall.donors.models import Donor, Purpose

# The purpose that needs no unsubscribe link: a receipt or a mandate confirmation is owed to the
# donor whatever their marketing choices (COMPLIANCE.md names fundraising and marketing).
SERVICE_PURPOSE = "service"


class EmailTemplate(models.Model):
    name = models.CharField(max_length=100, unique=True)
    # Set on the templates donorcall itself sends (builtins.py): found by code, however an
    # administrator rewords them.
    code = models.CharField(max_length=40, blank=True)
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="email_template_one_per_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SUPPRESSED = "suppressed", "Suppressed"


# Rows the sender may claim: queued ones, and "sending" ones whose sender vanished (its claim
# ran out, see sending.CLAIM_FOR).
CLAIMABLE = [EmailStatus.QUEUED, EmailStatus.SENDING]


class OutgoingEmail(models.Model):
    template = models.ForeignKey(EmailTemplate, on_delete=models.PROTECT, related_name="emails")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="outgoing_emails")
    call = models.ForeignKey(
        "callcenter.Call", null=True, blank=True, on_delete=models.PROTECT, related_name="emails"
    )
    # What the email is about when one call may send the same template more than once: the
    # gift a confirmation or a payment link is for ("donation:12"). Empty for a hand-sent one.
    about = models.CharField(max_length=40, blank=True, default="")
    to_address = models.EmailField(max_length=254, help_text="Lower case, as on the ledger.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=EmailStatus, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Queued: when the sender may next try. Sending: when a vanished sender's claim runs out.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    queued_at = models.DateTimeField()
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    resent_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-queued_at", "-id"]
        permissions = [("resend_outgoingemail", "Can resend an email from the outbox")]
        constraints = [
            # A double click on Send, or a retried request, queues one email, not two; two
            # gifts on one call get one each.
            models.UniqueConstraint(
                fields=["call", "template", "about"],
                condition=Q(call__isnull=False),
                name="outgoing_email_once_per_call",
            )
        ]
        indexes = [
            # The sender's claim: due rows only, earliest first; sent rows never enter it.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=CLAIMABLE),
                name="outgoing_email_due_idx",
            ),
            models.Index(fields=["status", "-queued_at"], name="outgoing_email_status_idx"),
            models.Index(fields=["donor", "-queued_at"], name="outgoing_email_donor_idx"),
        ]

    def __str__(self) -> str:
        return f"Email {self.pk} ({self.status})"

    @property
    def needs_unsubscribe(self) -> bool:
        return carries_unsubscribe(self.purpose)

    @property
    def can_resend(self) -> bool:
        return self.status in (EmailStatus.FAILED, EmailStatus.SUPPRESSED)


def carries_unsubscribe(purpose: Purpose) -> bool:
    """Every purpose but service: fundraising, marketing and any an administrator adds."""
    return purpose.code != SERVICE_PURPOSE
