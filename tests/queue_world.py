"""Building blocks for the dialler's tests: campaigns, donors on them, and the instant."""

from datetime import UTC, datetime, time, timedelta

from donorcall.campaigns.models import Campaign, CampaignStatus, QueueEntry
from donorcall.campaigns.queue.eligibility import enqueue, refresh_queue
from donorcall.donors.models import Purpose
from tests.factories import DonorFactory, PhoneNumberFactory

# A Wednesday: 13:00 in London (BST), 08:00 in New York, 05:00 in Los Angeles.
WEDNESDAY_NOON_UTC = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


def fundraising() -> Purpose:
    return Purpose.objects.get(code="fundraising")


def make_campaign(name: str = "Spring appeal", **fields) -> Campaign:
    fields.setdefault("purpose", fundraising())
    fields.setdefault("status", CampaignStatus.ACTIVE)
    return Campaign.objects.create(name=name, **fields)


# Ofcom's drama blocks: 12,000 numbers that are valid and never a real person's.
DRAMA_BLOCKS = ("+447700900", "+442079460", "+441134960", "+441144960", "+441164960",
                "+441174960", "+441184960", "+441214960", "+441314960", "+441414960",
                "+441514960", "+441614960")  # fmt: skip


def fictional_number(n: int) -> str:
    """A distinct valid number for each n below 12,000 (database ids grow across tests)."""
    block, line = divmod(n % (1000 * len(DRAMA_BLOCKS)), 1000)
    return f"{DRAMA_BLOCKS[block]}{line:03d}"


def donor_on(*campaigns: Campaign, zone: str | None = "Europe/London", number: bool = True, **row):
    """A donor with a number, queued on ``campaigns``; ``row`` sets queue-row fields (due an
    hour before WEDNESDAY_NOON_UTC unless it says otherwise)."""
    row.setdefault("due_at", WEDNESDAY_NOON_UTC - timedelta(hours=1))
    donor = DonorFactory(timezone=zone)
    if number:
        PhoneNumberFactory(donor=donor, number=fictional_number(donor.pk))
    for campaign in campaigns:
        enqueue(campaign, [donor.pk], by=None)
    if row:
        QueueEntry.objects.filter(donor=donor).update(**row)
        refresh_queue([donor.pk])  # attempts may now be at the maximum
    return donor


def at_local(zone: str, year: int, month: int, day: int, hh: int, mm: int = 0, ss: int = 0):
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hh, mm, ss, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def hours(start: int, end: int) -> dict:
    return {"calling_starts": time(start, 0), "calling_ends": time(end, 0)}
