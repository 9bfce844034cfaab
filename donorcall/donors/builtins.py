"""The purposes every charity starts with. Written after every migrate (and after a test
database flush), so they are always there; administrators add their own beside them."""

from .models import Purpose

PURPOSES = [("fundraising", "Fundraising"), ("marketing", "Marketing"), ("service", "Service")]


def ensure_purposes() -> None:
    for code, name in PURPOSES:
        Purpose.objects.get_or_create(code=code, defaults={"name": name})
