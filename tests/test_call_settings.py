"""Settings › Skip reasons, Break reasons, Ended reasons and dispositions: the lists
administrators keep for the Call Center. Nothing is ever deleted; the five ended reasons are
built in and only their descriptions change."""

import pytest

from donorcall.campaigns import actions, queries
from donorcall.campaigns.models import (
    BreakReason,
    Disposition,
    EndedReason,
    EndedReasonCode,
    SkipReason,
)
from donorcall.lib.cards import CARD_MESSAGE

CARD = "4111 1111 1111 1111"
SEEDS_ORDER = ["Concluded", "Do not call", "No answer", "Not available", "Wrong number"]


def reason(code: str) -> EndedReason:
    return EndedReason.objects.get(code=code)


def section(html: str, code: str) -> str:
    """The part of the ended-reasons page about one ended reason."""
    start = html.index(f'id="{code}"')
    end = html.find('<section class="panel" id="', start + 1)
    return html[start : end if end > 0 else len(html)]


# Ended reasons


def test_the_five_ended_reasons_of_the_seeds_are_listed_in_order_with_their_dispositions(
    admin_client,
):
    response = admin_client.get("/settings/ended-reasons/")

    assert response.status_code == 200
    reasons = list(response.context["ended_reasons"])
    assert [str(r) for r in reasons] == SEEDS_ORDER
    html = response.content.decode()
    assert "Donation made" in section(html, "concluded")
    assert "Account not answering" in section(html, "wrong_number")
    assert "Account not answering" not in section(html, "concluded")


def test_an_ended_reason_keeps_its_name_and_code_and_only_its_description_changes(admin_client):
    no_answer = reason(EndedReasonCode.NO_ANSWER)

    response = admin_client.post(
        f"/settings/ended-reasons/{no_answer.pk}/",
        {"description": "Rings out: tried again later.", "code": "concluded", "name": "Gone"},
    )

    assert response.status_code == 302
    assert response.url == "/settings/ended-reasons/#no_answer"
    no_answer.refresh_from_db()
    assert no_answer.description == "Rings out: tried again later."
    assert (no_answer.code, str(no_answer)) == ("no_answer", "No answer")
    assert EndedReason.objects.count() == 5


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "path", ["/settings/ended-reasons/new/", "/settings/ended-reasons/{pk}/delete/"]
)
def test_there_is_no_way_to_add_or_remove_an_ended_reason(admin_client, method, path):
    concluded = reason(EndedReasonCode.CONCLUDED)

    response = getattr(admin_client, method)(path.format(pk=concluded.pk))

    assert response.status_code == 404
    assert set(EndedReason.objects.values_list("code", flat=True)) == set(EndedReasonCode.values)


