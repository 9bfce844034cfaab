"""The demo's Call Center: what an agent needs to call as soon as they sign in to the demo.

The lists administrators keep (skip and break reasons, dispositions), phone consent and giving
on the demo donors (demo_giving.py), three campaigns, two teams, and call lists that fill the
active campaigns' queues. Like the rest of the demo it is the same every time (each donor's
draws come from the seed and their reference alone) and adds only what is missing: a donor who
already has consent or giving is left as they are, and a campaign, team or list already there
(by name) is kept.

Dates are relative to today, so "failed in the last 30 days" holds whenever the demo is run.
"""

from dataclasses import dataclass, fields

from django.db.models import Count, Q

from donorcall.campaigns.actions import (
    CampaignSettings,
    change_campaign_status,
    create_campaign,
    save_break_reason,
    save_disposition,
    save_skip_reason,
    save_team,
)
from donorcall.campaigns.calllists import ListFilter, create_filter_list
from donorcall.campaigns.models import (
    BreakReason,
    CallList,
    Campaign,
    CampaignStatus,
    DiallingMode,
    EndedReason,
    SkipReason,
    Team,
)
from donorcall.donors.models import (
    Donor,
)
from donorcall.runtime.demo_data import (
    BREAK_REASONS,
    DISPOSITIONS,
    SKIP_REASONS,
)
from donorcall.runtime.demo_giving import (
    create_consent,
    create_giving,
    fundraising,
    report_consent,
    report_giving,
)
from donorcall.staff.models import User
from donorcall.telephony.models import PhoneLine

EVERY_DAY = list(range(7))  # so that the demo calls at weekends too


@dataclass
class CallingCounts:
    """What one run added for the Call Center; DemoResult carries these counts."""

    skip_reasons_created: int = 0
    break_reasons_created: int = 0
    dispositions_created: int = 0
    consents_granted: int = 0
    consents_withdrawn: int = 0
    donations_created: int = 0
    regular_gifts_created: int = 0
    sponsorships_created: int = 0
    payments_created: int = 0
    failed_payments_created: int = 0
    failed_payments_recent: int = 0  # of those, due in the last 30 days
    campaigns_created: int = 0
    teams_created: int = 0
    call_lists_created: int = 0
    donors_queued: int = 0

    @property
    def calling_created_anything(self) -> bool:
        return any(getattr(self, name.name) for name in fields(CallingCounts))


def create_call_center(counts: CallingCounts, *, prefix: str, seed: int) -> None:
    """Everything below, in the order the rules need: consent and giving before the call lists
    that read them."""
    create_call_settings(counts)
    donors = list(Donor.objects.filter(reference__startswith=prefix).order_by("reference"))
    create_consent(donors, counts, prefix=prefix, seed=seed)
    create_giving(donors, counts, prefix=prefix, seed=seed)
    campaigns = create_campaigns(counts)
    create_teams(campaigns, counts)
    create_call_lists(campaigns, counts)


# --- Settings › Call Center lists ----------------------------------------------------------


def create_call_settings(counts: CallingCounts) -> None:
    for name in SKIP_REASONS:
        if not SkipReason.objects.filter(name__iexact=name).exists():
            save_skip_reason(None, name=name, by=None)
            counts.skip_reasons_created += 1
    for name in BREAK_REASONS:
        if not BreakReason.objects.filter(name__iexact=name).exists():
            save_break_reason(None, name=name, by=None)
            counts.break_reasons_created += 1
    for reason in EndedReason.objects.all():
        for name, is_success in DISPOSITIONS.get(reason.code, ()):
            if not reason.dispositions.filter(name__iexact=name).exists():
                save_disposition(
                    None, ended_reason=reason, name=name, is_success=is_success, by=None
                )
                counts.dispositions_created += 1


# --- Campaigns, teams and call lists -------------------------------------------------------


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    description: str
    dialling_mode: str
    status: str
    script: str
    wrap_up_seconds: int = 15


FAILED_PAYMENTS = "Failed payments"
NEW_SPONSORS = "Thank new sponsors"
CAMPAIGNS = (
    DemoCampaign(
        FAILED_PAYMENTS,
        "Regular givers whose direct debit failed in the last month: help them put it right.",
        DiallingMode.PREVIEW,
        CampaignStatus.ACTIVE,
        "Hello, is that {first_name}? This is {agent_first_name} calling from Brightwater "
        "Trust. Thank you for your regular gift: it keeps our clean water projects running.\n\n"
        "I'm calling because your payment of {failed_payment} didn't go through. That often "
        "happens when a bank account changes. Would you like us to collect it again on a new "
        "date, or would you rather change your gift?\n\n"
        "If they want to pay by card, use the payment page: never write card details down.",
    ),
    DemoCampaign(
        NEW_SPONSORS,
        "Thank sponsors for their support and answer their questions.",
        DiallingMode.PROGRESSIVE,
        CampaignStatus.ACTIVE,
        "Hello {first_name}, this is {agent_first_name} from Brightwater Trust. I'm calling "
        "just to say thank you for sponsoring with us: it makes a real difference.\n\n"
        "Do you have any questions about your sponsorship? Would you like to hear from the "
        "project by email or by post?",
        wrap_up_seconds=15,
    ),
    DemoCampaign(
        "Spring appeal",
        "Our spring appeal for clean water: past donors, asked to give again.",
        DiallingMode.PREVIEW,
        CampaignStatus.DRAFT,
        "Hello {first_name}, this is {agent_first_name} from Brightwater Trust. Thank you for "
        "your last gift of {last_gift}. This spring we are raising money for new wells…",
    ),
)
TEAMS = (
    ("Outbound", ("agent", "agent2", "manager"), (FAILED_PAYMENTS, NEW_SPONSORS)),
    ("Supporter care", ("agent2",), (FAILED_PAYMENTS,)),
)
CALL_LISTS = (
    (FAILED_PAYMENTS, "Failed in the last 30 days", ListFilter(failed_payment_days=30)),
    (NEW_SPONSORS, "Active sponsors", ListFilter(active_sponsorship=True)),
)


