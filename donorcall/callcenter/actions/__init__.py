"""Every state change of the Call Center, one door each.

- ``calls``: place a call under a lease, record its one outcome (the engine's rules).
- ``shifts``: Sign In with a job role, Take Break, Resume Shift, Sign Out, the end of a shift.
- ``console``: the agent's screen, step by step: Ready for Call, Call, Skip, End call, the
  outcome, keeping the lease alive, and settling a status the engine has moved on from.
- ``corrections``: a manager corrects a closed call, or resolves one kept for review.
"""

from .calls import (
    CALL_LEASE,
    NotCallable,
    OutcomeAlreadyRecorded,
    OutcomeKeptForReview,
    close_without_outcome,
    record_outcome,
    start_call,
)

__all__ = [
    "CALL_LEASE",
    "NotCallable",
    "OutcomeAlreadyRecorded",
    "OutcomeKeptForReview",
    "close_without_outcome",
    "record_outcome",
    "start_call",
]
