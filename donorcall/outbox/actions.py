"""Every change to the outbox: templates, queueing an email, resending, unsubscribing.

``queue_email`` writes inside the caller's transaction (a nested atomic block), so an email
sent during a call commits or rolls back with whatever else the call saves. Nothing here talks
to the SMTP server: the worker's sender does (sending.py), after the row has committed.
"""

from collections.abc import Collection, Mapping

from django.db import IntegrityError, transaction

from donorcall.callcenter.models import Call
from donorcall.campaigns.scripts import MERGE_FIELDS, unknown_merge_fields
from donorcall.donors.actions import withdraw_consent
from donorcall.donors.models import (
    Channel,
    ConsentSource,
    Donor,
    DonorStatus,
    EmailAddress,
    Purpose,
)
from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, DomainError, InvalidInput
from donorcall.staff.models import User

from . import queries
from .builtins import BUILTIN_FIELDS
from .models import EmailStatus, EmailTemplate, OutgoingEmail
from .rendering import email_id_from, render_for


class NotEmailable(Conflict):
    """This donor may not be sent this email now: the code says why."""

    code = "not_emailable"


class NotResendable(Conflict):
    code = "not_resendable"


class BadUnsubscribeLink(DomainError):
    code = "bad_unsubscribe_link"
    status = 404


# --- Templates (administrators) ----------------------------------------------------------------


def save_template(
    template: EmailTemplate | None,
    *,
    name: str,
    purpose: Purpose,
    subject: str,
    body: str,
    is_active: bool = True,
    by: User,
) -> EmailTemplate:
    """Add a template (template None) or change one. Merge fields are checked here, so a typo
    is refused with its name instead of reaching a donor as ``{frist_name}``."""
    name, subject, body = name.strip(), subject.strip(), body.strip()
    check_template_name(template, name)
    check_template_text(subject, body, extra=builtin_fields(template))
    if not purpose.is_active:
        raise InvalidInput("Choose a purpose that is in use.", field="purpose")
    template = template or EmailTemplate(created_by=by)
    template.name, template.purpose, template.is_active = name, purpose, is_active
    template.subject, template.body, template.updated_by = subject, body, by
    template.save()
    return template


