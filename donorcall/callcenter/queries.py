"""Reads of calls shared by pages and the API."""

from django.http import Http404

from donorcall.callcenter.models import Call
from donorcall.staff.models import User


def call_for_agent(user: User, pk: int) -> Call:
    call = Call.objects.filter(pk=pk, agent=user).first()
    if call is None:
        raise Http404("No such call")
    return call
