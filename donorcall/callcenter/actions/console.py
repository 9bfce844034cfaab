"""The agent's Call Center screen, step by step (seeds: "Calling a Donor"):

Ready for Call → a donor in Preview (Call or Skip) or, in Progressive mode, a call that starts
by itself → End call → ended reason, disposition, notes → Wrap-up → Ready again.

Each step takes the agent's status row lock first, then works through the engine
(``claim_next_donor``, the leases, ``start_call``, ``record_outcome``), so a double click or two
tabs cannot claim two donors. A step that the engine has moved on from (the preview ran out,
the worker closed the call) settles the status and says so in a ``Step`` with a warning, rather
than failing: the agent must always see where they are.
"""

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from donorcall.callcenter.models import AgentStatus, Call, Direction, Skip, Status
from donorcall.campaigns.models import (
    Campaign,
    CampaignStatus,
    DiallingMode,
    Disposition,
    EndedReasonCode,
    QueueEntry,
    QueueState,
    SkipReason,
    Team,
)
from donorcall.campaigns.queries import teams_for_agent
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.campaigns.queue.eligibility import refresh_queue
from donorcall.campaigns.queue.leases import LeaseLost, release_lease, renew_lease, skip_lease
from donorcall.donors.queries import number_for_call
from donorcall.lib.clock import now
from donorcall.lib.errors import Conflict, InvalidInput
from donorcall.lib.phone import display
from donorcall.staff.models import User

from .calls import CALL_LEASE, NotCallable, OutcomeKeptForReview, record_outcome, start_call
from .shifts import (
    NotSignedIn,
    change_status,
    forget_donor,
    let_go_of_donor,
    locked_status,
    open_shift,
    refuse_if_call_open,
)

OUT_OF_DATA = "Out of Data: nobody can be called on these campaigns now."
# A skipped donor is not offered again for this long (to anyone), so Skip brings someone else.
SKIP_DELAY = timedelta(hours=1)
# How many claimed donors may turn out uncallable (a number suppressed a moment ago) before a
# Ready for Call gives up for this round.
CLAIM_TRIES = 3


class NotInPreview(Conflict):
    code = "not_in_preview"


@dataclass(frozen=True)
class Step:
    """What the agent is told after a step (a toast), and how."""

    message: str
    level: str = "success"


def lease_on_screen(row: AgentStatus) -> tuple[QueueEntry, uuid.UUID]:
    """The queue row and token of the donor on the agent's screen."""
    if row.entry is None or row.lease_token is None:
        raise Conflict("There is no donor on your screen: press Ready for Call.")
    return row.entry, row.lease_token


# --- Ready for Call ----------------------------------------------------------------------------


def ready_for_call(agent: User, *, team: Team | None, campaigns: list[Campaign]) -> Step:
    """The dialler popup's Ready for Call: remember the team and campaigns, then serve the
    next donor (or Out of Data). Pressed again while a donor is on screen, it changes nothing."""
    with transaction.atomic():
        row = locked_status(agent)
        shift = must_be_on_shift(agent, row)
        if not shift.job_role.makes_outbound_calls:
            raise Conflict(f"{shift.job_role} takes inbound calls only.")
        if row.status in (Status.PREVIEW, Status.ON_CALL):
            return Step("You already have a donor.", "info")
        chosen = chosen_campaigns(agent, team, campaigns)
        row.team = team
        row.save(update_fields=["team"])
        row.campaigns.set(chosen)
        return serve_next(row, agent)


def must_be_on_shift(agent: User, row: AgentStatus):
    shift = open_shift(agent)
    if shift is None:
        raise NotSignedIn("Sign in to a shift first.")
    if row.status == Status.ON_BREAK:
        raise Conflict("You are on a break: Resume Shift first.")
    refuse_if_call_open(row, "taking the next donor")
    return shift


