"""The sender: the worker step that sends queued emails through Django's SMTP settings.

Each email is claimed, checked again, sent, and recorded, in that order. The claim marks the
row "sending" with a deadline and commits before any SMTP traffic, so no database transaction
stays open while a mail server answers, and a sender that dies mid-send leaves a row another
worker takes back after CLAIM_FOR. That makes delivery at-least-once: a crash between the
server's 250 and our commit can send an email twice, never lose it.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F

from donorcall.donors.models import DonorStatus
from donorcall.lib.clock import now

from . import queries
from .models import CLAIMABLE, EmailStatus, OutgoingEmail
from .rendering import body_with_footer, one_click_url

log = logging.getLogger("donorcall.outbox")

BATCH = 20
# Longer than any SMTP exchange (EMAIL_TIMEOUT is 30 s by default) with a wide margin.
CLAIM_FOR = timedelta(minutes=10)
# The wait after the 1st, 2nd… failed attempt; the attempt after the last wait is the last.
BACKOFF = [timedelta(minutes=minutes) for minutes in (1, 5, 30, 120)]
MAX_ATTEMPTS = len(BACKOFF) + 1


def send_due_emails() -> bool:
    """The worker step: send a batch of due emails; True if there were any."""
    claimed = claim_due_emails(BATCH)
    if not claimed:
        return False
    connection = get_connection(fail_silently=False)
    try:
        for email in claimed:
            deliver(email, connection)
    finally:
        connection.close()
    return True


def claim_due_emails(limit: int) -> list[OutgoingEmail]:
    """Mark up to ``limit`` due emails "sending" and count the attempt, in one short transaction.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets several workers claim side by side, each taking
    rows the others have not locked. SQLite has no row locks (Django leaves the clause out); its
    IMMEDIATE transactions let one writer in at a time, so the select and update cannot
    interleave with another worker's.
    """
    with transaction.atomic():
        at = now()
        give_up_on_vanished_sends(at)
        due = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status__in=CLAIMABLE, next_attempt_at__lte=at)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(due)
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=EmailStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=at + CLAIM_FOR
        )
    claimed = OutgoingEmail.objects.filter(pk__in=ids).select_related("donor", "purpose")
    return list(claimed.order_by("id"))


def give_up_on_vanished_sends(at: datetime) -> None:
    """An email whose sender vanished mid-send on its last attempt is not tried again: if it
    is what kills the sender, retrying it forever would stop the whole outbox."""
    OutgoingEmail.objects.filter(
        status=EmailStatus.SENDING, next_attempt_at__lte=at, attempts__gte=MAX_ATTEMPTS
    ).update(
        status=EmailStatus.FAILED,
        next_attempt_at=None,
        last_error="The sender stopped while sending it, on the last attempt.",
    )


def deliver(email: OutgoingEmail, connection: BaseEmailBackend) -> None:
    if reason := blocked_reason(email):
        finish(email, status=EmailStatus.SUPPRESSED, error=reason)
        log.info("email %s suppressed at send time", email.pk)
        return
    try:
        message = build_message(email)
        if connection.send_messages([message]) != 1:
            raise smtplib.SMTPException("The SMTP backend sent nothing.")
    except Exception as error:
        connection.close()  # the next email starts a fresh SMTP session
        record_failure(email, error)
        return
    finish(email, status=EmailStatus.SENT, message_id=message.extra_headers["Message-ID"])
    log.info("email %s sent", email.pk)


def blocked_reason(email: OutgoingEmail) -> str:
    """Why this email must not go now (COMPLIANCE.md: consent and the suppression ledger are
    checked again at send time); empty if it may."""
    donor = email.donor
    if donor.status != DonorStatus.ACTIVE:
        return f"The donor is {donor.get_status_display().lower()}."
    if entry := queries.address_suppression(email.to_address):
        return f"Address suppressed: {entry.get_reason_display()}."
    if queries.email_consent_withdrawn(donor, email.purpose):
        return f"Email consent for {email.purpose.name.lower()} withdrawn."
    if not donor.email_addresses.filter(email=email.to_address, removed_at=None).exists():
        return "The address was removed from the donor's record."
    return ""


def build_message(email: OutgoingEmail) -> EmailMessage:
    headers = {"Message-ID": make_msgid(domain=sender_domain())}
    if email.needs_unsubscribe:
        # RFC 8058 one-click: mail programs offer "Unsubscribe" and POST to this URL.
        headers["List-Unsubscribe"] = f"<{one_click_url(email)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return EmailMessage(
        subject=email.subject, body=body_with_footer(email), to=[email.to_address],
        headers=headers,
    )  # fmt: skip


def sender_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def record_failure(email: OutgoingEmail, error: Exception) -> None:
    """Try again after the back-off, unless that was the last attempt or the server said the
    email itself will never be accepted."""
    text = describe(error)
    if email.attempts >= MAX_ATTEMPTS or permanent(error):
        finish(email, status=EmailStatus.FAILED, error=text)
        log.warning("email %s failed after %s attempts", email.pk, email.attempts)
        return
    wait = BACKOFF[min(email.attempts, len(BACKOFF)) - 1]
    finish(email, status=EmailStatus.QUEUED, error=text, next_attempt_at=now() + wait)
    log.info("email %s attempt %s failed; next in %s", email.pk, email.attempts, wait)


def finish(
    email: OutgoingEmail,
    *,
    status: str,
    error: str = "",
    message_id: str = "",
    next_attempt_at: datetime | None = None,
) -> None:
    """Record what the attempt did, only if the row is still ours ("sending")."""
    changes: dict[str, object] = {"status": status, "next_attempt_at": next_attempt_at}
    if status == EmailStatus.SENT:
        changes |= {"sent_at": now(), "provider_message_id": message_id, "last_error": ""}
    else:
        changes["last_error"] = error[:2000]
    OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(**changes)


def smtp_codes(error: Exception) -> list[int]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return [code for code, _ in error.recipients.values()]
    if isinstance(error, smtplib.SMTPResponseException):
        return [error.smtp_code]
    return []


def permanent(error: Exception) -> bool:
    """A 5xx for the recipient or the content: retrying cannot help. A 5xx at sign-in or for the
    sender is our own configuration and is retried, so fixing it lets the queue drain."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
        return False
    codes = smtp_codes(error)
    return bool(codes) and all(500 <= code < 600 for code in codes)


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = error.recipients.values()
        return "Recipient refused: " + "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in replies
        )
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        message = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"SMTP {error.smtp_code} {message}"
    return f"{type(error).__name__}: {error}"
