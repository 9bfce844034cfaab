"""Calling hours as a set of zone keys (COMPLIANCE.md, "Who may be called, and when").

The rule, per zone of a key, on the donor's wall clock (zoneinfo, so DST-safe):

- **Campaign window**: the day is one of the campaign's calling days (Monday = 0) and the time
  is in [calling_starts, calling_ends), narrowed by the hard ceiling of the zone's country:
  UK zones end at 21:00 at the latest; US zones are held inside 08:00–21:00. Other countries
  have no ceiling beyond the campaign's own hours.
- **Appointment window** (priority 1–2): any day, 08:00–21:00 in every zone. That is the US
  ceiling and inside the UK one; for other countries it keeps a booked call to civil hours.
- A key with several zones is inside only when every one of its zones is. No key (unknown
  zone) is never inside.

Which country a zone is in: UK = the tz database's GB zones plus their links and the Crown
dependencies that keep London's clock (Europe/Belfast, GB, Jersey, Guernsey, Isle of Man); US =
the tz database's US zones, the zones ``US_STATE_ZONES`` names (Puerto Rico included) and the
legacy ``US/…`` links.
"""

import time as monotonic
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from donorcall.lib.timezones import US_STATE_ZONES, zones_by_country

UK_ZONES = frozenset(
    {*zones_by_country().get("GB", ()), "Europe/London", "Europe/Belfast", "GB", "GB-Eire"}
    | {"Europe/Jersey", "Europe/Guernsey", "Europe/Isle_of_Man"}
)
US_ZONES = frozenset(
    {*zones_by_country().get("US", ()), *(z for zones in US_STATE_ZONES.values() for z in zones)}
    | {"Pacific/Honolulu", "America/Anchorage", "America/Adak", "America/Puerto_Rico"}
)
CEILING_START = {"US": time(8, 0)}
CEILING_END = {"UK": time(21, 0), "US": time(21, 0)}
APPOINTMENT_START, APPOINTMENT_END = time(8, 0), time(21, 0)
ALL_DAYS = frozenset(range(7))
ZONE_LIST_SECONDS = 5.0  # how long a process trusts its copy of the QueueZone table


@dataclass(frozen=True)
class Window:
    """Local wall-clock hours [start, end) on ``days`` (Monday = 0); end None = midnight."""

    start: time
    end: time | None
    days: frozenset[int]


APPOINTMENT_WINDOW = Window(APPOINTMENT_START, APPOINTMENT_END, ALL_DAYS)


def country_of(zone_name: str) -> str:
    if zone_name in UK_ZONES:
        return "UK"
    if zone_name in US_ZONES or zone_name.startswith("US/"):
        return "US"
    return ""


def campaign_window(campaign) -> Window:
    return window_of(campaign.calling_starts, campaign.calling_ends, campaign.calling_days)


def window_of(starts: time, ends: time | None, days: Iterable[int]) -> Window:
    """A campaign's window from its calling hours and days."""
    return Window(starts, ends, frozenset(days))


def within_ceiling(window: Window, zone_name: str) -> Window:
    """The campaign's window narrowed by the hard ceiling of the zone's country."""
    country = country_of(zone_name)
    start = max(window.start, CEILING_START.get(country, time(0, 0)))
    ceiling_end = CEILING_END.get(country)
    end = window.end
    if ceiling_end is not None and (end is None or end > ceiling_end):
        end = ceiling_end
    return Window(start, end, window.days)


def zone_inside(zone_name: str, window: Window, at: datetime) -> bool:
    local = at.astimezone(ZoneInfo(zone_name))
    bounded = within_ceiling(window, zone_name)
    wall = local.time().replace(tzinfo=None)
    before_end = bounded.end is None or wall < bounded.end
    return local.weekday() in bounded.days and bounded.start <= wall and before_end


def key_inside(key: str | None, window: Window, at: datetime) -> bool:
    """Every zone of the key inside the window; an unknown key never is."""
    zones = (key or "").split()
    return bool(zones) and all(zone_inside(zone, window, at) for zone in zones)


def keys_inside(keys: Iterable[str], window: Window, at: datetime) -> list[str]:
    return sorted(key for key in keys if key_inside(key, window, at))


@lru_cache(maxsize=256)
def _keys_inside_cached(keys: tuple[str, ...], window: Window, at: datetime) -> tuple[str, ...]:
    return tuple(keys_inside(keys, window, at))


def campaign_keys_now(campaign, at: datetime) -> tuple[str, ...]:
    """The known zone keys inside the campaign's window at ``at`` (to the second)."""
    return _keys_inside_cached(known_zone_keys(), campaign_window(campaign), whole_second(at))


def appointment_keys_now(at: datetime) -> tuple[str, ...]:
    return _keys_inside_cached(known_zone_keys(), APPOINTMENT_WINDOW, whole_second(at))


def whole_second(at: datetime) -> datetime:
    # Windows are set in whole minutes, so the answer for 20:59:59.7 is the one for 20:59:59.
    return at.replace(microsecond=0)


# --- The QueueZone list, cached per process ---------------------------------------------------

_zone_cache: dict[str, object] = {"keys": (), "loaded_at": -1e9}


def known_zone_keys() -> tuple[str, ...]:
    """QueueZone's keys, reread at most every few seconds: the claim runs thousands of times a
    second, the table changes when a new zone is first seen. This process's own additions
    are seen at once (``forget_zone_keys``); another process's within ZONE_LIST_SECONDS."""
    from donorcall.campaigns.models import QueueZone

    if monotonic.monotonic() - float(_zone_cache["loaded_at"]) > ZONE_LIST_SECONDS:  # type: ignore[arg-type]
        _zone_cache["keys"] = tuple(sorted(QueueZone.objects.values_list("key", flat=True)))
        _zone_cache["loaded_at"] = monotonic.monotonic()
    return _zone_cache["keys"]  # type: ignore[return-value]


def forget_zone_keys() -> None:
    _zone_cache["loaded_at"] = -1e9
