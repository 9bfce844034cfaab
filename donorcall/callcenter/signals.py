"""Logging out of donorcall signs the agent out of their shift too, so the live view does not
show an agent who has gone. During a call the shift stays: the lease's expiry closes the call
for review and the end of the shift signs the agent out."""

import contextlib
from typing import Any

from donorcall.callcenter.actions.shifts import CallStillOpen, NotSignedIn, sign_out
from donorcall.callcenter.models import SignOutReason


def sign_out_of_shift(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None or not user.is_authenticated:
        return
    with contextlib.suppress(NotSignedIn, CallStillOpen):
        sign_out(user, by=user, reason=SignOutReason.LOGGED_OUT)
