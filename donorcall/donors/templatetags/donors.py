from django import template

register = template.Library()


@register.filter
def verbose_kind(entry: object) -> str:
    """ "phone number", "email address", "address" for a contact detail."""
    return str(entry._meta.verbose_name)  # type: ignore[attr-defined]