def create_campaigns(counts: CallingCounts) -> dict[str, Campaign]:
    """The demo's campaigns by name: those already there (whatever their state now), and the
    missing ones created through the campaign actions and, if active, activated."""
    purpose = fundraising()
    campaigns = {}
    for demo in CAMPAIGNS:
        campaign = Campaign.objects.filter(name__iexact=demo.name).first()
        if campaign is None:
            settings = CampaignSettings(
                name=demo.name, purpose=purpose, description=demo.description,
                dialling_mode=demo.dialling_mode, calling_days=EVERY_DAY,
                wrap_up_seconds=demo.wrap_up_seconds, script=demo.script,
            )  # fmt: skip
            campaign = create_campaign(settings, by=None)
            if demo.status != CampaignStatus.DRAFT:
                campaign = change_campaign_status(campaign, status=demo.status, by=None)
            counts.campaigns_created += 1
        campaigns[demo.name] = campaign
    return campaigns


def create_teams(campaigns: dict[str, Campaign], counts: CallingCounts) -> None:
    for name, usernames, campaign_names in TEAMS:
        if Team.objects.filter(name__iexact=name).exists():
            continue
        members = User.objects.filter(username__in=usernames, is_active=True)
        working_on = [
            campaigns[c] for c in campaign_names if campaigns[c].status != CampaignStatus.ARCHIVED
        ]
        save_team(None, name=name, members=list(members), campaigns=working_on, by=None)
        counts.teams_created += 1
    add_demo_phone_line()


# Ofcom's drama range for London: the line donors "call" in the demo (inbound calls).
DEMO_LINE = "+442079460000"


def add_demo_phone_line() -> None:
    team = Team.objects.filter(name__iexact="Supporter care").first()
    if team is not None and not PhoneLine.objects.filter(number=DEMO_LINE).exists():
        PhoneLine.objects.create(number=DEMO_LINE, name="Supporter care", team=team)


def create_call_lists(campaigns: dict[str, Campaign], counts: CallingCounts) -> None:
    """Connect each list once: it fills the campaign's queue. A list already there is not
    refreshed (that would add a run to its log), so a second demo run changes nothing."""
    for campaign_name, name, chosen in CALL_LISTS:
        campaign = campaigns[campaign_name]
        if campaign.status == CampaignStatus.ARCHIVED:
            continue
        if CallList.objects.filter(campaign=campaign, name__iexact=name).exists():
            continue
        _, report = create_filter_list(campaign, name=name, chosen=chosen, by=None)
        counts.call_lists_created += 1
        counts.donors_queued += report.added


# --- Reporting -----------------------------------------------------------------------------


def report_calling(counts: CallingCounts, *, prefix: str) -> list[str]:
    return [
        *report_settings(counts),
        report_consent(counts, prefix),
        report_giving(counts, prefix),
        "",
        *campaign_table(),
        report_teams(),
        "To call: sign in as agent, open Communications › Call Center, Sign In as Agent, then",
        "Ready for Call with the Outbound team (donors are called 09:00–21:00, their time).",
    ]


def report_settings(counts: CallingCounts) -> list[str]:
    added = (counts.skip_reasons_created, counts.break_reasons_created, counts.dispositions_created)
    if not any(added):
        return []
    return [
        f"Call Center lists: {added[0]} skip reasons, {added[1]} break reasons and "
        f"{added[2]} dispositions added."
    ]


def campaign_table() -> list[str]:
    """Every campaign with its mode, status and queue: what the agent will find."""
    campaigns = Campaign.objects.annotate(
        queued=Count("queue", filter=Q(queue__blocked=None, queue__state="open"))
    ).order_by("name")
    rows = [("campaign", "mode", "status", "donors waiting")]
    for campaign in campaigns:
        rows.append(
            (
                campaign.name,
                campaign.get_dialling_mode_display(),
                campaign.get_status_display(),
                f"{campaign.queued:,}",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def report_teams() -> str:
    teams = Team.objects.filter(is_active=True).prefetch_related("members")
    described = [
        f"{team.name} ({', '.join(sorted(user.username for user in team.members.all()))})"
        for team in teams
    ]
    return f"Teams: {'; '.join(described) or 'none'}."
