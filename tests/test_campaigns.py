"""Campaigns: managers create, change, activate, pause, resume and archive them; agents see
the script with merge fields filled in. Settings are refused naming the field when they break
a rule (COMPLIANCE.md: calling hours and their hard ceilings, safe defaults)."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from donorcall.campaigns import actions
from donorcall.campaigns.models import Campaign, CampaignStatus, Team
from donorcall.campaigns.scripts import render_script
from donorcall.donors.models import Donor, Purpose
from donorcall.giving import actions as giving
from donorcall.lib import phone
from donorcall.lib.cards import CARD_MESSAGE
from donorcall.staff.actions import create_api_token
from tests.factories import DonorFactory

CARD = "4111 1111 1111 1111"
PREMIUM = "+44 909 879 0000"


@pytest.fixture(autouse=True)
def _today():
    """Every test runs on 15 June 2025 (autouse fixtures start before sign-in)."""
    with time_machine.travel(datetime(2025, 6, 15, 11, 0, tzinfo=UTC), tick=False):
        yield


def fundraising() -> Purpose:
    return Purpose.objects.get(code="fundraising")


def make_campaign(name: str = "Failed payments", *, by=None, **changes) -> Campaign:
    settings = actions.CampaignSettings(name=name, purpose=fundraising(), **changes)
    return actions.create_campaign(settings, by=by)


def page_defaults(client: Client, path: str = "/campaigns/new/") -> dict:
    """What the form would send if saved as shown: its initial values, as a browser posts
    them (ticked boxes only)."""
    form = client.get(path).context["form"]
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool) or value is None:
            if value:
                data[name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif isinstance(value, time):
            data[name] = f"{value:%H:%M}"
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


def new_campaign_data(client: Client, **changes) -> dict:
    return page_defaults(client) | {"name": "Failed payments"} | changes


# Creating


def test_manager_creates_a_campaign_with_the_safe_defaults(manager_client, manager):
    response = manager_client.post("/campaigns/new/", new_campaign_data(manager_client))

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response.url == f"/campaigns/{campaign.pk}/"
    assert (campaign.name, campaign.status, campaign.created_by) == (
        "Failed payments", CampaignStatus.DRAFT, manager,
    )  # fmt: skip
    assert (campaign.calling_starts, campaign.calling_ends) == (time(9), time(21))
    assert campaign.calling_days == [0, 1, 2, 3, 4, 5]  # Monday–Saturday
    assert campaign.max_attempts == 6
    assert campaign.no_answer_delay_minutes == 4 * 60
    assert campaign.not_available_delay_minutes == 24 * 60
    assert campaign.purpose == fundraising()
    assert (campaign.dialling_mode, campaign.preview_timeout_seconds) == ("preview", 120)
    assert campaign.concluded_is_final and campaign.recall_after_days is None
    assert campaign.skip_allowed and campaign.rotate_retry_times
    assert not campaign.requires_tps_screening
    assert campaign.caller_id == ""


def test_every_setting_is_saved_as_typed(manager_client):
    data = new_campaign_data(
        manager_client,
        description="Donors whose direct debit failed last month.",
        dialling_mode="progressive",
        calling_starts="08:00",
        calling_ends="21:00",
        calling_days=["0", "2", "4"],
        no_answer_delay_hours="0.5",
        not_available_delay_hours="48",
        max_attempts="3",
        concluded_is_final="",
        recall_after_days="90",
        preview_timeout_seconds="60",
        skip_allowed="",
        rotate_retry_times="",
        caller_id="020 7946 0000",
        starts_on="2025-07-01",
        ends_on="2025-07-31",
        requires_tps_screening="on",
        script="Hello {first_name}, it's {agent_first_name} from the charity.",
    )

    response = manager_client.post("/campaigns/new/", data)

    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.dialling_mode == "progressive"
    assert (campaign.calling_starts, campaign.calling_ends) == (time(8), time(21))
    assert campaign.calling_days == [0, 2, 4]
    assert (campaign.no_answer_delay_minutes, campaign.not_available_delay_minutes) == (30, 2880)
    assert (campaign.max_attempts, campaign.preview_timeout_seconds) == (3, 60)
    assert (campaign.concluded_is_final, campaign.recall_after_days) == (False, 90)
    assert not campaign.skip_allowed and not campaign.rotate_retry_times
    assert campaign.caller_id == "+442079460000"
    assert (campaign.starts_on, campaign.ends_on) == (date(2025, 7, 1), date(2025, 7, 31))
    assert campaign.requires_tps_screening
    assert campaign.script.startswith("Hello {first_name}")


def test_premium_rate_number_is_what_the_caller_id_test_uses():
    parsed = phone.parse(PREMIUM)

    assert parsed is not None and parsed.kind == "premium_rate"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"calling_starts": "18:00", "calling_ends": "10:00"}, "calling_ends", "end after"),
        ({"calling_starts": "12:00", "calling_ends": "12:00"}, "calling_ends", "end after"),
        ({"calling_ends": "21:30"}, "calling_ends", "by 21:00"),
        ({"calling_ends": "21:01"}, "calling_ends", "by 21:00"),
        ({"calling_starts": "07:30"}, "calling_starts", "before 08:00"),
        ({"calling_days": []}, "calling_days", "at least one day"),
        ({"caller_id": PREMIUM}, "caller_id", "premium-rate"),
        ({"caller_id": "12345"}, "caller_id", "not a valid phone number"),
        ({"starts_on": "2025-07-02", "ends_on": "2025-07-01"}, "ends_on", "before the start"),
        ({"max_attempts": "0"}, "max_attempts", "from 1 to 50"),
        ({"max_attempts": "51"}, "max_attempts", "from 1 to 50"),
        ({"no_answer_delay_hours": "0.1"}, "no_answer_delay_hours", "15 minutes"),
        ({"not_available_delay_hours": "3000"}, "not_available_delay_hours", "90 days"),
        ({"concluded_is_final": "", "recall_after_days": ""}, "recall_after_days", "how many"),
        ({"preview_timeout_seconds": "5"}, "preview_timeout_seconds", "15 to 3600"),
        ({"script": f"Card on file {CARD}"}, "script", CARD_MESSAGE),
        ({"description": f"Card {CARD}"}, "description", CARD_MESSAGE),
        ({"script": "Hello {frist_name}"}, "script", "Unknown merge field {frist_name}"),
        ({"script": "Hello {{ donor.first_name }}"}, "script", "single braces"),
        ({"name": " "}, "name", "required"),
    ],
)
def test_a_bad_setting_is_refused_naming_the_field_and_nothing_is_saved(
    manager_client, changes, field, message
):
    response = manager_client.post("/campaigns/new/", new_campaign_data(manager_client, **changes))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert not Campaign.objects.exists()
    assert CARD not in response.content.decode()  # a refused card number is not sent back


def test_calling_hours_may_use_the_whole_window_from_08_00_to_21_00(manager_client):
    data = new_campaign_data(manager_client, calling_starts="08:00", calling_ends="21:00")

    assert manager_client.post("/campaigns/new/", data).status_code == 302


def test_two_campaigns_cannot_share_a_name(manager_client):
    make_campaign("Spring appeal")

    response = manager_client.post(
        "/campaigns/new/", new_campaign_data(manager_client, name="spring APPEAL")
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "name": ["A campaign with that name already exists."]
    }


def test_a_retired_purpose_is_not_offered_for_a_new_campaign(manager_client):
    Purpose.objects.filter(code="marketing").update(is_active=False)

    form = manager_client.get("/campaigns/new/").context["form"]

    assert "Marketing" not in [p.name for p in form.fields["purpose"].queryset]


# Editing


def test_manager_changes_a_campaigns_settings(manager_client):
    campaign = make_campaign()
    data = page_defaults(manager_client, f"/campaigns/{campaign.pk}/edit/")

    response = manager_client.post(
        f"/campaigns/{campaign.pk}/edit/",
        data | {"max_attempts": "4", "calling_ends": "20:00", "no_answer_delay_hours": "2"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/campaigns/{campaign.pk}/", 302)]
    assert "Campaign Failed payments saved." in response.content.decode()
    campaign.refresh_from_db()
    assert (campaign.max_attempts, campaign.calling_ends) == (4, time(20))
    assert campaign.no_answer_delay_minutes == 120
    assert campaign.calling_days == [0, 1, 2, 3, 4, 5]  # untouched settings stay


def test_retry_delays_are_shown_in_hours_on_the_edit_page(manager_client):
    campaign = make_campaign(no_answer_delay_minutes=600, not_available_delay_minutes=90)

    form = manager_client.get(f"/campaigns/{campaign.pk}/edit/").context["form"]

    assert form["no_answer_delay_hours"].value() == "10"
    assert form["not_available_delay_hours"].value() == "1.5"


def test_a_campaign_keeps_its_purpose_after_the_purpose_is_retired(manager_client):
    campaign = make_campaign()
    Purpose.objects.filter(code="fundraising").update(is_active=False)
    data = page_defaults(manager_client, f"/campaigns/{campaign.pk}/edit/")

    response = manager_client.post(f"/campaigns/{campaign.pk}/edit/", data | {"max_attempts": "5"})

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.purpose.code, campaign.max_attempts) == ("fundraising", 5)


def test_an_archived_campaign_cannot_be_edited(manager_client, manager):
    campaign = make_campaign()
    data = page_defaults(manager_client, f"/campaigns/{campaign.pk}/edit/")
    actions.change_campaign_status(campaign, status="archived", by=manager)

    response = manager_client.post(f"/campaigns/{campaign.pk}/edit/", data | {"max_attempts": "2"})

    assert response.status_code == 400
    assert "archived" in response.context["form"].non_field_errors()[0]
    campaign.refresh_from_db()
    assert campaign.max_attempts == 6


# Status


def status(client: Client, campaign: Campaign, value: str):
    return client.post(f"/campaigns/{campaign.pk}/status/", {"status": value}, follow=True)


def test_a_draft_is_activated_paused_resumed_and_archived(manager_client):
    campaign = make_campaign()

    steps = [("active", "is active"), ("paused", "is paused"), ("active", "is active"),
             ("archived", "is archived")]  # fmt: skip
    for value, toast in steps:
        response = status(manager_client, campaign, value)
        assert response.redirect_chain == [(f"/campaigns/{campaign.pk}/", 302)]
        assert f"Campaign Failed payments {toast}" in response.content.decode()
        campaign.refresh_from_db()
        assert campaign.status == value


def test_an_archived_campaign_stays_archived(manager_client, manager):
    campaign = make_campaign()
    actions.change_campaign_status(campaign, status="archived", by=manager)

    response = status(manager_client, campaign, "active")

    assert "This campaign is archived and stays as it was." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ARCHIVED


@pytest.mark.parametrize(("start", "target"), [("draft", "paused"), ("active", "draft")])
def test_a_status_change_that_makes_no_sense_is_refused(manager, start, target):
    campaign = make_campaign()
    if start != "draft":
        actions.change_campaign_status(campaign, status=start, by=manager)

    with pytest.raises(actions.campaigns.Conflict) as refused:
        actions.change_campaign_status(campaign, status=target, by=manager)

    assert (refused.value.code, refused.value.field) == ("bad_status", "status")
    campaign.refresh_from_db()
    assert campaign.status == start


def test_the_same_status_twice_changes_nothing(manager):
    campaign = make_campaign()
    actions.change_campaign_status(campaign, status="active", by=manager)

    again = actions.change_campaign_status(campaign, status="active", by=manager)

    assert again.status == CampaignStatus.ACTIVE


def test_a_campaign_whose_end_date_passed_cannot_be_activated(manager_client):
    campaign = make_campaign(starts_on=date(2025, 5, 1), ends_on=date(2025, 6, 14))

    response = status(manager_client, campaign, "active")

    assert "This campaign ended on 14 Jun 2025." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


# Pages


def test_campaign_page_shows_settings_teams_and_an_empty_queue(manager_client, agent):
    campaign = make_campaign(caller_id="+442079460000", script="Hello {first_name}")
    team = actions.save_team(None, name="Evening team", members=[agent], campaigns=[campaign],
                             by=None)  # fmt: skip

    response = manager_client.get(f"/campaigns/{campaign.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "09:00–21:00" in html and "Mon–Sat" in html
    assert "Call again after 4 hours" in html and "Call again after 1 day" in html
    assert "020 7946 0000" in html
    assert team.name in html and "Alice Agent" in html
    assert 'id="queue"' in html and "No call list connected yet" in html
    assert "Hello {first_name}" in html
    assert "Activate" in html


def test_campaign_page_without_a_team_says_what_to_do(manager_client):
    campaign = make_campaign()

    html = manager_client.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert "No team works on this campaign yet." in html


def test_campaign_list_hides_archived_campaigns_until_asked(manager_client, manager):
    make_campaign("Spring appeal")
    old = make_campaign("Winter appeal 2024")
    actions.change_campaign_status(old, status="archived", by=manager)

    current = manager_client.get("/campaigns/").content.decode()
    archived = manager_client.get("/campaigns/?archived=1").content.decode()

    assert "Spring appeal" in current and "Winter appeal 2024" not in current
    assert "Archived campaigns (1)" in current
    assert "Winter appeal 2024" in archived and "Spring appeal" not in archived


def test_an_empty_campaign_list_says_what_to_do(manager_client):
    html = manager_client.get("/campaigns/").content.decode()

    assert "No campaigns yet." in html and 'href="/campaigns/new/"' in html


def list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/campaigns/").status_code == 200
    return len(queries)


def test_campaign_list_takes_the_same_queries_for_2_and_10_campaigns(manager_client, agent):
    def add(n: int) -> None:
        for _ in range(n):
            campaign = make_campaign(f"Campaign {Campaign.objects.count()}")
            team = Team.objects.create(name=f"Team for {campaign.name}")
            team.campaigns.add(campaign)
            team.members.add(agent)

    add(2)
    two = list_queries(manager_client)
    add(8)
    ten = list_queries(manager_client)

    assert two == ten
    assert Campaign.objects.count() == 10


# Script


@pytest.fixture
def ada(db, manager) -> Donor:
    donor = DonorFactory(reference="D00001234", title="Ms", first_name="Ada", last_name="Lovelace")
    giving.record_donation(
        donor, amount="25", currency="GBP", received_on=date(2025, 3, 3), method="cheque",
        by=manager,
    )  # fmt: skip
    gift = giving.set_up_regular_gift(
        donor, kind="regular_gift", amount="10", currency="GBP", frequency="monthly",
        started_on=date(2025, 1, 1), method="direct_debit", mandate_reference="DDM-1",
        by=manager,
    )  # fmt: skip
    giving.record_payment(gift, due_on=date(2025, 5, 1), amount="10", status="paid", by=manager)
    giving.record_payment(
        gift, due_on=date(2025, 6, 1), amount="10", status="failed",
        failure_reason="Refer to payer", by=manager,
    )  # fmt: skip
    return donor


def test_script_merges_the_donors_gift_and_failed_payment(ada, agent):
    campaign = make_campaign(
        script=(
            "Hello {first_name} {last_name} ({name}, {reference}). I'm {agent_first_name}. "
            "Thank you for {last_gift}. Your payment of {failed_payment} did not go through."
        )
    )

    text = render_script(campaign, ada, agent=agent)

    assert text == (
        "Hello Ada Lovelace (Ms Ada Lovelace, D00001234). I'm Alice. "
        "Thank you for GBP 25.00 on 3 March 2025. "
        "Your payment of GBP 10.00 due on 1 June 2025 did not go through."
    )


def test_script_merge_fields_with_nothing_to_say_are_empty(db):
    donor = DonorFactory(first_name="Bo", last_name="Diddley")
    campaign = make_campaign(script="[{last_gift}][{failed_payment}][{agent_first_name}]")

    assert render_script(campaign, donor) == "[][][]"


def test_unknown_merge_fields_and_other_braces_are_left_as_written(ada):
    campaign = Campaign(script="Hi {first_name}, {favourite_colour}? {a b} {} {{first_name}}")

    assert render_script(campaign, ada) == "Hi Ada, {favourite_colour}? {a b} {} {Ada}"


def test_script_is_text_not_a_template(ada):
    campaign = Campaign(script="{% load static %}{{ settings.SECRET_KEY }} <b>{first_name}</b>")

    text = render_script(campaign, ada)

    assert text == "{% load static %}{{ settings.SECRET_KEY }} <b>Ada</b>"


def test_an_organisation_is_greeted_by_its_name(db):
    charity = DonorFactory(is_organisation=True, organisation_name="Acme Ltd", first_name="",
                           last_name="")  # fmt: skip
    campaign = Campaign(script="Hello {first_name}")

    assert render_script(campaign, charity) == "Hello Acme Ltd"


def test_script_looks_up_only_the_merge_fields_it_uses(ada, django_assert_num_queries):
    campaign = Campaign(script="Hello {first_name}, about {last_gift}")

    with django_assert_num_queries(1):
        render_script(campaign, ada)


# Who may do what


@pytest.fixture
def campaign(db) -> Campaign:
    return make_campaign()


CAMPAIGN_PAGES = ["/campaigns/", "/campaigns/new/", "/campaigns/{pk}/", "/campaigns/{pk}/edit/"]


@pytest.mark.parametrize("page", CAMPAIGN_PAGES)
def test_agents_cannot_open_campaign_pages(agent_client, campaign, page):
    assert agent_client.get(page.format(pk=campaign.pk)).status_code in (403, 404)


@pytest.mark.parametrize("persona", ["manager_client", "admin_client"])
@pytest.mark.parametrize("page", CAMPAIGN_PAGES)
def test_managers_and_administrators_open_campaign_pages(request, persona, campaign, page):
    client = request.getfixturevalue(persona)

    assert client.get(page.format(pk=campaign.pk)).status_code == 200


def test_agents_cannot_change_a_campaign(agent_client, campaign):
    responses = [
        agent_client.post("/campaigns/new/", {"name": "Sneaky"}),
        agent_client.post(f"/campaigns/{campaign.pk}/edit/", {"name": "Sneaky"}),
        agent_client.post(f"/campaigns/{campaign.pk}/status/", {"status": "active"}),
    ]

    assert all(r.status_code in (403, 404) for r in responses)
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status) == ("Failed payments", "draft")
    assert Campaign.objects.count() == 1


def test_a_missing_campaign_is_404(manager_client):
    assert manager_client.get("/campaigns/999/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "menu"),
    [
        ("agent_client", ["Call Center"]),
        (
            "manager_client",
            [
                "Call Center",
                "Appointments",
                "Outbox",
                "Donors",
                "Campaigns",
                "Teams",
                "Live",
                "Calls",
                "Reports",
            ],
        ),
        (
            "admin_client",
            [
                "Call Center",
                "Appointments",
                "Outbox",
                "Donors",
                "Campaigns",
                "Teams",
                "Live",
                "Calls",
                "Reports",
                "Settings",
            ],
        ),
    ],
)
def test_menu_shows_campaigns_and_teams_to_managers_in_the_seeds_order(request, persona, menu):
    response = request.getfixturevalue(persona).get("/")

    assert [section.label for section in response.context["nav_sections"]] == menu


# API


@pytest.fixture
def api(manager) -> Client:
    token = create_api_token(manager, name="CRM sync", by=None)
    return Client(headers={"Authorization": f"Bearer {token}"}, enforce_csrf_checks=True)


def test_api_creates_reads_changes_and_pauses_a_campaign(api, manager):
    created = api.post(
        "/api/v1/campaigns",
        {"name": "Welcome calls", "purpose": "service", "calling_days": [0, 1, 2, 3, 4]},
        content_type="application/json",
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["status"], body["purpose"]) == ("Welcome calls", "draft", "service")
    assert (body["calling_starts"], body["calling_ends"]) == ("09:00:00", "21:00:00")
    assert (body["max_attempts"], body["no_answer_delay_minutes"]) == (6, 240)
    assert body["calling_days"] == [0, 1, 2, 3, 4]
    pk = body["id"]
    assert Campaign.objects.get(pk=pk).created_by == manager

    changed = api.patch(
        f"/api/v1/campaigns/{pk}", {"max_attempts": 3, "caller_id": "020 7946 0000"},
        content_type="application/json",
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert (changed.json()["max_attempts"], changed.json()["caller_id"]) == (3, "+442079460000")
    assert changed.json()["calling_days"] == [0, 1, 2, 3, 4]  # untouched

    for value in ("active", "paused"):
        moved = api.post(
            f"/api/v1/campaigns/{pk}/status", {"status": value}, content_type="application/json"
        )
        assert moved.json()["status"] == value

    listed = api.get("/api/v1/campaigns").json()
    assert [c["name"] for c in listed] == ["Welcome calls"]
    assert api.get(f"/api/v1/campaigns/{pk}").json()["status"] == "paused"


def assert_error(response, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]


def test_api_refuses_a_premium_rate_caller_id_naming_the_field(api):
    response = api.post(
        "/api/v1/campaigns", {"name": "X", "purpose": "fundraising", "caller_id": PREMIUM},
        content_type="application/json",
    )  # fmt: skip

    assert_error(response, 400, "premium_rate_caller_id", "caller_id")
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"purpose": "astrology"}, "invalid_input", "purpose"),
        ({"max_attempts": 0}, "invalid_input", "max_attempts"),
        ({"calling_ends": "22:00"}, "invalid_input", "calling_ends"),
        ({"calling_days": [7]}, "invalid_input", "calling_days"),
        ({"dialling_mode": "predictive"}, "invalid_input", "dialling_mode"),
        ({"script": "Hi {nickname}"}, "unknown_merge_field", "script"),
        ({"no_answer_delay_minutes": None}, "invalid_input", "no_answer_delay_minutes"),
    ],
)
def test_api_refuses_bad_settings_naming_the_field(api, payload, code, field):
    pk = make_campaign().pk

    response = api.patch(f"/api/v1/campaigns/{pk}", payload, content_type="application/json")

    assert_error(response, 400, code, field)
    assert Campaign.objects.get().max_attempts == 6


def test_api_says_an_archived_campaign_stays_archived(api, manager):
    campaign = make_campaign()
    actions.change_campaign_status(campaign, status="archived", by=manager)

    response = api.post(
        f"/api/v1/campaigns/{campaign.pk}/status", {"status": "active"},
        content_type="application/json",
    )  # fmt: skip

    assert_error(response, 409, "campaign_archived", "status")


def test_api_refuses_agents(agent, campaign):
    token = create_api_token(agent, name="softphone", by=None)
    client = Client(headers={"Authorization": f"Bearer {token}"})

    assert_error(client.get("/api/v1/campaigns"), 403, "forbidden", None)
    assert_error(client.get(f"/api/v1/campaigns/{campaign.pk}"), 403, "forbidden", None)


def test_api_campaign_list_takes_the_same_queries_for_2_and_10(api):
    api.get("/api/v1/me")  # the token's first use is recorded once
    for i in range(2):
        make_campaign(f"Campaign {i}")
    with CaptureQueriesContext(connection) as two:
        api.get("/api/v1/campaigns")
    for i in range(2, 10):
        make_campaign(f"Campaign {i}")
    with CaptureQueriesContext(connection) as ten:
        assert len(api.get("/api/v1/campaigns").json()) == 10

    assert len(two) == len(ten)
