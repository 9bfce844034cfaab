"""Inbound calls: a donor calls in (seeds: "inbound callers").

A call rings (from a phone system, donorcall.telephony, or typed in by the agent who picked up)
and waits until a Ready agent whose job role takes inbound calls, on the line's team, is free:
the longest idle first. Offered, it is on the agent's screen at once: with the donor if the
caller's number matches exactly one, else with the donors it matches, a search and a new-donor
form with the number filled in. Once the donor is chosen it is a Call like any other: the same
in-call actions, the same ended reasons.

Lock order as everywhere in the Call Center: an agent's status row first, then the rest.
"""

from django.db import transaction
from django.db.models import QuerySet

from donorcall.callcenter.models import (
    AgentStatus,
    Call,
    Direction,
    InboundCall,
    InboundStatus,
    Status,
)
from donorcall.campaigns.models import Team
from donorcall.donors.actions import DonorDetails, create_donor
from donorcall.donors.models import Donor, DonorStatus
from donorcall.lib import phone
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, InvalidInput
from donorcall.staff.models import User

from .console import Step
from .shifts import change_status, locked_status, must_take_inbound

WAITING_FOR_A_CALL = "Waiting for an inbound call."


# --- A call rings ------------------------------------------------------------------------------


def ring(
    *, caller: str, team: Team | None, external_id: str | None = None, called: str = ""
) -> InboundCall:
    """A call arrives. The same ``external_id`` twice is the same call. It is offered at once if
    an agent is free, else it waits (status ``waiting``)."""
    if external_id and (known := InboundCall.objects.filter(external_id=external_id).first()):
        return known
    inbound = InboundCall.objects.create(
        external_id=external_id or None,
        caller_number=normalised(caller),
        called_number=normalised(called) if called else "",
        team=team,
        received_at=now(),
    )
    offer_waiting_calls()
    inbound.refresh_from_db()
    return inbound


def normalised(number: str) -> str:
    parsed = phone.parse(number)
    return parsed.e164 if parsed is not None else number.strip()[:20]


def offer_waiting_calls(limit: int = 20) -> int:
    """Each waiting call, oldest first, to the longest-idle free agent of its team."""
    offered = 0
    for inbound in InboundCall.objects.filter(status=InboundStatus.WAITING)[:limit]:
        with transaction.atomic():
            row = longest_idle_agent(inbound.team)
            if row is None:
                continue
            offer(inbound, row)
            offered += 1
    return offered


def free_inbound_agents(team: Team | None) -> QuerySet[AgentStatus]:
    """Ready agents signed in with a job role that takes inbound calls (on ``team``, if the
    line has one), longest idle first: Ready since the earliest."""
    rows = AgentStatus.objects.filter(
        status=Status.READY,
        shift__signed_out_at=None,
        shift__job_role__takes_inbound_calls=True,
    )
    if team is not None:
        rows = rows.filter(agent__teams=team)
    return rows.order_by("since", "agent_id")


def longest_idle_agent(team: Team | None) -> AgentStatus | None:
    """Locked, skipping rows another request holds (that agent is busy changing anyway)."""
    pk = free_inbound_agents(team).values_list("agent_id", flat=True).first()
    if pk is None:
        return None
    return (
        AgentStatus.objects.select_for_update(skip_locked=True)
        .filter(agent_id=pk, status=Status.READY)
        .first()
    )


def offer(inbound: InboundCall, row: AgentStatus) -> None:
    """On the agent's screen now: with the donor if the number says who, else to choose."""
    inbound = InboundCall.objects.select_for_update().get(pk=inbound.pk)
    if inbound.status != InboundStatus.WAITING:
        return
    inbound.status, inbound.offered_to, inbound.offered_at = (
        InboundStatus.OFFERED,
        row.agent,
        now(),
    )
    inbound.save(update_fields=["status", "offered_to", "offered_at"])
    matches = list(donors_matching(inbound.caller_number)[:2])
    if len(matches) == 1:
        take(row, inbound, matches[0])
        return
    shown = phone.display(inbound.caller_number) or inbound.caller_number
    change_status(row, Status.ON_CALL, notice=f"Incoming call from {shown}.", inbound=inbound,
                  entry=None, lease_token=None, call=None, donor=None)  # fmt: skip