def test_an_ended_reason_description_refuses_a_card_number(admin_client):
    concluded = reason(EndedReasonCode.CONCLUDED)

    response = admin_client.post(
        f"/settings/ended-reasons/{concluded.pk}/", {"description": f"Paid with {CARD}"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"description": [CARD_MESSAGE]}
    assert CARD not in response.content.decode()
    concluded.refresh_from_db()
    assert CARD not in concluded.description


# Dispositions


def test_a_disposition_added_under_wrong_number_shows_only_there(admin_client):
    wrong_number = reason(EndedReasonCode.WRONG_NUMBER)

    response = admin_client.post(
        f"/settings/ended-reasons/{wrong_number.pk}/dispositions/new/",
        {"name": "Number belongs to someone else", "is_active": "on"},
        follow=True,
    )

    assert response.redirect_chain == [("/settings/ended-reasons/#wrong_number", 302)]
    assert "Disposition Wrong number → Number belongs to someone else saved." in (
        response.content.decode()
    )
    added = Disposition.objects.get(name="Number belongs to someone else")
    assert (added.ended_reason, added.is_success, added.is_active) == (wrong_number, False, True)
    assert added.position == 2  # after Account not answering and Ended
    html = response.content.decode()
    assert "Number belongs to someone else" in section(html, "wrong_number")
    for code in ("concluded", "do_not_call", "no_answer", "not_available"):
        assert "Number belongs to someone else" not in section(html, code)
    assert [d.name for d in queries.active_dispositions(wrong_number)] == [
        "Account not answering",
        "Ended",
        "Number belongs to someone else",
    ]
    assert not queries.active_dispositions(reason(EndedReasonCode.NO_ANSWER)).exists()


def test_a_disposition_counts_as_a_success_when_ticked(admin_client):
    concluded = reason(EndedReasonCode.CONCLUDED)

    admin_client.post(
        f"/settings/ended-reasons/{concluded.pk}/dispositions/new/",
        {"name": "Regular gift set up", "is_success": "on", "is_active": "on"},
    )

    assert Disposition.objects.get(name="Regular gift set up").is_success


def test_the_same_disposition_name_may_live_under_two_ended_reasons_but_not_twice_under_one(
    admin_client,
):
    concluded = reason(EndedReasonCode.CONCLUDED)
    no_answer = reason(EndedReasonCode.NO_ANSWER)

    ok = admin_client.post(
        f"/settings/ended-reasons/{no_answer.pk}/dispositions/new/", {"name": "Declined"}
    )
    clash = admin_client.post(
        f"/settings/ended-reasons/{concluded.pk}/dispositions/new/", {"name": "declined"}
    )

    assert ok.status_code == 302
    assert clash.status_code == 400
    errors = clash.context["form"].errors
    assert errors == {"name": ["A disposition with that name already exists."]}
    assert Disposition.objects.filter(name__iexact="declined").count() == 2


def test_retiring_a_disposition_keeps_it_and_hides_it_from_agents(admin_client):
    declined = Disposition.objects.get(name="Declined")

    response = admin_client.post(
        f"/settings/dispositions/{declined.pk}/", {"name": "Declined", "is_success": ""}
    )

    assert response.status_code == 302
    declined.refresh_from_db()
    assert not declined.is_active
    assert Disposition.objects.filter(pk=declined.pk).exists()
    concluded = reason(EndedReasonCode.CONCLUDED)
    assert declined not in queries.active_dispositions(concluded)
    page = admin_client.get("/settings/ended-reasons/").content.decode()
    assert "Retired" in section(page, "concluded")


def test_renaming_a_disposition_keeps_its_ended_reason(admin_client):
    ended = Disposition.objects.get(name="Ended")
    concluded = reason(EndedReasonCode.CONCLUDED)

    admin_client.post(
        f"/settings/dispositions/{ended.pk}/",
        {"name": "Line dead", "is_active": "on", "ended_reason": concluded.pk},
    )

    ended.refresh_from_db()
    assert (ended.name, ended.ended_reason.code) == ("Line dead", "wrong_number")


def test_dispositions_are_reordered_within_their_ended_reason(admin_client):
    concluded = reason(EndedReasonCode.CONCLUDED)
    updated = Disposition.objects.get(name="Details updated")

    admin_client.post(f"/settings/dispositions/{updated.pk}/move/", {"direction": "up"})
    response = admin_client.post(f"/settings/dispositions/{updated.pk}/move/", {"direction": "up"})

    assert response.status_code == 302
    assert response.url == "/settings/ended-reasons/#concluded"
    assert [d.name for d in queries.active_dispositions(concluded)] == [
        "Details updated",
        "Donation made",
        "Declined",
    ]
    wrong = [d.name for d in queries.active_dispositions(reason(EndedReasonCode.WRONG_NUMBER))]
    assert wrong == ["Account not answering", "Ended"]


def test_moving_the_first_disposition_up_changes_nothing(admin_client):
    concluded = reason(EndedReasonCode.CONCLUDED)
    first = Disposition.objects.get(name="Donation made")

    admin_client.post(f"/settings/dispositions/{first.pk}/move/", {"direction": "up"})

    names = [d.name for d in queries.active_dispositions(concluded)]
    assert names == ["Donation made", "Declined", "Details updated"]


# Skip and break reasons


@pytest.mark.parametrize(
    ("path", "model"),
    [("/settings/skip-reasons/", SkipReason), ("/settings/break-reasons/", BreakReason)],
)
def test_admin_adds_renames_reorders_and_retires_a_reason(admin_client, path, model):
    empty = admin_client.get(path)
    assert "Add the first one" in empty.content.decode()

    admin_client.post(f"{path}new/", {"name": "Lunch", "is_active": "on"})
    admin_client.post(f"{path}new/", {"name": "Training", "is_active": "on"})
    training = model.objects.get(name="Training")
    admin_client.post(f"{path}{training.pk}/move/", {"direction": "up"})
    response = admin_client.post(f"{path}{training.pk}/", {"name": "Team training"}, follow=True)

    assert response.redirect_chain == [(path, 302)]
    rows = [(r.name, r.is_active) for r in model.objects.order_by("position")]
    assert rows == [("Team training", False), ("Lunch", True)]
    html = response.content.decode()
    assert "Team training" in html and "Retired" in html


@pytest.mark.parametrize("path", ["/settings/skip-reasons/new/", "/settings/break-reasons/new/"])
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("  ", "This field is required."),
        ("lunch", "with that name already exists."),
        (f"Card {CARD}", CARD_MESSAGE),
    ],
)
def test_a_reason_needs_a_new_name_without_card_numbers(admin_client, path, name, message):
    model = SkipReason if "skip" in path else BreakReason
    model.objects.create(name="Lunch")

    response = admin_client.post(path, {"name": name, "is_active": "on"})

    assert response.status_code == 400
    [error] = response.context["form"].errors["name"]
    assert message in error
    assert model.objects.count() == 1


