"""CSV export of donors for managers: a POST, streamed, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from donorcall.donors.models import Donor
from donorcall.donors.queries import EXPORT_COLUMNS
from donorcall.lib.spreadsheet import safe_cell
from tests.factories import AddressFactory, DonorFactory, EmailAddressFactory, PhoneNumberFactory


@pytest.fixture
def ada(db) -> Donor:
    donor = DonorFactory(reference="D00000001", first_name="Ada", last_name="Lovelace")
    PhoneNumberFactory(donor=donor, number="+447700900123")
    EmailAddressFactory(donor=donor, email="ada@example.org")
    AddressFactory(donor=donor, line1="1 Analytical Row", city="London", postcode="N1 1AA")
    return donor


@pytest.fixture
def grace(db) -> Donor:
    return DonorFactory(reference="D00000002", first_name="Grace", last_name="Hopper")


def export(client, search_text: str | None = None):
    data = {} if search_text is None else {"search_text": search_text}
    return client.post("/donors/export/", data)


def rows_of(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_manager_exports_every_donor_as_csv(manager_client, ada, grace):
    response = export(manager_client)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="donors-')
    text = b"".join(response.streaming_content).decode()
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == EXPORT_COLUMNS
    assert [line[0] for line in lines[1:]] == ["D00000001", "D00000002"]


def test_export_carries_the_primary_contact_details(manager_client, ada):
    PhoneNumberFactory(donor=ada, number="+447700900999", is_primary=False)

    (row,) = rows_of(export(manager_client))

    assert (row["first_name"], row["last_name"], row["status"]) == ("Ada", "Lovelace", "active")
    assert row["phone"] == "'+447700900123"  # E.164 starts with +, so it is neutralised
    assert row["email"] == "ada@example.org"
    assert (row["address_line1"], row["address_city"], row["address_postcode"]) == (
        "1 Analytical Row",
        "London",
        "N1 1AA",
    )


def test_export_leaves_out_removed_numbers(manager_client, manager, ada):
    number = ada.phone_numbers.get()
    manager_client.post(f"/donors/{ada.pk}/phone/{number.pk}/remove/", {"reason": "Wrong"})

    (row,) = rows_of(export(manager_client))

    assert row["phone"] == ""


def test_export_with_search_text_exports_only_the_search_result(manager_client, ada, grace):
    rows = rows_of(export(manager_client, "07700 900123"))

    assert [row["reference"] for row in rows] == ["D00000001"]
    assert [row["reference"] for row in rows_of(export(manager_client, "hopper"))] == ["D00000002"]


def test_export_of_a_search_with_no_match_has_only_the_header(manager_client, ada):
    assert rows_of(export(manager_client, "nobody")) == []


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [
        ('=HYPERLINK("http://x")', "Smith"),
        ("Ann", "@SUM(A1:A9)"),
        ("Ann", "-2+3"),
        ("Ann", "+1 Smith"),
    ],
)
def test_formula_like_names_come_out_as_text(manager_client, db, first_name, last_name):
    DonorFactory(first_name=first_name, last_name=last_name)

    (row,) = rows_of(export(manager_client))

    assert row["first_name"] == safe_cell(first_name)
    assert row["last_name"] == safe_cell(last_name)
    assert row["first_name"].startswith("'") or row["last_name"].startswith("'")


def test_a_hyperlink_formula_is_prefixed_with_an_apostrophe(manager_client, db):
    DonorFactory(first_name='=HYPERLINK("http://x")', last_name="-Smith")

    (row,) = rows_of(export(manager_client))

    assert row["first_name"] == '\'=HYPERLINK("http://x")'
    assert row["last_name"] == "'-Smith"


def test_export_is_a_post(manager_client, ada):
    assert manager_client.get("/donors/export/").status_code == 405


def test_agent_cannot_export(agent_client, ada):
    assert export(agent_client).status_code == 403


def test_export_buttons_post_the_search_text(manager_client, ada):
    page = manager_client.post("/donors/", {"q": "ada"}).content.decode()

    assert 'action="/donors/export/"' in page
    assert 'name="search_text" value="ada"' in page


@pytest.mark.parametrize("count", [3, 30])
def test_export_streams_with_a_bounded_number_of_queries(
    manager_client, db, django_assert_max_num_queries, count
):
    for _ in range(count):
        donor = DonorFactory()
        PhoneNumberFactory(donor=donor)
        EmailAddressFactory(donor=donor)
        AddressFactory(donor=donor)
    export(manager_client)  # warm up: session and permission caches

    # session, user, the user's and groups' permissions, and one query for every row
    with django_assert_max_num_queries(5):
        rows = rows_of(export(manager_client))

    assert len(rows) == count


# safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+447700900123", "'+447700900123"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Ada", "Ada"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell
