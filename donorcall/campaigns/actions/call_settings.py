"""Settings › the lists administrators keep for the Call Center: skip reasons, break reasons,
the built-in ended reasons' descriptions, and the dispositions under each ended reason.

Nothing here is ever deleted: skips, breaks and calls will refer to these rows, so a reason or
a disposition is retired (``is_active`` False) and stays in the history and in reports. The
five ended reasons are built in (the dialler's rules hang on them): only their descriptions
change.
"""

from typing import TypeVar

from django.db import transaction
from django.db.models import Max, QuerySet

from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

from ..models import BreakReason, Disposition, EndedReason, SkipReason
from .inputs import clean_name, clean_text, max_length

Ordered = TypeVar("Ordered", bound=SkipReason | BreakReason | Disposition)


def save_skip_reason(
    reason: SkipReason | None, *, name: str, is_active: bool = True, by: User | None
) -> SkipReason:
    """Add a skip reason (reason None), or rename, retire or reinstate one."""
    return save_reason(reason or SkipReason(), name=name, is_active=is_active, what="skip reason")


def save_break_reason(
    reason: BreakReason | None, *, name: str, is_active: bool = True, by: User | None
) -> BreakReason:
    """Add a break reason (reason None), or rename, retire or reinstate one."""
    return save_reason(reason or BreakReason(), name=name, is_active=is_active, what="break reason")


def save_reason(reason: Ordered, *, name: str, is_active: bool, what: str) -> Ordered:
    siblings = siblings_of(reason)
    reason.name = clean_name(
        name,
        what=what,
        taken=siblings.exclude(pk=reason.pk),
        limit=max_length(type(reason), "name"),
    )
    reason.is_active = bool(is_active)
    with transaction.atomic():
        if reason.pk is None:
            reason.position = next_position(siblings)
        reason.save()
    return reason


def update_ended_reason(reason: EndedReason, *, description: str, by: User | None) -> EndedReason:
    """Reword a built-in ended reason's description; its name and effect never change."""
    reason.description = clean_text(
        description, field="description", limit=max_length(EndedReason, "description")
    )
    reason.save(update_fields=["description"])
    return reason


def save_disposition(
    disposition: Disposition | None,
    *,
    ended_reason: EndedReason | None = None,
    name: str,
    is_success: bool = False,
    is_active: bool = True,
    by: User | None,
) -> Disposition:
    """Add a disposition under ``ended_reason`` (disposition None), or rename, retire or
    reinstate one, or change whether it counts as a success. A disposition stays under the
    ended reason it was made for: calls recorded with it mean that pair."""
    if disposition is None:
        if ended_reason is None:
            raise InvalidInput("Choose the ended reason it belongs to.", field="ended_reason")
        disposition = Disposition(ended_reason=ended_reason)
    disposition.is_success = bool(is_success)
    return save_reason(disposition, name=name, is_active=is_active, what="disposition")


def move(item: Ordered, *, direction: str, by: User | None) -> Ordered:
    """Move a skip reason, break reason or disposition one place up or down its list (the
    order agents see). Positions are renumbered 0, 1, 2… so ties never hide a move."""
    if direction not in ("up", "down"):
        raise InvalidInput("Move up or down.", field="direction")
    with transaction.atomic():
        rows = list(siblings_of(item).select_for_update())
        index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows):
            row.position = position
        type(item).objects.bulk_update(rows, ["position"])
    item.position = next(row.position for row in rows if row.pk == item.pk)
    return item


def siblings_of(item: Ordered) -> QuerySet:
    """The list ``item`` is ordered within: all skip (or break) reasons, or the dispositions
    under one ended reason."""
    if isinstance(item, Disposition):
        return Disposition.objects.filter(ended_reason_id=item.ended_reason_id).order_by(
            "position", "name", "pk"
        )
    return type(item).objects.order_by("position", "name", "pk")


def next_position(siblings: QuerySet) -> int:
    highest = siblings.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1
