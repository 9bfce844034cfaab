"""The demo organisation (`donorcall demo`): a charity with 2,000 fictional donors in the UK
and the US, one login for each role, and what the Call Center needs to call them at once
(demo_calling.py: campaigns, teams and their queues; demo_giving.py: consent and giving).

It is the same every time (a fixed seed, references DEMO-00001…) and safe to run twice: what
already exists is left exactly as it is, and only what is missing is added.

No number here can ring a real person: UK numbers come from Ofcom's drama ranges and US numbers
from the fictional NPA-555-0100…0199 block. Emails use the reserved example.* domains.
"""

import random
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from django.db import transaction

from donorcall.donors.actions.details import (
    AddressDetails,
    DonorDetails,
    apply_details,
    check_details,
    clean_address,
    clean_email,
)
from donorcall.donors.models import (
    Address,
    Donor,
    DonorEvent,
    DonorStatus,
    EmailAddress,
    PhoneNumber,
)
from donorcall.lib import phone
from donorcall.lib.clock import now
from donorcall.lib.errors import DomainError
from donorcall.lib.phone import ParsedNumber
from donorcall.lib.timezones import derive_zone_key
from donorcall.runtime.demo_calling import CallingCounts, create_call_center, report_calling
from donorcall.runtime.demo_data import (
    FIRM_KINDS,
    ORGANISATION_KINDS,
    PLACES,
    SURNAMES,
    UK_MEN,
    UK_MOBILE_PREFIX,
    UK_PLACES,
    UK_STREETS,
    UK_WOMEN,
    US_MEN,
    US_PLACES,
    US_STREETS,
    US_WOMEN,
    Place,
)
from donorcall.staff.actions import create_user, save_job_role
from donorcall.staff.models import JobRole, Role, User

ORGANISATION_NAME = "Brightwater Trust (demo)"
# Published on purpose: `donorcall demo` prints it, and it is only for trying donorcall out.
PASSWORD = "donorcall-demo"  # noqa: S105
DONOR_COUNT = 2000
SEED = 2026
REFERENCE_PREFIX = "DEMO-"

UK_SHARE = 0.55
ORGANISATION_SHARE = 0.02
DECEASED_SHARE = 0.006
HOUSEHOLD_SHARE = 0.015  # a partner sharing the previous donor's home and landline
NO_ADDRESS_SHARE = 0.03
EMAIL_SHARE = 0.85
BIRTH_DATE_SHARE = 0.7

EMAIL_DOMAINS = ("example.org", "example.com", "example.net")  # reserved (RFC 2606)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a UK inward code may use


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    first_name: str
    last_name: str


LOGINS = (
    DemoLogin("admin", Role.ADMINISTRATOR, "Ada", "Okafor"),
    DemoLogin("manager", Role.MANAGER, "Morgan", "Hughes"),
    DemoLogin("agent", Role.AGENT, "Sam", "Patel"),
    DemoLogin("agent2", Role.AGENT, "Jordan", "Reyes"),
)


@dataclass(frozen=True)
class DemoJobRole:
    name: str
    makes_outbound_calls: bool
    takes_inbound_calls: bool
    members: tuple[str, ...]


JOB_ROLES = (
    DemoJobRole("Agent", True, False, ("agent", "agent2", "manager")),
    DemoJobRole("Inbound caller", False, True, ("agent2", "manager")),
    DemoJobRole("Supervisor", True, True, ("manager",)),
)


class Writer(Protocol):
    """Where the report goes: a command's stdout, sys.stdout or a StringIO."""

    def write(self, text: str, /) -> object: ...


@dataclass
class DemoResult(CallingCounts):
    """What one run added; all zeros when the demo was already there. The Call Center's
    counts (consent, giving, campaigns, teams, queues) come from CallingCounts."""

    users_created: int = 0
    job_roles_created: int = 0
    donors_created: int = 0
    phone_numbers_created: int = 0
    email_addresses_created: int = 0
    addresses_created: int = 0
    users_present: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(
            self.users_created
            or self.job_roles_created
            or self.donors_created
            or self.calling_created_anything
        )


@dataclass
class DonorPlan:
    """One demo donor before it is saved: the donor and their contact details, as the
    actions would store them (numbers E.164, primary first)."""

    donor: Donor
    place: Place
    numbers: list[ParsedNumber]
    home_line: ParsedNumber | None
    email: str
    address: AddressDetails | None