def chosen_campaigns(agent: User, team: Team | None, campaigns: list[Campaign]) -> list[Campaign]:
    """The team must be one of the agent's, and every campaign one the team works on now."""
    teams = {t.pk: t for t in teams_for_agent(agent)}
    if team is None or team.pk not in teams:
        raise InvalidInput("Choose one of your teams.", field="team")
    offered = {c.pk for c in teams[team.pk].active_campaigns}  # type: ignore[attr-defined]
    if not campaigns:
        raise InvalidInput("Choose at least one campaign.", field="campaigns")
    if any(c.pk not in offered for c in campaigns):
        raise InvalidInput(f"Choose campaigns that {team} works on.", field="campaigns")
    return campaigns


def serve_next(row: AgentStatus, agent: User) -> Step:
    """Claim the next donor on the agent's campaigns: Preview, or in Progressive mode straight
    On call. Nobody callable: Ready, waiting, with Out of Data."""
    from .inbound import take_waiting_call  # inbound builds on this module

    if (answered := take_waiting_call(row)) is not None:
        return answered
    campaigns = list(row.campaigns.filter(status=CampaignStatus.ACTIVE))
    for _ in range(CLAIM_TRIES):
        claimed = claim_next_donor(agent, campaigns=campaigns) if campaigns else None
        if claimed is None:
            break
        entry = QueueEntry.objects.select_related("campaign", "donor").get(pk=claimed.entry_id)
        if entry.campaign.dialling_mode != DiallingMode.PROGRESSIVE:
            change_status(row, Status.PREVIEW, entry=entry, lease_token=claimed.token,
                          call=None, donor=entry.donor)  # fmt: skip
            return Step(f"Your next donor: {entry.donor.name}.", "info")
        try:
            call = start_call(entry, token=claimed.token, by=agent)
        except NotCallable:
            give_back_uncallable(entry, claimed.token, agent)
            continue
        change_status(row, Status.ON_CALL, entry=entry, lease_token=claimed.token, call=call,
                      donor=entry.donor)  # fmt: skip
        return Step(f"Calling {entry.donor.name}.", "info")
    if not (row.status == Status.READY and row.notice == OUT_OF_DATA):  # news only once
        change_status(row, Status.READY, notice=OUT_OF_DATA, **forget_donor(row))
    return Step(OUT_OF_DATA, "warning")


def give_back_uncallable(entry: QueueEntry, token: uuid.UUID, agent: User) -> None:
    """A donor whose last number became uncallable after the queue was refreshed: back to the
    queue, where refresh_queue now marks why."""
    with contextlib.suppress(LeaseLost):  # already back on the queue
        release_lease(entry, token=token, by=agent)
    refresh_queue([entry.donor_id])


def check_again(agent: User) -> Step | None:
    """While Out of Data, the screen asks again by itself (the heartbeat)."""
    from .inbound import take_waiting_call

    with transaction.atomic():
        row = locked_status(agent)
        if row.status != Status.READY:
            return None
        if (answered := take_waiting_call(row)) is not None:
            return answered
        if row.shift is None or not row.shift.job_role.makes_outbound_calls:
            return None  # Ready for inbound calls only
        step = serve_next(row, agent)
    return None if step.message == OUT_OF_DATA else step


def choose_other_campaigns(agent: User) -> Step:
    """Out of Data → back to the dialler popup to pick other campaigns."""
    with transaction.atomic():
        row = locked_status(agent)
        refuse_if_call_open(row, "changing campaigns")
        if row.status not in (Status.READY, Status.WRAP_UP):
            raise Conflict("You are not waiting for a donor.")
        change_status(row, Status.NOT_READY, **forget_donor(row))
    return Step("Choose a team and campaigns, then Ready for Call.", "info")


# --- Preview: Call or Skip ---------------------------------------------------------------------


def call_donor(agent: User) -> Step:
    """Call (Preview mode). Pressed twice, the same call."""
    with transaction.atomic():
        row = locked_status(agent)
        if row.status == Status.ON_CALL:
            return Step("You are on the call.", "info")
        if row.status != Status.PREVIEW:
            raise Conflict("There is no donor to call: press Ready for Call.")
        entry, token = lease_on_screen(row)
        try:
            call = start_call(entry, token=token, by=agent)
        except LeaseLost:
            return lost_preview(row)
        except NotCallable:
            give_back_uncallable(entry, token, agent)
            change_status(row, Status.NOT_READY, **forget_donor(row))
            return Step("This donor has no number that may be called now.", "warning")
        change_status(row, Status.ON_CALL, call=call)
    return Step(f"Calling {display(call.number_dialled)}.", "info")


