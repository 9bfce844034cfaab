"""The donor's history: one line per change, with who made it, newest first, and never the
number or email itself (so erasure leaves no personal data behind in it)."""

import pytest

from donorcall.donors import actions
from donorcall.donors.models import Donor, DonorEvent, Purpose
from tests.factories import DonorFactory

NUMBER, EMAIL = "+447700900456", "grace@example.org"


def new_donor_data(**changes: str) -> dict[str, str]:
    return {
        "title": "Ms",
        "first_name": "Grace",
        "last_name": "Hopper",
        "status": "active",
        "phone_number": "07700 900456",
        "email": "Grace@Example.ORG",
    } | changes


@pytest.fixture
def grace(manager_client) -> Donor:
    assert manager_client.post("/donors/new/", new_donor_data()).status_code == 302
    return Donor.objects.get()


def events(donor: Donor) -> list[tuple[str, str]]:
    """(kind, summary), oldest first."""
    return [(e.kind, e.summary) for e in donor.events.order_by("at", "id")]


def the_new_event(donor: Donor, before: int) -> DonorEvent:
    new = list(donor.events.order_by("at", "id"))[before:]
    assert len(new) == 1, [e.summary for e in new]
    return new[0]


def test_creating_a_donor_leaves_one_line(grace, manager):
    event = DonorEvent.objects.get()

    assert (event.donor, event.kind, event.summary, event.actor) == (
        grace,
        "donor_created",
        "Donor created",
        manager,
    )


def test_editing_names_the_changed_fields(manager_client, manager, grace):
    data = {"title": "Dr", "first_name": "Grace", "last_name": "Murray", "status": "active"}

    manager_client.post(f"/donors/{grace.pk}/edit/", data)

    event = the_new_event(grace, 1)
    assert (event.kind, event.summary, event.actor) == (
        "donor_changed",
        "Details changed: title, last name",
        manager,
    )
    assert "Murray" not in event.summary


def test_saving_without_changes_leaves_no_line(manager_client, grace):
    data = {"title": "Ms", "first_name": "Grace", "last_name": "Hopper", "status": "active"}

    manager_client.post(f"/donors/{grace.pk}/edit/", data)

    assert grace.events.count() == 1


def test_adding_and_removing_a_number_leaves_a_line_each(admin_client, admin, grace):
    admin_client.post(f"/donors/{grace.pk}/phone-numbers/", {"number": "020 7946 0123"})
    added = the_new_event(grace, 1)
    number = grace.phone_numbers.get(number="+442079460123")

    admin_client.post(f"/donors/{grace.pk}/phone/{number.pk}/remove/", {"reason": "Office closed"})

    removed = the_new_event(grace, 2)
    assert (added.kind, added.summary, added.actor) == (
        "phone_added",
        "Landline number added",
        admin,
    )
    assert (removed.kind, removed.summary, removed.actor) == (
        "phone_removed",
        "Phone number removed: Office closed",
        admin,
    )


def test_adding_and_removing_an_email_leaves_a_line_each(manager_client, manager, grace):
    manager_client.post(f"/donors/{grace.pk}/emails/", {"email": "hopper@example.org"})
    email = grace.email_addresses.get(email="hopper@example.org")
    manager_client.post(f"/donors/{grace.pk}/email/{email.pk}/remove/", {"reason": "Bounced"})

    assert events(grace)[1:] == [
        ("email_added", "Email address added"),
        ("email_removed", "Email address removed: Bounced"),
    ]


def test_making_a_number_primary_leaves_one_line(manager_client, manager, grace):
    manager_client.post(f"/donors/{grace.pk}/phone-numbers/", {"number": "020 7946 0123"})
    number = grace.phone_numbers.get(number="+442079460123")

    manager_client.post(f"/donors/{grace.pk}/phone/{number.pk}/primary/")

    event = the_new_event(grace, 2)
    assert (event.kind, event.summary, event.actor) == (
        "primary_changed",
        "Phone number made primary",
        manager,
    )


def test_consent_changes_leave_one_line_each(manager_client, manager, grace):
    purpose = Purpose.objects.get(code="fundraising")
    data = {"channel": "phone", "purpose": purpose.pk, "source": "call"}

    manager_client.post(f"/donors/{grace.pk}/consent/", data | {"status": "granted"})
    manager_client.post(f"/donors/{grace.pk}/consent/", data | {"status": "withdrawn"})

    assert events(grace)[1:] == [
        ("consent_granted", "Phone consent for fundraising granted (call)"),
        ("consent_withdrawn", "Phone consent for fundraising withdrawn (call)"),
    ]
    assert {e.actor for e in grace.events.filter(kind__startswith="consent")} == {manager}


def test_suppression_leaves_one_line(manager_client, manager, grace):
    data = {"kind": "phone", "value": "+44 7700 900456", "reason": "tps", "source": ""}

    manager_client.post("/donors/suppressions/add/", data)
    manager_client.post("/donors/suppressions/add/", data)  # already there: no second line

    event = the_new_event(grace, 1)
    assert (event.kind, event.summary, event.actor) == (
        "suppressed",
        "Phone number suppressed: Telephone Preference Service",
        manager,
    )


def test_a_refused_change_leaves_no_line(manager_client, grace):
    manager_client.post(f"/donors/{grace.pk}/phone-numbers/", {"number": "12"})
    manager_client.post(f"/donors/{grace.pk}/edit/", {"last_name": "", "status": "active"})

    assert grace.events.count() == 1


def test_profile_shows_the_history_newest_first_with_who(manager_client, admin, grace):
    manager_client.post(f"/donors/{grace.pk}/phone-numbers/", {"number": "020 7946 0123"})
    number = grace.phone_numbers.get(number="+442079460123")
    actions.make_primary(number, by=admin)

    response = manager_client.get(f"/donors/{grace.pk}/")

    history = response.context["history"]
    assert [e.kind for e in history] == ["primary_changed", "phone_added", "donor_created"]
    section = response.content.decode().split('id="history"')[1].split("</section>")[0]
    rows = section.split("<tr>")[2:]
    assert "Phone number made primary" in rows[0] and "Adam Admin" in rows[0]
    assert "Landline number added" in rows[1] and "Maya Manager" in rows[1]
    assert "Donor created" in rows[2] and "Maya Manager" in rows[2]


def test_summaries_never_hold_the_number_or_email(manager_client, manager, grace):
    manager_client.post(f"/donors/{grace.pk}/phone-numbers/", {"number": "020 7946 0123"})
    manager_client.post(f"/donors/{grace.pk}/emails/", {"email": "hopper@example.org"})
    actions.suppress("phone", NUMBER, reason="do_not_call", by=manager)
    actions.suppress("email", EMAIL, reason="do_not_call", by=manager)
    for entry in [*grace.phone_numbers.all(), *grace.email_addresses.all()]:
        kind = "phone" if hasattr(entry, "number") else "email"
        manager_client.post(
            f"/donors/{grace.pk}/{kind}/{entry.pk}/remove/", {"reason": "Moved away"}
        )

    summaries = list(DonorEvent.objects.values_list("summary", flat=True))

    assert len(summaries) == 9
    for value in (NUMBER, "07700 900456", "7700900456", "2079460123", "example.org"):
        assert not [summary for summary in summaries if value in summary], value


def test_history_lines_belong_to_their_donor(manager_client, grace):
    other = DonorFactory()

    assert manager_client.get(f"/donors/{other.pk}/").context["history"] == []