class Stock:
    """What is left to hand out: fictional numbers and organisation names, so that no two
    donors share a number or a name, except the households that share a line on purpose."""

    def __init__(self, rng: random.Random):
        self.mobiles = shuffled(numbers_in(UK_MOBILE_PREFIX, 3), rng)
        self.lines = {place: shuffled(place_numbers(place), rng) for place in PLACES}
        self.organisations = {
            place: shuffled(
                [f"{place.city} {kind}" for kind in ORGANISATION_KINDS[place.country]], rng
            )
            for place in PLACES
        }

    def room(self, place: Place) -> int:
        return len(self.lines[place])

    def line(self, place: Place) -> ParsedNumber | None:
        return phone.normalise(self.lines[place].pop()) if self.lines[place] else None

    def mobile(self, place: Place) -> ParsedNumber | None:
        """A UK mobile from the one drama block; a US number is just another line in town."""
        if place.country == "US":
            return self.line(place)
        return phone.normalise(self.mobiles.pop()) if self.mobiles else None

    def organisation_name(self, place: Place) -> str | None:
        names = self.organisations[place]
        return names.pop() if names else None


def place_numbers(place: Place) -> list[str]:
    return [n for prefix in place.line_prefixes for n in numbers_in(prefix, place.suffix_digits)]


def numbers_in(prefix: str, digits: int) -> list[str]:
    return [f"{prefix}{n:0{digits}d}" for n in range(10**digits)]


def shuffled(items: list[str], rng: random.Random) -> list[str]:
    rng.shuffle(items)
    return items


# --- creating ------------------------------------------------------------------------------


class DemoRefused(DomainError):
    code = "demo_refused"


def create_demo_organisation(stdout: Writer | None = None, *, force: bool = False) -> DemoResult:
    """Add whatever part of the demo is missing, all or nothing, and report it to ``stdout``."""
    if not force:
        check_no_real_staff()
    result = DemoResult()
    with transaction.atomic():
        create_logins(result)
        create_job_roles(result)
        create_donors(plan_donors(DONOR_COUNT), result)
        create_call_center(result, prefix=REFERENCE_PREFIX, seed=SEED)
    if stdout is not None:
        stdout.write("".join(f"{line}\n" for line in report(result)))
    return result


def check_no_real_staff() -> None:
    """The demo's logins have a published password: never add them beside real staff."""
    demo_usernames = [login.username for login in LOGINS]
    if User.objects.exclude(username__in=demo_usernames).exists():
        raise DemoRefused(
            "This database already has staff of its own, and the demo would add logins with a "
            "published password. Run the demo on a fresh database, or use --force on a "
            "training copy."
        )


def create_logins(result: DemoResult) -> None:
    for login in LOGINS:
        if User.objects.filter(username__iexact=login.username).exists():
            result.users_present.append(login.username)
            continue
        create_user(
            username=login.username,
            password=PASSWORD,
            role=login.role,
            first_name=login.first_name,
            last_name=login.last_name,
            by=None,
        )
        result.users_created += 1


def create_job_roles(result: DemoResult) -> None:
    for job_role in JOB_ROLES:
        if JobRole.objects.filter(name__iexact=job_role.name).exists():
            continue
        save_job_role(
            None,
            name=job_role.name,
            makes_outbound_calls=job_role.makes_outbound_calls,
            takes_inbound_calls=job_role.takes_inbound_calls,
            members=list(User.objects.filter(username__in=job_role.members)),
            by=None,
        )
        result.job_roles_created += 1


def create_donors(plans: list[DonorPlan], result: DemoResult) -> None:
    """Save the donors not already there.

    Bulk inserts rather than ``create_donor`` per row: 2,000 donors through the actions take
    about a dozen queries each, far too slow for `make run`. ``plan_donor`` builds every value
    with the actions' own cleaning (``phone.normalise``, ``clean_email``, ``clean_address``,
    ``derive_zone_key``), so what is stored is what the actions would store.
    """
    present = set(
        Donor.objects.filter(reference__startswith=REFERENCE_PREFIX).values_list(
            "reference", flat=True
        )
    )
    missing = [plan for plan in plans if plan.donor.reference not in present]
    Donor.objects.bulk_create([plan.donor for plan in missing], batch_size=500)
    phones = PhoneNumber.objects.bulk_create(phone_rows(missing), batch_size=500)
    emails = EmailAddress.objects.bulk_create(email_rows(missing), batch_size=500)
    addresses = Address.objects.bulk_create(address_rows(missing), batch_size=500)
    DonorEvent.objects.bulk_create(history_rows(missing), batch_size=500)
    result.donors_created = len(missing)
    result.phone_numbers_created = len(phones)
    result.email_addresses_created = len(emails)
    result.addresses_created = len(addresses)


def phone_rows(plans: Iterable[DonorPlan]) -> Iterator[PhoneNumber]:
    for plan in plans:
        for position, number in enumerate(plan.numbers):
            yield PhoneNumber(
                donor=plan.donor, number=number.e164, kind=number.kind, is_primary=position == 0
            )


