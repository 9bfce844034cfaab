"""Calls for managers: the list and its filters, a call's page, corrections kept with who and
when, the review of calls without an outcome or with a late one, and who may do what."""

import pytest

from donorcall.callcenter.models import Call, CallEdit, Review
from donorcall.donors.models import Suppression
from tests.reports_world import at, call, disposition

CARD = "4111 1111 1111 1111"


@pytest.fixture
def made():
    return disposition("concluded", "Donation made", success=True)


@pytest.fixture
def declined():
    return disposition("concluded", "Declined")


@pytest.fixture
def closed(agent, campaign, team, declined) -> Call:
    return call(
        agent,
        campaign,
        at(24, 10),
        seconds=120,
        reason="concluded",
        disposition=declined,
        team=team,
    )


def correct(client, target: Call, **data):
    fields = {"correct-reason": "concluded", "correct-disposition": "", "correct-notes": ""}
    fields.update({f"correct-{key}": value for key, value in data.items()})
    return client.post(f"/calls/{target.pk}/correct/", fields)


def test_a_correction_is_recorded_with_who_and_when(manager_client, manager, closed, made):
    response = correct(manager_client, closed, disposition=made.pk, notes="Gave by cheque")
    assert response.status_code == 302
    closed.refresh_from_db()
    assert (closed.disposition, closed.notes) == (made, "Gave by cheque")
    edits = {e.field: (e.before, e.after, e.by) for e in CallEdit.objects.filter(call=closed)}
    assert edits == {
        "disposition": ("Declined", "Donation made", manager),
        "notes": ("", "Gave by cheque", manager),
    }
    page = manager_client.get(f"/calls/{closed.pk}/").content.decode()
    assert "Changes by managers" in page and "Maya Manager" in page
    assert "changes the record, not the queue" in page


def test_a_disposition_of_another_reason_is_refused(manager_client, closed, made):
    response = correct(manager_client, closed, reason="no_answer", disposition=made.pk)
    assert response.status_code == 400
    assert "belongs to another ended reason" in response.content.decode()
    closed.refresh_from_db()
    assert closed.ended_reason == "concluded" and not CallEdit.objects.exists()


def test_a_card_number_in_the_notes_is_refused(manager_client, closed):
    response = correct(manager_client, closed, notes=f"card {CARD}")
    assert response.status_code == 400
    closed.refresh_from_db()
    assert CARD not in closed.notes


def test_correcting_to_do_not_call_suppresses_the_number(manager_client, closed):
    assert correct(manager_client, closed, reason="do_not_call").status_code == 302
    assert Suppression.objects.filter(value=closed.number_dialled).exists()


def test_the_api_corrects_and_refuses_like_the_page(manager_client, closed, made, agent, campaign):
    url = f"/api/v1/supervision/calls/{closed.pk}/correction"
    body = {"reason": "no_answer", "disposition": made.pk}
    refused = manager_client.post(url, body, content_type="application/json")
    assert (refused.status_code, refused.json()["field"]) == (400, "disposition")
    body = {"reason": "concluded", "disposition": made.pk, "notes": "ok"}
    done = manager_client.post(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["disposition"] == made.pk
    still_on = call(agent, campaign, at(24, 11), seconds=None)
    url = f"/api/v1/supervision/calls/{still_on.pk}/correction"
    response = manager_client.post(url, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "call_still_open")


@pytest.fixture
def late(agent, campaign, made) -> Call:
    kept = call(agent, campaign, at(24, 12), seconds=90, review=Review.LATE_OUTCOME)
    kept.submitted_outcome = {"reason": "concluded", "disposition": made.pk, "notes": "Late"}
    kept.save()
    return kept


@pytest.fixture
def no_outcome(other_agent, campaign) -> Call:
    return call(other_agent, campaign, at(24, 13), seconds=60, review=Review.NO_OUTCOME)


def test_the_review_lists_calls_without_an_outcome_and_late_ones(
    manager_client, late, no_outcome, closed
):
    page = manager_client.get("/calls/review/").content.decode()
    assert f"/calls/{late.pk}/" in page and f"/calls/{no_outcome.pk}/" in page
    assert f"/calls/{closed.pk}/" not in page
    listed = manager_client.get("/api/v1/supervision/calls", {"review": "true"}).json()
    assert {row["id"] for row in listed} == {late.pk, no_outcome.pk}


def test_applying_the_submitted_outcome_clears_the_review(manager_client, manager, late, made):
    response = manager_client.post(f"/calls/{late.pk}/resolve/", {"apply": "submitted"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.review, late.ended_reason, late.disposition, late.notes) == (
        "",
        "concluded",
        made,
        "Late",
    )
    review_edit = CallEdit.objects.get(call=late, field="review")
    assert review_edit.by == manager and review_edit.after == "Resolved"


def test_a_manager_sets_the_outcome_of_a_call_that_had_none(manager_client, no_outcome):
    data = {"resolve-reason": "no_answer", "resolve-disposition": "", "resolve-notes": ""}
    assert manager_client.post(f"/calls/{no_outcome.pk}/resolve/", data).status_code == 302
    no_outcome.refresh_from_db()
    assert (no_outcome.review, no_outcome.ended_reason) == ("", "no_answer")
    url = f"/api/v1/supervision/calls/{no_outcome.pk}/review"
    again = manager_client.post(url, {}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "nothing_to_review")


def test_a_call_without_a_submitted_outcome_needs_one_chosen(manager_client, no_outcome):
    response = manager_client.post(f"/calls/{no_outcome.pk}/resolve/", {"apply": "submitted"})
    assert response.status_code == 400
    no_outcome.refresh_from_db()
    assert no_outcome.review == Review.NO_OUTCOME


def test_the_list_filters_by_ids_and_dates(manager_client, closed, no_outcome, other_agent):
    page = manager_client.get("/calls/", {"agent": other_agent.pk}).content.decode()
    assert f"/calls/{no_outcome.pk}/" in page and f"/calls/{closed.pk}/" not in page
    page = manager_client.get("/calls/", {"ended_reason": "concluded"}).content.decode()
    assert f"/calls/{closed.pk}/" in page and f"/calls/{no_outcome.pk}/" not in page
    page = manager_client.get("/calls/", {"date_from": "2026-11-25"}).content.decode()
    assert "No calls match." in page


def test_the_list_costs_the_same_queries_for_many_calls(
    manager_client, agent, campaign, team, django_assert_max_num_queries
):
    for minute in range(3):
        call(agent, campaign, at(24, 9, minute), seconds=30, reason="no_answer", team=team)
    with django_assert_max_num_queries(12) as few:
        assert manager_client.get("/calls/").status_code == 200
    for minute in range(3, 40):
        call(agent, campaign, at(24, 9, minute), seconds=30, reason="no_answer", team=team)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert manager_client.get("/calls/").status_code == 200


def test_calls_are_for_managers(agent_client, manager_client, closed):
    assert agent_client.get("/calls/").status_code == 403
    assert agent_client.get(f"/calls/{closed.pk}/").status_code == 403
    assert agent_client.get("/api/v1/supervision/calls").status_code == 403
    assert agent_client.post(f"/calls/{closed.pk}/correct/", {}).status_code == 403
    assert manager_client.get("/calls/999999/").status_code == 404
    assert manager_client.get("/api/v1/supervision/calls/999999").status_code == 404


def test_the_appointments_list_is_linked_not_rebuilt(manager_client):
    page = manager_client.get("/calls/").content.decode()
    assert 'href="/appointments/"' in page
