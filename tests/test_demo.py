"""`donorcall demo`: a realistic, fictional organisation that is safe to create twice."""

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.test import Client, override_settings

from donorcall.callcenter.models import AgentStatus, Status
from donorcall.campaigns.models import (
    Blocked,
    BreakReason,
    CallList,
    Campaign,
    CampaignStatus,
    DiallingMode,
    Disposition,
    QueueEntry,
    SkipReason,
    Team,
)
from donorcall.campaigns.scripts import render_script
from donorcall.donors.actions import clean_email
from donorcall.donors.models import (
    Address,
    ConsentEvent,
    ConsentSource,
    ConsentState,
    ConsentStatus,
    Donor,
    DonorEvent,
    DonorStatus,
    EmailAddress,
    PhoneNumber,
)
from donorcall.giving.models import (
    Donation,
    GiftKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
    RegularGift,
)
from donorcall.lib.cards import contains_card_number
from donorcall.lib.clock import now
from donorcall.lib.phone import parse
from donorcall.lib.timezones import derive_zone_key
from donorcall.runtime import demo
from donorcall.staff.models import JobRole, Role, User

# Ofcom's drama ranges and the US 555-01xx block: the only numbers the demo may use.
FICTIONAL = re.compile(
    r"\+44(7700900|2079460|(113|114|116|117|118|121|131|141|151|161)4960|2896496)\d{3}"
    r"|\+1(212|646|617|305|404|312|214|612|303|602|415|213|206|907|808)55501\d{2}"
)


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        User, Donor, PhoneNumber, EmailAddress, Address, JobRole, DonorEvent, ConsentEvent,
        ConsentState, Donation, RegularGift, Payment, SkipReason, BreakReason, Disposition,
        Campaign, Team, CallList, QueueEntry,
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def forget_donor(reference: str) -> None:
    """Delete a demo donor with what protects them from deletion (consent and giving)."""
    donor = Donor.objects.get(reference=reference)
    Payment.objects.filter(regular_gift__donor=donor).delete()
    RegularGift.objects.filter(donor=donor).delete()
    Donation.objects.filter(donor=donor).delete()
    ConsentState.objects.filter(donor=donor).delete()
    ConsentEvent.objects.filter(donor=donor).delete()
    donor.delete()


def htmx(client: Client, step: str, data: dict):
    response = client.post(f"/call-center/{step}/", data, headers={"HX-Request": "true"})
    assert response.status_code in (200, 204), response.content
    return response


def next_saturday_noon() -> datetime:
    """Noon in London (UTC in winter, 13:00 BST in summer): inside calling hours there."""
    at = now().astimezone(UTC).replace(hour=11, minute=0, second=0, microsecond=0)
    at += timedelta(days=(5 - at.weekday()) % 7)
    return at if at > now() else at + timedelta(days=7)


