"""Phone lines: which team answers calls to which number (administrators)."""

from donorcall.campaigns.models import Team
from donorcall.lib import phone
from donorcall.lib.errors import InvalidInput

from .models import PhoneLine


def add_phone_line(*, number: str, name: str, team: Team | None) -> PhoneLine:
    parsed = phone.normalise(number, field="number")
    if team is None:
        raise InvalidInput("Choose the team that answers this line.", field="team")
    if PhoneLine.objects.filter(number=parsed.e164).exists():
        raise InvalidInput("This number is already a line.", field="number")
    return PhoneLine.objects.create(number=parsed.e164, name=name.strip()[:100], team=team)


def remove_phone_line(line: PhoneLine) -> None:
    """Calls to the number then wait for any free inbound agent (no team)."""
    line.delete()
