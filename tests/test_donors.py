"""Donors: search, profile, create and edit, phone numbers removed but kept."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donorcall.donors.models import Address, Donor, EmailAddress, PhoneNumber
from tests.factories import DonorFactory, EmailAddressFactory, PhoneNumberFactory


@pytest.fixture
def ada(db) -> Donor:
    donor = DonorFactory(reference="D00001234", first_name="Ada", last_name="Lovelace")
    PhoneNumberFactory(donor=donor, number="+447700900123")
    EmailAddressFactory(donor=donor, email="ada@example.org")
    return donor


def search(client, q: str, page: int | None = None):
    data = {"q": q} | ({"page": page} if page else {})
    return client.post("/donors/", data)


def found(response) -> list[Donor]:
    page = response.context["page"]
    return list(page.object_list) if page else []


def new_donor_data(**changes: str) -> dict[str, str]:
    return {
        "title": "Ms",
        "first_name": "Grace",
        "last_name": "Hopper",
        "status": "active",
        "phone_number": "07700 900456",
        "email": "Grace@Example.ORG",
        "line1": "1 Navy Row",
        "city": "Leeds",
        "postcode": "ls1 1aa",
        "country": "GB",
    } | changes


# Search


@pytest.mark.parametrize("q", ["07700 900123", "+44 7700 900123", "(0)7700-900123", "07700900123"])
def test_search_finds_a_donor_by_phone_number_in_any_format(manager_client, ada, q):
    DonorFactory(last_name="Other")

    response = search(manager_client, q)

    assert response.status_code == 200
    assert found(response) == [ada]


@pytest.mark.parametrize("q", ["D00001234", "d00001234"])
def test_search_finds_a_donor_by_reference(manager_client, ada, q):
    assert found(search(manager_client, q)) == [ada]


@pytest.mark.parametrize("q", ["ada@example.org", "ADA@Example.Org", "  ada@example.org "])
def test_search_finds_a_donor_by_email_in_any_case(manager_client, ada, q):
    assert found(search(manager_client, q)) == [ada]


@pytest.mark.parametrize("q", ["ada love", "Lovelace", "love ADA", "lovelace ada"])
def test_search_finds_a_donor_by_the_start_of_name_words(manager_client, ada, q):
    DonorFactory(first_name="Adam", last_name="Smith")

    assert found(search(manager_client, q)) == [ada]


def test_search_finds_an_organisation_by_name(manager_client, db):
    charity = DonorFactory(
        is_organisation=True, organisation_name="Acme Trust", first_name="", last_name=""
    )

    assert found(search(manager_client, "acme")) == [charity]


def test_search_by_name_needs_every_word_to_match(manager_client, ada):
    assert found(search(manager_client, "ada smith")) == []


def test_search_does_not_find_a_removed_number_or_email(manager_client, ada, manager):
    number = ada.phone_numbers.get()
    email = ada.email_addresses.get()
    manager_client.post(f"/donors/{ada.pk}/phone/{number.pk}/remove/", {"reason": "Wrong"})
    manager_client.post(f"/donors/{ada.pk}/email/{email.pk}/remove/", {"reason": "Bounced"})

    assert found(search(manager_client, "07700 900123")) == []
    assert found(search(manager_client, "ada@example.org")) == []


def test_search_finds_a_donor_once_even_with_the_number_twice_in_history(manager_client, ada):
    number = ada.phone_numbers.get()
    manager_client.post(f"/donors/{ada.pk}/phone/{number.pk}/remove/", {"reason": "Typo"})
    manager_client.post(f"/donors/{ada.pk}/phone-numbers/", {"number": "07700 900123"})
    PhoneNumberFactory(donor=ada, number="+447700900999", is_primary=False)

    assert found(search(manager_client, "07700 900123")) == [ada]


def test_search_with_nothing_typed_finds_nothing(manager_client, ada):
    response = search(manager_client, "   ")

    assert response.status_code == 200
    assert found(response) == []
    assert "Type something to search for" in response.content.decode()


def test_search_form_posts_so_the_query_never_enters_a_url(manager_client, ada):
    page = manager_client.get("/donors/").content.decode()
    form = re.search(r'<form[^>]*role="search"[^>]*>', page)
    assert form is not None
    assert 'method="post"' in form.group(0)
    assert 'name="q"' in page

    results = search(manager_client, "ada love").content.decode()
    urls = re.findall(r'(?:href|action|hx-post|hx-get)="([^"]*)"', results)
    assert urls
    assert not [url for url in urls if "ada" in url.lower() or "?" in url]


def test_search_ignores_a_query_in_the_url(manager_client, ada):
    response = manager_client.get("/donors/?q=ada")

    assert response.status_code == 200
    assert found(response) == []


def test_search_results_come_in_pages_of_twenty_five(manager_client, db):
    DonorFactory.create_batch(30, last_name="Lovelace")

    first = search(manager_client, "lovelace")
    second = search(manager_client, "lovelace", page=2)

    assert len(found(first)) == 25
    assert first.context["page"].paginator.count == 30
    assert len(found(second)) == 5
    assert not set(found(first)) & set(found(second))
    assert "page 2 of 2" in second.content.decode().lower()
    assert 'name="page" value="2"' in first.content.decode()


def test_a_page_past_the_end_shows_the_last_page(manager_client, db):
    DonorFactory.create_batch(30, last_name="Lovelace")

    assert len(found(search(manager_client, "lovelace", page=9))) == 5


def test_htmx_search_returns_only_the_results(manager_client, ada):
    response = manager_client.post("/donors/", {"q": "ada"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results">')
    assert "Lovelace" in html
    assert "<html" not in html


def results_with_contacts(count: int) -> None:
    for n in range(count):
        donor = DonorFactory(last_name="Lovelace")
        PhoneNumberFactory(donor=donor, number=f"+447700900{n:03d}")
        PhoneNumberFactory(donor=donor, number=f"+447700901{n:03d}", is_primary=False)
        EmailAddressFactory(donor=donor)


def test_search_query_count_does_not_grow_with_the_results(manager_client, db):
    results_with_contacts(5)
    search(manager_client, "lovelace")  # warm up: session and permission caches
    with CaptureQueriesContext(connection) as five:
        assert len(found(search(manager_client, "lovelace"))) == 5

    results_with_contacts(20)
    with CaptureQueriesContext(connection) as twenty_five:
        assert len(found(search(manager_client, "lovelace"))) == 25

    assert len(five) == len(twenty_five)


def test_search_results_page_query_count(manager_client, db, django_assert_num_queries):
    results_with_contacts(25)

    # session, user, permissions (user's, groups'), count, donors, numbers, emails, and the
    # user's groups for the menu's role badge
    with django_assert_num_queries(9):
        response = search(manager_client, "lovelace")

    assert len(found(response)) == 25


# Create and edit


def test_manager_creates_a_donor_with_phone_email_and_address(manager_client, manager):
    response = manager_client.post("/donors/new/", new_donor_data())

    donor = Donor.objects.get()
    assert response.status_code == 302
    assert response.url == f"/donors/{donor.pk}/"
    assert (donor.title, donor.first_name, donor.last_name) == ("Ms", "Grace", "Hopper")
    assert donor.created_by == manager
    assert re.fullmatch(r"D\d{8}", donor.reference)
    assert donor.timezone == "Europe/London"
    number = donor.phone_numbers.get()
    assert (number.number, number.kind, number.is_primary) == ("+447700900456", "mobile", True)
    email = donor.email_addresses.get()
    assert (email.email, email.is_primary) == ("grace@example.org", True)
    address = donor.addresses.get()
    assert (address.line1, address.city, address.postcode, address.country) == (
        "1 Navy Row",
        "Leeds",
        "LS1 1AA",
        "GB",
    )
    assert address.is_primary


def test_new_donor_can_be_found_straight_away(manager_client, db):
    manager_client.post("/donors/new/", new_donor_data())

    assert found(search(manager_client, "+44 7700 900456")) == [Donor.objects.get()]


def test_new_donor_page_renders_the_form(manager_client):
    response = manager_client.get("/donors/new/")

    assert response.status_code == 200
    assert 'name="phone_number"' in response.content.decode()


def test_new_donor_keeps_a_reference_given_by_hand(manager_client, db):
    manager_client.post("/donors/new/", new_donor_data(reference="CRM-42"))

    assert Donor.objects.get().reference == "CRM-42"


def test_new_donor_with_a_reference_already_used_is_refused(manager_client, ada):
    response = manager_client.post("/donors/new/", new_donor_data(reference="d00001234"))

    assert response.context["form"].errors["reference"]
    assert Donor.objects.count() == 1


def assert_nothing_written() -> None:
    assert not Donor.objects.exists()
    assert not PhoneNumber.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not Address.objects.exists()


@pytest.mark.parametrize("number", ["0770", "not a number", "+44 12", "07700 900 123 456 789"])
def test_bad_phone_number_is_refused_naming_the_field_and_nothing_is_written(
    manager_client, number
):
    response = manager_client.post("/donors/new/", new_donor_data(phone_number=number))

    assert response.status_code in (200, 400)
    errors = response.context["form"].errors
    assert list(errors) == ["phone_number"]
    assert "not a valid phone number" in errors["phone_number"][0]
    assert "not a valid phone number" in response.content.decode()
    assert_nothing_written()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"country": "G1"}, "country"),
        ({"last_name": ""}, "last_name"),
        ({"line1": "", "city": "Leeds"}, "line1"),
        ({"is_organisation": "on", "organisation_name": ""}, "organisation_name"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
    ],
)
def test_bad_donor_details_are_refused_naming_the_field(manager_client, changes, field):
    response = manager_client.post("/donors/new/", new_donor_data(**changes))

    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    assert_nothing_written()


def test_manager_edits_a_donor(manager_client, ada):
    data = {"title": "Dr", "first_name": "Augusta Ada", "last_name": "King", "status": "deceased"}

    response = manager_client.post(f"/donors/{ada.pk}/edit/", data)

    assert response.status_code == 302
    assert response.url == f"/donors/{ada.pk}/"
    ada.refresh_from_db()
    assert (ada.title, ada.first_name, ada.last_name, ada.status) == (
        "Dr",
        "Augusta Ada",
        "King",
        "deceased",
    )
    assert ada.reference == "D00001234"


def test_edit_page_shows_the_donors_details(manager_client, ada):
    response = manager_client.get(f"/donors/{ada.pk}/edit/")

    assert response.status_code == 200
    assert 'value="Lovelace"' in response.content.decode()


def test_editing_cannot_erase_a_donor(manager_client, ada):
    data = {"first_name": "Ada", "last_name": "Lovelace", "status": "erased"}

    response = manager_client.post(f"/donors/{ada.pk}/edit/", data)

    assert response.status_code in (200, 400)
    ada.refresh_from_db()
    assert ada.status == "active"


# Profile and phone numbers


def test_profile_shows_the_donors_contact_details(manager_client, ada):
    response = manager_client.get(f"/donors/{ada.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Lovelace" in html
    assert "07700 900123" in html
    assert "ada@example.org" in html
    assert "Europe/London" in html


def test_manager_adds_a_phone_number_on_the_profile(manager_client, ada):
    response = manager_client.post(
        f"/donors/{ada.pk}/phone-numbers/", {"number": "+1 212 555 0123"}
    )

    assert response.status_code == 302
    added = ada.phone_numbers.get(number="+12125550123")
    assert added.kind == "landline"
    assert not added.is_primary
    assert ada.phone_numbers.get(number="+447700900123").is_primary


def test_added_number_can_be_made_primary(manager_client, ada):
    manager_client.post(
        f"/donors/{ada.pk}/phone-numbers/", {"number": "020 7946 0123", "primary": "on"}
    )

    primary = ada.phone_numbers.get(is_primary=True)
    assert primary.number == "+442079460123"


def test_adding_a_bad_number_on_the_profile_names_the_field(manager_client, ada):
    response = manager_client.post(f"/donors/{ada.pk}/phone-numbers/", {"number": "12"})

    assert response.status_code == 400
    assert response.context["phone_form"].errors["number"]
    assert ada.phone_numbers.count() == 1


def test_adding_a_number_the_donor_already_has_is_refused(manager_client, ada):
    response = manager_client.post(
        f"/donors/{ada.pk}/phone-numbers/", {"number": "+44 7700 900123"}
    )

    assert response.status_code == 400
    assert response.context["phone_form"].errors["number"] == [
        "This donor already has that number."
    ]
    assert ada.phone_numbers.count() == 1


def remove(client, donor: Donor, number: PhoneNumber, reason: str = "Wrong number"):
    return client.post(f"/donors/{donor.pk}/phone/{number.pk}/remove/", {"reason": reason})


def test_removed_number_leaves_current_numbers_but_stays_in_history(manager_client, ada, manager):
    number = ada.phone_numbers.get()

    response = remove(manager_client, ada, number, "Wrong number")

    assert response.status_code == 302
    number.refresh_from_db()
    assert number.removed_at is not None
    assert number.removed_by == manager
    assert number.removed_reason == "Wrong number"
    assert not number.is_primary
    profile = manager_client.get(f"/donors/{ada.pk}/")
    assert profile.context["phone_numbers"] == []
    assert profile.context["removed"] == [number]
    history = profile.content.decode().split('id="history"')[1]
    assert "07700 900123" in history
    assert "Wrong number" in history
    assert "Maya Manager" in history


def test_removing_needs_a_reason(manager_client, ada):
    number = ada.phone_numbers.get()

    remove(manager_client, ada, number, reason="")

    number.refresh_from_db()
    assert number.removed_at is None


def test_removed_primary_passes_primary_to_the_remaining_number(manager_client, ada):
    first = ada.phone_numbers.get()
    manager_client.post(f"/donors/{ada.pk}/phone-numbers/", {"number": "020 7946 0123"})
    second = ada.phone_numbers.get(number="+442079460123")
    assert not second.is_primary

    remove(manager_client, ada, first)

    second.refresh_from_db()
    assert second.is_primary
    assert list(ada.phone_numbers.filter(is_primary=True)) == [second]


def test_removing_a_number_twice_keeps_the_first_removal(manager_client, ada, admin_client):
    number = ada.phone_numbers.get()
    remove(manager_client, ada, number, "Wrong number")

    remove(admin_client, ada, number, "Second click")

    number.refresh_from_db()
    assert number.removed_reason == "Wrong number"


def test_a_removed_number_can_be_added_again(manager_client, ada):
    remove(manager_client, ada, ada.phone_numbers.get())

    response = manager_client.post(f"/donors/{ada.pk}/phone-numbers/", {"number": "07700900123"})

    assert response.status_code == 302
    assert ada.phone_numbers.count() == 2
    assert ada.phone_numbers.filter(removed_at__isnull=True).get().is_primary


def test_a_number_cannot_be_removed_through_another_donor(manager_client, ada):
    other = DonorFactory()
    number = ada.phone_numbers.get()

    response = manager_client.post(
        f"/donors/{other.pk}/phone/{number.pk}/remove/", {"reason": "Wrong"}
    )

    assert response.status_code == 404
    number.refresh_from_db()
    assert number.removed_at is None


def test_agent_cannot_open_a_donor_profile(agent_client, ada):
    assert agent_client.get(f"/donors/{ada.pk}/").status_code in (403, 404)


def test_agent_cannot_remove_a_donors_number(agent_client, ada):
    number = ada.phone_numbers.get()

    response = remove(agent_client, ada, number)

    assert response.status_code in (403, 404)
    number.refresh_from_db()
    assert number.removed_at is None


def test_donor_that_does_not_exist_is_not_found(manager_client, db):
    assert manager_client.get("/donors/999999/").status_code == 404
    assert manager_client.get("/donors/999999/edit/").status_code == 404
    response = manager_client.post("/donors/999999/phone-numbers/", {"number": "07700900123"})
    assert response.status_code == 404
    assert not PhoneNumber.objects.exists()
