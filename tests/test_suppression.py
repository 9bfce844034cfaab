"""The suppression ledger: keyed by the number, not the donor; added by hand or from a
screening file; lifted only by an administrator, with a reason, and kept as history."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from donorcall.donors import actions
from donorcall.donors.models import Donor, DonorEvent, Suppression
from tests.factories import DonorFactory, EmailAddressFactory, PhoneNumberFactory

HOUSEHOLD = "+447700900123"
SCREENING_FILE = (
    "# TPS screening, March\n"  # line 1
    "07700 900123\n"  # line 2
    "\n"  # line 3
    "+44 7700 900123\n"  # line 4
    '"(0)7700-900123"\n'  # line 5
    "not a number\n"  # line 6
    "   \n"  # line 7
)


@pytest.fixture
def ada(db) -> Donor:
    donor = DonorFactory(first_name="Ada", last_name="Lovelace")
    PhoneNumberFactory(donor=donor, number=HOUSEHOLD)
    return donor


@pytest.fixture
def byron(db) -> Donor:
    """Ada's household: the same landline on another record."""
    donor = DonorFactory(first_name="Byron", last_name="Lovelace")
    PhoneNumberFactory(donor=donor, number=HOUSEHOLD)
    return donor


def add(client, value: str, kind: str = "phone", reason: str = "manual", source: str = ""):
    data = {"kind": kind, "value": value, "reason": reason, "source": source}
    return client.post("/donors/suppressions/add/", data)


def upload(client, text: str = SCREENING_FILE, reason: str = "tps"):
    file = SimpleUploadedFile("tps-march.txt", text.encode(), content_type="text/plain")
    data = {"file": file, "reason": reason, "source": "TPS screening, March 2026"}
    return client.post("/donors/suppressions/screening/", data)


def search(client, value: str = "", reason: str = ""):
    return client.post("/donors/suppressions/", {"search": "1", "value": value, "reason": reason})


def listed(response) -> list[Suppression]:
    return list(response.context["page"].object_list)


# One number, every record


def test_a_number_suppressed_for_one_donor_is_suppressed_on_another_with_the_same_number(
    manager_client, manager, ada, byron
):
    actions.suppress("phone", "07700 900123", reason="do_not_call", donor=ada, by=manager)

    response = manager_client.get(f"/donors/{byron.pk}/")

    assert [entry.reason for entry in response.context["suppressed"][HOUSEHOLD]] == ["do_not_call"]
    assert "Suppressed: Donor asked not to be contacted" in response.content.decode()


def test_a_donor_with_another_number_is_not_shown_as_suppressed(manager_client, manager, ada):
    other = DonorFactory()
    PhoneNumberFactory(donor=other, number="+447700900999")
    actions.suppress("phone", HOUSEHOLD, reason="do_not_call", donor=ada, by=manager)

    response = manager_client.get(f"/donors/{other.pk}/")

    assert response.context["suppressed"] == {}
    assert "Suppressed" not in response.content.decode()


def test_every_donor_with_the_number_gets_one_history_line(manager_client, manager, ada, byron):
    stranger = DonorFactory()
    PhoneNumberFactory(donor=stranger, number="+447700900999")

    add(manager_client, "07700 900123", reason="do_not_call")

    for donor in (ada, byron):
        event = DonorEvent.objects.get(donor=donor, kind="suppressed")
        assert event.actor == manager
        assert event.summary == "Phone number suppressed: Donor asked not to be contacted"
        history = manager_client.get(f"/donors/{donor.pk}/").context["history"]
        assert event in history
    assert not DonorEvent.objects.filter(donor=stranger, kind="suppressed").exists()


# Adding by hand


def test_manager_adds_a_number_by_hand_normalised(manager_client, manager, ada):
    response = add(manager_client, "07700 900123", source="Letter of 2 March")

    assert response.status_code == 302
    assert response.url == "/donors/suppressions/"
    entry = Suppression.objects.get()
    assert (entry.kind, entry.value, entry.reason, entry.source) == (
        "phone",
        HOUSEHOLD,
        "manual",
        "Letter of 2 March",
    )
    assert entry.created_by == manager
    assert entry.lifted_at is None


def test_the_same_number_in_three_formats_is_one_entry(manager_client, db):
    for value in ("07700 900123", "+44 7700 900123", "(0)7700-900123"):
        assert add(manager_client, value).status_code == 302

    assert list(Suppression.objects.values_list("value", flat=True)) == [HOUSEHOLD]


def test_an_email_is_added_in_lower_case(manager_client, db):
    EmailAddressFactory(email="ada@example.org")

    add(manager_client, " Ada@Example.ORG ", kind="email")
    add(manager_client, "ada@example.org", kind="email")

    entry = Suppression.objects.get()
    assert (entry.kind, entry.value) == ("email", "ada@example.org")


@pytest.mark.parametrize(
    ("kind", "value"), [("phone", "0770"), ("phone", "call me"), ("email", "not-an-email")]
)
def test_a_bad_value_is_refused_naming_the_field(manager_client, db, kind, value):
    response = add(manager_client, value, kind=kind)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["value"]
    assert not Suppression.objects.exists()


def test_a_card_number_in_the_source_is_refused(manager_client, db):
    response = add(manager_client, "07700 900123", source="4111 1111 1111 1111")

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["source"]
    assert not Suppression.objects.exists()


# Screening files


