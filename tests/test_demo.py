"""`donorcall demo`: a realistic, fictional organisation that is safe to create twice."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import Client

from donorcall.donors.actions import clean_email
from donorcall.donors.models import (
    Address,
    Donor,
    DonorEvent,
    DonorStatus,
    EmailAddress,
    PhoneNumber,
)
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
    models = (User, Donor, PhoneNumber, EmailAddress, Address, JobRole)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo_output(db) -> str:
    return run_demo()


@pytest.mark.django_db
def test_running_the_demo_twice_adds_and_changes_nothing():
    first = run_demo()
    before = counts()
    timezones = dict(Donor.objects.values_list("reference", "timezone"))
    second = run_demo()
    assert counts() == before
    assert dict(Donor.objects.values_list("reference", "timezone")) == timezones
    assert "2,000 created" in first
    assert "already present" in second
    assert "nothing was added" in second


def test_running_the_demo_again_adds_back_only_what_is_missing(demo_output):
    Donor.objects.get(reference="DEMO-00042").delete()
    before = counts()
    output = run_demo()
    assert counts()["Donor"] == before["Donor"] + 1
    assert counts()["User"] == before["User"]
    assert "Donors: 1 created" in output


def test_the_demo_prints_the_organisation_and_every_login(demo_output):
    assert demo.ORGANISATION_NAME in demo_output
    for username in ("admin", "manager", "agent", "agent2"):
        assert re.search(rf"^{username}\s+\w+\s+donorcall-demo$", demo_output, re.MULTILINE)


def test_the_demo_has_2000_donors_with_references(demo_output):
    references = list(Donor.objects.values_list("reference", flat=True))
    assert len(references) >= 2000
    assert {"DEMO-00001", "DEMO-02000"} <= set(references)
    assert Donor.objects.filter(is_organisation=True).exists()
    assert Donor.objects.filter(status=DonorStatus.DECEASED).exists()
    assert Address.objects.filter(country="GB").exists()
    assert Address.objects.filter(country="US").exists()


def test_every_demo_user_can_sign_in_with_the_printed_password(demo_output):
    for username in ("admin", "manager", "agent", "agent2"):
        response = Client().post("/login/", {"username": username, "password": "donorcall-demo"})
        assert response.status_code == 302, username


def test_each_demo_user_has_their_role_and_job_roles(demo_output):
    roles = {
        user.username: user.role for user in User.objects.prefetch_related("groups", "job_roles")
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


def test_every_demo_number_is_valid_and_fictional(demo_output):
    numbers = list(
        PhoneNumber.objects.filter(removed_at__isnull=True).values_list("number", "kind")
    )
    assert numbers
    for number, kind in numbers:
        parsed = parse(number)
        assert parsed is not None, number
        assert (parsed.e164, parsed.kind) == (number, kind)
        assert FICTIONAL.fullmatch(number), f"{number} may ring a real person"


def test_only_households_share_a_number(demo_output):
    shared = (
        PhoneNumber.objects.values("number").annotate(donors=Count("donor")).filter(donors__gt=1)
    )
    assert 0 < shared.count() < 50
    for row in shared:
        addresses = Address.objects.filter(donor__phone_numbers__number=row["number"])
        assert len({(a.line1, a.postcode) for a in addresses}) == 1, row["number"]


def test_demo_donors_live_in_several_time_zones(demo_output):
    zones = set(Donor.objects.exclude(timezone=None).values_list("timezone", flat=True))
    assert {"Europe/London", "America/New_York", "America/Los_Angeles"} <= zones
    assert len(zones) >= 3


def test_no_demo_donor_has_two_primaries_of_a_kind(demo_output):
    for relation in ("phone_numbers", "email_addresses", "addresses"):
        primaries = Count(relation, filter=Q(**{f"{relation}__is_primary": True}))
        assert not Donor.objects.annotate(n=primaries).filter(n__gt=1).exists(), relation
    assert Donor.objects.annotate(n=Count("phone_numbers")).filter(n=0).exists()


def test_demo_stores_what_the_actions_would_store(demo_output):
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