@pytest.fixture(scope="class")
def shared_demo(django_db_setup, django_db_blocker) -> Iterator[str]:
    """One demo run for a class of tests, rolled back after the class. The logins are hashed
    as the function-scoped ``_fast_password_hashing`` (conftest.py) will check them."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


def test_the_demo_is_the_same_every_time():
    def summary(plans: list[demo.DonorPlan]) -> list[tuple]:
        return [(p.donor.reference, p.donor.name, p.numbers, p.email, p.address) for p in plans]

    assert summary(demo.plan_donors(100)) == summary(demo.plan_donors(100))


@pytest.mark.django_db
def test_demo_refuses_a_database_with_real_staff(admin):
    with pytest.raises(CommandError, match="already has staff of its own"):
        call_command("demo", stdout=io.StringIO())
    assert not User.objects.filter(username="manager").exists()
    call_command("demo", "--force", stdout=io.StringIO())
    assert User.objects.filter(username="manager").exists()


class TestTheDemoOrganisation:
    """These tests share one run of the demo (it takes seconds), each in a transaction of its
    own inside the class's, so what one test changes the next does not see."""

    @pytest.fixture
    def demo_output(self, shared_demo, db) -> str:
        return shared_demo

    def test_running_the_demo_twice_adds_and_changes_nothing(self, demo_output):
        before = counts()
        timezones = dict(Donor.objects.values_list("reference", "timezone"))
        logs = dict(CallList.objects.values_list("name", "log"))
        second = run_demo()
        assert counts() == before
        assert dict(Donor.objects.values_list("reference", "timezone")) == timezones
        assert dict(CallList.objects.values_list("name", "log")) == logs
        assert "2,000 created" in demo_output
        assert "already present" in second
        assert "nothing was added" in second

    def test_an_agent_can_call_as_soon_as_the_demo_is_there(self, demo_output):
        role = JobRole.objects.get(name="Agent")
        team = Team.objects.get(name="Outbound")
        campaign = Campaign.objects.get(name="Failed payments")
        with time_machine.travel(next_saturday_noon(), tick=False):  # weekends are calling days
            client = Client()
            assert client.login(username="agent", password=demo.PASSWORD)
            htmx(client, "sign-in", {"job_role": role.pk})
            htmx(client, "shift", {"job_role": role.pk, "ends_at": "17:00", "extension_hours": 0})
            ready = htmx(client, "ready", {"team": team.pk, "campaigns": [campaign.pk]})
        assert json.loads(ready["HX-Trigger"])["toast"]["message"].startswith("Your next donor:")
        status = AgentStatus.objects.select_related("donor").get(agent__username="agent")
        assert status.status == Status.PREVIEW
        script = render_script(campaign, status.donor)
        assert "due on" in script and "{" not in script

    def test_running_the_demo_again_adds_back_only_what_is_missing(self, demo_output):
        forget_donor("DEMO-00042")
        before = counts()
        output = run_demo()
        assert counts()["Donor"] == before["Donor"] + 1
        assert counts()["User"] == before["User"]
        assert counts()["Campaign"] == before["Campaign"]
        assert "Donors: 1 created" in output

    def test_the_demo_prints_the_organisation_and_every_login(self, demo_output):
        assert demo.ORGANISATION_NAME in demo_output
        for username in ("admin", "manager", "agent", "agent2"):
            assert re.search(rf"^{username}\s+\w+\s+donorcall-demo$", demo_output, re.MULTILINE)

    def test_the_demo_has_2000_donors_with_references(self, demo_output):
        references = list(Donor.objects.values_list("reference", flat=True))
        assert len(references) >= 2000
        assert {"DEMO-00001", "DEMO-02000"} <= set(references)
        assert Donor.objects.filter(is_organisation=True).exists()
        assert Donor.objects.filter(status=DonorStatus.DECEASED).exists()
        assert Address.objects.filter(country="GB").exists()
        assert Address.objects.filter(country="US").exists()

    def test_every_demo_user_can_sign_in_with_the_printed_password(self, demo_output):
        for username in ("admin", "manager", "agent", "agent2"):
            response = Client().post(
                "/login/", {"username": username, "password": "donorcall-demo"}
            )
            assert response.status_code == 302, username

    def test_each_demo_user_has_their_role_and_job_roles(self, demo_output):
        roles = {
            user.username: user.role
            for user in User.objects.prefetch_related("groups", "job_roles")
        }
        assert roles == {
            "admin": Role.ADMINISTRATOR,
            "manager": Role.MANAGER,
            "agent": Role.AGENT,
            "agent2": Role.AGENT,
        }
        members = {
            job_role.name: {user.username for user in job_role.members.all()}
            for job_role in JobRole.objects.all()
        }
        assert members == {
            "Agent": {"agent", "agent2", "manager"},
            "Inbound caller": {"agent2", "manager"},
            "Supervisor": {"manager"},
        }
        supervisor = JobRole.objects.get(name="Supervisor")
        assert supervisor.makes_outbound_calls and supervisor.takes_inbound_calls
        assert Group.objects.filter(name=Role.ADMINISTRATOR).exists()

    def test_every_demo_number_is_valid_and_fictional(self, demo_output):
        numbers = list(
            PhoneNumber.objects.filter(removed_at__isnull=True).values_list("number", "kind")
        )
        assert numbers
        for number, kind in numbers:
            parsed = parse(number)
            assert parsed is not None, number
            assert (parsed.e164, parsed.kind) == (number, kind)
            assert FICTIONAL.fullmatch(number), f"{number} may ring a real person"

    def test_only_households_share_a_number(self, demo_output):
        shared = (
            PhoneNumber.objects.values("number")
            .annotate(donors=Count("donor"))
            .filter(donors__gt=1)
        )
        assert 0 < shared.count() < 50
        for row in shared:
            addresses = Address.objects.filter(donor__phone_numbers__number=row["number"])
            assert len({(a.line1, a.postcode) for a in addresses}) == 1, row["number"]

    def test_demo_donors_live_in_several_time_zones(self, demo_output):
        zones = set(Donor.objects.exclude(timezone=None).values_list("timezone", flat=True))
        assert {"Europe/London", "America/New_York", "America/Los_Angeles"} <= zones
        assert len(zones) >= 3

    def test_no_demo_donor_has_two_primaries_of_a_kind(self, demo_output):
        for relation in ("phone_numbers", "email_addresses", "addresses"):
            primaries = Count(relation, filter=Q(**{f"{relation}__is_primary": True}))
            assert not Donor.objects.annotate(n=primaries).filter(n__gt=1).exists(), relation
        assert Donor.objects.annotate(n=Count("phone_numbers")).filter(n=0).exists()

    def test_demo_stores_what_the_actions_would_store(self, demo_output):
        donors = Donor.objects.prefetch_related("phone_numbers", "addresses", "email_addresses")
        for donor in donors:
            address = next(iter(donor.addresses.all()), None)
            numbers = [entry.number for entry in donor.phone_numbers.all()]  # primary first
            where = (address.country, address.region) if address else None
            assert donor.timezone == derive_zone_key(where, numbers), donor.reference
            for entry in donor.email_addresses.all():
                assert entry.email == clean_email(entry.email, field="email")
                assert entry.email.rsplit("@", 1)[1] in demo.EMAIL_DOMAINS
            if address:
                assert address.postcode == address.postcode.upper()
                assert address.country in {"GB", "US"}
        created = DonorEvent.objects.filter(kind="donor_created", actor=None)
        assert created.values("donor").distinct().count() == created.count() == donors.count()

    def test_the_demo_has_the_call_center_lists(self, demo_output):
        assert set(SkipReason.objects.values_list("name", flat=True)) >= {
            "Known complaint",
            "Recently called by another team",
            "Donor deceased (to be confirmed)",
        }
        assert set(BreakReason.objects.values_list("name", flat=True)) >= {
            "Lunch", "Comfort break", "Training", "Team meeting",
        }  # fmt: skip
        dispositions = {
            (d.ended_reason.code, d.name): d.is_success
            for d in Disposition.objects.select_related("ended_reason")
        }
        assert {code for code, _ in dispositions} == {
            "concluded", "do_not_call", "no_answer", "not_available", "wrong_number",
        }  # fmt: skip
        assert dispositions[("concluded", "Donation made")] is True
        assert dispositions[("concluded", "Declined")] is False
        assert dispositions[("wrong_number", "Account not answering")] is False

    def test_the_demo_campaigns_teams_and_queues(self, demo_output):
        campaigns = {c.name: c for c in Campaign.objects.all()}
        failed, sponsors = campaigns["Failed payments"], campaigns["Thank new sponsors"]
        assert (failed.status, failed.dialling_mode) == (
            CampaignStatus.ACTIVE,
            DiallingMode.PREVIEW,
        )
        assert (sponsors.status, sponsors.dialling_mode) == (
            CampaignStatus.ACTIVE, DiallingMode.PROGRESSIVE,
        )  # fmt: skip
        assert sponsors.wrap_up_seconds == 15
        assert campaigns["Spring appeal"].status == CampaignStatus.DRAFT
        assert "{first_name}" in failed.script and "{failed_payment}" in failed.script
        assert all(c.calling_days == list(range(7)) for c in campaigns.values())

        outbound = Team.objects.get(name="Outbound")
        assert {u.username for u in outbound.members.all()} == {"agent", "agent2", "manager"}
        assert set(outbound.campaigns.all()) == {failed, sponsors}
        care = Team.objects.get(name="Supporter care")
        assert [u.username for u in care.members.all()] == ["agent2"]

        for campaign in (failed, sponsors):
            waiting = QueueEntry.objects.filter(campaign=campaign, blocked=None, state="open")
            assert waiting.count() >= 20, campaign
            assert campaign.call_lists.count() == 1
        since = now().date() - timedelta(days=30)
        for entry in QueueEntry.objects.filter(campaign=failed):
            assert Payment.objects.filter(
                regular_gift__donor=entry.donor_id, status=PaymentStatus.FAILED, due_on__gte=since
            ).exists()
        withdrawn = ConsentState.objects.filter(status=ConsentStatus.WITHDRAWN)
        queued = QueueEntry.objects.filter(donor__in=withdrawn.values("donor"))
        assert queued.exists()
        assert set(queued.values_list("blocked", flat=True)) == {Blocked.NO_CONSENT}
        for line in ("Failed payments", "Thank new sponsors", "Outbound (agent, agent2, manager)"):
            assert line in demo_output

    def test_the_demo_giving_keeps_the_giving_rules(self, demo_output):
        donors = Donor.objects.count()
        givers = Donor.objects.filter(
            Q(donations__isnull=False) | Q(regular_gifts__isnull=False)
        ).distinct()
        assert 0.3 * donors < givers.count() < 0.8 * donors
        gifts = RegularGift.objects.all()
        assert gifts.filter(kind=GiftKind.SPONSORSHIP).count() >= 50
        assert gifts.filter(kind=GiftKind.REGULAR_GIFT).count() >= 100
        for gift in gifts.prefetch_related("payments"):
            assert gift.method == PaymentMethod.DIRECT_DEBIT and gift.mandate_reference
            assert bool(gift.sponsored) == (gift.kind == GiftKind.SPONSORSHIP)
            due = [p.due_on for p in gift.payments.all() if p.status != PaymentStatus.FAILED]
            assert len(due) == len(set(due)), gift.pk  # one live payment per date
            for payment in gift.payments.all():
                assert payment.due_on >= gift.started_on
                assert (payment.status == PaymentStatus.FAILED) == bool(payment.failure_reason)
                assert (payment.status == PaymentStatus.PAID) == (payment.paid_on is not None)
        since = now().date() - timedelta(days=30)
        recent = Payment.objects.filter(status=PaymentStatus.FAILED, due_on__gte=since)
        assert recent.count() >= 20
        assert {"Insufficient funds", "Mandate cancelled"} <= set(
            Payment.objects.values_list("failure_reason", flat=True)
        )
        assert not Donation.objects.filter(method=PaymentMethod.CARD).exists()
        texts = [
            *Donation.objects.values_list("campaign", "fund", "notes", "gateway_reference"),
            *gifts.values_list("mandate_reference", "sponsored", "campaign", "fund", "notes"),
            *Payment.objects.values_list("failure_reason", "gateway_reference"),
        ]
        assert not any(contains_card_number(text) for row in texts for text in row)
        lines = DonorEvent.objects.filter(kind__in=["donation_recorded", "payment_recorded"])
        assert lines.count() == Donation.objects.count() + Payment.objects.count()

    def test_the_demo_consent_state_is_the_latest_event(self, demo_output):
        states = ConsentState.objects.select_related("event")
        assert states.filter(status=ConsentStatus.GRANTED).count() > 0.8 * Donor.objects.count()
        assert 10 <= states.filter(status=ConsentStatus.WITHDRAWN).count() < 100
        latest: dict[tuple, ConsentEvent] = {}
        for event in ConsentEvent.objects.order_by("recorded_at", "id"):
            latest[(event.donor_id, event.channel, event.purpose_id)] = event
        assert len(latest) == states.count()
        for state in states:
            event = latest[(state.donor_id, state.channel, state.purpose_id)]
            assert (state.event_id, state.status, state.since) == (
                event.pk, event.status, event.recorded_at,
            )  # fmt: skip
        granted = ConsentEvent.objects.filter(status=ConsentStatus.GRANTED)
        assert set(granted.values_list("source", flat=True)) == {ConsentSource.IMPORT}
