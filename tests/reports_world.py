"""A known data set for the reports and the Calls pages: calls, breaks and gifts with chosen
times and amounts, so that every figure can be worked out by hand in the tests."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from donorcall.callcenter.models import Break, Call, Review, Shift
from donorcall.campaigns.models import Disposition, EndedReason
from donorcall.giving.models import Donation, DonationStatus, Frequency, RegularGift
from donorcall.staff.models import JobRole
from tests.factories import DonorFactory


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """November 2026: London is on GMT, so the call centre's days are UTC days."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def disposition(code: str, name: str, *, success: bool = False) -> Disposition:
    reason = EndedReason.objects.get(code=code)
    found, _ = Disposition.objects.update_or_create(
        ended_reason=reason, name=name, defaults={"is_success": success, "is_active": True}
    )
    return found


def call(
    agent,
    campaign,
    started: datetime,
    *,
    seconds: int | None,
    reason: str = "",
    disposition: Disposition | None = None,
    team=None,
    review: str = "",
) -> Call:
    """A call that lasted ``seconds`` to its outcome (or to its end, without a reason);
    ``seconds=None`` is a call still going."""
    done = started + timedelta(seconds=seconds) if seconds is not None else None
    return Call.objects.create(
        agent=agent,
        campaign=campaign,
        team=team,
        donor=DonorFactory(),
        number_dialled="+447700900123",
        started_at=started,
        ended_at=done,
        ended_reason=reason,
        disposition=disposition,
        review=review,
        outcome_recorded_at=done if reason else None,
    )


def donation(on: Call, amount: str, currency: str = "GBP", status: str = DonationStatus.RECEIVED):
    return Donation.objects.create(
        donor=on.donor,
        call=on,
        amount=Decimal(amount),
        currency=currency,
        received_on=on.started_at.date(),
        method="card",
        status=status,
    )


def regular_gift(on: Call, amount: str, frequency: str = Frequency.MONTHLY) -> RegularGift:
    return RegularGift.objects.create(
        donor=on.donor,
        call=on,
        amount=Decimal(amount),
        frequency=frequency,
        started_on=on.started_at.date(),
    )


def breaks_of(agent, reason, *spans: tuple[datetime, int]) -> None:
    role, _ = JobRole.objects.get_or_create(name="Reports world")
    shift = Shift.objects.create(
        agent=agent,
        job_role=role,
        signed_in_at=spans[0][0],
        ends_at=spans[0][0] + timedelta(hours=8),
        signed_out_at=spans[0][0] + timedelta(hours=8),
    )
    for start, minutes in spans:
        Break.objects.create(
            shift=shift,
            agent=agent,
            reason=reason,
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
        )


NO_OUTCOME = Review.NO_OUTCOME
