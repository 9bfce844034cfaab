"""The worker: one loop of small steps, each of which says whether it found work.

Later capabilities add their steps (send the outbox, expire leases, flag missed appointments)
to STEPS. A step does a bounded amount of work and returns True if it did any, so the loop
runs again at once while there is work and sleeps when there is none. Steps that claim rows
use SKIP LOCKED on PostgreSQL, so several workers can run side by side.
"""

import logging
import signal
import time
from collections.abc import Callable
from datetime import timedelta
from types import FrameType

from django.contrib.sessions.models import Session
from django.db import close_old_connections

from donorcall.donors.importing.jobs import forget_stale_uploads, run_next_import
from donorcall.donors.importing.stalls import fail_stalled_imports
from donorcall.lib.clock import now
from donorcall.staff.models import LoginThrottle

log = logging.getLogger("donorcall.worker")

Step = Callable[[], bool]
BATCH = 500


def delete_expired_sessions() -> bool:
    """Sessions past their expiry are dead weight in the session table."""
    expired = Session.objects.filter(expire_date__lt=now()).values_list("pk", flat=True)[:BATCH]
    deleted, _ = Session.objects.filter(pk__in=list(expired)).delete()
    return deleted > 0


def forget_old_sign_in_failures() -> bool:
    """Failure counts older than a day and lapsed lockouts are no longer evidence of anything."""
    cutoff = now() - timedelta(days=1)
    stale = LoginThrottle.objects.filter(last_failure_at__lt=cutoff).exclude(locked_until__gt=now())
    deleted, _ = stale.filter(pk__in=list(stale.values_list("pk", flat=True)[:BATCH])).delete()
    return deleted > 0


def expire_leases() -> bool:
    """A vanished agent's donor comes back to the queue (DESIGN.md, invariant 4)."""
    from donorcall.campaigns.queue.leases import expire_leases as expire

    return expire() > 0


TPS_SWEEP_EVERY = timedelta(minutes=10)  # well inside eligibility.TPS_SWEEP_MARGIN
_next_tps_sweep: list = [None]  # this process's next full sweep; None = due now


def expire_tps_screening() -> bool:
    """TPS screenings age out with the clock (docs/dialler.md, "TPS screening"): block the rows
    whose donor's UK numbers passed 28 days, in batches while there are any, then look again
    in ten minutes."""
    from donorcall.campaigns.queue.eligibility import sweep_tps_screening

    due = _next_tps_sweep[0]
    if due is not None and now() < due:
        return False
    if sweep_tps_screening(BATCH):
        return True
    _next_tps_sweep[0] = now() + TPS_SWEEP_EVERY
    return False


def end_shifts() -> bool:
    """Shifts past their end plus extension: warned, then signed out (not during a call)."""
    from donorcall.callcenter.actions.shifts import end_shifts as end

    return end() > 0


def settle_agent_statuses() -> bool:
    """An agent whose browser closed keeps no ghost Preview or call on the live view once the
    engine has taken the donor back."""
    from donorcall.callcenter.actions.console import settle_statuses

    return settle_statuses() > 0


def let_go_of_silent_screens() -> bool:
    """A closed screen keeps no agent Ready, no inbound caller waiting on it, and no inbound
    call open for ever (callcenter/actions/silence.py)."""
    from donorcall.callcenter.actions.silence import let_go_of_silent_screens as let_go

    return let_go() > 0


def send_outbox() -> bool:
    """Queued emails go out through the SMTP server, with retries (docs/outbox.md)."""
    from donorcall.outbox.sending import send_due_emails

    return send_due_emails()


def hand_appointments_to_team() -> bool:
    """An owner not signed in some minutes after their appointment: the team may call."""
    from donorcall.appointments.actions import hand_over_to_team

    return hand_over_to_team() > 0


def flag_missed_appointments() -> bool:
    """Appointments nobody called in time are flagged for managers (docs/appointments.md)."""
    from donorcall.appointments.actions import flag_missed

    return flag_missed() > 0


STEPS: list[Step] = [
    delete_expired_sessions,
    forget_old_sign_in_failures,
    expire_leases,
    settle_agent_statuses,
    let_go_of_silent_screens,
    send_outbox,
    end_shifts,
    expire_tps_screening,
    hand_appointments_to_team,
    flag_missed_appointments,
    fail_stalled_imports,
    run_next_import,
    forget_stale_uploads,
]


class Worker:
    def __init__(self, steps: list[Step], *, idle_seconds: float = 1.0):
        self.steps = steps
        self.idle_seconds = idle_seconds
        self.stopping = False

    def stop(self, signum: int = 0, frame: FrameType | None = None) -> None:
        """Finish the step in hand, then leave (SIGTERM from systemd or make run's Ctrl-C)."""
        self.stopping = True

    def run_once(self) -> bool:
        found = False
        for step in self.steps:
            if self.stopping:
                break
            try:
                found = step() or found
            except Exception:
                log.exception("worker step %s failed", step.__name__)
        return found

    def run_forever(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        log.info("worker started with steps: %s", ", ".join(s.__name__ for s in self.steps))
        while not self.stopping:
            # A long-lived process must not keep a connection the database has dropped.
            close_old_connections()
            if not self.run_once():
                self.sleep()
        log.info("worker stopped")

    def sleep(self) -> None:
        deadline = time.monotonic() + self.idle_seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(0.1)
