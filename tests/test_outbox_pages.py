"""Settings › Email templates, the Outbox page and the outbox API: who may do what, the
template rules (merge fields, card numbers), and the lists' states."""

import pytest
import time_machine
from django.test import Client

from donorcall.donors.actions import withdraw_consent
from donorcall.donors.models import Channel
from donorcall.outbox import actions
from donorcall.outbox.models import EmailStatus, EmailTemplate, OutgoingEmail
from donorcall.staff.actions import create_api_token
from tests.factories import DonorFactory, EmailAddressFactory
from tests.outbox_world import NOON, purpose, put_on_call, thank_you

NEW = "/settings/email-templates/new/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def template_data(**changes) -> dict:
    return {"name": "Welcome", "purpose": purpose().pk, "subject": "Welcome, {first_name}",
            "body": "Hello {first_name}, thank you for joining us.", "is_active": "on",
            **changes}  # fmt: skip


def queued_email(by, **fields) -> OutgoingEmail:
    donor = DonorFactory(first_name="Ada")
    EmailAddressFactory(donor=donor, email="ada@example.org")
    template = EmailTemplate.objects.first() or thank_you(by=by)
    email = actions.queue_email(donor, template, by=by)
    OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
    return OutgoingEmail.objects.get(pk=email.pk)


def bearer(user) -> Client:
    token = create_api_token(user, name="test", by=None)
    return Client(headers={"Authorization": f"Bearer {token}"}, enforce_csrf_checks=True)


# --- Settings › Email templates ----------------------------------------------------------------


def test_an_administrator_adds_a_template_and_previews_it(admin, admin_client):
    EmailTemplate.objects.all().delete()  # the built-in confirmation, for the empty state
    empty = admin_client.get("/settings/email-templates/")
    assert b"No email templates yet." in empty.content
    preview = admin_client.post(NEW, template_data(preview="1"))
    assert b"Welcome, Sam" in preview.content and not EmailTemplate.objects.exists()

    saved = admin_client.post(NEW, template_data())
    assert saved.status_code == 302
    template = EmailTemplate.objects.get()
    assert (template.name, template.created_by, template.purpose) == ("Welcome", admin, purpose())
    listed = admin_client.get("/settings/email-templates/")
    assert b"Welcome" in listed.content and b"In use" in listed.content
    edit = admin_client.get(f"/settings/email-templates/{template.pk}/")
    assert b"Hello Sam, thank you" in edit.content


def test_an_unknown_merge_field_is_refused_by_name(admin_client):
    response = admin_client.post(NEW, template_data(body="Dear {frist_name},"))
    assert response.status_code == 400
    assert "Unknown merge field {frist_name}" in response.content.decode()
    assert not EmailTemplate.objects.filter(code="").exists()


def test_a_card_number_in_a_template_is_refused(admin_client):
    response = admin_client.post(NEW, template_data(body="Pay with 4111 1111 1111 1111"))
    assert response.status_code == 400 and b"payment card number" in response.content
    assert not EmailTemplate.objects.filter(code="").exists()


def test_a_retired_template_is_offered_to_nobody(admin, admin_client, agent, agent_client):
    template = thank_you(by=admin)
    call = put_on_call(agent)
    admin_client.post(f"/settings/email-templates/{template.pk}/retire/")
    template.refresh_from_db()
    assert template.is_active is False
    assert b"No email to send." in agent_client.get("/outbox/in-call/").content
    with pytest.raises(actions.NotEmailable) as refused:
        actions.queue_email(call.donor, template, by=agent, call=call)
    assert refused.value.code == "template_retired"


def test_only_administrators_edit_templates(admin, agent_client, manager_client):
    template = thank_you(by=admin)
    for client in (agent_client, manager_client):
        assert client.get("/settings/email-templates/").status_code == 403
        assert client.post(NEW, template_data()).status_code == 403
        assert client.post(f"/settings/email-templates/{template.pk}/retire/").status_code == 403


def test_settings_and_navigation_link_the_new_pages(admin_client, manager_client, agent_client):
    assert b"/settings/email-templates/" in admin_client.get("/settings/staff/").content
    assert b'href="/outbox/"' in manager_client.get("/").content
    assert b'href="/outbox/"' not in agent_client.get("/").content


# --- The Outbox page ---------------------------------------------------------------------------


def test_the_outbox_is_empty_at_first(manager_client):
    assert b"No emails yet." in manager_client.get("/outbox/").content
    assert b"No failed emails." in manager_client.get("/outbox/?status=failed").content


