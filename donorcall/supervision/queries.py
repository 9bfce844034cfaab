"""Reads shared by the live view's pages and API."""

from django.shortcuts import get_object_or_404

from donorcall.staff.models import User


def agent_on_floor(pk: int) -> User:
    """The access helper for manager actions: an agent with an open shift, else 404."""
    return get_object_or_404(User.objects.filter(shifts__signed_out_at=None).distinct(), pk=pk)
