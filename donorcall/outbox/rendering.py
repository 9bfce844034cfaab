"""Filling an email template for a donor, and the unsubscribe link every fundraising or
marketing email carries.

Templates use the call scripts' merge fields (``{first_name}``, campaigns/scripts.py) and, like
scripts, are never run as Django templates: an administrator's text must not reach attributes
or tags. The unsubscribe link holds only a signed email id, so no personal data is in the URL.
"""

from collections.abc import Mapping

from django.conf import settings
from django.core import signing
from django.urls import reverse

from donorcall.campaigns.scripts import MERGE_FIELD, VALUES
from donorcall.donors.models import Donor
from donorcall.staff.models import User

from .models import OutgoingEmail

UNSUBSCRIBE_SALT = "donorcall.outbox.unsubscribe"

# The example donor of a template's preview: fictional, and no database reads for it.
EXAMPLE_VALUES = {
    "first_name": "Sam",
    "last_name": "Example",
    "name": "Mx Sam Example",
    "reference": "D0000001",
    "last_gift": "GBP 25.00 on 3 March 2026",
    "failed_payment": "GBP 10.00 due on 1 June 2026",
    "agent_first_name": "Alex",
    "regular_gift": "a monthly regular gift of GBP 10.00 by direct debit (mandate DDI-0001), "
    "from 1 December 2026",
}


def fields_used(*texts: str) -> set[str]:
    return {match.group(1) for text in texts for match in MERGE_FIELD.finditer(text or "")}


def fill(text: str, values: Mapping[str, str]) -> str:
    """Merge fields replaced by their values; an unknown one is left as written."""
    return MERGE_FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def donor_values(donor: Donor, agent: User | None, *texts: str) -> dict[str, str]:
    """Only the fields the texts use are looked up (last_gift and failed_payment query)."""
    return {name: VALUES[name](donor, agent) for name in fields_used(*texts) if name in VALUES}


def one_line(text: str) -> str:
    """A subject is a mail header: a line break in it would start another header."""
    return " ".join(text.split())


def render_for(
    donor: Donor,
    subject: str,
    body: str,
    *,
    agent: User | None,
    extra: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """``extra``: the values of what a built-in email is about (a payment link's URL…)."""
    values = donor_values(donor, agent, subject, body) | dict(extra or {})
    return one_line(fill(subject, values)), fill(body, values)


def render_example(subject: str, body: str) -> tuple[str, str]:
    return one_line(fill(subject, EXAMPLE_VALUES)), fill(body, EXAMPLE_VALUES)


# --- Unsubscribe -------------------------------------------------------------------------------


def unsubscribe_token(email: OutgoingEmail) -> str:
    return signing.dumps(email.pk, salt=UNSUBSCRIBE_SALT)


def email_id_from(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def absolute(path: str) -> str:
    return settings.DONORCALL_PUBLIC_URL.rstrip("/") + path


def unsubscribe_url(email: OutgoingEmail) -> str:
    return absolute(reverse("outbox:unsubscribe", args=[unsubscribe_token(email)]))


def one_click_url(email: OutgoingEmail) -> str:
    return absolute(reverse("outbox:unsubscribe-one-click", args=[unsubscribe_token(email)]))


def footer(email: OutgoingEmail, url: str) -> str:
    organisation = settings.DONORCALL_ORGANISATION_NAME
    return (
        f"\n\n-- \nYou are receiving this email from {organisation}. To stop "
        f"{email.purpose.name.lower()} emails from us: {url}\n"
    )


def body_with_footer(email: OutgoingEmail) -> str:
    if not email.needs_unsubscribe:
        return email.body
    return email.body.rstrip() + footer(email, unsubscribe_url(email))
