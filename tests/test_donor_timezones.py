"""A donor's time zone: from the address first, then the phone number; unknown is None."""

import pytest

from donorcall.donors.models import Donor
from donorcall.lib.timezones import derive_zone_key

NO_ADDRESS = {"line1": "", "city": "", "region": "", "postcode": "", "country": ""}


def create(client, *, phone_number: str = "", **address: str) -> Donor:
    data = {"last_name": "Zone", "status": "active", "phone_number": phone_number}
    response = client.post("/donors/new/", data | (address or NO_ADDRESS))
    assert response.status_code == 302, response.context["form"].errors
    return Donor.objects.get(pk=response.url.split("/")[2])


def address(country: str, region: str = "") -> dict[str, str]:
    return {"line1": "1 Main Street", "region": region, "country": country}


@pytest.mark.parametrize(
    ("where", "zone"),
    [
        (address("GB"), "Europe/London"),
        (address("uk"), "Europe/London"),
        (address("US", "NY"), "America/New_York"),
        (address("US", "New York"), "America/New_York"),
        (address("US", "ca"), "America/Los_Angeles"),
        (address("US", "California"), "America/Los_Angeles"),
        (address("FR"), "Europe/Paris"),
    ],
)
def test_zone_comes_from_the_address(manager_client, where, zone):
    assert create(manager_client, **where).timezone == zone


@pytest.mark.parametrize(
    ("number", "zone"),
    [
        ("07700 900123", "Europe/London"),
        ("020 7946 0123", "Europe/London"),
        ("+1 212 555 0123", "America/New_York"),
        ("+1 415 555 0123", "America/Los_Angeles"),
    ],
)
def test_zone_comes_from_the_phone_number_when_there_is_no_address(manager_client, number, zone):
    assert create(manager_client, phone_number=number).timezone == zone


@pytest.mark.parametrize(
    ("where", "number", "zone"),
    [
        (address("GB"), "+1 212 555 0123", "Europe/London"),
        (address("US", "NY"), "+1 415 555 0123", "America/New_York"),
        (address("US", "CA"), "07700 900123", "America/Los_Angeles"),
    ],
)
def test_address_wins_over_the_phone_number(manager_client, where, number, zone):
    assert create(manager_client, phone_number=number, **where).timezone == zone


def test_two_zone_state_without_a_number_keeps_both_zones(manager_client):
    donor = create(manager_client, **address("US", "FL"))

    assert donor.timezone == "America/Chicago America/New_York"
    assert donor.zone_names == ["America/Chicago", "America/New_York"]


@pytest.mark.parametrize(
    ("number", "zone"),
    [("+1 305 555 0123", "America/New_York"), ("+1 850 432 0123", "America/Chicago")],
)
def test_two_zone_state_is_narrowed_by_a_number_in_one_of_its_zones(manager_client, number, zone):
    assert create(manager_client, phone_number=number, **address("US", "FL")).timezone == zone


def test_two_zone_state_is_not_narrowed_by_a_number_elsewhere(manager_client):
    donor = create(manager_client, phone_number="+1 415 555 0123", **address("US", "FL"))

    assert donor.timezone == "America/Chicago America/New_York"


@pytest.mark.parametrize("number", ["", "+881 6 1234 5678"])
def test_no_address_and_no_known_number_is_unknown(manager_client, number):
    assert create(manager_client, phone_number=number).timezone is None


@pytest.mark.parametrize("number", ["+1 800 555 0123", "+1 888 555 0123"])
def test_us_toll_free_number_alone_is_unknown(manager_client, number):
    assert create(manager_client, phone_number=number).timezone is None


def test_unknown_us_state_is_unknown(manager_client):
    assert create(manager_client, **address("US", "Atlantis")).timezone is None


def test_unknown_zone_is_shown_on_the_profile(manager_client):
    donor = create(manager_client)

    assert "Time zone unknown" in manager_client.get(f"/donors/{donor.pk}/").content.decode()


def test_adding_an_address_on_the_profile_sets_the_zone(manager_client):
    donor = create(manager_client, phone_number="+1 212 555 0123")

    manager_client.post(f"/donors/{donor.pk}/addresses/", address("US", "CA"))

    donor.refresh_from_db()
    assert donor.timezone == "America/Los_Angeles"


def test_removing_the_address_falls_back_to_the_phone_number(manager_client):
    donor = create(manager_client, phone_number="+1 212 555 0123", **address("US", "CA"))
    entry = donor.addresses.get()

    manager_client.post(f"/donors/{donor.pk}/address/{entry.pk}/remove/", {"reason": "Moved"})

    donor.refresh_from_db()
    assert donor.timezone == "America/New_York"


def test_removing_the_only_number_makes_the_zone_unknown(manager_client):
    donor = create(manager_client, phone_number="+1 212 555 0123")
    entry = donor.phone_numbers.get()

    manager_client.post(f"/donors/{donor.pk}/phone/{entry.pk}/remove/", {"reason": "Wrong"})

    donor.refresh_from_db()
    assert donor.timezone is None


def test_adding_a_number_sets_an_unknown_zone(manager_client):
    donor = create(manager_client)

    manager_client.post(f"/donors/{donor.pk}/phone-numbers/", {"number": "+1 415 555 0123"})

    donor.refresh_from_db()
    assert donor.timezone == "America/Los_Angeles"


def test_primary_number_decides_between_numbers_in_different_zones():
    assert derive_zone_key(None, ["+12125550123", "+14155550123"]) == "America/New_York"
    assert derive_zone_key(None, ["+14155550123", "+12125550123"]) == "America/Los_Angeles"