def email_rows(plans: Iterable[DonorPlan]) -> Iterator[EmailAddress]:
    for plan in plans:
        if plan.email:
            yield EmailAddress(donor=plan.donor, email=plan.email, is_primary=True)


def address_rows(plans: Iterable[DonorPlan]) -> Iterator[Address]:
    for plan in plans:
        if plan.address:
            yield Address(donor=plan.donor, is_primary=True, **plan.address.__dict__)


def history_rows(plans: Iterable[DonorPlan]) -> Iterator[DonorEvent]:
    """The history line ``create_donor`` writes, so a demo donor's History panel starts the
    way any other donor's does."""
    at = now()
    for plan in plans:
        yield DonorEvent(donor=plan.donor, kind="donor_created", summary="Donor created", at=at)


# --- planning: pure, from the seed alone, so every run plans the same donors ---------------


def plan_donors(count: int) -> list[DonorPlan]:
    rng = random.Random(SEED)
    stock = Stock(rng)
    plans: list[DonorPlan] = []
    for index in range(1, count + 1):
        previous = plans[-1] if plans else None
        if previous and can_share_home(previous) and rng.random() < HOUSEHOLD_SHARE:
            plans.append(plan_partner(index, previous, rng, stock))
        else:
            plans.append(plan_donor(index, rng, stock))
    return plans


def can_share_home(plan: DonorPlan) -> bool:
    donor = plan.donor
    return not donor.is_organisation and bool(plan.address and plan.home_line)


def plan_donor(index: int, rng: random.Random, stock: Stock) -> DonorPlan:
    country = "GB" if rng.random() < UK_SHARE else "US"
    place = choose_place(country, rng, stock)
    if rng.random() < ORGANISATION_SHARE:
        details = organisation_details(place, rng, stock)
        numbers = [stock.line(place)]
        home_line = None
    else:
        details = person_details(country, rng, last_name=rng.choice(SURNAMES))
        numbers, home_line = person_numbers(place, rng, stock)
    with_address = details.is_organisation or rng.random() >= NO_ADDRESS_SHARE
    address = plan_address(place, rng) if with_address else None
    email = plan_email(details, index, rng)
    return make_plan(index, details, place, numbers, home_line, email, address)


def plan_partner(index: int, first: DonorPlan, rng: random.Random, stock: Stock) -> DonorPlan:
    """Someone living with ``first``: same home and landline, their own mobile."""
    place = first.place
    details = person_details(place.country, rng, last_name=first.donor.last_name)
    numbers = [stock.mobile(place), first.home_line]
    email = plan_email(details, index, rng)
    return make_plan(index, details, place, numbers, first.home_line, email, first.address)


def make_plan(
    index: int,
    details: DonorDetails,
    place: Place,
    numbers: list[ParsedNumber | None],
    home_line: ParsedNumber | None,
    email: str,
    address: AddressDetails | None,
) -> DonorPlan:
    check_details(details)
    donor = Donor(reference=f"{REFERENCE_PREFIX}{index:05d}", created_by=None)
    apply_details(donor, details)
    kept = [number for number in numbers if number]
    donor.timezone = derive_zone_key(
        (address.country, address.region) if address else None, [n.e164 for n in kept]
    )
    return DonorPlan(donor, place, kept, home_line, email, address)


def choose_place(country: str, rng: random.Random, stock: Stock) -> Place:
    """A town with numbers to spare for a donor's mobile and landline."""
    places = [p for p in (UK_PLACES if country == "GB" else US_PLACES) if stock.room(p) >= 2]
    return rng.choices(places, weights=[place.weight for place in places])[0]


def person_numbers(
    place: Place, rng: random.Random, stock: Stock
) -> tuple[list[ParsedNumber | None], ParsedNumber | None]:
    """Numbers primary first: most have a mobile, some a landline too, a few only a landline
    (often older donors), about 2% none. The landline is also returned as the home line."""
    draw = rng.random()
    if draw < 0.02:
        return [], None
    if draw < 0.12:
        line = stock.line(place)
        return [line], line
    mobile = stock.mobile(place)
    if mobile is None:  # the UK drama block has only 1,000 mobiles
        line = stock.line(place)
        return [line], line
    if draw < 0.72:
        return [mobile], None
    line = stock.line(place)
    return [mobile, line], line


