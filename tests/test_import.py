"""Donor import: the file → staging → one merge, through the action, the pages, the worker and
the command line. Every problem is "line N, column <header>: <reason>", never the value."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from donorcall.donors import actions
from donorcall.donors.actions import AddressDetails, DonorDetails
from donorcall.donors.importing import runner
from donorcall.donors.importing.fields import guess_mapping, import_fields
from donorcall.donors.importing.jobs import run_next_import, start_import
from donorcall.donors.importing.numbers import NumberCache
from donorcall.donors.importing.reader import read_headers
from donorcall.donors.importing.runner import run_import
from donorcall.donors.models import (
    Address,
    ColumnMapping,
    ConsentEvent,
    ConsentState,
    Donor,
    DonorEvent,
    EmailAddress,
    ImportJob,
    ImportMode,
    ImportStatus,
    PhoneNumber,
    Suppression,
)
from donorcall.giving.models import Donation
from donorcall.lib import phone
from donorcall.lib.errors import InvalidInput
from tests.factories import DonorFactory, EmailAddressFactory, PhoneNumberFactory

HEADER = [
    "Reference",
    "First name",
    "Surname",
    "Phone",
    "Email",
    "Address 1",
    "Town",
    "Postcode",
    "Country",
]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def write_csv(tmp_path: Path, rows: list[list[str]], name: str = "donors.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def import_file(
    path: Path, *, mode: str = ImportMode.ALL_OR_NOTHING, mapping: dict | None = None, by=None
) -> ImportJob:
    mapping = mapping or guess_mapping(read_headers(path), import_fields())
    job = start_import(
        path, original_name=path.name, mapping=mapping, mode=mode, queue=False, by=by
    )
    return run_import(job, workers=0)


def messages(job: ImportJob, level: str = "error") -> list[str]:
    return [
        f"line {p['line']}, column {p['column']}: {p['reason']}"
        for p in job.errors
        if p["level"] == level
    ]


def snapshot() -> dict[str, int]:
    models = [
        Donor,
        PhoneNumber,
        EmailAddress,
        Address,
        ConsentEvent,
        ConsentState,
        Donation,
        DonorEvent,
        Suppression,
    ]
    return {model.__name__: model.objects.count() for model in models}


def full_file(tmp_path: Path) -> Path:
    """Two donors with everything an import can carry."""
    return write_csv(
        tmp_path,
        [
            [
                "Reference",
                "Title",
                "First name",
                "Surname",
                "Phone",
                "Mobile",
                "Email",
                "Address 1",
                "Town",
                "County",
                "Postcode",
                "Country",
                "consent_phone_fundraising",
                "consent_email_marketing",
                "Last gift amount",
                "Last gift date",
                "Payment method",
                "Gift Aid",
            ],
            [
                "R001",
                "Ms",
                "Ada",
                "Lovelace",
                "07700 900123",
                "07700 900124",
                "Ada@Example.org",
                "1 High Street",
                "Leeds",
                "",
                "ls1 1aa",
                "UK",
                "yes",
                "granted",
                "£25.50",
                "31/01/2024",
                "Cheque",
                "yes",
            ],
            [
                "R002",
                "",
                "Grace",
                "Hopper",
                "+1 (212) 555-0123",
                "",
                "grace@example.org",
                "2 Main Street",
                "New York",
                "NY",
                "10001",
                "US",
                "no",
                "",
                "10",
                "2024-02-01",
                "",
                "",
            ],
        ],
    )


# The must-shows


def test_one_suppressed_number_in_three_formats_is_flagged_on_all_three_rows(db, tmp_path):
    actions.suppress("phone", "07700 900123", reason="tps", source="TPS file", by=None)
    path = write_csv(
        tmp_path,
        [
            ["Reference", "Surname", "Phone"],
            ["R1", "One", "07700 900123"],
            ["R2", "Two", "+44 7700 900123"],
            ["R3", "Three", "(0)7700-900123"],
        ],
    )

    job = import_file(path)

    assert job.status == ImportStatus.DONE
    assert job.suppressed_numbers == 3
    assert messages(job, "warning") == [
        f"line {n}, column Phone: number is on the suppression list (TPS)" for n in (2, 3, 4)
    ]
    # the record is right, so the numbers are imported; the dialler reads the ledger
    assert PhoneNumber.objects.filter(number="+447700900123").count() == 3


def test_a_bad_row_is_reported_by_line_and_column_without_its_value(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            ["ref", "surname", "phone"],
            ["R1", "Good", "07700 900123"],
            ["R2", "Bad", "0770 09"],
        ],
    )

    job = import_file(path)

    assert job.status == ImportStatus.REJECTED
    assert messages(job) == [
        "line 3, column phone: not a valid phone number (include the country code, e.g. +44 "
        "or +1, if it is not a GB number)"
    ]
    assert "0770 09" not in json.dumps(job.errors)


def test_all_or_nothing_leaves_the_database_unchanged_when_one_row_is_bad(db, tmp_path):
    ada = DonorFactory(reference="R001", first_name="Ada", last_name="Lovelace")
    before = snapshot()
    path = write_csv(
        tmp_path,
        [
            HEADER,
            ["R001", "Augusta", "Lovelace", "07700 900999", "", "", "", "", ""],
            ["", "Grace", "Hopper", "07700 900123", "grace@example.org", "", "", "", ""],
            ["", "Alan", "Turing", "07700 900124", "not an email", "", "", "", ""],
        ],
    )

    job = import_file(path)

    assert job.status == ImportStatus.REJECTED
    assert messages(job) == ["line 4, column Email: not a valid email address"]
    assert "Nothing was imported" in job.message
    assert snapshot() == before
    ada.refresh_from_db()
    assert ada.first_name == "Ada"


def test_reimporting_the_same_file_changes_nothing(db, tmp_path):
    path = full_file(tmp_path)
    first = import_file(path)
    after_first = snapshot()

    second = import_file(path)

    assert (first.donors_created, second.donors_created) == (2, 0)
    assert second.status == ImportStatus.DONE
    assert (second.donors_updated, second.donors_unchanged) == (0, 2)
    assert snapshot() == after_first


def test_an_erased_donors_number_stays_suppressed_when_it_comes_back(db, tmp_path, admin):
    donor = actions.create_donor(
        DonorDetails(first_name="Ada", last_name="Lovelace"),
        phone_number="07700 900123",
        by=admin,
    )
    actions.erase_donor(donor, reason="request", by=admin)
    path = write_csv(tmp_path, [["Surname", "Phone"], ["Newcomer", "+44 7700 900123"]])

    job = import_file(path)

    assert job.status == ImportStatus.DONE
    assert job.suppressed_numbers == 1
    assert messages(job, "warning") == [
        "line 2, column Phone: number is on the suppression list (erasure)"
    ]
    assert Suppression.objects.filter(value="+447700900123", lifted_at=None).exists()


# Mapping


def test_the_mapping_is_guessed_from_common_headers(db):
    headers = [
        "Donor ID",
        "Forename",
        "Surname",
        "Telephone",
        "Mobile",
        "E-mail",
        "Address 1",
        "Town",
        "State",
        "ZIP",
        "Country",
        "Shoe size",
    ]

    mapping = guess_mapping(headers, import_fields())

    assert list(mapping.values()) == [
        "reference",
        "first_name",
        "last_name",
        "phone",
        "mobile",
        "email",
        "line1",
        "city",
        "region",
        "postcode",
        "country",
        "",
    ]


def test_a_saved_mapping_is_reused_for_a_file_with_the_same_columns(db, tmp_path):
    odd = [["Cust No", "Family", "Tel"], ["R1", "Lovelace", "07700 900123"]]
    mapping = {"Cust No": "reference", "Family": "last_name", "Tel": "phone"}
    import_file(write_csv(tmp_path, odd), mapping=mapping)
    start_import(
        write_csv(tmp_path, odd, "again.csv"),
        original_name="again.csv",
        mapping=mapping,
        save_as="Monthly CRM",
        queue=False,
        by=None,
    )
    out = io.StringIO()

    call_command(
        "import",
        "donors",
        str(write_csv(tmp_path, odd, "third.csv")),
        "--mapping",
        "Monthly CRM",
        stdout=out,
        stderr=io.StringIO(),
    )

    saved = ColumnMapping.objects.get(name="Monthly CRM")
    assert saved.headers == ["Cust No", "Family", "Tel"]
    assert saved.mapping == mapping
    assert "Tel → Phone" in out.getvalue()
    assert "0 donors created" in out.getvalue()


def test_a_mapping_with_one_field_for_two_columns_is_refused(db, tmp_path):
    path = write_csv(tmp_path, [["Surname", "Home", "Work"], ["Lovelace", "", ""]])

    with pytest.raises(InvalidInput, match="Phone is chosen for two columns"):
        start_import(
            path,
            original_name="x.csv",
            queue=False,
            by=None,
            mapping={"Surname": "last_name", "Home": "phone", "Work": "phone"},
        )


# Update by reference


def test_an_import_updates_the_donor_with_that_reference_and_only_adds_details(db, tmp_path):
    ada = DonorFactory(reference="D00001234", first_name="Ada", last_name="Lovelace")
    PhoneNumberFactory(donor=ada, number="+447700900123", is_primary=True)
    EmailAddressFactory(donor=ada, email="ada@example.org")
    path = write_csv(
        tmp_path,
        [
            HEADER,
            ["d00001234", "Augusta", "", "07700 900999", "ADA@example.org", "", "", "", ""],
        ],
    )

    job = import_file(path)

    assert (job.donors_created, job.donors_updated) == (0, 1)
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name) == ("Augusta", "Lovelace")
    numbers = list(ada.phone_numbers.values_list("number", "is_primary"))
    assert numbers == [("+447700900123", True), ("+447700900999", False)]
    assert ada.email_addresses.count() == 1
    assert list(ada.events.values_list("summary", flat=True)) == [f"Updated by import {job.pk}"]


def test_an_update_never_removes_or_duplicates_a_detail(db, tmp_path):
    ada = DonorFactory(reference="R1", last_name="Lovelace")
    PhoneNumberFactory(donor=ada, number="+447700900123")
    path = write_csv(tmp_path, [["Reference", "Phone"], ["R1", "+44 7700 900123"]])

    job = import_file(path)

    assert (job.donors_updated, job.donors_unchanged) == (0, 1)
    assert ada.phone_numbers.count() == 1


def test_a_reference_of_an_erased_donor_is_a_bad_row(db, tmp_path, admin):
    donor = DonorFactory(reference="R1", last_name="Lovelace")
    actions.erase_donor(donor, reason="request", by=admin)
    path = write_csv(tmp_path, [["Reference", "Surname"], ["R1", "Lovelace"]])

    job = import_file(path)

    assert messages(job) == [
        "line 2, column Reference: this reference belongs to an erased donor, who cannot be "
        "imported again"
    ]


def test_the_same_reference_twice_in_a_file_is_a_bad_row(db, tmp_path):
    path = write_csv(tmp_path, [["Reference", "Surname"], ["R1", "One"], ["r1", "Two"]])

    job = import_file(path, mode=ImportMode.VALID_ROWS)

    assert messages(job) == ["line 3, column Reference: the same reference is on line 2"]
    assert Donor.objects.get().last_name == "One"


def test_new_donors_get_unique_references_when_the_file_has_none(db, tmp_path):
    path = write_csv(tmp_path, [["Surname"], ["One"], ["Two"], ["Three"]])

    import_file(path)

    references = list(Donor.objects.values_list("reference", flat=True))
    assert len(set(references)) == 3
    assert all(re.fullmatch(r"D\d{8}", reference) for reference in references)


# Modes and the report


def test_valid_rows_mode_imports_the_good_rows_and_reports_the_bad(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            HEADER,
            ["", "Ada", "Lovelace", "", "", "", "", "", ""],
            ["", "Nobody", "", "", "", "", "", "", ""],
            ["", "Grace", "Hopper", "", "", "1 Main St", "", "", "USA"],
            ["", "Alan", "Turing", "", "", "", "", "", ""],
        ],
    )

    job = import_file(path, mode=ImportMode.VALID_ROWS)

    assert job.status == ImportStatus.DONE
    assert (job.rows_read, job.donors_created, job.rows_rejected) == (4, 2, 2)
    assert messages(job) == [
        "line 3, column Surname: a person needs a last name",
        "line 4, column Country: enter the country as a two-letter code, e.g. GB",
    ]
    assert set(Donor.objects.values_list("last_name", flat=True)) == {"Lovelace", "Turing"}


def test_a_card_number_in_a_free_text_cell_makes_a_bad_row_and_is_never_stored(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            ["Surname", "Last gift amount", "Last gift date", "notes"],
            ["Lovelace", "10", "2024-01-01", "paid with 4111 1111 1111 1111"],
        ],
    )

    job = import_file(path, mode=ImportMode.VALID_ROWS)

    assert messages(job) == ["line 2, column notes: looks like a payment card number"]
    assert "4111" not in json.dumps(job.errors) + job.message
    assert not Donation.objects.exists()


def test_the_first_thousand_problems_are_kept_and_the_rest_counted(db, tmp_path):
    rows = [["Surname", "Email"]] + [["X", f"bad {n}"] for n in range(1205)]

    job = import_file(write_csv(tmp_path, rows))

    assert job.rows_rejected == 1205
    assert len(job.errors) == 1000
    assert "205 more problems are not listed" in job.message


def test_bad_dates_amounts_and_consent_values_name_their_column(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            [
                "Surname",
                "Date of birth",
                "Last gift amount",
                "Last gift date",
                "consent_phone_fundraising",
            ],
            ["One", "31/02/1980", "", "", ""],
            ["Two", "", "ten", "2024-01-01", ""],
            ["Three", "", "", "", "maybe"],
            ["Four", "2999-01-01", "", "", ""],
        ],
    )

    job = import_file(path)

    assert messages(job) == [
        "line 2, column Date of birth: not a date (write it as 1980-12-31 or 31/12/1980)",
        "line 3, column Last gift amount: enter the amount as a number, e.g. 25.00",
        "line 4, column consent_phone_fundraising: write granted or withdrawn (or yes or no)",
        "line 5, column Date of birth: the date of birth cannot be in the future",
    ]


def test_a_crash_leaves_the_job_failed_and_nothing_written(db, tmp_path, monkeypatch):
    def merge_then_fail(context):
        runner_merge(context)
        raise RuntimeError("disk full")

    runner_merge = runner.merge
    monkeypatch.setattr(runner, "merge", merge_then_fail)

    job = import_file(full_file(tmp_path))

    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("The import failed and nothing was imported")
    assert "RuntimeError" in job.message
    assert not Donor.objects.exists()


# Consent, giving, time zones, history


def test_a_consent_column_records_consent_events_and_the_current_state(db, tmp_path):
    path = full_file(tmp_path)

    job = import_file(path)

    ada, grace = Donor.objects.get(reference="R001"), Donor.objects.get(reference="R002")
    events = ConsentEvent.objects.filter(donor=ada).order_by("channel")
    assert [(e.channel, e.purpose.code, e.status, e.source) for e in events] == [
        ("email", "marketing", "granted", "import"),
        ("phone", "fundraising", "granted", "import"),
    ]
    assert events[0].wording == f"Import {job.pk}"
    state = ConsentState.objects.get(donor=grace, channel="phone")
    assert (state.status, state.purpose.code) == ("withdrawn", "fundraising")


def test_a_changed_consent_appends_an_event_and_moves_the_state(db, tmp_path):
    import_file(
        write_csv(
            tmp_path,
            [
                ["Reference", "Surname", "consent_phone_fundraising"],
                ["R1", "Lovelace", "yes"],
                ["R2", "Hopper", "yes"],
            ],
        )
    )

    job = import_file(
        write_csv(
            tmp_path,
            [["Reference", "consent_phone_fundraising"], ["R1", "withdrawn"], ["R2", "granted"]],
            "2.csv",
        )
    )

    assert (job.donors_updated, job.donors_unchanged) == (1, 1)
    assert ConsentEvent.objects.count() == 3
    states = dict(ConsentState.objects.values_list("donor__reference", "status"))
    assert states == {"R1": "withdrawn", "R2": "granted"}


def test_a_donation_column_records_a_donation(db, tmp_path):
    import_file(full_file(tmp_path))

    gift = Donation.objects.get(donor__reference="R001")
    assert (gift.amount, gift.currency, gift.received_on) == (
        Decimal("25.50"),
        "GBP",
        date(2024, 1, 31),
    )
    assert (gift.method, gift.gift_aid, gift.status) == ("cheque", True, "received")
    assert Donation.objects.get(donor__reference="R002").method == "other"


def test_new_donors_get_contact_details_and_a_time_zone(db, tmp_path):
    import_file(full_file(tmp_path))

    ada, grace = Donor.objects.get(reference="R001"), Donor.objects.get(reference="R002")
    assert list(ada.phone_numbers.values_list("number", "kind", "is_primary")) == [
        ("+447700900123", "mobile", True),
        ("+447700900124", "mobile", False),
    ]
    assert ada.email_addresses.get().email == "ada@example.org"
    address = ada.addresses.get()
    assert (address.postcode, address.country, address.is_primary) == ("LS1 1AA", "GB", True)
    assert (ada.timezone, grace.timezone) == ("Europe/London", "America/New_York")


def test_an_update_that_adds_an_address_refreshes_the_time_zone(db, tmp_path):
    donor = actions.create_donor(
        DonorDetails(last_name="Hopper"), reference="R1", phone_number="+1 212 555 0123", by=None
    )
    actions.add_address(
        donor, AddressDetails(line1="1 Main St", region="CA", country="US"), by=None
    )
    donor.refresh_from_db()
    assert donor.timezone == "America/Los_Angeles"
    path = write_csv(tmp_path, [["Reference", "Mobile"], ["R1", "+1 312 555 0123"]])

    import_file(path)

    donor.refresh_from_db()
    expected = Donor.objects.get(pk=donor.pk)
    actions.refresh_timezone(expected)
    assert donor.timezone == expected.timezone


def test_history_says_which_import_created_or_updated_a_donor(db, tmp_path):
    DonorFactory(reference="R001", first_name="Augusta", last_name="Lovelace")
    job = import_file(full_file(tmp_path))

    summaries = dict(DonorEvent.objects.values_list("donor__reference", "summary"))
    assert summaries == {
        "R001": f"Updated by import {job.pk}",
        "R002": f"Donor created by import {job.pk}",
    }


# Reading files


def test_a_file_from_excel_with_bom_semicolons_and_windows_encoding_is_read(db, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("Nom;Surname;Phone\r\nZoë;Brontë;07700 900123\r\n".encode("cp1252"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b'\xef\xbb\xbfSurname,Phone\n"Smith, Jr",07700 900124\n')

    import_file(path)
    import_file(bom)

    assert set(Donor.objects.values_list("last_name", flat=True)) == {"Brontë", "Smith, Jr"}


def test_lines_are_counted_in_the_file_even_across_quoted_line_breaks(db, tmp_path):
    path = tmp_path / "multiline.csv"
    path.write_text(
        'Surname,Address 1,Phone\n"Lovelace","1 High St\nFlat 2",07700 900123\n'
        "\nHopper,2 Main St,nonsense\n"
    )

    job = import_file(path)

    assert messages(job)[0].startswith("line 5, column Phone:")


@pytest.mark.parametrize(
    "raw",
    [
        "07700 900123",
        "07700-900-123",
        "+44 (0)7700 900123",
        "(0)7700-900123",
        "+1 (212) 555-0123",
        "001 212 555 0123",
        "tel: 07700 900123",
        "0770",
    ],
)
def test_the_number_cache_agrees_with_the_app_parser(raw):
    assert NumberCache("GB")(raw) == phone.parse(raw, "GB")


def test_cleaning_in_worker_processes_gives_the_same_donors(db, tmp_path):
    path = full_file(tmp_path)
    job = start_import(
        path,
        original_name="x.csv",
        queue=False,
        by=None,
        mapping=guess_mapping(read_headers(path), import_fields()),
    )

    job = run_import(job, workers=2)

    assert job.status == ImportStatus.DONE, job.message
    assert sorted(Donor.objects.values_list("reference", "timezone")) == [
        ("R001", "Europe/London"),
        ("R002", "America/New_York"),
    ]


# The pages and the worker


def upload(client, content: bytes, name: str = "donors.csv"):
    return client.post("/donors/import/", {"file": SimpleUploadedFile(name, content)})


def mapping_post(response, **changes: str) -> dict[str, str]:
    form = response.context["form"]
    data = {
        name: field.value() or "" for name, field in form.fields.items() for field in [form[name]]
    }
    return data | {"mode": ImportMode.ALL_OR_NOTHING, "default_region": "GB"} | changes


def test_a_manager_imports_a_file_through_the_pages_and_the_worker(manager_client, manager):
    content = b"Reference,Surname,Phone\nR1,Lovelace,07700 900123\nR2,Hopper,+1 212 555 0123\n"

    uploaded = upload(manager_client, content, "my donors.csv")
    assert uploaded.status_code == 302
    page = manager_client.get(uploaded.url)
    assert page.status_code == 200
    assert page.context["form"]["column_2"].value() == "phone"
    started = manager_client.post(uploaded.url, mapping_post(page))
    job = ImportJob.objects.get()
    assert started.url == f"/donors/import/{job.pk}/"
    assert job.status == ImportStatus.QUEUED
    assert "my donors" not in job.stored_path
    assert 'hx-trigger="every 1s"' in manager_client.get(started.url).content.decode()

    assert run_next_import() is True

    job.refresh_from_db()
    assert (job.status, job.donors_created, job.created_by) == ("done", 2, manager)
    status = manager_client.get(f"/donors/import/{job.pk}/status/").content.decode()
    assert "hx-trigger" not in status
    assert "Donors created" in status and "<strong>2</strong>" in status
    assert not Path(job.stored_path).exists()  # the upload held personal data
    assert run_next_import() is False


def test_the_job_page_lists_the_problems_and_offers_them_as_csv(manager_client, tmp_path):
    uploaded = upload(manager_client, b"Surname,Phone\nLovelace,0770 09\n")
    manager_client.post(uploaded.url, mapping_post(manager_client.get(uploaded.url)))
    run_next_import()
    job = ImportJob.objects.get()

    page = manager_client.get(f"/donors/import/{job.pk}/").content.decode()
    report = manager_client.get(f"/donors/import/{job.pk}/report.csv")

    assert "Rejected" in page and "not a valid phone number" in page
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert rows[0] == ["line", "column", "level", "reason"]
    assert rows[1][:3] == ["2", "Phone", "error"]


def test_a_saved_mapping_is_offered_and_used_on_the_mapping_page(manager_client, db):
    ColumnMapping.objects.create(
        name="Monthly CRM",
        headers=["Cust No", "Family"],
        mapping={"Cust No": "reference", "Family": "last_name"},
    )

    uploaded = upload(manager_client, b"Cust No,Family\nR1,Lovelace\n")
    page = manager_client.get(uploaded.url)

    assert "Monthly CRM" in page.content.decode()
    assert page.context["form"]["column_1"].value() == "last_name"


def test_saving_a_mapping_from_the_page(manager_client, db):
    uploaded = upload(manager_client, b"Cust No,Family\nR1,Lovelace\n")
    page = manager_client.get(uploaded.url)

    manager_client.post(
        uploaded.url, mapping_post(page, column_0="reference", column_1="last_name", save_as="CRM")
    )

    assert ColumnMapping.objects.get(name="CRM").mapping == {
        "Cust No": "reference",
        "Family": "last_name",
    }


def test_a_workbook_is_refused_with_a_clear_message(manager_client):
    response = upload(manager_client, b"PK\x03\x04 an xlsx file", "donors.xlsx")

    assert response.status_code == 400
    assert "not a CSV file" in response.content.decode()


def test_an_upload_is_only_reachable_from_the_session_that_made_it(manager_client, admin_client):
    uploaded = upload(manager_client, b"Surname\nLovelace\n")

    assert admin_client.get(uploaded.url).status_code == 404


def test_agents_cannot_reach_the_import_pages(agent_client, manager, tmp_path):
    job = ImportJob.objects.create(original_name="x.csv", stored_path=str(tmp_path / "x.csv"))
    urls = [
        "/donors/import/",
        f"/donors/import/map/{'0' * 32}/",
        f"/donors/import/{job.pk}/",
        f"/donors/import/{job.pk}/status/",
        f"/donors/import/{job.pk}/report.csv",
    ]

    assert [agent_client.get(url).status_code for url in urls] == [403] * len(urls)
    assert upload(agent_client, b"Surname\nLovelace\n").status_code == 403


# The command line


def test_the_command_line_imports_a_file_with_a_progress_bar(db, tmp_path):
    out, err = io.StringIO(), io.StringIO()

    call_command("import", "donors", str(full_file(tmp_path)), stdout=out, stderr=err)

    assert "2 rows read: 2 donors created, 0 updated, 0 unchanged." in out.getvalue()
    assert "\r[" in err.getvalue() and "100%" in err.getvalue()
    assert Donor.objects.count() == 2


def test_the_command_line_reports_bad_rows_and_fails(db, tmp_path):
    path = write_csv(tmp_path, [["Surname", "Phone"], ["Lovelace", "0770 09"]])
    out = io.StringIO()

    with pytest.raises(CommandError, match="rejected"):
        call_command("import", "donors", str(path), stdout=out, stderr=io.StringIO())

    assert "line 2, column Phone: not a valid phone number" in out.getvalue()
    assert not Donor.objects.exists()


def test_the_command_line_can_import_the_valid_rows_with_another_default_country(db, tmp_path):
    path = write_csv(
        tmp_path, [["Surname", "Phone"], ["Hopper", "(212) 555-0123"], ["Nobody", ""], ["", "x"]]
    )

    call_command(
        "import",
        "donors",
        str(path),
        "--valid-rows",
        "--region",
        "US",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    assert list(PhoneNumber.objects.values_list("number", flat=True)) == ["+12125550123"]
    assert path.exists()  # the user's own file is never deleted


def test_a_reference_nobody_has_on_a_row_without_a_name_is_a_bad_row(db, tmp_path):
    DonorFactory(reference="R1", last_name="Lovelace")
    path = write_csv(tmp_path, [["Reference", "Phone"], ["R1", "07700 900123"], ["R9", ""]])

    job = import_file(path)

    assert messages(job) == [
        "line 3, column Reference: no donor has this reference, and a person needs a last name"
    ]


def test_an_import_never_brings_a_deceased_donor_back_to_life(db, tmp_path):
    DonorFactory(reference="R1", last_name="Lovelace", status="deceased")
    path = write_csv(tmp_path, [["Reference", "Surname", "Status"], ["R1", "Lovelace", "active"]])

    job = import_file(path)

    assert job.donors_unchanged == 1
    assert Donor.objects.get().status == "deceased"


def test_a_suppressed_email_is_flagged_but_not_counted_as_a_number(db, tmp_path):
    actions.suppress("email", "ada@example.org", reason="do_not_call", by=None)
    path = write_csv(tmp_path, [["Surname", "Email"], ["Lovelace", "ADA@example.org"]])

    job = import_file(path)

    assert job.suppressed_numbers == 0
    assert messages(job, "warning") == [
        "line 2, column Email: email address is on the suppression list (do not call)"
    ]


def test_a_row_without_a_reference_that_matches_a_donors_number_is_flagged(db, tmp_path):
    path = write_csv(tmp_path, [["Surname", "Phone", "Email"], ["Lovelace", "07700 900123", ""]])
    import_file(path)

    again = import_file(path)

    assert again.donors_created == 1  # without a reference a row is always a new donor
    assert messages(again, "warning") == [
        "line 2, column Phone: another donor already has this number: give that donor's "
        "reference to update them rather than add a new donor"
    ]


def test_a_file_the_csv_module_cannot_read_fails_with_the_line(db, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("Surname,Notes\nLovelace,ok\nHopper," + "x" * 200_000 + "\n")

    job = import_file(path)

    assert job.status == ImportStatus.FAILED
    assert "line 3 cannot be read as CSV" in job.message


def test_an_import_that_withdraws_consent_takes_the_donor_off_the_dialler(db, tmp_path):
    from donorcall.campaigns.models import Campaign, CampaignStatus, QueueEntry
    from donorcall.campaigns.queue.eligibility import enqueue
    from donorcall.donors.models import Purpose

    import_file(
        write_csv(
            tmp_path,
            [
                ["Reference", "Surname", "Phone", "Country"],
                ["R1", "Lovelace", "07700 900123", "GB"],
            ],
        )
    )
    campaign = Campaign.objects.create(
        name="Appeal", purpose=Purpose.objects.get(code="fundraising"), status=CampaignStatus.ACTIVE
    )
    enqueue(campaign, [Donor.objects.get(reference="R1").pk], by=None)
    assert QueueEntry.objects.get().blocked is None

    import_file(
        write_csv(tmp_path, [["Reference", "consent_phone_fundraising"], ["R1", "no"]], "2.csv")
    )

    assert QueueEntry.objects.get().blocked == "no_consent"
