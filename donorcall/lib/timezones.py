"""Which time zone a donor lives in (COMPLIANCE.md, "The donor's zone").

The address decides first (country, then US/Canadian/Australian state), the phone number
second. A donor may end up with several zones (a state or an area code that spans two); the
dialler calls them only when every one of the zones is inside calling hours. No zone at all
means unknown, and unknown is never callable.

A donor's zones are stored as one string, the zone names sorted and joined by spaces
("America/Chicago America/New_York"), so the dialler can compute which stored values are
inside calling hours once per distinct value rather than once per donor.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from donorcall.lib.phone import zones_for

# A donor whose number could be in more zones than this is as good as unknown (a US toll-free
# number maps to 40-odd): we would never find an hour when all of them are inside the window.
MAX_ZONES = 4


US_STATE_ZONES: dict[str, tuple[str, ...]] = {
    "AL": ("America/Chicago",), "AK": ("America/Anchorage",), "AZ": ("America/Phoenix",),
    "AR": ("America/Chicago",), "CA": ("America/Los_Angeles",), "CO": ("America/Denver",),
    "CT": ("America/New_York",), "DE": ("America/New_York",), "DC": ("America/New_York",),
    "FL": ("America/New_York", "America/Chicago"), "GA": ("America/New_York",),
    "HI": ("Pacific/Honolulu",), "ID": ("America/Boise", "America/Los_Angeles"),
    "IL": ("America/Chicago",), "IN": ("America/Indiana/Indianapolis", "America/Chicago"),
    "IA": ("America/Chicago",), "KS": ("America/Chicago", "America/Denver"),
    "KY": ("America/New_York", "America/Chicago"), "LA": ("America/Chicago",),
    "ME": ("America/New_York",), "MD": ("America/New_York",), "MA": ("America/New_York",),
    "MI": ("America/Detroit", "America/Menominee"), "MN": ("America/Chicago",),
    "MS": ("America/Chicago",), "MO": ("America/Chicago",), "MT": ("America/Denver",),
    "NE": ("America/Chicago", "America/Denver"), "NV": ("America/Los_Angeles",),
    "NH": ("America/New_York",), "NJ": ("America/New_York",), "NM": ("America/Denver",),
    "NY": ("America/New_York",), "NC": ("America/New_York",),
    "ND": ("America/Chicago", "America/Denver"), "OH": ("America/New_York",),
    "OK": ("America/Chicago",), "OR": ("America/Los_Angeles", "America/Boise"),
    "PA": ("America/New_York",), "RI": ("America/New_York",), "SC": ("America/New_York",),
    "SD": ("America/Chicago", "America/Denver"), "TN": ("America/Chicago", "America/New_York"),
    "TX": ("America/Chicago", "America/Denver"), "UT": ("America/Denver",),
    "VT": ("America/New_York",), "VA": ("America/New_York",), "WA": ("America/Los_Angeles",),
    "WV": ("America/New_York",), "WI": ("America/Chicago",), "WY": ("America/Denver",),
    "PR": ("America/Puerto_Rico",),
}  # fmt: skip

CA_PROVINCE_ZONES: dict[str, tuple[str, ...]] = {
    "AB": ("America/Edmonton",), "BC": ("America/Vancouver",), "MB": ("America/Winnipeg",),
    "NB": ("America/Moncton",), "NL": ("America/St_Johns",), "NS": ("America/Halifax",),
    "ON": ("America/Toronto",), "PE": ("America/Halifax",), "QC": ("America/Toronto",),
    "SK": ("America/Regina",), "NT": ("America/Yellowknife",), "NU": ("America/Iqaluit",),
    "YT": ("America/Whitehorse",),
}  # fmt: skip

AU_STATE_ZONES: dict[str, tuple[str, ...]] = {
    "NSW": ("Australia/Sydney",), "ACT": ("Australia/Sydney",), "VIC": ("Australia/Melbourne",),
    "QLD": ("Australia/Brisbane",), "SA": ("Australia/Adelaide",), "WA": ("Australia/Perth",),
    "TAS": ("Australia/Hobart",), "NT": ("Australia/Darwin",),
}  # fmt: skip

REGION_ZONES = {"US": US_STATE_ZONES, "CA": CA_PROVINCE_ZONES, "AU": AU_STATE_ZONES}

US_STATE_NAMES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL",
    "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
    "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN",
    "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY",
    "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR",
    "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA",
    "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "PUERTO RICO": "PR",
}  # fmt: skip


@lru_cache(maxsize=1)
def zones_by_country() -> dict[str, tuple[str, ...]]:
    """ISO country code → its zones, from the tz database's zone.tab.

    Read from the ``tzdata`` package rather than the operating system, so a slim server image
    without /usr/share/zoneinfo derives the same zones as a developer's machine.
    """
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    by_country: dict[str, list[str]] = {}
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _, zone = line.split("\t")[:3]
        by_country.setdefault(code, []).append(zone)
    return {code: tuple(zones) for code, zones in by_country.items()}


def zones_for_address(country: str, region: str = "") -> tuple[str, ...]:
    country = (country or "").strip().upper()
    region = (region or "").strip().upper()
    if country in REGION_ZONES:
        region = US_STATE_NAMES.get(region, region) if country == "US" else region
        return REGION_ZONES[country].get(region, ())
    zones = zones_by_country().get(country, ())
    if country == "GB" or len(zones) == 1:
        return ("Europe/London",) if country == "GB" else zones
    return ()


def derive_zone_key(address: tuple[str, str] | None, numbers: Iterable[str]) -> str | None:
    """The donor's zone key from (country, region) of their address and their numbers.

    The address wins; when it leaves a choice (a two-zone state) and the phone narrows it down,
    the phone's zones inside the address's are used.
    """
    from_address = zones_for_address(*address) if address else ()
    from_phone: tuple[str, ...] = ()
    for e164 in numbers:
        # A number that could be anywhere (a toll-free line) says nothing; try the next one.
        from_phone = collapse(zones_for(e164))
        if 0 < len(from_phone) <= MAX_ZONES:
            break
        from_phone = ()
    zones: tuple[str, ...] = from_address or from_phone
    if len(from_address) > 1 and from_phone:
        narrowed = tuple(zone for zone in from_address if zone in from_phone)
        zones = narrowed or from_address
    return zone_key(zones)


def zone_key(zones: Iterable[str]) -> str | None:
    unique = sorted(set(collapse(tuple(zones))))
    if not unique or len(unique) > MAX_ZONES:
        return None
    return " ".join(unique)


def zones_of(key: str | None) -> tuple[ZoneInfo, ...]:
    if not key:
        return ()
    return tuple(ZoneInfo(name) for name in key.split())


@lru_cache(maxsize=4096)
def collapse(zones: tuple[str, ...]) -> tuple[str, ...]:
    """Drop zones that keep the same clock as one already listed.

    libphonenumber says a UK number may be in London, Jersey, Guernsey or the Isle of Man; the
    four never differ, so the donor is simply in Europe/London. Two zones are the same clock
    when their UTC offsets agree twice a month for the next two years.
    """
    kept: list[str] = []
    for name in sorted(zones, key=preference):
        if not any(same_clock(name, other) for other in kept):
            kept.append(name)
    return tuple(kept)


def preference(name: str) -> tuple[int, str]:
    """Prefer the zone people expect to read: London over Jersey, New York over Nassau."""
    preferred = {"Europe/London", "America/New_York", "America/Chicago", "America/Denver",
                 "America/Los_Angeles", "America/Phoenix", "America/Anchorage",
                 "Pacific/Honolulu"}  # fmt: skip
    return (0 if name in preferred else 1, name)


@lru_cache(maxsize=4096)
def same_clock(first: str, second: str) -> bool:
    a, b = ZoneInfo(first), ZoneInfo(second)
    start = datetime(datetime.now(UTC).year, 1, 1, tzinfo=UTC)
    for half_month in range(48):
        instant = start + timedelta(days=half_month * 15.25)
        if instant.astimezone(a).utcoffset() != instant.astimezone(b).utcoffset():
            return False
    return True
