"""The JSON API under /api/v1/: who may call it, donors over JSON, one error format."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from conftest import PASSWORD
from donorcall.donors.actions import remove_phone_number
from donorcall.donors.models import Address, Donor, EmailAddress, PhoneNumber
from donorcall.staff.actions import create_api_token, deactivate_user, revoke_api_token
from donorcall.staff.models import ApiToken
from donorcall.staff.roles import PERMISSIONS_BY_ROLE
from tests.factories import DonorFactory, PhoneNumberFactory

ME = "/api/v1/me"
SEARCH = "/api/v1/donors/search"
DONORS = "/api/v1/donors"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def manager_token(manager) -> str:
    return create_api_token(manager, name="CRM sync", by=None)


@pytest.fixture
def agent_token(agent) -> str:
    return create_api_token(agent, name="softphone", by=None)


@pytest.fixture
def api(manager_token) -> Client:
    """A program calling the API with the manager's token (it has no CSRF token to send)."""
    return Client(headers=bearer(manager_token), enforce_csrf_checks=True)


@pytest.fixture
def ada(db) -> Donor:
    donor = DonorFactory(reference="D00001234", first_name="Ada", last_name="Lovelace")
    PhoneNumberFactory(donor=donor, number="+447700900123")
    return donor


def assert_error(response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert body["field"] == field


def new_donor(**changes) -> dict:
    return {
        "first_name": "Grace",
        "last_name": "Hopper",
        "phone_number": "07700 900456",
        "email": "grace@example.org",
        "address": {"line1": "1 Main Street", "region": "NY", "country": "US"},
    } | changes


# Who is calling


def test_me_refuses_an_anonymous_caller(client, db):
    assert_error(client.get(ME), 401, "not_authenticated")


def test_anonymous_post_is_refused_as_not_signed_in(db):
    client = Client(enforce_csrf_checks=True)
    assert_error(
        client.post(SEARCH, {"q": "ada"}, content_type="application/json"), 401, "not_authenticated"
    )
    assert_error(
        client.post(DONORS, new_donor(), content_type="application/json"), 401, "not_authenticated"
    )
    assert not Donor.objects.exists()


def test_me_with_a_signed_in_session(manager_client, manager):
    response = manager_client.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": manager.pk,
        "username": "maya.manager",
        "name": "Maya Manager",
        "role": "Manager",
        "permissions": sorted(PERMISSIONS_BY_ROLE[manager.role]),
    }


def test_me_with_a_bearer_token(client, manager, manager_token):
    response = client.get(ME, headers=bearer(manager_token))

    assert response.status_code == 200
    assert response.json()["username"] == "maya.manager"
    assert ApiToken.objects.get().last_used_at is not None


def test_token_is_stored_only_as_a_hash(manager_token):
    stored = ApiToken.objects.get()

    assert manager_token not in stored.token_hash
    assert len(stored.token_hash) == 64


@pytest.mark.parametrize(
    "header", ["Bearer dc_not-a-real-token", "Bearer ", "Token abc", "Basic eDp5"]
)
def test_bad_token_is_refused(client, manager_token, header):
    assert_error(client.get(ME, headers={"Authorization": header}), 401, "not_authenticated")


def test_revoked_token_is_refused(manager, manager_token):
    client = Client(enforce_csrf_checks=True)
    revoke_api_token(ApiToken.objects.get(), by=manager)

    assert_error(client.get(ME, headers=bearer(manager_token)), 401, "not_authenticated")
    response = client.post(
        SEARCH, {"q": "ada"}, content_type="application/json", headers=bearer(manager_token)
    )
    assert_error(response, 401, "not_authenticated")


def test_token_of_a_deactivated_user_is_refused(client, manager, admin, manager_token):
    deactivate_user(manager, by=admin)

    assert_error(client.get(ME, headers=bearer(manager_token)), 401, "not_authenticated")


def test_expired_session_gets_a_json_401_not_a_redirect(client, manager):
    start = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.post("/login/", {"username": "maya.manager", "password": PASSWORD})
        assert client.get(ME).status_code == 200

        traveller.shift(timedelta(minutes=31))

        assert_error(client.get(ME), 401, "not_authenticated")


def csrf_client(username: str) -> Client:
    """A browser that checks CSRF tokens, signed in the way a person signs in."""
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    return client