def person_details(country: str, rng: random.Random, *, last_name: str) -> DonorDetails:
    woman = rng.random() < 0.55
    names = {("GB", True): UK_WOMEN, ("GB", False): UK_MEN, ("US", True): US_WOMEN}
    first_name = rng.choice(names.get((country, woman), US_MEN))
    deceased = rng.random() < DECEASED_SHARE
    return DonorDetails(
        title=choose_title(country, woman, rng),
        first_name=first_name,
        last_name=last_name,
        date_of_birth=birth_date(rng) if rng.random() < BIRTH_DATE_SHARE else None,
        status=DonorStatus.DECEASED if deceased else DonorStatus.ACTIVE,
    )


def choose_title(country: str, woman: bool, rng: random.Random) -> str:
    # Americans rarely give a title on a donation form; most British donors do.
    if rng.random() < (0.5 if country == "US" else 0.1):
        return ""
    if rng.random() < 0.05:
        return "Dr"
    return rng.choice(("Mrs", "Ms", "Miss")) if woman else "Mr"


def birth_date(rng: random.Random) -> date:
    return date(1932, 1, 1) + timedelta(days=rng.randrange(365 * 72))


def organisation_details(place: Place, rng: random.Random, stock: Stock) -> DonorDetails:
    """A local club or church, or else a firm named after its partners."""
    name = stock.organisation_name(place) if rng.random() < 0.6 else None
    if name is None:
        partners = rng.sample(SURNAMES, 2)
        name = f"{partners[0]} & {partners[1]} {rng.choice(FIRM_KINDS[place.country])}"
    return DonorDetails(is_organisation=True, organisation_name=name)


def plan_address(place: Place, rng: random.Random) -> AddressDetails:
    if place.country == "GB":
        line1, line2 = uk_street_lines(rng)
        postcode = f"{rng.choice(place.postcodes)} {rng.randint(1, 9)}{uk_letters(rng)}"
    else:
        line1, line2 = us_street_lines(rng)
        postcode = rng.choice(place.postcodes)
    return clean_address(
        AddressDetails(
            line1=line1,
            line2=line2,
            city=place.city,
            region=place.region,
            postcode=postcode,
            country=place.country,
        )
    )


def uk_street_lines(rng: random.Random) -> tuple[str, str]:
    street = f"{rng.randint(1, 240)} {rng.choice(UK_STREETS)}"
    if rng.random() < 0.12:
        return f"Flat {rng.randint(1, 12)}", street
    return street, ""


def us_street_lines(rng: random.Random) -> tuple[str, str]:
    street = f"{rng.randint(10, 9899)} {rng.choice(US_STREETS)}"
    if rng.random() < 0.15:
        return street, f"Apt {rng.randint(1, 30)}{rng.choice('ABCD')}"
    return street, ""


def uk_letters(rng: random.Random) -> str:
    return "".join(rng.choice(POSTCODE_LETTERS) for _ in range(2)).lower()  # actions upper it


def plan_email(details: DonorDetails, index: int, rng: random.Random) -> str:
    if rng.random() >= EMAIL_SHARE:
        return ""
    if details.is_organisation:
        local = f"office{index}"
    else:
        local = f"{ascii_name(details.first_name)}.{ascii_name(details.last_name)}{index}"
    return clean_email(f"{local}@{rng.choice(EMAIL_DOMAINS)}", field="email")


def ascii_name(name: str) -> str:
    """Siobhán → siobhan, O'Brien → obrien: what people put in an email address."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain if ch.isalpha()).lower()


# --- reporting -----------------------------------------------------------------------------


def report(result: DemoResult) -> list[str]:
    if result.donors_created:
        donors = (
            f"Donors: {result.donors_created:,} created ({result.phone_numbers_created:,} phone "
            f"numbers, {result.email_addresses_created:,} emails, "
            f"{result.addresses_created:,} addresses)."
        )
    else:
        total = Donor.objects.filter(reference__startswith=REFERENCE_PREFIX).count()
        donors = f"Donors: already present ({total:,})."
    lines = [
        f"Demo organisation: {ORGANISATION_NAME}",
        donors,
        *report_calling(result, prefix=REFERENCE_PREFIX),
    ]
    if not result.created_anything:
        lines.append("The demo organisation already exists; nothing was added.")
    return [*lines, "", *login_table(result)]


def login_table(result: DemoResult) -> list[str]:
    present = User.objects.filter(username__in=usernames()).prefetch_related("groups")
    users = {user.username: user for user in present}
    rows = [("username", "role", "password")]
    for login in LOGINS:
        user = users.get(login.username)
        rows.append((login.username, (user.role if user else None) or "-", PASSWORD))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    if result.users_created and result.users_present:
        lines.append(
            f"Left as they were (already there before): {', '.join(result.users_present)}."
        )
    return [line.rstrip() for line in lines]


def usernames() -> list[str]:
    return [login.username for login in LOGINS]
