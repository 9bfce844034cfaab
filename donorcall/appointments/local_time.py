"""A time on the donor's wall clock, and why it may not name one instant.

When clocks go forward an hour of wall-clock times never happens (a *gap*); when they go back
an hour happens twice (a *fold*). zoneinfo answers both quietly (PEP 495: ``fold`` picks one
of the two offsets), which would book the donor an hour early or late. So a booked time must
name exactly one instant, or it is refused with the clock change spelled out.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from donorcall.lib.errors import InvalidInput


class TimeDoesNotExist(InvalidInput):
    code = "time_does_not_exist"


class TimeIsAmbiguous(InvalidInput):
    code = "time_ambiguous"


class UnknownZone(InvalidInput):
    code = "unknown_zone"


@dataclass(frozen=True)
class ClockChange:
    """A transition: on ``day`` the wall clock jumps from ``before`` to ``after``."""

    day: date
    before: datetime  # wall clock just before the change (naive)
    after: datetime  # wall clock just after it (naive)

    @property
    def forward(self) -> bool:
        return self.after > self.before


def zone_named(name: str) -> ZoneInfo:
    if not name or name not in valid_zone_names():
        raise UnknownZone(f"“{name}” is not a time zone donorcall knows.", field="zone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownZone(f"“{name}” is not a time zone donorcall knows.", field="zone") from error


def valid_zone_names() -> set[str]:
    return available_timezones()


def instant_of(local: datetime, zone_name: str) -> datetime:
    """The one UTC instant ``local`` (naive) names in the zone, or a refusal that explains the
    clock change that makes it name none or two."""
    zone = zone_named(zone_name)
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    change = clock_change_near(first.astimezone(UTC), second.astimezone(UTC), zone)
    raise refusal(local, zone_name, change, exists=round_trips(first, local))


def round_trips(aware: datetime, local: datetime) -> bool:
    """In a gap, the wall time comes back as another (01:30 becomes 02:30); in a fold it is
    itself."""
    return aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None) == local


def clock_change_near(one: datetime, other: datetime, zone: ZoneInfo) -> ClockChange:
    """The transition between two UTC instants at most a few hours apart, to the minute."""
    low, high = min(one, other), max(one, other)
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle <= low:
            break
        if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
            low = middle
        else:
            high = middle
    at = high
    before = (at + low.astimezone(zone).utcoffset()).replace(tzinfo=None)  # type: ignore[operator]
    after = at.astimezone(zone).replace(tzinfo=None)
    return ClockChange(day=after.date(), before=before, after=after)


def refusal(local: datetime, zone_name: str, change: ClockChange, *, exists: bool) -> InvalidInput:
    moves = "go forward" if change.forward else "go back"
    said = (
        f"On {long_date(change.day)} clocks in {zone_name} {moves} from "
        f"{change.before:%H:%M} to {change.after:%H:%M}: {local:%H:%M}"
    )
    if exists:
        return TimeIsAmbiguous(
            f"{said} happens twice, so it is not clear which one the donor means. "
            "Choose another time.",
            field="time",
        )
    return TimeDoesNotExist(f"{said} does not exist. Choose another time.", field="time")


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def wall_clock(instant: datetime, zone_name: str) -> datetime:
    """The instant on the zone's wall clock (aware)."""
    return instant.astimezone(ZoneInfo(zone_name))
