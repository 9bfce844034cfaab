"""Reads of calls for managers (the Calls list, a call's page, the review list, the API), and
the access helper that is the only way they load one (out of reach is 404)."""

from django.db.models import QuerySet
from django.http import Http404

from donorcall.callcenter.models import Call, CallEdit
from donorcall.giving.models import Donation, RegularGift
from donorcall.staff.models import User
from donorcall.supervision.filters import CallFilter


def call_rows() -> QuerySet[Call]:
    return Call.objects.select_related(
        "agent", "donor", "campaign", "team", "disposition", "outcome_recorded_by"
    )


def call_list(chosen: CallFilter) -> QuerySet[Call]:
    return call_rows().filter(chosen.calls()).order_by("-started_at", "-id")


def calls_for_review() -> QuerySet[Call]:
    """Closed as "no outcome recorded", or with an outcome that arrived after the lease."""
    return call_rows().exclude(review="").order_by("started_at", "id")


def call_for(user: User, pk: int) -> Call:
    if not user.has_perm("callcenter.view_call"):
        raise Http404("No such call")
    found = call_rows().filter(pk=pk).first()
    if found is None:
        raise Http404("No such call")
    return found


def call_edits(call: Call) -> QuerySet[CallEdit]:
    return CallEdit.objects.filter(call=call).select_related("by")


def gifts_on(call: Call) -> tuple[list[Donation], list[RegularGift]]:
    return list(Donation.objects.filter(call=call)), list(RegularGift.objects.filter(call=call))
