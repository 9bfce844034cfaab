"""The checks the campaign actions share: names, free text (never a card number: COMPLIANCE.md,
"Cards"), choices and whole numbers in a range."""

from django.db import models

from donorcall.lib.cards import reject_card_numbers
from donorcall.lib.errors import InvalidInput


def clean_text(value: str | None, *, field: str, limit: int) -> str:
    text = reject_card_numbers((value or "").strip(), field=field)
    if len(text) > limit:
        raise InvalidInput(f"Keep this to {limit} characters or fewer.", field=field)
    return text


def clean_name(
    value: str | None, *, field: str = "name", what: str, taken: models.QuerySet, limit: int
) -> str:
    """A required name that no other row in ``taken`` has (ignoring case)."""
    name = " ".join(clean_text(value, field=field, limit=limit).split())
    if not name:
        raise InvalidInput(f"Give the {what} a name.", field=field)
    if taken.filter(name__iexact=name).exists():
        raise InvalidInput(f"A {what} with that name already exists.", field=field)
    return name


def clean_choice(value: str, choices: type[models.TextChoices], *, field: str) -> str:
    if value not in choices.values:
        options = ", ".join(str(label).lower() for label in choices.labels)
        raise InvalidInput(f"Choose one of: {options}.", field=field)
    return value


def clean_whole_number(
    value: int | None, *, field: str, least: int, most: int, message: str
) -> int:
    """``value`` if it is a whole number from ``least`` to ``most``, else ``message``."""
    if value is None or isinstance(value, bool) or int(value) != value:
        raise InvalidInput(message, field=field)
    if not least <= int(value) <= most:
        raise InvalidInput(message, field=field)
    return int(value)


def max_length(model: type[models.Model], field: str) -> int:
    return int(model._meta.get_field(field).max_length or 0)  # type: ignore[union-attr]
