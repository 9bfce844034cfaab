"""The managers' choice of calls (the Calls list, the reports, their API): every part
optional. Dates are days in the call centre's zone (settings.TIME_ZONE), inclusive."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from donorcall.campaigns.models import Campaign, Disposition, Team
from donorcall.staff.models import User


@dataclass(frozen=True)
class CallFilter:
    date_from: date | None = None
    date_to: date | None = None
    agent: User | None = None
    team: Team | None = None
    campaign: Campaign | None = None
    ended_reason: str = ""
    disposition: Disposition | None = None
    direction: str = ""

    def calls(self, prefix: str = "") -> Q:
        """The filter as a condition on Call, or on a model reaching Call through ``prefix``
        (``"call__"`` for donations), so every report filters calls the same way."""
        parts = {
            "started_at__gte": day_start(self.date_from) if self.date_from else None,
            "started_at__lt": day_start(self.date_to + timedelta(days=1)) if self.date_to else None,
            "agent": self.agent,
            "team": self.team,
            "campaign": self.campaign,
            "ended_reason": self.ended_reason or None,
            "disposition": self.disposition,
            "direction": self.direction or None,
        }
        return Q(**{prefix + key: value for key, value in parts.items() if value is not None})

    def breaks(self) -> Q:
        """Breaks have no campaign or outcome: only the dates, the agent and the team apply."""
        parts: dict[str, object] = {}
        if self.date_from:
            parts["started_at__gte"] = day_start(self.date_from)
        if self.date_to:
            parts["started_at__lt"] = day_start(self.date_to + timedelta(days=1))
        if self.agent:
            parts["agent"] = self.agent
        if self.team:
            parts["agent__in"] = self.team.members.values("pk")
        return Q(**parts)


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
