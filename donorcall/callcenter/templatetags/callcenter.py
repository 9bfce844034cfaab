"""Template filters for the Call Center's clocks: the server says how many seconds, the page
counts from there (so a browser's wrong clock does not matter)."""

import math
from datetime import datetime

from django import template

from donorcall.lib.clock import now

register = template.Library()


@register.filter
def seconds_since(moment: datetime | None) -> int:
    return max(0, int((now() - moment).total_seconds())) if moment else 0


@register.filter
def seconds_until(moment: datetime | None) -> int:
    """Rounded up: a countdown that reaches zero early would ask the server too soon."""
    return max(0, math.ceil((moment - now()).total_seconds())) if moment else 0


@register.filter
def clock(seconds: int) -> str:
    """0:42, 12:05, 1:02:03: what the page shows before its script takes over."""
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02}:{second:02}" if hours else f"{minute}:{second:02}"