def test_screening_file_adds_one_entry_per_number_and_reports_bad_lines(
    manager_client, manager, ada
):
    response = upload(manager_client)

    assert response.status_code == 200
    entry = Suppression.objects.get()
    assert (entry.kind, entry.value, entry.reason, entry.source, entry.created_by) == (
        "phone",
        HOUSEHOLD,
        "tps",
        "TPS screening, March 2026",
        manager,
    )
    report = response.context["report"]
    assert (report.lines, report.added, report.already_suppressed, report.donors_affected) == (
        4,
        1,
        0,
        1,
    )
    assert report.invalid == [(6, "not a valid phone number")]
    html = response.content.decode()
    assert "line 6: not a valid phone number" in html
    assert DonorEvent.objects.get(donor=ada, kind="suppressed").actor == manager


def test_the_same_screening_file_again_adds_nothing(manager_client, ada):
    upload(manager_client)

    response = upload(manager_client)

    assert Suppression.objects.count() == 1
    report = response.context["report"]
    assert (report.added, report.already_suppressed) == (0, 1)
    html = response.content.decode()
    assert re.search(r"<dt>Already on the list</dt><dd>1</dd>", html)
    assert re.search(r"<dt>Added to the list</dt><dd><strong>0</strong></dd>", html)
    assert DonorEvent.objects.filter(donor=ada, kind="suppressed").count() == 1


def test_screening_upload_without_a_file_names_the_field(manager_client, db):
    response = manager_client.post(
        "/donors/suppressions/screening/", {"reason": "tps", "source": "x"}
    )

    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not Suppression.objects.exists()


def test_screening_page_renders_for_a_manager(manager_client, db):
    response = manager_client.get("/donors/suppressions/screening/")

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


# Lifting


@pytest.fixture
def entry(manager, ada) -> Suppression:
    return actions.suppress("phone", HOUSEHOLD, reason="do_not_call", donor=ada, by=manager)


def lift(client, entry: Suppression, reason: str = "Donor asked to be called again"):
    return client.post(f"/donors/suppressions/{entry.pk}/lift/", {"reason": reason})


def test_administrator_lifts_a_suppression_which_stays_on_the_list(
    admin_client, admin, entry, ada, byron
):
    response = lift(admin_client, entry)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.lifted_at is not None
    assert entry.lifted_by == admin
    assert entry.lifted_reason == "Donor asked to be called again"
    assert listed(admin_client.get("/donors/suppressions/")) == [entry]
    assert admin_client.get(f"/donors/{ada.pk}/").context["suppressed"] == {}
    for donor in (ada, byron):
        event = DonorEvent.objects.get(donor=donor, kind="suppression_lifted")
        assert event.actor == admin


def test_lifting_needs_a_reason(admin_client, entry):
    response = lift(admin_client, entry, reason="   ")

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.lifted_at is None
    page = admin_client.get("/donors/suppressions/").content.decode()
    assert "Say why the suppression is being lifted." in page


def test_an_erasure_suppression_cannot_be_lifted(admin_client, admin, db):
    erased = actions.suppress("phone", HOUSEHOLD, reason="erasure", by=admin)

    lift(admin_client, erased)

    erased.refresh_from_db()
    assert erased.lifted_at is None
    page = admin_client.get("/donors/suppressions/").content.decode()
    assert "permanent and cannot be lifted" in page
    assert f"/donors/suppressions/{erased.pk}/lift/" not in page


def test_manager_cannot_lift(manager_client, entry):
    response = lift(manager_client, entry)

    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.lifted_at is None
    page = manager_client.get("/donors/suppressions/").content.decode()
    assert f"/donors/suppressions/{entry.pk}/lift/" not in page


def test_administrator_sees_the_lift_form(admin_client, entry):
    page = admin_client.get("/donors/suppressions/").content.decode()

    assert f"/donors/suppressions/{entry.pk}/lift/" in page


# Who may see the list


def test_manager_views_the_list(manager_client, entry):
    response = manager_client.get("/donors/suppressions/")

    assert response.status_code == 200
    assert listed(response) == [entry]
    assert "07700 900123" in response.content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/donors/suppressions/"),
        ("post", "/donors/suppressions/"),
        ("post", "/donors/suppressions/add/"),
        ("get", "/donors/suppressions/screening/"),
    ],
)
def test_agent_cannot_use_the_suppression_list(agent_client, db, method, path):
    response = getattr(agent_client, method)(path, {"value": "07700 900123", "kind": "phone"})

    assert response.status_code == 403
    assert not Suppression.objects.exists()


def test_agent_cannot_lift(agent_client, entry):
    assert lift(agent_client, entry).status_code == 403


# Searching the list


@pytest.mark.parametrize(
    "value", ["07700 900123", "+44 7700 900123", "(0)7700-900123", "+447700900123"]
)
def test_search_finds_a_number_typed_in_any_format(manager_client, manager, entry, value):
    actions.suppress("phone", "+447700900999", reason="tps", by=manager)

    response = search(manager_client, value)

    assert response.status_code == 200
    assert listed(response) == [entry]


def test_search_finds_an_email_in_any_case(manager_client, manager, entry):
    email = actions.suppress("email", "ada@example.org", reason="do_not_call", by=manager)

    assert listed(search(manager_client, "ADA@example.org")) == [email]


def test_search_by_reason(manager_client, manager, entry):
    tps = actions.suppress("phone", "+447700900999", reason="tps", by=manager)

    assert listed(search(manager_client, reason="tps")) == [tps]


def test_search_with_no_match_says_so(manager_client, entry):
    response = search(manager_client, "07700 900555")

    assert listed(response) == []
    assert "Nothing on the list matches." in response.content.decode()


def test_search_is_a_post_and_ignores_the_url(manager_client, manager, entry):
    tps = actions.suppress("phone", "+447700900999", reason="tps", by=manager)

    response = manager_client.get("/donors/suppressions/?value=07700900123")

    form = re.search(r'<form[^>]*role="search"[^>]*>', response.content.decode())
    assert form is not None
    assert 'method="post"' in form.group(0)
    assert listed(response) == [tps, entry]