def donors_matching(number: str) -> QuerySet[Donor]:
    """Donors with this number on file now (normalised), erased ones left out."""
    return (
        Donor.objects.filter(phone_numbers__number=number, phone_numbers__removed_at=None)
        .exclude(status=DonorStatus.ERASED)
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


def take(row: AgentStatus, inbound: InboundCall, donor: Donor) -> Call:
    """The donor is known: the inbound call becomes a Call on the agent's screen."""
    at = now()
    call = Call.objects.create(
        direction=Direction.INBOUND,
        team=inbound.team or row.team,
        agent=row.agent,
        donor=donor,
        number_dialled=inbound.caller_number,
        started_at=inbound.offered_at or at,
        answered_at=inbound.answered_at or inbound.offered_at or at,
    )
    inbound.status, inbound.call = InboundStatus.TAKEN, call
    inbound.save(update_fields=["status", "call"])
    change_status(row, Status.ON_CALL, notice="", inbound=inbound, entry=None, lease_token=None,
                  call=call, donor=donor)  # fmt: skip
    return call


# --- The agent's side --------------------------------------------------------------------------


def ready_for_inbound(agent: User) -> Step:
    """Ready for inbound calls (a job role that takes only inbound calls): waiting, and the
    oldest waiting call of the agent's teams comes at once."""
    with transaction.atomic():
        row = locked_status(agent)
        must_take_inbound(agent, row)
        if row.status in (Status.PREVIEW, Status.ON_CALL):
            return Step("You already have a call.", "info")
        change_status(row, Status.READY, notice=WAITING_FOR_A_CALL, inbound=None, entry=None,
                      lease_token=None, call=None, donor=None)  # fmt: skip
    offered = offer_waiting_calls()
    return Step("Ready for inbound calls.", "info") if not offered else Step("Incoming call.")


def take_waiting_call(row: AgentStatus) -> Step | None:
    """For an agent becoming free (caller holds the row lock): the oldest waiting call of
    their teams first ("an inbound call goes first when the agent is free")."""
    if row.shift is None or not row.shift.job_role.takes_inbound_calls:
        return None
    teams = Team.objects.filter(members=row.agent, is_active=True)
    waiting = (
        InboundCall.objects.select_for_update(skip_locked=True)
        .filter(status=InboundStatus.WAITING)
        .filter(team__in=teams)
        .first()
    ) or (
        InboundCall.objects.select_for_update(skip_locked=True)
        .filter(status=InboundStatus.WAITING, team=None)
        .first()
    )
    if waiting is None:
        return None
    offer(waiting, row)
    return Step("Incoming call.")


def incoming_by_hand(agent: User, *, caller: str) -> Step:
    """Incoming call: the agent picked up a call on their own phone and types the number."""
    if not caller.strip():
        raise InvalidInput("Type the caller's number.", field="caller")
    number = phone.parse(caller)
    if number is None:
        raise InvalidInput("That is not a phone number we can read.", field="caller")
    with transaction.atomic():
        row = locked_status(agent)
        must_take_inbound(agent, row)
        if row.status in (Status.PREVIEW, Status.ON_CALL) or (
            row.status == Status.WRAP_UP and row.call and not row.call.outcome_recorded_at
        ):
            raise Conflict("Finish the call on your screen first.")
        inbound = InboundCall.objects.create(
            caller_number=number.e164, team=row.team, received_at=now(), answered_at=now()
        )
        offer(inbound, row)
    return Step(f"Incoming call from {phone.display(number.e164)}.", "info")


def choose_donor(agent: User, donor: Donor) -> Step:
    """The caller is this donor (picked from the matches or a search)."""
    with transaction.atomic():
        row = locked_status(agent)
        inbound = inbound_to_choose_for(row)
        take(row, inbound, donor)
    return Step(f"On the call with {donor.name}.", "info")


def new_donor_for_call(agent: User, details: DonorDetails) -> Step:
    """A caller not on file: a new donor with the caller's number, then the call is theirs."""
    with transaction.atomic():
        row = locked_status(agent)
        inbound = inbound_to_choose_for(row)
        donor = create_donor(details, phone_number=inbound.caller_number, by=agent)
        take(row, inbound, donor)
    return Step(f"{donor.name} added, with the caller's number.")


def inbound_to_choose_for(row: AgentStatus) -> InboundCall:
    if row.status != Status.ON_CALL or row.inbound is None or row.call is not None:
        raise Conflict("There is no incoming call waiting for its donor on your screen.")
    return row.inbound


# --- What the phone system says ---------------------------------------------------------------


def phone_answered(inbound: InboundCall) -> InboundCall:
    InboundCall.objects.filter(pk=inbound.pk, answered_at=None).update(answered_at=now())
    inbound.refresh_from_db()
    return inbound


def phone_ended(inbound: InboundCall) -> InboundCall:
    """The caller or the agent hung up. Waiting: abandoned. On a screen without a donor yet:
    the agent is Ready again. A Call: ended; its outcome is still the agent's to record."""
    at = now()
    with transaction.atomic():
        # The agent's status first, as everywhere.
        row = locked_status(inbound.offered_to) if inbound.offered_to else None
        inbound = InboundCall.objects.select_for_update().get(pk=inbound.pk)
        if inbound.status == InboundStatus.WAITING:
            inbound.status = InboundStatus.ABANDONED
        elif inbound.status == InboundStatus.OFFERED:
            inbound.status = InboundStatus.ENDED
            if row is not None and row.inbound_id == inbound.pk and row.call_id is None:
                change_status(row, Status.READY, notice="The caller hung up.", inbound=None)
        elif inbound.status == InboundStatus.TAKEN:
            inbound.status = InboundStatus.ENDED
            Call.objects.filter(inbound=inbound, ended_at=None).update(ended_at=at)
        inbound.ended_at = inbound.ended_at or at
        inbound.save(update_fields=["status", "ended_at"])
    return inbound
