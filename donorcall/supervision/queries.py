"""Reads shared by the live view's pages and API."""

from django.shortcuts import get_object_or_404

from donorcall.callcenter.models import Shift
from donorcall.staff.models import User


def agent_on_floor(pk: int) -> User:
    """The access helper for manager actions: an agent with an open shift, else 404."""
    on_shift = Shift.objects.filter(signed_out_at=None).values("agent_id")
    return get_object_or_404(User.objects.filter(pk__in=on_shift), pk=pk)
