"""A brute-force oracle for the claim, written from the docs, not from the SQL: build a small
world from a hypothesis spec, then walk every row in Python applying every rule."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from donorcall.campaigns.models import Campaign, QueueEntry
from donorcall.campaigns.queue.eligibility import refresh_queue
from donorcall.donors.models import (
    ConsentEvent,
    ConsentState,
    Donor,
    PhoneNumber,
    Purpose,
    Suppression,
)
from tests.queue_world import WEDNESDAY_NOON_UTC, make_campaign


@dataclass
class World:
    campaigns: list[Campaign]
    specs: dict[int, dict] = field(default_factory=dict)  # entry id → what the oracle knows

    def donor_rows(self, donor_id: int) -> list[tuple[int, str]]:
        return list(QueueEntry.objects.filter(donor_id=donor_id).values_list("pk", "state"))


def build_world(campaign_specs, donor_specs, *, agent, other_agent) -> World:
    campaigns = [
        make_campaign(
            f"Property {n}",
            calling_starts=time(spec["start"]),
            calling_ends=time(spec["end"]),
            calling_days=list(range(7)) if spec["all_days"] else [0, 1, 2, 3, 4, 5],
            max_attempts=spec["max_attempts"],
        )
        for n, spec in enumerate(campaign_specs)
    ]
    world = World(campaigns)
    for n, spec in enumerate(donor_specs):
        add_donor(world, n, spec, agent=agent, other_agent=other_agent)
    refresh_queue(Donor.objects.values_list("pk", flat=True))
    return world


def add_donor(world: World, n: int, spec: dict, *, agent, other_agent) -> None:
    born = date.today() - timedelta(days=365 * spec["age"] + 30) if spec["age"] else None
    donor = Donor.objects.create(reference=f"P{n:05d}", last_name="Oracle", timezone=spec["zone"],
                                 status=spec["status"], date_of_birth=born)  # fmt: skip
    for k, suppressed in enumerate(spec["numbers"]):
        number = f"+4477009{n:04d}{k}"
        PhoneNumber.objects.create(donor=donor, number=number, is_primary=k == 0)
        if suppressed:
            Suppression.objects.create(kind="phone", value=number, reason="tps",
                                       created_at=WEDNESDAY_NOON_UTC)  # fmt: skip
    add_consent(donor, spec["consent"])
    seen: set[int] = set()
    for row in spec["rows"]:
        if row["campaign"] in seen:
            continue
        seen.add(row["campaign"])
        add_row(world, donor, spec, row, agent=agent, other_agent=other_agent)
    rows = QueueEntry.objects.filter(donor=donor).order_by("pk")
    if spec["leased_by_other"] and rows:
        first = rows[0]
        QueueEntry.objects.filter(pk=first.pk).update(
            state="leased", lease_holder=other_agent, lease_token=uuid.uuid4(),
            leased_at=WEDNESDAY_NOON_UTC, lease_expires_at=WEDNESDAY_NOON_UTC,
        )  # fmt: skip
        rows.exclude(pk=first.pk).update(state="held")
        for entry_id in rows.values_list("pk", flat=True):
            world.specs[entry_id]["leased"] = True


def add_consent(donor: Donor, consent: str | None) -> None:
    if consent is None:
        return
    code = "marketing" if consent == "other_purpose" else "fundraising"
    status = "granted" if consent == "granted" else "withdrawn"
    purpose = Purpose.objects.get(code=code)
    event = ConsentEvent.objects.create(donor=donor, channel="phone", purpose=purpose,
                                        status=status, source="call",
                                        recorded_at=WEDNESDAY_NOON_UTC)  # fmt: skip
    ConsentState.objects.create(donor=donor, channel="phone", purpose=purpose, status=status,
                                since=WEDNESDAY_NOON_UTC, event=event)  # fmt: skip


def add_row(world: World, donor: Donor, spec: dict, row: dict, *, agent, other_agent) -> None:
    campaign = world.campaigns[row["campaign"]]
    owner = (agent if row["owner_is_agent"] else other_agent) if row["priority"] == 1 else None
    due = WEDNESDAY_NOON_UTC + timedelta(minutes=row["due_minutes"])
    entry = QueueEntry.objects.create(
        campaign=campaign, donor=donor, priority=row["priority"], owner=owner, due_at=due,
        attempts=row["attempts"],
    )  # fmt: skip
    world.specs[entry.pk] = {**spec, **row, "owner": owner and owner.pk, "due": due,
                             "campaign_obj": campaign, "leased": False}  # fmt: skip


# --- The rules, one by one --------------------------------------------------------------------


def best_row(world: World, chosen: list[Campaign], *, agent, at: datetime) -> int | None:
    eligible = [
        (spec["priority"], spec["due"], entry_id)
        for entry_id, spec in world.specs.items()
        if spec["campaign_obj"] in chosen and callable_row(spec, agent=agent, at=at)
    ]
    return min(eligible)[2] if eligible else None


def callable_row(spec: dict, *, agent, at: datetime) -> bool:
    campaign = spec["campaign_obj"]
    checks = [
        not spec["leased"],
        spec["status"] == "active",
        not (spec["age"] is not None and spec["age"] < 16),
        any(not suppressed for suppressed in spec["numbers"]),
        spec["consent"] != "withdrawn",
        spec["attempts"] < campaign.max_attempts,
        spec["due"] <= at,
        spec["priority"] != 1 or spec["owner"] == agent.pk,
        spec["zone"] is not None
        and all(
            inside(zone, campaign, at, appointment=spec["priority"] <= 2)
            for zone in spec["zone"].split()
        ),
    ]
    return all(checks)


def inside(zone: str, campaign: Campaign, at: datetime, *, appointment: bool) -> bool:
    local = at.astimezone(ZoneInfo(zone))
    clock = local.time()
    if appointment:
        return time(8) <= clock < time(21)
    start, end = campaign.calling_starts, campaign.calling_ends
    if zone.startswith("America/"):
        start, end = max(start, time(8)), min(end, time(21))
    if zone == "Europe/London":
        end = min(end, time(21))
    return local.weekday() in campaign.calling_days and start <= clock < end


assert WEDNESDAY_NOON_UTC.tzinfo is UTC
