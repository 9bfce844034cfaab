"""Campaign pages, by topic. urls.py refers to them through this module."""

from .call_lists import call_list_create, call_list_refresh
from .call_settings import (
    break_reason_create,
    break_reason_edit,
    break_reason_list,
    break_reason_move,
    disposition_create,
    disposition_edit,
    disposition_move,
    ended_reason_edit,
    ended_reason_list,
    skip_reason_create,
    skip_reason_edit,
    skip_reason_list,
    skip_reason_move,
)
from .campaigns import (
    campaign_create,
    campaign_detail,
    campaign_edit,
    campaign_list,
    campaign_status,
)
from .teams import team_active, team_create, team_edit, team_list

__all__ = [
    "break_reason_create",
    "break_reason_edit",
    "break_reason_list",
    "break_reason_move",
    "call_list_create",
    "call_list_refresh",
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_list",
    "campaign_status",
    "disposition_create",
    "disposition_edit",
    "disposition_move",
    "ended_reason_edit",
    "ended_reason_list",
    "skip_reason_create",
    "skip_reason_edit",
    "skip_reason_list",
    "skip_reason_move",
    "team_active",
    "team_create",
    "team_edit",
    "team_list",
]
