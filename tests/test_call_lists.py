"""Call lists: managers choose donors by a filter or a file of references, see how many match
before saving, and connect the list to a campaign, which fills its queue; a filter list's
Refresh adds only the donors who match it since. The campaign page's Queue section says how
many donors are in each state and why nobody is callable now."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donorcall.campaigns.calllists import ListFilter, donors_matching, months_before
from donorcall.campaigns.models import (
    CallList,
    Campaign,
    CampaignStatus,
    QueueEntry,
)
from donorcall.campaigns.queue.eligibility import refresh_queue
from donorcall.donors.actions import withdraw_consent
from donorcall.donors.models import Channel, Donor, DonorStatus, Purpose
from donorcall.giving.models import (
    Donation,
    GiftKind,
    Payment,
    PaymentStatus,
    RegularGift,
)
from tests.factories import (
    AddressFactory,
    DonorFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
)

# A Tuesday at noon in London: inside the default calling hours.
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TODAY = NOON.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def fundraising() -> Purpose:
    return Purpose.objects.get(code="fundraising")


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.create(
        name="Failed payments", purpose=fundraising(), status=CampaignStatus.ACTIVE
    )


def donor(*, number: bool = True, **fields) -> Donor:
    made = DonorFactory(**fields)
    if number:
        PhoneNumberFactory(donor=made, number=f"+447700900{made.pk % 1000:03d}")
    return made


def failed_payment(of: Donor, days_ago: int, *, kind: str = GiftKind.REGULAR_GIFT) -> Payment:
    gift = RegularGift.objects.create(
        donor=of, kind=kind, amount=Decimal("10"), started_on=date(2025, 1, 1)
    )
    return Payment.objects.create(
        regular_gift=gift,
        due_on=TODAY - timedelta(days=days_ago),
        amount=Decimal("10"),
        status=PaymentStatus.FAILED,
        failure_reason="Insufficient funds",
    )


def filter_data(**changes) -> dict:
    return {"name": "Failed in 30 days", "failed_payment_days": "30", "active_only": "on"} | changes


def queued(campaign: Campaign) -> set[int]:
    return set(QueueEntry.objects.filter(campaign=campaign).values_list("donor_id", flat=True))


def new_list_url(campaign: Campaign, kind: str = "") -> str:
    return f"/campaigns/{campaign.pk}/lists/new/" + (f"?kind={kind}" if kind else "")


# Filter lists


def test_failed_payment_list_previews_its_count_before_saving(manager_client, campaign):
    failed_payment(donor(), days_ago=3)
    failed_payment(donor(), days_ago=29)
    failed_payment(donor(), days_ago=45)  # too long ago
    donor()  # no regular gift at all

    response = manager_client.post(new_list_url(campaign), filter_data(preview="1"))

    assert response.status_code == 200
    assert "Preview: 2 donors match." in response.content.decode()
    assert not CallList.objects.exists() and not QueueEntry.objects.exists()


def test_saving_a_filter_list_connects_the_matching_donors(manager_client, manager, campaign):
    recent, month_ago = donor(), donor()
    failed_payment(recent, days_ago=3)
    failed_payment(month_ago, days_ago=30)
    failed_payment(donor(), days_ago=31)
    paid = failed_payment(donor(), days_ago=5)
    Payment.objects.filter(pk=paid.pk).update(status=PaymentStatus.PAID)

    response = manager_client.post(new_list_url(campaign), filter_data(save="1"))

    assert response.status_code == 302
    assert response.url == f"/campaigns/{campaign.pk}/#queue"
    call_list = CallList.objects.get()
    assert (call_list.name, call_list.kind, call_list.created_by) == (
        "Failed in 30 days", "filter", manager,
    )  # fmt: skip
    assert call_list.filter["failed_payment_days"] == 30
    assert queued(campaign) == {recent.pk, month_ago.pk}
    assert call_list.last_counts["added"] == 2 and call_list.last_counts["already_there"] == 0
    assert call_list.last_refreshed_at == NOON and len(call_list.log) == 1
    page = manager_client.get(response.url).content.decode()
    assert "Call list Failed in 30 days connected: 2 added, 0 already on the campaign." in page


def test_refresh_adds_only_the_new_matches(manager_client, campaign):
    first = donor()
    failed_payment(first, days_ago=2)
    manager_client.post(new_list_url(campaign), filter_data(save="1"))
    call_list = CallList.objects.get()
    second = donor()
    failed_payment(second, days_ago=1)

    response = manager_client.post(f"/call-lists/{call_list.pk}/refresh/", follow=True)

    assert "1 added, 1 already on the campaign." in response.content.decode()
    assert queued(campaign) == {first.pk, second.pk}
    call_list.refresh_from_db()
    assert (call_list.last_counts["added"], call_list.last_counts["already_there"]) == (1, 1)
    assert len(call_list.log) == 2
    assert QueueEntry.objects.filter(campaign=campaign).count() == 2


def test_a_second_list_leaves_donors_already_on_the_campaign_alone(manager_client, campaign):
    matched = donor()
    failed_payment(matched, days_ago=2)
    manager_client.post(new_list_url(campaign), filter_data(save="1"))
    QueueEntry.objects.filter(donor=matched).update(attempts=2)

    manager_client.post(new_list_url(campaign), filter_data(name="Again", save="1"))

    again = CallList.objects.get(name="Again")
    assert (again.last_counts["added"], again.last_counts["already_there"]) == (0, 1)
    assert QueueEntry.objects.get(donor=matched).attempts == 2


def test_left_out_donors_are_counted_by_reason(manager_client, campaign):
    callable_donor, without_consent = donor(), donor()
    without_number = donor(number=False)
    withdraw_consent(
        without_consent, channel=Channel.PHONE, purpose=fundraising(), source="letter", by=None
    )
    for each in (callable_donor, without_consent, without_number):
        failed_payment(each, days_ago=4)

    response = manager_client.post(new_list_url(campaign), filter_data(save="1"), follow=True)

    counts = CallList.objects.get().last_counts
    assert counts["added"] == 3
    assert counts["left_out"] == {"no_consent": 1, "no_number": 1}
    html = response.content.decode()
    assert (
        "3 added, 0 already on the campaign; left out for now: No number 1, No consent 1." in html
    )


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"active_sponsorship": True}, {"sponsor"}),
        ({"no_gift_months": 12}, {"sponsor", "lapsed", "emailer", "american"}),
        ({"country": "US"}, {"american"}),
        ({"has_email": True}, {"emailer"}),
        ({"active_only": False, "has_email": True}, {"emailer", "deceased"}),
        ({"country": "US", "has_email": True}, set()),
    ],
)
def test_each_filter_condition_selects_its_donors(campaign, conditions, expected):
    donors = {
        "sponsor": donor(),
        "lapsed": donor(),
        "recent": donor(),
        "emailer": donor(),
        "american": donor(),
        "deceased": donor(status=DonorStatus.DECEASED),
    }
    RegularGift.objects.create(
        donor=donors["sponsor"], kind=GiftKind.SPONSORSHIP, amount=Decimal("20"),
        started_on=date(2024, 1, 1),
    )  # fmt: skip
    RegularGift.objects.create(
        donor=donors["lapsed"], kind=GiftKind.SPONSORSHIP, amount=Decimal("20"),
        started_on=date(2024, 1, 1), status="cancelled",
    )  # fmt: skip
    Donation.objects.create(
        donor=donors["lapsed"], amount=Decimal("5"), received_on=date(2025, 6, 1), method="cash"
    )
    for who in ("recent", "deceased"):
        Donation.objects.create(
            donor=donors[who], amount=Decimal("5"), received_on=date(2026, 6, 1), method="cash"
        )
    EmailAddressFactory(donor=donors["emailer"])
    EmailAddressFactory(donor=donors["deceased"])
    AddressFactory(donor=donors["american"], country="US", region="NY")
    AddressFactory(donor=donors["emailer"], country="GB")

    matched = set(donors_matching(ListFilter(**conditions)).values_list("pk", flat=True))

    assert matched == {donors[name].pk for name in expected}


def test_months_before_keeps_to_the_end_of_a_shorter_month():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 11, 24), 12) == date(2025, 11, 24)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


def test_a_bad_condition_is_refused_naming_its_field(manager_client, campaign):
    response = manager_client.post(new_list_url(campaign), filter_data(country="Wales", save="1"))

    assert response.status_code == 400
    assert response.context["form"].errors["country"]
    assert not CallList.objects.exists()


def test_an_archived_campaign_takes_no_list(manager_client, campaign):
    failed_payment(donor(), days_ago=2)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.ARCHIVED)

    response = manager_client.post(new_list_url(campaign), filter_data(save="1"))

    assert response.status_code == 400
    assert "archived" in response.content.decode()
    assert not CallList.objects.exists() and not QueueEntry.objects.exists()


def test_a_draft_campaign_takes_a_list(manager_client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DRAFT)
    failed_payment(donor(), days_ago=2)

    response = manager_client.post(new_list_url(campaign), filter_data(save="1"))

    assert response.status_code == 302 and QueueEntry.objects.count() == 1


def test_agents_may_not_open_or_refresh_lists(agent_client, manager_client, campaign):
    manager_client.post(new_list_url(campaign), filter_data(save="1"))
    call_list = CallList.objects.get()

    assert agent_client.get(new_list_url(campaign)).status_code == 403
    assert agent_client.post(new_list_url(campaign), filter_data(save="1")).status_code == 403
    assert agent_client.post(f"/call-lists/{call_list.pk}/refresh/").status_code == 403


# File lists


def upload(text: str, name: str = "donors.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_file_list_connects_the_donors_it_names(manager_client, campaign):
    ada, grace = donor(reference="D001"), donor(reference="D002")
    donor(reference="D003")
    text = "name,reference\nAda,D001\nGrace, D002 \n\n"

    response = manager_client.post(
        new_list_url(campaign, "file"), {"name": "Phoned in", "file": upload(text), "save": "1"}
    )

    assert response.status_code == 302
    call_list = CallList.objects.get()
    assert (call_list.kind, call_list.file_name) == ("file", "donors.csv")
    assert queued(campaign) == {ada.pk, grace.pk}


def test_a_file_of_one_reference_a_line_needs_no_header(manager_client, campaign):
    ada, grace = donor(reference="D001"), donor(reference="D002")

    manager_client.post(
        new_list_url(campaign, "file"),
        {"name": "Plain", "file": upload("D001\r\nD002\r\nD001\r\n", "refs.txt"), "save": "1"},
    )

    assert queued(campaign) == {ada.pk, grace.pk}
    assert CallList.objects.get().last_counts["matched"] == 2


def test_unknown_references_are_reported_with_their_line(manager_client, campaign):
    donor(reference="D001")
    text = "reference\nD001\nNOPE-7\n"

    response = manager_client.post(
        new_list_url(campaign, "file"), {"name": "Typos", "file": upload(text), "save": "1"}
    )

    assert response.status_code == 400
    assert "line 3 (NOPE-7)" in response.context["form"].errors["file"][0]
    assert not CallList.objects.exists() and not QueueEntry.objects.exists()


def test_checking_a_file_lists_unknown_lines_and_skipping_them_saves(manager_client, campaign):
    known = donor(reference="D001")
    text = "reference\nX1\nD001\n"
    url = new_list_url(campaign, "file")

    checked = manager_client.post(url, {"name": "Mixed", "file": upload(text), "preview": "1"})
    saved = manager_client.post(
        url, {"name": "Mixed", "file": upload(text), "skip_unknown": "on", "save": "1"}
    )

    html = checked.content.decode()
    assert "Preview: 1 donor found." in html and "Line 2: X1" in html
    assert saved.status_code == 302
    assert queued(campaign) == {known.pk}
    assert CallList.objects.get().last_counts["unknown"] == 1


def test_a_csv_without_a_reference_column_is_refused(manager_client, campaign):
    response = manager_client.post(
        new_list_url(campaign, "file"),
        {"name": "Bad", "file": upload("id,name\n1,Ada\n"), "save": "1"},
    )

    assert response.status_code == 400
    assert "reference" in response.context["form"].errors["file"][0]


def test_a_file_list_cannot_be_refreshed(manager_client, campaign):
    donor(reference="D001")
    manager_client.post(
        new_list_url(campaign, "file"), {"name": "F", "file": upload("D001\n"), "save": "1"}
    )

    response = manager_client.post(f"/call-lists/{CallList.objects.get().pk}/refresh/", follow=True)

    assert "cannot be refreshed" in response.content.decode()


# The campaign page's Queue section


def test_an_empty_queue_says_what_to_do(manager_client, campaign):
    html = manager_client.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert "No call list connected yet" in html
    assert f'href="/campaigns/{campaign.pk}/lists/new/"' in html


def test_queue_section_shows_states_lists_and_why_nobody_is_callable(manager_client, campaign):
    ready, unknown_zone = donor(), donor(timezone=None)
    without_consent = donor()
    withdraw_consent(
        without_consent, channel=Channel.PHONE, purpose=fundraising(), source="letter", by=None
    )
    for each in (ready, unknown_zone, without_consent):
        failed_payment(each, days_ago=1)
    manager_client.post(new_list_url(campaign), filter_data(save="1"))

    html = manager_client.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert "Failed in 30 days" in html and "a failed payment in the last 30 days" in html
    assert '<dd data-state="waiting">3</dd>' in html
    assert "Why nobody is callable now" in html
    assert 'data-reason="callable"><td>Callable now</td><td>1</td>' in html
    assert 'data-reason="unknown_zone"><td>Unknown time zone</td><td>1</td>' in html
    assert 'data-reason="no_consent"><td>No consent</td><td>1</td>' in html
    assert "They withdrew phone consent for Fundraising" in html
    assert "Refresh</button>" in html


def test_queue_section_outside_hours_and_max_attempts(manager_client, campaign):
    donors = [donor(), donor()]
    for each in donors:
        failed_payment(each, days_ago=1)
    manager_client.post(new_list_url(campaign), filter_data(save="1"))
    QueueEntry.objects.filter(donor=donors[1]).update(attempts=6)
    refresh_queue([donors[1].pk])
    Campaign.objects.filter(pk=campaign.pk).update(calling_days=[0])  # Mondays; today is Tuesday

    html = manager_client.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert 'data-reason="outside_hours"><td>Outside calling hours</td><td>1</td>' in html
    assert 'data-reason="max_attempts"><td>Max attempts</td><td>1</td>' in html
    assert "Tried 6 times already" in html


def page_queries(client, campaign: Campaign) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/campaigns/{campaign.pk}/").status_code == 200
    return len(queries)


def test_campaign_page_takes_the_same_queries_for_1_and_5_lists(manager_client, campaign):
    failed_payment(donor(), days_ago=1)
    manager_client.post(new_list_url(campaign), filter_data(save="1"))
    one = page_queries(manager_client, campaign)
    for n in range(4):
        failed_payment(donor(), days_ago=1)
        donor(timezone=None)
        manager_client.post(new_list_url(campaign), filter_data(name=f"List {n}", save="1"))

    assert page_queries(manager_client, campaign) == one
