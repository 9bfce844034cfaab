"""Building blocks for the outbox's tests: a template, an agent on a call with a donor who has
an email address, and the instant (a Tuesday noon in London, inside calling hours)."""

from datetime import UTC, datetime, time

from donorcall.callcenter.actions import console, shifts
from donorcall.callcenter.models import Call
from donorcall.campaigns.models import Team
from donorcall.donors.models import Donor, Purpose
from donorcall.outbox.actions import save_template
from donorcall.outbox.models import EmailTemplate
from donorcall.staff.models import JobRole, User
from tests.factories import EmailAddressFactory
from tests.queue_world import donor_on, make_campaign

NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
HTMX = {"HX-Request": "true"}


def purpose(code: str = "fundraising") -> Purpose:
    return Purpose.objects.get(code=code)


def thank_you(by: User | None = None, code: str = "fundraising", **fields) -> EmailTemplate:
    fields.setdefault("name", "Thank you")
    fields.setdefault("subject", "Thank you, {first_name}")
    fields.setdefault("body", "Dear {first_name} {last_name},\n\nYour reference is {reference}.")
    return save_template(None, purpose=purpose(code), by=by, **fields)  # type: ignore[arg-type]


def donor_with_email(*campaigns, email: str = "ada@example.org") -> Donor:
    donor = donor_on(*campaigns)
    Donor.objects.filter(pk=donor.pk).update(first_name="Ada", last_name="Lovelace")
    donor.refresh_from_db()
    EmailAddressFactory(donor=donor, email=email)
    return donor


def put_on_call(agent: User, *, email: str = "ada@example.org") -> Call:
    """Sign the agent in, serve them a donor with an email address and call them."""
    campaign = make_campaign("Failed payments")
    team = Team.objects.create(name="Outbound")
    team.members.add(agent)
    team.campaigns.add(campaign)
    role = JobRole.objects.create(name="Agent")
    role.members.add(agent)
    donor_with_email(campaign, email=email)
    shifts.sign_in(agent, job_role=role, times=shifts.ShiftTimes(time(17, 0)))
    console.ready_for_call(agent, team=team, campaigns=[campaign])
    console.call_donor(agent)
    return Call.objects.select_related("donor").get(agent=agent)