def test_active_skip_and_break_reasons_are_what_agents_choose_from(db, admin):
    lunch = actions.save_break_reason(None, name="Lunch", by=admin)
    actions.save_break_reason(None, name="Old reason", is_active=False, by=admin)
    busy = actions.save_skip_reason(None, name="Donor called yesterday", by=admin)

    assert list(queries.active_break_reasons()) == [lunch]
    assert list(queries.active_skip_reasons()) == [busy]


# Who may change them


SETTINGS_PAGES = [
    "/settings/skip-reasons/",
    "/settings/skip-reasons/new/",
    "/settings/break-reasons/",
    "/settings/break-reasons/new/",
    "/settings/ended-reasons/",
    "/settings/ended-reasons/{ended}/",
    "/settings/ended-reasons/{ended}/dispositions/new/",
    "/settings/dispositions/{disposition}/",
]


@pytest.mark.parametrize("persona", ["agent_client", "manager_client"])
@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_only_administrators_open_the_call_settings(request, persona, page):
    client = request.getfixturevalue(persona)
    ids = {"ended": reason("concluded").pk, "disposition": Disposition.objects.first().pk}

    assert client.get(page.format(**ids)).status_code == 403
    assert client.post(page.format(**ids), {"name": "Sneaky", "description": "x"}).status_code in (
        403,
        404,
    )
    assert not Disposition.objects.filter(name="Sneaky").exists()
    assert not SkipReason.objects.exists()


@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_administrators_open_every_call_settings_page(admin_client, page):
    ids = {"ended": reason("concluded").pk, "disposition": Disposition.objects.first().pk}

    assert admin_client.get(page.format(**ids)).status_code == 200


def test_the_settings_page_links_to_the_call_settings(admin_client):
    html = admin_client.get("/settings/staff/").content.decode()

    for url in ("/settings/skip-reasons/", "/settings/break-reasons/", "/settings/ended-reasons/"):
        assert f'href="{url}"' in html