def release_preview(agent: User, *, by: User) -> AgentStatus:
    """A manager gives back the donor an agent holds in Preview (from the live view): the lease
    is released as the agent would (the holder gives it back), the agent is Not ready."""
    with transaction.atomic():
        row = locked_status(agent)
        if row.status != Status.PREVIEW:
            raise NotInPreview(f"{agent.display_name} has no donor in Preview.")
        let_go_of_donor(row, agent)
        notice = "A manager gave your donor back to the queue." if by != agent else ""
        change_status(row, Status.NOT_READY, notice=notice, **forget_donor(row))
    return row


def lost_preview(row: AgentStatus) -> Step:
    name = row.donor.name if row.donor else "The donor"
    message = f"Your preview time ran out: {name} went back to the queue."
    change_status(row, Status.NOT_READY, notice=message, **forget_donor(row))
    return Step(message, "warning")


def skip_donor(agent: User, *, reason: SkipReason | None) -> Step:
    """Skip, with a skip reason: the donor goes back to the queue (not offered again for
    SKIP_DELAY) and the next one comes."""
    with transaction.atomic():
        row = locked_status(agent)
        if row.status != Status.PREVIEW:
            raise Conflict("There is no donor to skip.")
        entry, token = lease_on_screen(row)
        if not entry.campaign.skip_allowed:
            raise Conflict(f"{entry.campaign} does not allow skipping.")
        if reason is None or not reason.is_active:
            raise InvalidInput("Choose a skip reason.", field="skip_reason")
        try:
            skip_lease(entry, token=token, by=agent, until=now() + SKIP_DELAY)
        except LeaseLost:
            return lost_preview(row)
        Skip.objects.create(
            agent=agent, campaign=entry.campaign, donor=entry.donor, reason=reason, at=now()
        )
        following = serve_next(row, agent)
    return Step(f"Skipped ({reason}). {following.message}", following.level)


# --- The call and its outcome ------------------------------------------------------------------


def end_call(agent: User) -> Step:
    """End call: the conversation is over; the agent now chooses the ended reason."""
    with transaction.atomic():
        row = locked_status(agent)
        if row.status == Status.WRAP_UP:
            return Step("Choose the ended reason.", "info")
        if row.status != Status.ON_CALL or row.call is None:
            raise Conflict("You are not on a call.")
        Call.objects.filter(pk=row.call.pk, ended_at=None).update(ended_at=now())
        change_status(row, Status.WRAP_UP)
    return Step("Call ended. Choose the ended reason.", "info")


def save_outcome(agent: User, *, reason: str, disposition: Disposition | None, notes: str) -> Step:
    """The ended reason, disposition and notes, through the engine's one door; then Wrap-up
    with what it did, in words. The engine locks donors itself, so it runs first, outside the
    status lock (never the other way round)."""
    row = AgentStatus.objects.select_related("call").filter(agent=agent).first()
    if row is None or row.call is None or row.status not in (Status.ON_CALL, Status.WRAP_UP):
        raise Conflict("You are not on a call.")
    call = row.call
    try:
        call = record_outcome(call, reason=reason, disposition=disposition, notes=notes, by=agent)
    except OutcomeKeptForReview as kept:
        settle_after(agent, call.pk, Status.NOT_READY, kept.message)
        return Step(kept.message, "warning")
    effect = describe_outcome(call)
    settle_after(agent, call.pk, Status.WRAP_UP, effect)
    return Step(effect)


def settle_after(agent: User, call_id: int, status: str, notice: str) -> None:
    with transaction.atomic():
        row = locked_status(agent)
        if row.call_id == call_id:  # another tab may have moved on already
            change_status(row, status, notice=notice, entry=None, lease_token=None)