def test_the_outbox_lists_emails_with_their_errors(manager, manager_client,
                                                   django_assert_max_num_queries):  # fmt: skip
    failed = queued_email(manager, status=EmailStatus.FAILED, last_error="SMTP 451 busy")
    for _ in range(5):
        queued_email(manager, status=EmailStatus.SENT)
    with django_assert_max_num_queries(12):
        page = manager_client.get("/outbox/").content.decode()
    assert "SMTP 451 busy" in page and page.count("Resend</button>") == 1
    only_failed = manager_client.get("/outbox/?status=failed").content.decode()
    assert f'id="email-{failed.pk}"' in only_failed and only_failed.count('id="email-') == 1


def test_resending_a_sent_email_is_refused(manager, manager_client):
    sent = queued_email(manager, status=EmailStatus.SENT)
    response = manager_client.post(f"/outbox/{sent.pk}/resend/", follow=True)
    assert b"Only failed or suppressed emails can be resent" in response.content
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT


def test_agents_may_not_see_the_outbox_or_resend(manager, agent_client):
    failed = queued_email(manager, status=EmailStatus.FAILED)
    assert agent_client.get("/outbox/").status_code == 403
    assert agent_client.post(f"/outbox/{failed.pk}/resend/").status_code == 403


def test_resending_an_email_that_is_not_there_is_404(manager_client):
    assert manager_client.post("/outbox/999/resend/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/outbox/").status_code == 302
    assert client.get("/settings/email-templates/").status_code == 302


# --- The API -----------------------------------------------------------------------------------


def test_an_agent_emails_the_donor_on_the_call_once_over_the_api(agent, admin):
    template = thank_you(by=admin)
    api = bearer(agent)
    assert api.post("/api/v1/outbox/in-call", {"template_id": template.pk},
                    content_type="application/json").status_code == 404  # fmt: skip
    listed = api.get("/api/v1/outbox/templates").json()
    assert [t["name"] for t in listed] == ["Thank you"] and listed[0]["purpose"] == "fundraising"
    call = put_on_call(agent)
    first = api.post("/api/v1/outbox/in-call", {"template_id": template.pk},
                     content_type="application/json")  # fmt: skip
    again = api.post("/api/v1/outbox/in-call", {"template_id": template.pk},
                     content_type="application/json")  # fmt: skip
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["call_id"] == call.pk
    assert first.json()["subject"] == "Thank you, Ada" and first.json()["status"] == "queued"
    refused = api.post("/api/v1/outbox/emails", {"template_id": template.pk, "donor_id": 1},
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert api.get("/api/v1/outbox/emails").status_code == 403


def test_a_manager_emails_a_donor_lists_and_resends_over_the_api(manager, admin):
    template = thank_you(by=admin)
    donor = DonorFactory(first_name="Ada")
    EmailAddressFactory(donor=donor, email="ada@example.org", is_primary=False)
    other = EmailAddressFactory(donor=donor, email="work@example.org", is_primary=True)
    api = bearer(manager)
    body = {"template_id": template.pk, "donor_id": donor.pk, "email_address_id": other.pk}
    queued = api.post("/api/v1/outbox/emails", body, content_type="application/json")
    assert queued.status_code == 201 and queued.json()["to_address"] == "work@example.org"
    pk = queued.json()["id"]
    assert [e["id"] for e in api.get("/api/v1/outbox/emails?status=queued").json()] == [pk]
    assert api.get("/api/v1/outbox/emails?status=sent").json() == []
    refused = api.post(f"/api/v1/outbox/emails/{pk}/resend")
    assert refused.status_code == 409 and refused.json()["code"] == "not_resendable"
    OutgoingEmail.objects.filter(pk=pk).update(status=EmailStatus.FAILED, attempts=5)
    resent = api.post(f"/api/v1/outbox/emails/{pk}/resend").json()
    assert (resent["status"], resent["attempts"]) == ("queued", 0)


def test_the_api_refuses_a_donor_who_withdrew_email_consent(manager, admin):
    template = thank_you(by=admin)
    donor = DonorFactory()
    EmailAddressFactory(donor=donor)
    withdraw_consent(donor, channel=Channel.EMAIL, purpose=purpose(), source="call", by=None)
    body = {"template_id": template.pk, "donor_id": donor.pk}
    refused = bearer(manager).post("/api/v1/outbox/emails", body, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "email_consent_withdrawn"


def test_a_donor_without_an_email_address_is_refused(manager, admin):
    template = thank_you(by=admin)
    body = {"template_id": template.pk, "donor_id": DonorFactory().pk}
    refused = bearer(manager).post("/api/v1/outbox/emails", body, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "no_email_address"
