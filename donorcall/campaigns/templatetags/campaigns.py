"""How campaign pages word days and delays: ``{% load campaigns %}``."""

from django import template

register = template.Library()

SHORT_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@register.filter
def weekdays(days: list[int]) -> str:
    """[0, 1, 2, 3, 4, 5] → "Mon–Sat"; [0, 2, 4] → "Mon, Wed, Fri"; all seven → "Every day"."""
    days = sorted(set(days or []))
    if len(days) == 7:
        return "Every day"
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        f"{SHORT_DAYS[run[0]]}–{SHORT_DAYS[run[-1]]}"
        if len(run) > 2
        else ", ".join(SHORT_DAYS[day] for day in run)
        for run in runs
    ]
    return ", ".join(parts) or "No days"


def plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


@register.filter
def duration(minutes: int) -> str:
    """240 → "4 hours"; 1440 → "1 day"; 90 → "1 hour 30 minutes"."""
    days, rest = divmod(int(minutes or 0), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [plural(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (mins, "minute")) if n]
    return " ".join(parts) or "0 minutes"


@register.filter
def thousands(count: int) -> str:
    """1234 → "1,234"."""
    return f"{int(count or 0):,}"


@register.filter
def get_count(counts: dict[str, int], key: str) -> int:
    return counts.get(key, 0)
