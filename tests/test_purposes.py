"""Settings › Purposes: administrators add, rename and retire why the charity contacts people.
A purpose is never deleted, because consent history refers to it."""

import pytest

from donorcall.donors import actions
from donorcall.donors.models import ConsentEvent, Donor, Purpose
from tests.factories import DonorFactory


@pytest.fixture
def ada(db) -> Donor:
    return DonorFactory(first_name="Ada", last_name="Lovelace")


def save(client, name: str, active: bool = True, purpose: Purpose | None = None):
    path = f"/donors/purposes/{purpose.pk}/" if purpose else "/donors/purposes/new/"
    return client.post(path, {"name": name} | ({"is_active": "on"} if active else {}))


def grid_purposes(client, donor: Donor) -> list[str]:
    response = client.get(f"/donors/{donor.pk}/")
    return [purpose.name for purpose in response.context["consent_purposes"]]


def test_purpose_list_shows_the_seeded_purposes(admin_client):
    response = admin_client.get("/donors/purposes/")

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Fundraising", "Marketing", "Service"):
        assert name in html


def test_admin_adds_a_purpose_which_becomes_a_consent_column(admin_client, ada):
    response = save(admin_client, "Legacy giving")

    assert response.status_code == 302
    assert response.url == "/donors/purposes/"
    purpose = Purpose.objects.get(name="Legacy giving")
    assert (purpose.code, purpose.is_active) == ("legacy-giving", True)
    assert grid_purposes(admin_client, ada) == [
        "Fundraising",
        "Legacy giving",
        "Marketing",
        "Service",
    ]
    assert "<th>Legacy giving</th>" in admin_client.get(f"/donors/{ada.pk}/").content.decode()


def test_a_new_purpose_can_be_chosen_when_recording_consent(admin_client, admin, ada):
    save(admin_client, "Legacy giving")
    purpose = Purpose.objects.get(name="Legacy giving")

    response = admin_client.post(
        f"/donors/{ada.pk}/consent/",
        {"channel": "post", "purpose": purpose.pk, "status": "granted", "source": "letter"},
    )

    assert response.status_code == 302
    assert ConsentEvent.objects.get().purpose == purpose


def test_admin_renames_a_purpose_keeping_its_code(admin_client, ada):
    service = Purpose.objects.get(code="service")

    response = save(admin_client, "Supporter care", purpose=service)

    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.code, service.is_active) == ("Supporter care", "service", True)
    assert "Supporter care" in grid_purposes(admin_client, ada)


def test_a_purpose_may_change_the_case_of_its_own_name(admin_client):
    service = Purpose.objects.get(code="service")

    assert save(admin_client, "SERVICE", purpose=service).status_code == 302

    service.refresh_from_db()
    assert service.name == "SERVICE"


def test_retired_purpose_leaves_the_grid_but_its_history_stays(admin_client, admin, ada):
    marketing = Purpose.objects.get(code="marketing")
    event = actions.grant_consent(
        ada, channel="email", purpose=marketing, source="web", wording="Ticked the box", by=admin
    )

    response = save(admin_client, "Marketing", active=False, purpose=marketing)

    assert response.status_code == 302
    marketing.refresh_from_db()
    assert marketing.is_active is False
    profile = admin_client.get(f"/donors/{ada.pk}/")
    assert [purpose.name for purpose in profile.context["consent_purposes"]] == [
        "Fundraising",
        "Service",
    ]
    assert "<th>Marketing</th>" not in profile.content.decode()
    assert profile.context["consent_history"] == [event]
    assert "Ticked the box" in profile.content.decode()
    assert ada.consents.get().purpose == marketing
    assert "Retired" in admin_client.get("/donors/purposes/").content.decode()


def test_consent_cannot_be_recorded_for_a_retired_purpose(admin_client, ada):
    marketing = Purpose.objects.get(code="marketing")
    save(admin_client, "Marketing", active=False, purpose=marketing)

    response = admin_client.post(
        f"/donors/{ada.pk}/consent/",
        {"channel": "email", "purpose": marketing.pk, "status": "granted", "source": "web"},
    )

    assert response.status_code == 400
    assert list(response.context["consent_form"].errors) == ["purpose"]
    assert not ConsentEvent.objects.exists()


def test_a_retired_purpose_can_be_brought_back(admin_client, ada):
    marketing = Purpose.objects.get(code="marketing")
    save(admin_client, "Marketing", active=False, purpose=marketing)

    save(admin_client, "Marketing", active=True, purpose=marketing)

    assert "Marketing" in grid_purposes(admin_client, ada)


@pytest.mark.parametrize("name", ["Fundraising", "fundraising", "  FUNDRAISING "])
def test_a_duplicate_name_is_refused_naming_the_field(admin_client, name):
    response = save(admin_client, name)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name"]
    assert "already exists" in response.content.decode()
    assert Purpose.objects.count() == 3


def test_renaming_to_another_purposes_name_is_refused(admin_client):
    service = Purpose.objects.get(code="service")

    response = save(admin_client, "marketing", purpose=service)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name"]
    service.refresh_from_db()
    assert service.name == "Service"


def test_a_blank_name_is_refused(admin_client):
    response = save(admin_client, "   ")

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name"]
    assert Purpose.objects.count() == 3


def test_a_second_purpose_with_a_similar_name_gets_its_own_code(admin_client):
    save(admin_client, "Legacy giving")
    save(admin_client, "Legacy-giving!")

    codes = Purpose.objects.filter(name__startswith="Legacy").values_list("code", flat=True)
    assert sorted(codes) == ["legacy-giving", "legacy-giving-2"]


def test_edit_page_shows_the_purpose(admin_client):
    service = Purpose.objects.get(code="service")

    response = admin_client.get(f"/donors/purposes/{service.pk}/")

    assert response.status_code == 200
    assert 'value="Service"' in response.content.decode()


def test_an_unknown_purpose_is_404(admin_client):
    assert admin_client.get("/donors/purposes/999999/").status_code == 404


@pytest.mark.parametrize("persona", ["manager_client", "agent_client"])
def test_only_administrators_manage_purposes(request, persona):
    client = request.getfixturevalue(persona)
    service = Purpose.objects.get(code="service")

    assert client.get("/donors/purposes/").status_code == 403
    assert client.get("/donors/purposes/new/").status_code == 403
    assert save(client, "Legacy giving").status_code == 403
    assert save(client, "Renamed", purpose=service).status_code == 403

    assert Purpose.objects.count() == 3
    service.refresh_from_db()
    assert service.name == "Service"