def check_template_name(template: EmailTemplate | None, name: str) -> None:
    if not name:
        raise InvalidInput("Give the template a name.", field="name")
    clash = EmailTemplate.objects.filter(name__iexact=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise InvalidInput("A template with that name already exists.", field="name")


def builtin_fields(template: EmailTemplate | None) -> Collection[str]:
    """A built-in template may also use the values of what it is about (a payment link's)."""
    return BUILTIN_FIELDS.get(template.code, {}) if template is not None else {}


def check_template_text(subject: str, body: str, *, extra: Collection[str] = ()) -> None:
    if not subject:
        raise InvalidInput("Write a subject.", field="subject")
    if "\n" in subject or "\r" in subject:
        raise InvalidInput("A subject is one line.", field="subject")
    if not body:
        raise InvalidInput("Write the email.", field="body")
    for field, text in (("subject", subject), ("body", body)):
        reject_card_numbers(text, field=field)
        if unknown := [name for name in unknown_merge_fields(text) if name not in extra]:
            known = ", ".join(f"{{{name}}}" for name in [*MERGE_FIELDS, *extra])
            raise InvalidInput(
                f"Unknown merge field {{{unknown[0]}}}. Use one of: {known}.",
                field=field,
                code="unknown_merge_field",
            )


def retire_template(template: EmailTemplate, *, by: User) -> EmailTemplate:
    """Retired templates are offered to nobody; emails already queued from them still go."""
    template.is_active, template.updated_by = False, by
    template.save(update_fields=["is_active", "updated_by", "updated_at"])
    return template


# --- Queueing ----------------------------------------------------------------------------------


def queue_email(
    donor: Donor,
    template: EmailTemplate,
    *,
    by: User | None,
    call: Call | None = None,
    address: EmailAddress | None = None,
    values: Mapping[str, str] | None = None,
    about: str = "",
) -> OutgoingEmail:
    """Render ``template`` for ``donor`` and queue it for the sender.

    Runs in the caller's transaction: if the call's outcome rolls back, so does the email. With
    a call, the same template is queued once per call and ``about`` (a double click, a retried
    request): the email already queued is returned. ``about`` names the gift an automatic
    email is for, so a second gift on the same call gets its own.
    """
    if call is not None and call.donor_id != donor.pk:
        raise InvalidInput("That call is with another donor.", field="call")
    to = address_for(donor, address)
    check_emailable(donor, template, to)
    if call is not None and (earlier := already_queued(call, template, about)):
        return earlier
    subject, body = render_for(donor, template.subject, template.body, agent=by, extra=values)
    try:
        with transaction.atomic():
            return OutgoingEmail.objects.create(
                template=template, donor=donor, call=call, about=about, to_address=to,
                subject=subject,
                body=body, purpose=template.purpose, queued_at=now(), next_attempt_at=now(),
                queued_by=by,
            )  # fmt: skip
    except IntegrityError:
        # Two submissions raced past already_queued; the other one's row is the email.
        if call is None or (earlier := already_queued(call, template, about)) is None:
            raise
        return earlier


def already_queued(call: Call, template: EmailTemplate, about: str = "") -> OutgoingEmail | None:
    return OutgoingEmail.objects.filter(call=call, template=template, about=about).first()


def address_for(donor: Donor, address: EmailAddress | None) -> str:
    """The chosen address if it is one of the donor's current ones, else their primary."""
    if address is not None:
        if address.donor_id != donor.pk or address.removed_at is not None:
            raise InvalidInput(
                "Choose one of the donor's current email addresses.", field="address"
            )
        return address.email.lower()
    current = queries.current_addresses(donor)
    if not current:
        raise NotEmailable("This donor has no email address.", code="no_email_address")
    return current[0].email.lower()


def check_emailable(donor: Donor, template: EmailTemplate, to: str) -> None:
    if not template.is_active:
        raise NotEmailable("This template has been retired.", code="template_retired")
    if donor.status != DonorStatus.ACTIVE:
        raise NotEmailable(f"This donor is {donor.get_status_display().lower()}.",
                           code="donor_not_emailable")  # fmt: skip
    if queries.email_consent_withdrawn(donor, template.purpose):
        raise NotEmailable(
            f"The donor has withdrawn email consent for {template.purpose.name.lower()}.",
            code="email_consent_withdrawn",
        )
    if entry := queries.address_suppression(to):
        raise NotEmailable(f"This address is suppressed: {entry.get_reason_display()}.",
                           code="address_suppressed")  # fmt: skip


# --- Resend (managers) -------------------------------------------------------------------------


def resend(email: OutgoingEmail, *, by: User) -> OutgoingEmail:
    """Queue a failed or suppressed email again; consent and the ledger are checked again when
    it is sent."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if not email.can_resend:
            raise NotResendable(f"Only failed or suppressed emails can be resent; this one is "
                                f"{email.get_status_display().lower()}.")  # fmt: skip
        email.status, email.attempts, email.next_attempt_at = EmailStatus.QUEUED, 0, now()
        email.last_error, email.resent_at, email.resent_by = "", now(), by
        email.save(update_fields=["status", "attempts", "next_attempt_at", "last_error",
                                  "resent_at", "resent_by"])  # fmt: skip
    return email


# --- Unsubscribe (the donor, from the link in an email) ----------------------------------------


def email_for_token(token: str) -> OutgoingEmail:
    pk = email_id_from(token)
    emails = OutgoingEmail.objects.select_related("donor", "purpose")
    email = emails.filter(pk=pk).first() if pk is not None else None
    if email is None:
        raise BadUnsubscribeLink("This unsubscribe link is not valid.")
    return email


def unsubscribe(token: str) -> OutgoingEmail:
    """Withdraw email consent for the email's purpose, as the donor asked from the link.
    Following the link twice records one withdrawal."""
    email = email_for_token(token)
    donor = email.donor
    if donor.status == DonorStatus.ERASED:  # erasure already suppressed the address
        return email
    if not queries.email_consent_withdrawn(donor, email.purpose):
        withdraw_consent(
            donor, channel=Channel.EMAIL, purpose=email.purpose, source=ConsentSource.WEB,
            wording=f"Unsubscribe link in email {email.pk}.", by=None,
        )  # fmt: skip
    return email


# --- Erasure -----------------------------------------------------------------------------------


def anonymise_emails(donor: Donor) -> None:
    """Erasure (donors/actions/erasure.py): an email's address, subject and body are the
    donor's personal data. The rows stay, as the record that an email went; one not yet sent
    never goes."""
    emails = OutgoingEmail.objects.filter(donor=donor)
    emails.filter(status__in=[EmailStatus.QUEUED, EmailStatus.SENDING]).update(
        status=EmailStatus.SUPPRESSED, next_attempt_at=None, last_error="The donor was erased."
    )
    emails.update(to_address="", subject="(erased)", body="(erased)")
