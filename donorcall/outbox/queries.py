"""Reads shared by the outbox's pages, its API, the sender and the in-call fragment."""

from django.db.models import Count, QuerySet
from django.http import Http404

from donorcall.callcenter.models import Call
from donorcall.donors.models import (
    Channel,
    ConsentState,
    ConsentStatus,
    Donor,
    EmailAddress,
    Purpose,
    Suppression,
    SuppressionKind,
)
from donorcall.staff.models import User

from .models import EmailStatus, EmailTemplate, OutgoingEmail, carries_unsubscribe
from .rendering import render_for


def email_consent_withdrawn(donor: Donor, purpose: Purpose) -> bool:
    return ConsentState.objects.filter(
        donor=donor, channel=Channel.EMAIL, purpose=purpose, status=ConsentStatus.WITHDRAWN
    ).exists()


def withdrawn_email_purposes(donor: Donor) -> set[int]:
    return set(
        ConsentState.objects.filter(
            donor=donor, channel=Channel.EMAIL, status=ConsentStatus.WITHDRAWN
        ).values_list("purpose_id", flat=True)
    )


def address_suppression(address: str) -> Suppression | None:
    return Suppression.objects.filter(
        kind=SuppressionKind.EMAIL, value=address, lifted_at=None
    ).first()


def current_addresses(donor: Donor) -> list[EmailAddress]:
    """Primary first; removed ones never."""
    return list(donor.email_addresses.filter(removed_at=None).order_by("-is_primary", "id"))


def suppressed_addresses(donor: Donor) -> set[str]:
    emails = donor.email_addresses.filter(removed_at=None).values("email")
    return set(
        Suppression.objects.filter(
            kind=SuppressionKind.EMAIL, value__in=emails, lifted_at=None
        ).values_list("value", flat=True)
    )


def active_templates() -> QuerySet[EmailTemplate]:
    return EmailTemplate.objects.filter(is_active=True).select_related("purpose")


def templates_for(donor: Donor) -> list[EmailTemplate]:
    """The templates an agent may send this donor: in use, purpose not withdrawn by email, and
    not one donorcall sends by itself (builtins.py: a confirmation needs its gift)."""
    withdrawn = withdrawn_email_purposes(donor)
    offered = active_templates().filter(code="")
    return [t for t in offered if t.purpose_id not in withdrawn]


def all_templates() -> QuerySet[EmailTemplate]:
    return EmailTemplate.objects.select_related("purpose").order_by("-is_active", "name")


def template_for(user: User, pk: int) -> EmailTemplate:
    template = EmailTemplate.objects.select_related("purpose").filter(pk=pk).first()
    if template is None:
        raise Http404("No such template")
    return template


def outbox(status: str = "") -> QuerySet[OutgoingEmail]:
    emails = OutgoingEmail.objects.select_related("donor", "template", "queued_by")
    if status in EmailStatus.values:
        emails = emails.filter(status=status)
    return emails.order_by("-queued_at", "-id")


def email_for(user: User, pk: int) -> OutgoingEmail:
    email = OutgoingEmail.objects.select_related("donor", "template", "purpose").filter(pk=pk)
    found = email.first()
    if found is None:
        raise Http404("No such email")
    return found


def in_call_context(call: Call, agent: User, chosen_pk: object = None) -> dict[str, object]:
    """What the in-call Send Email fragment shows for the call on the agent's screen: the
    templates the donor may be sent, the chosen one rendered for them, their addresses, and
    the emails already queued on this call."""
    donor = call.donor
    templates = templates_for(donor)
    chosen = next((t for t in templates if str(t.pk) == str(chosen_pk)), None)
    chosen = chosen or (templates[0] if templates else None)
    context: dict[str, object] = {
        "call": call,
        "donor": donor,
        "email_templates": templates,
        "chosen": chosen,
        "addresses": current_addresses(donor),
        "suppressed": suppressed_addresses(donor),
        "call_emails": list(
            OutgoingEmail.objects.filter(call=call)
            .select_related("template")
            .order_by("queued_at", "id")
        ),
    }
    if chosen is not None:
        subject, body = render_for(donor, chosen.subject, chosen.body, agent=agent)
        context |= {"preview_subject": subject, "preview_body": body,
                    "preview_unsubscribe": carries_unsubscribe(chosen.purpose)}  # fmt: skip
    return context


def status_counts() -> dict[str, int]:
    rows = OutgoingEmail.objects.order_by().values_list("status").annotate(n=Count("id"))
    return dict(rows)