def describe_outcome(call: Call) -> str:
    """What the ended reason did, in the agent's words (issue: "Number removed", "Will be
    called again after …")."""
    reason = call.ended_reason
    if reason == EndedReasonCode.DO_NOT_CALL:
        purpose = call.campaign.purpose.name.lower() if call.campaign else "calls"
        return (
            f"Do not call: phone consent for {purpose} withdrawn and "
            f"{display(call.number_dialled)} suppressed."
        )
    if reason == EndedReasonCode.WRONG_NUMBER:
        if number_for_call(call.donor):
            return "Number removed. The donor stays on the campaign with another number."
        return "Number removed. No other number: the donor will not be called."
    if call.direction == Direction.INBOUND:
        return f"Call saved: {EndedReasonCode(reason).label}."
    entry = (
        QueueEntry.objects.filter(id=call.queue_entry_id).first() if call.queue_entry_id else None
    )
    if entry is None or entry.state == QueueState.DONE:
        if reason == EndedReasonCode.CONCLUDED:
            return "Concluded: this donor will not be called again on this campaign."
        return "Maximum attempts reached: this donor will not be called again on this campaign."
    when = date_format(timezone.localtime(entry.due_at), "D j M H:i")
    return f"Will be called again after {when}."


# --- Keeping the screen and the engine in step -------------------------------------------------


def keep_alive(agent: User) -> Step | None:
    """The screen's heartbeat: seen now; during a call the lease is renewed (closing the
    browser lets it run out); a preview past its time is given back; while Out of Data, try
    again. Returns what to tell the agent, if anything changed."""
    AgentStatus.objects.filter(agent=agent).update(last_seen_at=now())
    step = settle(agent)
    if step is not None:
        return step
    row = AgentStatus.objects.filter(agent=agent).first()
    if row is None:
        return None
    if row.status in (Status.ON_CALL, Status.WRAP_UP) and row.lease_token is not None:
        return renew_call_lease(agent, row)
    if row.status == Status.READY:
        return check_again(agent)
    return None


def renew_call_lease(agent: User, row: AgentStatus) -> Step | None:
    entry, token = lease_on_screen(row)
    try:
        renew_lease(entry, token=token, by=agent, lasting=CALL_LEASE)
    except LeaseLost:
        return settle(agent)
    return None


def settle(agent: User) -> Step | None:
    """If the engine has moved on from what the status says (the preview ran out, the worker
    closed the call), bring the status in line and say what happened."""
    with transaction.atomic():
        row = locked_status(agent)
        if row.lease_token is None or row.entry_id is None:
            return None
        entry = QueueEntry.objects.filter(id=row.entry_id).first()
        at = now()
        held = (
            entry
            if entry is not None
            and entry.state == QueueState.LEASED
            and str(entry.lease_token) == str(row.lease_token)
            else None
        )
        if row.status == Status.PREVIEW:
            if held and held.lease_expires_at and held.lease_expires_at > at:
                return None
            if held:
                release_lease(held, token=row.lease_token, by=agent)
            return lost_preview(row)
        if held:
            return None
        if row.call is not None and row.call.outcome_recorded_at is not None:
            # Saved from another tab or the API: this screen moves on to Wrap-up too.
            change_status(row, Status.WRAP_UP, notice=describe_outcome(row.call), entry=None,
                          lease_token=None)  # fmt: skip
            return None
        message = (
            "Your time on this call ran out. It was closed as “no outcome recorded” "
            "for a manager to review."
        )
        change_status(row, Status.NOT_READY, notice=message, **forget_donor(row))
        return Step(message, "warning")


def settle_statuses(limit: int = 200) -> int:
    """Worker step: statuses whose lease the engine ended while nobody's screen was open (the
    browser closed) are brought in line, so the live view does not show a ghost call."""
    from django.db.models import F, Q

    stale = (
        AgentStatus.objects.filter(
            status__in=[Status.PREVIEW, Status.ON_CALL, Status.WRAP_UP], lease_token__isnull=False
        )
        .filter(
            Q(entry=None)
            | ~Q(entry__lease_token=F("lease_token"))
            | Q(status=Status.PREVIEW, entry__lease_expires_at__lte=now())
        )
        .select_related("agent")[:limit]
    )
    agents = [row.agent for row in stale]
    for agent in agents:
        settle(agent)
    return len(agents)
