"""Campaigns: created, changed, activated, paused, resumed and archived by managers.

Every setting is checked here, once, for the pages and the API alike. Calling hours are in the
donor's local time with the end exclusive; whatever a campaign says, they stay inside the hard
ceilings (COMPLIANCE.md: UK no later than 21:00, US 08:00–21:00). A campaign may call donors
in both countries, so the window a campaign may choose is 08:00–21:00.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, cast

from django.db import models, transaction
from django.utils import timezone

from donorcall.donors.models import Purpose
from donorcall.lib import phone
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, InvalidInput
from donorcall.staff.models import User

from ..models import Campaign, CampaignStatus, DiallingMode, default_calling_days
from ..scripts import MERGE_FIELDS, unknown_merge_fields
from .inputs import clean_choice, clean_name, clean_text, clean_whole_number, max_length

EARLIEST_START = time(8, 0)  # US: not before 08:00
LATEST_END = time(21, 0)  # UK and US: nothing at or after 21:00 (the end is exclusive)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SCRIPT_LIMIT = 10_000


def model_default(name: str) -> Any:
    column = cast("models.Field[Any, Any]", Campaign._meta.get_field(name))
    return column.get_default()


# The model's defaults (immutable values, read once), so the safe defaults live in one place.
DEFAULT = {
    name: model_default(name)
    for name in (
        "dialling_mode", "calling_starts", "calling_ends", "no_answer_delay_minutes",
        "not_available_delay_minutes", "rotate_retry_times", "max_attempts",
        "concluded_is_final", "preview_timeout_seconds", "skip_allowed", "wrap_up_seconds",
        "requires_tps_screening",
    )
}  # fmt: skip


@dataclass
class CampaignSettings:
    """Everything a manager sets on a campaign, as a form or the API hands it to an action.
    Defaults are the model's (COMPLIANCE.md's safe defaults)."""

    name: str
    purpose: Purpose | None
    description: str = ""
    dialling_mode: str = DEFAULT["dialling_mode"]
    calling_starts: time = DEFAULT["calling_starts"]
    calling_ends: time = DEFAULT["calling_ends"]
    calling_days: list[int] = field(default_factory=default_calling_days)
    no_answer_delay_minutes: int = DEFAULT["no_answer_delay_minutes"]
    not_available_delay_minutes: int = DEFAULT["not_available_delay_minutes"]
    rotate_retry_times: bool = DEFAULT["rotate_retry_times"]
    max_attempts: int = DEFAULT["max_attempts"]
    concluded_is_final: bool = DEFAULT["concluded_is_final"]
    recall_after_days: int | None = None
    preview_timeout_seconds: int = DEFAULT["preview_timeout_seconds"]
    skip_allowed: bool = DEFAULT["skip_allowed"]
    wrap_up_seconds: int = DEFAULT["wrap_up_seconds"]
    caller_id: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    requires_tps_screening: bool = DEFAULT["requires_tps_screening"]
    script: str = ""


SETTING_NAMES = [f.name for f in dataclasses.fields(CampaignSettings)]


def settings_of(campaign: Campaign) -> CampaignSettings:
    """The campaign's current settings, to edit or to patch."""
    return CampaignSettings(**{name: getattr(campaign, name) for name in SETTING_NAMES})


def create_campaign(settings: CampaignSettings, *, by: User | None) -> Campaign:
    """A new campaign, in Draft until a manager activates it."""
    values = clean_settings(settings, campaign=None)
    with transaction.atomic():
        return Campaign.objects.create(**values, status=CampaignStatus.DRAFT, created_by=by)


