"""Erasure: an administrator anonymises a donor, keeping the suppression entries and the
donation fields the law requires, and the erasure itself in the history."""

from datetime import date
from decimal import Decimal

import pytest

from donorcall.donors import actions
from donorcall.donors.actions import AddressDetails, DonorDetails
from donorcall.donors.models import Donor, DonorEvent, DonorStatus, Suppression
from donorcall.giving.models import Donation
from donorcall.staff.models import User


@pytest.fixture
def ada(manager: User) -> Donor:
    """A donor with a current and a removed number, a current and a removed email, an
    address, and a Gift Aided donation."""
    donor = actions.create_donor(
        DonorDetails(title="Ms", first_name="Ada", last_name="Lovelace"),
        reference="D00001234",
        phone_number="07700 900461",
        email="ada@example.org",
        address=AddressDetails(line1="1 Analytical Row", city="London", postcode="N1 1AA"),
        by=manager,
    )
    old = actions.add_phone_number(donor, number="020 7946 0123", by=manager)
    actions.remove_phone_number(old, reason="Ada moved to Marylebone", by=manager)
    old_email = actions.add_email(donor, email="ada@old.example.org", by=manager)
    actions.remove_email(old_email, reason="Bounced from ada's old host", by=manager)
    Donation.objects.create(
        donor=donor,
        amount=Decimal("25.00"),
        received_on=date(2026, 1, 15),
        method="cheque",
        gift_aid=True,
        notes="Ada said it was for her late father",
    )
    return donor


def erase(client, donor: Donor, confirm: str | None = None, reason: str = "Donor's request"):
    data = {"reason": reason, "confirm": donor.reference if confirm is None else confirm}
    return client.post(f"/donors/{donor.pk}/erase/", data)


# Who may


def test_manager_cannot_erase(manager_client, ada):
    assert manager_client.get(f"/donors/{ada.pk}/erase/").status_code == 403
    assert erase(manager_client, ada).status_code == 403

    ada.refresh_from_db()
    assert ada.status == DonorStatus.ACTIVE


def test_agent_cannot_erase(agent_client, ada):
    assert erase(agent_client, ada).status_code == 403


def test_erase_page_asks_for_the_reference(admin_client, ada):
    response = admin_client.get(f"/donors/{ada.pk}/erase/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="confirm"' in html
    assert "It cannot be undone." in html


@pytest.mark.parametrize("confirm", ["D00001235", "", "Ada Lovelace"])
def test_a_wrong_reference_re_renders_with_the_error_and_changes_nothing(
    admin_client, ada, confirm
):
    response = erase(admin_client, ada, confirm=confirm)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["confirm"]
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name, ada.status) == ("Ada", "Lovelace", "active")
    assert not Suppression.objects.exists()
    assert ada.phone_numbers.filter(removed_at=None).count() == 1
    assert not DonorEvent.objects.filter(kind="erased").exists()


def test_erasure_needs_a_reason(admin_client, ada):
    response = erase(admin_client, ada, reason="")

    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    ada.refresh_from_db()
    assert ada.status == DonorStatus.ACTIVE


# What erasure does


@pytest.fixture
def erased(admin_client, ada) -> Donor:
    response = erase(admin_client, ada, confirm="d00001234")  # any case will do
    assert response.status_code == 302
    assert response.url == f"/donors/{ada.pk}/"
    ada.refresh_from_db()
    return ada


def test_erasure_blanks_names_and_sets_the_status(erased):
    assert (erased.title, erased.first_name, erased.last_name) == ("", "", "")
    assert erased.date_of_birth is None
    assert erased.status == DonorStatus.ERASED
    assert erased.reference == "D00001234"


def test_erasure_removes_and_blanks_every_contact_detail(erased):
    assert not erased.phone_numbers.filter(removed_at=None).exists()
    assert not erased.email_addresses.filter(removed_at=None).exists()
    assert not erased.addresses.filter(removed_at=None).exists()
    assert set(erased.phone_numbers.values_list("number", flat=True)) == {""}
    assert set(erased.email_addresses.values_list("email", flat=True)) == {""}
    assert list(erased.addresses.values_list("line1", "city", "postcode")) == [("Erased", "", "")]
    for details in (erased.phone_numbers, erased.email_addresses, erased.addresses):
        assert set(details.values_list("removed_reason", flat=True)) == {"Erased"}