def test_session_post_needs_the_csrf_token(manager, ada):
    browser = csrf_client("maya.manager")

    response = browser.post(SEARCH, {"q": "ada"}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_session_post_with_the_csrf_token_works(manager, ada):
    browser = csrf_client("maya.manager")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value

    response = browser.post(
        SEARCH, {"q": "ada"}, content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert response.status_code == 200
    assert [donor["reference"] for donor in response.json()["results"]] == ["D00001234"]


# Donors


@pytest.mark.parametrize(
    "q", ["07700 900123", "+44 7700 900123", "(0)7700-900123", "+447700900123"]
)
def test_search_finds_a_donor_by_phone_in_any_format(api, ada, q):
    DonorFactory(last_name="Other")

    response = api.post(SEARCH, {"q": q}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == ada.pk
    assert body["results"][0]["name"] == "Ms Ada Lovelace"


def test_search_comes_in_pages(api, db):
    DonorFactory.create_batch(30, last_name="Lovelace")

    first = api.post(SEARCH, {"q": "lovelace"}, content_type="application/json").json()
    second = api.post(SEARCH, {"q": "lovelace", "page": 2}, content_type="application/json").json()

    assert (first["count"], first["pages"], first["page"], len(first["results"])) == (30, 2, 1, 25)
    assert (second["page"], len(second["results"])) == (2, 5)
    assert not {d["id"] for d in first["results"]} & {d["id"] for d in second["results"]}


def test_search_query_count_does_not_grow_with_the_results(api, db, django_assert_num_queries):
    DonorFactory.create_batch(5, last_name="Lovelace")
    api.post(SEARCH, {"q": "lovelace"}, content_type="application/json")  # token last_used_at
    with django_assert_num_queries(5):  # token, permissions (user's, groups'), count, donors
        api.post(SEARCH, {"q": "lovelace"}, content_type="application/json")

    DonorFactory.create_batch(20, last_name="Lovelace")
    with django_assert_num_queries(5):
        response = api.post(SEARCH, {"q": "lovelace"}, content_type="application/json")

    assert len(response.json()["results"]) == 25


def test_search_by_get_is_not_offered(api, ada):
    assert api.get(f"{SEARCH}?q=ada").status_code == 405


def test_api_creates_a_donor(api, manager):
    response = api.post(DONORS, new_donor(), content_type="application/json")

    assert response.status_code == 201
    donor = Donor.objects.get()
    body = response.json()
    assert body["id"] == donor.pk
    assert body["reference"] == donor.reference
    assert body["timezone"] == "America/New_York"
    assert [p["number"] for p in body["phone_numbers"]] == ["+447700900456"]
    assert [e["email"] for e in body["email_addresses"]] == ["grace@example.org"]
    assert body["addresses"][0]["region"] == "NY"
    assert donor.created_by == manager
    assert donor.phone_numbers.get().number == "+447700900456"


def test_api_bad_phone_number_is_refused_and_nothing_is_created(api, db):
    response = api.post(DONORS, new_donor(phone_number="0770"), content_type="application/json")

    assert_error(response, 400, "invalid_input", "phone_number")
    assert not Donor.objects.exists()
    assert not PhoneNumber.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not Address.objects.exists()


def test_api_missing_last_name_names_the_field(api, db):
    response = api.post(DONORS, new_donor(last_name=""), content_type="application/json")

    assert_error(response, 400, "invalid_input", "last_name")
    assert not Donor.objects.exists()


def test_api_malformed_body_is_invalid_input(api, db):
    response = api.post(DONORS, {"date_of_birth": "not a date"}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["field"] == "date_of_birth"
    assert not Donor.objects.exists()


def test_api_gets_a_donor_with_current_contact_details_only(api, ada, manager):
    removed = PhoneNumberFactory(donor=ada, number="+447700900999", is_primary=False)
    remove_phone_number(removed, reason="Wrong", by=manager)

    response = api.get(f"{DONORS}/{ada.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == "D00001234"
    assert [p["number"] for p in body["phone_numbers"]] == ["+447700900123"]


def test_api_donor_that_does_not_exist_is_not_found(api, db):
    assert_error(api.get(f"{DONORS}/999999"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("post", SEARCH, {"q": "ada"}),
        ("get", f"{DONORS}/{{donor}}", None),
        ("post", DONORS, new_donor()),
    ],
)
def test_agent_token_is_forbidden_on_donors(client, agent_token, ada, method, path, payload):
    call = getattr(client, method)
    kwargs = {"content_type": "application/json", "data": payload} if payload else {}

    response = call(path.format(donor=ada.pk), headers=bearer(agent_token), **kwargs)

    assert_error(response, 403, "forbidden")
    assert Donor.objects.count() == 1


def test_agent_session_is_forbidden_on_donors(agent_client, ada):
    assert_error(agent_client.get(f"{DONORS}/{ada.pk}"), 403, "forbidden")


def test_openapi_schema_is_served(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/me", "/api/v1/donors/search", "/api/v1/donors"} <= set(paths)
