"""The demo organisation's places and names: fictional towns with Ofcom's drama number blocks
and the US 555-01xx block, first names, surnames, streets and organisation kinds."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """A town donors live in, with the fictional number blocks that ring there."""

    city: str
    region: str
    country: str
    postcodes: tuple[str, ...]  # UK: outward codes ("LS6"); US: ZIP codes
    line_prefixes: tuple[str, ...]  # each completed by `suffix_digits` digits
    suffix_digits: int
    weight: int = 1


def uk(city: str, region: str, postcodes: tuple[str, ...], prefix: str, weight: int = 1) -> Place:
    return Place(city, region, "GB", postcodes, (prefix,), 3, weight)


def us(city: str, state: str, zips: tuple[str, ...], *area_codes: str, weight: int = 1) -> Place:
    prefixes = tuple(f"+1 {area} 555 01" for area in area_codes)
    return Place(city, state, "US", zips, prefixes, 2, weight)


# Ofcom's drama landline blocks. Nottingham's 0115 496 0xxx is left out: libphonenumber
# calls it invalid, so the app would refuse to store it.
UK_PLACES = (
    uk("London", "", ("N1", "E8", "SE15", "SW11", "NW5", "W12"), "+44 20 7946 0", weight=4),
    uk("Leeds", "West Yorkshire", ("LS6", "LS8", "LS17"), "+44 113 496 0"),
    uk("Sheffield", "South Yorkshire", ("S7", "S10", "S11"), "+44 114 496 0"),
    uk("Leicester", "Leicestershire", ("LE2", "LE3", "LE5"), "+44 116 496 0"),
    uk("Bristol", "", ("BS6", "BS7", "BS8"), "+44 117 496 0"),
    uk("Reading", "Berkshire", ("RG1", "RG4", "RG30"), "+44 118 496 0"),
    uk("Birmingham", "West Midlands", ("B13", "B15", "B17"), "+44 121 496 0", weight=2),
    uk("Edinburgh", "", ("EH3", "EH10", "EH12"), "+44 131 496 0"),
    uk("Glasgow", "", ("G3", "G12", "G41"), "+44 141 496 0"),
    uk("Liverpool", "Merseyside", ("L15", "L17", "L18"), "+44 151 496 0"),
    uk("Manchester", "Greater Manchester", ("M14", "M20", "M21"), "+44 161 496 0", weight=2),
    uk("Belfast", "County Antrim", ("BT7", "BT9", "BT15"), "+44 28 9649 6"),
)
UK_MOBILE_PREFIX = "+44 7700 900"

# Each area code's 100 fictional numbers are all there is, so the weights stay close to the
# number of area codes a city has.
US_PLACES = (
    us("New York", "NY", ("10011", "10024", "10128", "10463"), "212", "646", weight=2),
    us("Boston", "MA", ("02116", "02130", "02134"), "617"),
    us("Miami", "FL", ("33130", "33133", "33139"), "305"),
    us("Atlanta", "GA", ("30306", "30307", "30318"), "404"),
    us("Chicago", "IL", ("60614", "60618", "60647"), "312"),
    us("Dallas", "TX", ("75204", "75206", "75214"), "214"),
    us("Minneapolis", "MN", ("55405", "55408", "55418"), "612"),
    us("Denver", "CO", ("80205", "80206", "80218"), "303"),
    us("Phoenix", "AZ", ("85004", "85013", "85018"), "602"),
    us("San Francisco", "CA", ("94110", "94114", "94117"), "415"),
    us("Los Angeles", "CA", ("90026", "90027", "90039"), "213"),
    us("Seattle", "WA", ("98103", "98112", "98117"), "206"),
    us("Anchorage", "AK", ("99501", "99503", "99508"), "907"),
    us("Honolulu", "HI", ("96813", "96816", "96822"), "808"),
)
PLACES = (*UK_PLACES, *US_PLACES)

UK_WOMEN = (
    "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Charlotte", "Poppy",
    "Freya", "Evie", "Ella", "Lucy", "Harriet", "Eleanor", "Margaret", "Susan", "Janet",
    "Patricia", "Gillian", "Siobhán", "Aisha", "Priya", "Fiona", "Catherine", "Zoë", "Rhiannon",
    "Helen", "Joanne", "Bethan",
)  # fmt: skip
UK_MEN = (
    "Oliver", "George", "Harry", "Jack", "Noah", "Charlie", "Thomas", "James", "William",
    "Alfie", "Oscar", "Arthur", "Freddie", "Henry", "David", "John", "Peter", "Graham", "Ian",
    "Colin", "Rhys", "Callum", "Hamish", "Ravi", "Mohammed", "Declan", "Owen", "Stuart",
    "Nigel", "Gareth",
)  # fmt: skip
US_WOMEN = (
    "Emma", "Madison", "Abigail", "Harper", "Avery", "Chloe", "Hannah", "Ashley", "Brittany",
    "Jessica", "Jennifer", "Megan", "Kayla", "Taylor", "Lauren", "Brianna", "Destiny", "Maria",
    "Sofia", "Camila", "Nicole", "Samantha", "Dorothy", "Barbara", "Linda", "Nancy", "Carol",
    "Shirley", "Keisha", "Mei",
)  # fmt: skip
US_MEN = (
    "Liam", "Mason", "Ethan", "Logan", "Jacob", "Michael", "Matthew", "Joshua", "Tyler",
    "Brandon", "Austin", "Dylan", "Cody", "Hunter", "Carter", "Jayden", "Robert", "Richard",
    "Donald", "Gary", "Larry", "Kevin", "Jose", "Luis", "Carlos", "DeShawn", "Andre", "Wei",
    "Kenji", "Tyrone",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Roberts", "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Thompson", "White", "Watson",
    "Jackson", "Wright", "Green", "Harris", "Cooper", "King", "Lee", "Martin", "Clarke", "James",
    "Morgan", "Hughes", "Edwards", "Hill", "Moore", "Clark", "Harrison", "Scott", "Young",
    "Morris", "Hall", "Ward", "Turner", "Carter", "Phillips", "Mitchell", "Patel", "Khan",
    "Ahmed", "Singh", "O'Brien", "O'Connor", "MacDonald", "Campbell", "Stewart", "Murray",
    "Kelly", "Byrne", "Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez",
    "Miller", "Davis", "Anderson", "Washington", "Jefferson", "Nguyen", "Kim", "Chen", "Wong",
    "Sullivan", "Kowalski", "Schmidt", "Rossi", "Cohen", "Okafor", "Adeyemi", "Baker",
    "Fitzgerald",
)  # fmt: skip
UK_STREETS = (
    "High Street", "Church Road", "Station Road", "Victoria Road", "Park Road", "Green Lane",
    "Manor Road", "Mill Lane", "Kings Road", "Queens Road", "The Crescent", "Albert Road",
    "Grange Road", "Richmond Road", "York Road", "Springfield Road", "Orchard Close",
    "Chestnut Avenue", "Willow Way", "Beech Grove",
)  # fmt: skip
US_STREETS = (
    "Main Street", "Oak Street", "Maple Avenue", "Cedar Lane", "Elm Street", "Washington Avenue",
    "Lake Drive", "Park Avenue", "Pine Street", "Sunset Boulevard", "Highland Avenue",
    "Jefferson Street", "Lincoln Avenue", "Hillcrest Drive", "Madison Avenue", "Walnut Street",
    "Ridge Road", "Spruce Court", "Forest Avenue", "River Road",
)  # fmt: skip
ORGANISATION_KINDS = {
    "GB": (
    "Rotary Club", "Community Trust", "Women's Institute", "Parish Church", "Running Club",
        "Round Table", "Allotment Society", "Choral Society",
    ),
    "US": (
    "Community Foundation", "Lions Club", "Rotary Club", "Garden Club", "Unitarian Church",
        "Neighborhood Association", "Kiwanis Club", "Credit Union",
    ),
}  # fmt: skip
FIRM_KINDS = {"GB": ("Solicitors", "Ltd", "Accountants"), "US": ("LLC", "Associates", "Inc.")}

# --- The Call Center's lists and the charity's giving (demo_calling.py) ----------------------

SKIP_REASONS = (
    "Known complaint", "Recently called by another team", "Donor deceased (to be confirmed)",
    "Vulnerable supporter (see notes)", "Language support needed",
)  # fmt: skip
BREAK_REASONS = ("Lunch", "Comfort break", "Training", "Team meeting")
# Under each built-in ended reason: (disposition, counts as a success). The first two lists are
# the seeds' own, which the migration already writes; the demo adds them only if renamed away.
DISPOSITIONS = {
    "concluded": (
        ("Donation made", True), ("Declined", False), ("Details updated", True),
        ("Payment collected again", True),
    ),
    "do_not_call": (("Asked not to be called", False), ("Complaint made", False)),
    "no_answer": (("Voicemail", False), ("Rang out", False)),
    "not_available": (("Call back later", False), ("Appointment booked", False)),
    "wrong_number": (("Account not answering", False), ("Ended", False)),
}  # fmt: skip
# The reasons banks give for a direct debit that was not paid (Bacs ARUDD codes, in words).
FAILURE_REASONS = (
    "Insufficient funds", "Insufficient funds", "Insufficient funds", "Mandate cancelled",
    "Refer to payer", "Account closed", "Instruction cancelled by payer",
)  # fmt: skip
APPEALS = (
    "Spring appeal 2025",
    "Summer clean water 2025",
    "Winter appeal 2025",
    "Emergency appeal",
)
FUNDS = ("General", "General", "Clean water", "Emergency response")
SPONSORED_COUNTRIES = ("KE", "UG", "MW", "NP", "BD")  # child sponsorship projects
