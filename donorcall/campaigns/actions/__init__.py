"""Every change to campaigns, teams and the Call Center's settings lists, by topic:
``from donorcall.campaigns import actions``.

Each action checks its input and refuses with an InvalidInput naming the field, writes inside
one transaction, and takes the person who did it (``by``; None only for the CLI and the demo).
Free text (names, descriptions, the script) never holds a card number (COMPLIANCE.md, "Cards").
"""

from .call_settings import (
    move,
    save_break_reason,
    save_disposition,
    save_skip_reason,
    update_ended_reason,
)
from .campaigns import (
    WEEKDAYS,
    CampaignSettings,
    change_campaign_status,
    create_campaign,
    settings_of,
    update_campaign,
)
from .teams import deactivate_team, reactivate_team, save_team

__all__ = [
    "WEEKDAYS",
    "CampaignSettings",
    "change_campaign_status",
    "create_campaign",
    "deactivate_team",
    "move",
    "reactivate_team",
    "save_break_reason",
    "save_disposition",
    "save_skip_reason",
    "save_team",
    "settings_of",
    "update_campaign",
    "update_ended_reason",
]
