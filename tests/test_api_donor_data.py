"""The API for consent, suppression and contact details: the same actions as the pages."""

import pytest
from django.test import Client

from donorcall.donors.actions import DonorDetails, create_donor
from donorcall.donors.models import ConsentEvent, ConsentState, PhoneNumber, Suppression
from donorcall.staff.actions import create_api_token


def token_client(user) -> Client:
    token = create_api_token(user, name="tests", by=None)
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def donor(db):
    return create_donor(DonorDetails(last_name="Hopper"), phone_number="07700 900123", by=None)


def test_consent_recorded_and_read_back_through_the_api(manager, donor):
    api = token_client(manager)
    body = {"channel": "phone", "purpose": "fundraising", "status": "withdrawn", "source": "call"}

    created = api.post(f"/api/v1/donors/{donor.pk}/consent", body, content_type="application/json")
    read = api.get(f"/api/v1/donors/{donor.pk}/consent")

    assert created.status_code == 201
    assert created.json()["recorded_by"] == manager.username
    assert read.json()["current"] == [
        {
            "channel": "phone",
            "purpose": "fundraising",
            "status": "withdrawn",
            "since": created.json()["recorded_at"],
        }
    ]
    assert ConsentState.objects.get(donor=donor).status == "withdrawn"


def test_an_unknown_purpose_is_refused_naming_the_field(manager, donor):
    body = {"channel": "phone", "purpose": "lottery", "status": "granted", "source": "call"}
    response = token_client(manager).post(
        f"/api/v1/donors/{donor.pk}/consent", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "purpose"
    assert not ConsentEvent.objects.exists()


def test_a_number_added_in_any_format_is_suppressed_once_and_checked_by_post(manager, donor):
    api = token_client(manager)
    for raw in ("07700 900123", "+44 7700 900123", "(0)7700-900123"):
        response = api.post(
            "/api/v1/suppressions",
            {"kind": "phone", "value": raw, "reason": "tps"},
            content_type="application/json",
        )
        assert response.status_code == 201
    check = api.post(
        "/api/v1/suppressions/check",
        {"kind": "phone", "value": "+447700900123"},
        content_type="application/json",
    )

    assert Suppression.objects.count() == 1
    assert check.json()["suppressed"] is True
    assert check.json()["value"] == "+447700900123"


def test_an_agent_cannot_suppress_or_read_consent(agent, donor):
    api = token_client(agent)
    assert api.get(f"/api/v1/donors/{donor.pk}/consent").status_code == 403
    response = api.post(
        "/api/v1/suppressions",
        {"kind": "phone", "value": "07700 900123", "reason": "tps"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_number_is_removed_with_a_reason_and_kept(manager, donor):
    api = token_client(manager)
    entry = donor.phone_numbers.get()
    missing_reason = api.post(
        f"/api/v1/donors/{donor.pk}/phone-numbers/{entry.pk}/remove",
        {"reason": " "},
        content_type="application/json",
    )
    removed = api.post(
        f"/api/v1/donors/{donor.pk}/phone-numbers/{entry.pk}/remove",
        {"reason": "Wrong number"},
        content_type="application/json",
    )

    assert missing_reason.status_code == 400
    assert missing_reason.json()["field"] == "reason"
    assert removed.status_code == 200
    kept = PhoneNumber.objects.get(pk=entry.pk)
    assert (kept.removed_reason, kept.removed_by) == ("Wrong number", manager)


def test_a_number_is_added_through_the_api_and_a_bad_one_refused(manager, donor):
    api = token_client(manager)
    added = api.post(
        f"/api/v1/donors/{donor.pk}/phone-numbers",
        {"number": "020 7946 0123"},
        content_type="application/json",
    )
    refused = api.post(
        f"/api/v1/donors/{donor.pk}/phone-numbers",
        {"number": "12345"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json()["number"] == "+442079460123"
    assert (refused.status_code, refused.json()["field"]) == (400, "number")
