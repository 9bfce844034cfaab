from django import template

from donorcall.lib.phone import display

register = template.Library()


@register.filter
def verbose_kind(entry: object) -> str:
    """ "phone number", "email address", "address" for a contact detail."""
    return str(entry._meta.verbose_name)  # type: ignore[attr-defined]


@register.filter
def lookup(mapping: dict, key: object) -> object:
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key) if mapping else None


@register.filter
def phone_display(e164: str) -> str:
    """+447700900123 → 07700 900123 (national format at home, international abroad)."""
    return display(e164) if e164 else ""
