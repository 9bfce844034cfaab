"""The donor's history: one line per change, written by the action that makes the change,
inside its transaction (so a rolled-back change leaves no line behind)."""

from donorcall.lib.clock import now
from donorcall.staff.models import User

from .models import Donor, DonorEvent


def record_event(donor: Donor, kind: str, summary: str, *, by: User | None) -> DonorEvent:
    return DonorEvent.objects.create(
        donor=donor, kind=kind, summary=summary[:300], at=now(), actor=by
    )