def update_campaign(campaign: Campaign, settings: CampaignSettings, *, by: User | None) -> Campaign:
    """Change a campaign's settings. An archived campaign is kept as it was, for reports."""
    values = clean_settings(settings, campaign=campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status == CampaignStatus.ARCHIVED:
            raise archived_error()
        for name, value in values.items():
            setattr(campaign, name, value)
        campaign.save(update_fields=list(values))
    return campaign


def clean_settings(settings: CampaignSettings, *, campaign: Campaign | None) -> dict[str, Any]:
    """Every setting checked, in the order the form shows them; the first wrong one is refused
    naming its field."""
    others = Campaign.objects.exclude(pk=campaign.pk) if campaign else Campaign.objects.all()
    return {
        "name": clean_name(
            settings.name, what="campaign", taken=others, limit=max_length(Campaign, "name")
        ),
        "description": clean_text(settings.description, field="description", limit=2000),
        "purpose": clean_purpose(settings.purpose, campaign),
        "dialling_mode": clean_choice(settings.dialling_mode, DiallingMode, field="dialling_mode"),
        **clean_calling_hours(settings.calling_starts, settings.calling_ends),
        "calling_days": clean_calling_days(settings.calling_days),
        **clean_retries(settings),
        **clean_preview(settings),
        "caller_id": clean_caller_id(settings.caller_id),
        **clean_dates(settings.starts_on, settings.ends_on),
        "requires_tps_screening": bool(settings.requires_tps_screening),
        "script": clean_script(settings.script),
    }


def clean_purpose(purpose: Purpose | None, campaign: Campaign | None) -> Purpose:
    if purpose is None:
        raise InvalidInput("Choose the consent purpose these calls are for.", field="purpose")
    unchanged = campaign is not None and campaign.purpose_id == purpose.pk
    if not purpose.is_active and not unchanged:
        raise InvalidInput(
            f"The purpose {purpose.name} is retired. Choose one in use.", field="purpose"
        )
    return purpose


def clean_calling_hours(starts: time | None, ends: time | None) -> dict[str, time]:
    if starts is None:
        raise InvalidInput("Enter when calling starts, e.g. 09:00.", field="calling_starts")
    if ends is None:
        raise InvalidInput("Enter when calling ends, e.g. 21:00.", field="calling_ends")
    if starts < EARLIEST_START:
        raise InvalidInput(
            "Calls may not start before 08:00 in the donor's local time (the US limit).",
            field="calling_starts",
        )
    if ends > LATEST_END:
        raise InvalidInput(
            "Calls must end by 21:00 in the donor's local time (the UK and US limit).",
            field="calling_ends",
        )
    if ends <= starts:
        raise InvalidInput(
            f"Calling hours must end after they start ({starts:%H:%M}).", field="calling_ends"
        )
    return {"calling_starts": starts, "calling_ends": ends}


def clean_calling_days(days: list[int] | None) -> list[int]:
    chosen = sorted(set(days or []))
    if any(isinstance(day, bool) or day not in range(7) for day in chosen):
        raise InvalidInput("Days are numbered 0 (Monday) to 6 (Sunday).", field="calling_days")
    if not chosen:
        raise InvalidInput("Choose at least one day to call on.", field="calling_days")
    return chosen


def clean_retries(settings: CampaignSettings) -> dict[str, Any]:
    """Retry delays (15 minutes to 90 days), attempts (1–50), and whether Concluded is final
    or the donor is called again after some days."""
    delays = {
        "no_answer_delay_minutes": "No answer",
        "not_available_delay_minutes": "Not available",
    }
    values: dict[str, Any] = {
        name: clean_whole_number(
            getattr(settings, name), field=name, least=15, most=90 * 24 * 60,
            message=f"After {reason}, wait between 15 minutes and 90 days before calling again.",
        )
        for name, reason in delays.items()
    }  # fmt: skip
    values["rotate_retry_times"] = bool(settings.rotate_retry_times)
    values["max_attempts"] = clean_whole_number(
        settings.max_attempts, field="max_attempts", least=1, most=50,
        message="Allow from 1 to 50 attempts per donor.",
    )  # fmt: skip
    values["concluded_is_final"] = bool(settings.concluded_is_final)
    values["recall_after_days"] = None
    if not settings.concluded_is_final:
        values["recall_after_days"] = clean_whole_number(
            settings.recall_after_days, field="recall_after_days", least=1, most=3650,
            message="Say after how many days (1 to 3650) a concluded donor is called again.",
        )  # fmt: skip
    return values


def clean_preview(settings: CampaignSettings) -> dict[str, Any]:
    return {
        "preview_timeout_seconds": clean_whole_number(
            settings.preview_timeout_seconds, field="preview_timeout_seconds", least=15,
            most=3600, message="Give agents from 15 to 3600 seconds to preview a donor.",
        ),
        "skip_allowed": bool(settings.skip_allowed),
        "wrap_up_seconds": clean_whole_number(
            settings.wrap_up_seconds, field="wrap_up_seconds", least=0, most=600,
            message="Give agents from 0 to 600 seconds of wrap-up between calls.",
        ),
    }  # fmt: skip


def clean_caller_id(raw: str | None) -> str:
    """The number donors see, stored as E.164. Never premium rate: a donor must be able to
    call back at a normal cost (Ofcom's CLI rules)."""
    if not (raw or "").strip():
        return ""
    parsed = phone.normalise(raw or "", field="caller_id")
    if parsed.kind == "premium_rate":
        raise InvalidInput(
            "The caller ID cannot be a premium-rate number: donors must be able to call back "
            "at a normal cost.",
            field="caller_id",
            code="premium_rate_caller_id",
        )
    return parsed.e164


def clean_dates(starts_on: date | None, ends_on: date | None) -> dict[str, date | None]:
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput("The end date cannot be before the start date.", field="ends_on")
    return {"starts_on": starts_on, "ends_on": ends_on}


def clean_script(script: str | None) -> str:
    text = clean_text(script, field="script", limit=SCRIPT_LIMIT)
    if "{{" in text or "{%" in text:
        raise InvalidInput(
            "Write merge fields in single braces, e.g. {first_name}.",
            field="script",
            code="unknown_merge_field",
        )
    if unknown := unknown_merge_fields(text):
        names = ", ".join("{" + name + "}" for name in unknown)
        known = ", ".join("{" + name + "}" for name in MERGE_FIELDS)
        raise InvalidInput(
            f"Unknown merge field{'s' if len(unknown) > 1 else ''} {names}. "
            f"The script may use {known}.",
            field="script",
            code="unknown_merge_field",
        )
    return text


# --- Status ----------------------------------------------------------------------------------

# Which status may follow which. Archived is final: its calls and reports stay as they were,
# and a campaign to run again is created afresh.
STATUS_CHANGES = {
    CampaignStatus.DRAFT: {CampaignStatus.ACTIVE, CampaignStatus.ARCHIVED},
    CampaignStatus.ACTIVE: {CampaignStatus.PAUSED, CampaignStatus.ARCHIVED},
    CampaignStatus.PAUSED: {CampaignStatus.ACTIVE, CampaignStatus.ARCHIVED},
    CampaignStatus.ARCHIVED: set(),
}
REFUSALS = {
    CampaignStatus.PAUSED: "Only an active campaign can be paused.",
    CampaignStatus.DRAFT: "A campaign cannot go back to Draft; pause it instead.",
}


def archived_error() -> Conflict:
    return Conflict(
        "This campaign is archived and stays as it was. Create a new campaign to call again.",
        field="status",
        code="campaign_archived",
    )


def change_campaign_status(campaign: Campaign, *, status: str, by: User | None) -> Campaign:
    """Activate a draft, pause, resume (activate a paused one) or archive a campaign. The
    dialler hands out donors of active campaigns only."""
    status = clean_choice(status, CampaignStatus, field="status")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status == status:
            return campaign  # a double click changes nothing
        if campaign.status == CampaignStatus.ARCHIVED:
            raise archived_error()
        if status not in STATUS_CHANGES[CampaignStatus(campaign.status)]:
            raise Conflict(REFUSALS[CampaignStatus(status)], field="status", code="bad_status")
        if status == CampaignStatus.ACTIVE:
            check_not_ended(campaign)
        campaign.status = status
        campaign.save(update_fields=["status"])
    return campaign


def check_not_ended(campaign: Campaign) -> None:
    if campaign.ends_on and campaign.ends_on < timezone.localdate(now()):
        raise InvalidInput(
            f"This campaign ended on {campaign.ends_on:%d %b %Y}. Move the end date first.",
            field="ends_on",
            code="campaign_ended",
        )
