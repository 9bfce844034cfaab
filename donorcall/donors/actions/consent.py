"""Consent: append-only grants and withdrawals per donor × channel × purpose.

``record_consent`` is the one door: it appends the event and moves the donor's current state
(ConsentState) in the same transaction, so the history and the state the dialler reads can
never disagree.
"""

from datetime import datetime

from django.db import transaction
from django.utils.text import slugify

from donorcall.campaigns.queue.eligibility import refresh_queue
from donorcall.donors.history import record_event
from donorcall.donors.models import (
    Channel,
    ConsentEvent,
    ConsentSource,
    ConsentState,
    ConsentStatus,
    Donor,
    Purpose,
)
from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User


def record_consent(
    donor: Donor,
    *,
    channel: str,
    purpose: Purpose,
    status: str,
    source: str,
    wording: str = "",
    at: datetime | None = None,
    by: User | None,
) -> ConsentEvent:
    check_consent(donor, channel=channel, status=status, source=source)
    wording = reject_card_numbers(wording.strip(), field="wording")
    at = at or now()
    with transaction.atomic():
        event = ConsentEvent.objects.create(
            donor=donor,
            channel=channel,
            purpose=purpose,
            status=status,
            source=source,
            wording=wording,
            recorded_at=at,
            recorded_by=by,
        )
        move_state(event)
        refresh_queue([donor.pk])  # a withdrawal must stop the dialler in this transaction
        verb = "granted" if status == ConsentStatus.GRANTED else "withdrawn"
        how = ConsentSource(source).label.lower()
        summary = f"{Channel(channel).label} consent for {purpose.name.lower()} {verb} ({how})"
        record_event(donor, f"consent_{verb}", summary, by=by)
    return event


def move_state(event: ConsentEvent) -> None:
    """Point the current state at ``event`` unless a later event is already there (an import
    may carry an older consent than one taken on a call)."""
    state = (
        ConsentState.objects.select_for_update()
        .filter(donor=event.donor, channel=event.channel, purpose=event.purpose)
        .first()
    )
    if state is None:
        ConsentState.objects.create(
            donor=event.donor,
            channel=event.channel,
            purpose=event.purpose,
            status=event.status,
            since=event.recorded_at,
            event=event,
        )
    elif state.since <= event.recorded_at:
        state.status, state.since, state.event = event.status, event.recorded_at, event
        state.save(update_fields=["status", "since", "event"])


def check_consent(donor: Donor, *, channel: str, status: str, source: str) -> None:
    if channel not in Channel.values:
        raise InvalidInput("Choose a channel: phone, email, SMS or post.", field="channel")
    if status not in ConsentStatus.values:
        raise InvalidInput("Consent is either granted or withdrawn.", field="status")
    if source not in ConsentSource.values:
        raise InvalidInput(
            "Say how the consent was given: call, import, web or letter.", field="source"
        )
    if donor.status == "erased":
        raise InvalidInput("This donor has been erased.", code="donor_erased")


def grant_consent(
    donor: Donor, *, channel: str, purpose: Purpose, source: str, wording: str = "", by: User | None
) -> ConsentEvent:
    return record_consent(
        donor, channel=channel, purpose=purpose, status=ConsentStatus.GRANTED, source=source,
        wording=wording, by=by,
    )  # fmt: skip


def withdraw_consent(
    donor: Donor, *, channel: str, purpose: Purpose, source: str, wording: str = "", by: User | None
) -> ConsentEvent:
    return record_consent(
        donor, channel=channel, purpose=purpose, status=ConsentStatus.WITHDRAWN, source=source,
        wording=wording, by=by,
    )  # fmt: skip


def save_purpose(purpose: Purpose | None, *, name: str, is_active: bool, by: User) -> Purpose:
    """Add a purpose (purpose None) or rename / retire one. A purpose is never deleted: consent
    history and campaigns refer to it."""
    name = name.strip()
    if not name:
        raise InvalidInput("Give the purpose a name.", field="name")
    clash = Purpose.objects.filter(name__iexact=name)
    if purpose is not None:
        clash = clash.exclude(pk=purpose.pk)
    if clash.exists():
        raise InvalidInput("A purpose with that name already exists.", field="name")
    purpose = purpose or Purpose(code=unique_code(name))
    purpose.name, purpose.is_active = name, is_active
    purpose.save()
    return purpose


def unique_code(name: str) -> str:
    base = slugify(name)[:32] or "purpose"
    code, n = base, 1
    while Purpose.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code