def test_every_number_and_email_the_donor_had_is_suppressed_for_erasure(erased, admin):
    entries = Suppression.objects.filter(lifted_at=None)

    assert set(entries.values_list("kind", "value")) == {
        ("phone", "+447700900461"),
        ("phone", "+442079460123"),
        ("email", "ada@example.org"),
        ("email", "ada@old.example.org"),
    }
    assert set(entries.values_list("reason", flat=True)) == {"erasure"}
    assert {entry.created_by for entry in entries} == {admin}


def test_donations_keep_amount_date_and_gift_aid(erased):
    donation = Donation.objects.get(donor=erased)

    assert donation.amount == Decimal("25.00")
    assert donation.received_on == date(2026, 1, 15)
    assert donation.gift_aid is True
    assert "father" not in donation.notes


def test_history_records_the_erasure_and_drops_typed_reasons(erased, admin):
    event = DonorEvent.objects.get(donor=erased, kind="erased")
    assert event.actor == admin
    assert event.summary == "Donor erased: Donor's request"

    removals = DonorEvent.objects.filter(donor=erased, kind__in=["phone_removed", "email_removed"])
    assert sorted(removals.values_list("summary", flat=True)) == [
        "Email address removed: (erased)",
        "Phone number removed: (erased)",
    ]
    everything = " ".join(DonorEvent.objects.filter(donor=erased).values_list("summary", flat=True))
    assert "Ada" not in everything
    assert "Marylebone" not in everything


def test_erased_profile_shows_the_notice_and_no_edit_or_erase_buttons(admin_client, erased):
    response = admin_client.get(f"/donors/{erased.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This donor has been erased." in html
    assert f"/donors/{erased.pk}/edit/" not in html
    assert f"/donors/{erased.pk}/erase/" not in html
    assert "Lovelace" not in html
    assert "07700 900461" not in html
    assert "ada@example.org" not in html
    assert response.context["history"][0].kind == "erased"


def test_erasing_twice_is_harmless(admin_client, erased):
    suppressions = set(Suppression.objects.values_list("pk", "kind", "value", "reason"))

    response = erase(admin_client, erased, reason="Asked again")

    assert response.status_code == 302
    assert set(Suppression.objects.values_list("pk", "kind", "value", "reason")) == suppressions
    assert DonorEvent.objects.filter(donor=erased, kind="erased").count() == 1
    erased.refresh_from_db()
    assert erased.status == DonorStatus.ERASED


def test_erased_donor_cannot_be_edited(admin_client, erased):
    response = admin_client.post(
        f"/donors/{erased.pk}/edit/", {"first_name": "Ada", "last_name": "Back", "status": "active"}
    )

    assert response.status_code == 400
    erased.refresh_from_db()
    assert (erased.last_name, erased.status) == ("", DonorStatus.ERASED)


# The number comes back


def test_a_new_donor_with_the_erased_number_meets_the_ledger(
    manager_client, manager, erased, admin
):
    returning = actions.create_donor(
        DonorDetails(first_name="A", last_name="Newcomer"),
        phone_number="+44 (0)7700-900461",
        by=manager,
    )

    assert Suppression.objects.filter(
        kind="phone", value="+447700900461", reason="erasure", lifted_at=None
    ).exists()
    response = manager_client.get(f"/donors/{returning.pk}/")
    assert [entry.reason for entry in response.context["suppressed"]["+447700900461"]] == [
        "erasure"
    ]
    assert "Suppressed: Erasure" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("phone-numbers", {"number": "07700 900462"}),
        ("emails", {"email": "someone@example.org"}),
        ("addresses", {"line1": "2 New Street", "country": "GB"}),
    ],
)
def test_no_contact_detail_can_be_added_to_an_erased_donor(admin_client, erased, path, data):
    response = admin_client.post(f"/donors/{erased.pk}/{path}/", data)

    assert response.status_code == 400
    assert not erased.phone_numbers.filter(removed_at=None).exists()
    assert not erased.email_addresses.filter(removed_at=None).exists()
    assert not erased.addresses.filter(removed_at=None).exists()


def test_erased_profile_offers_no_forms_to_add_details(admin_client, erased):
    html = admin_client.get(f"/donors/{erased.pk}/").content.decode()

    assert f"/donors/{erased.pk}/phone-numbers/" not in html
    assert f"/donors/{erased.pk}/emails/" not in html
    assert f"/donors/{erased.pk}/addresses/" not in html
    assert f"/donors/{erased.pk}/consent/" not in html
