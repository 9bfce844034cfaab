"""TPS screening age (COMPLIANCE.md; docs/dialler.md, "TPS screening"): on a campaign that
requires screening, a UK number is callable only within 28 days of the last screening run.

Runs on SQLite and on PostgreSQL (the same file in both legs)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from donorcall.campaigns.models import Blocked, QueueEntry
from donorcall.campaigns.queue.claim import claim_next_donor
from donorcall.campaigns.queue.eligibility import enqueue, refresh_queue, sweep_tps_screening
from donorcall.campaigns.queue.explain import out_of_data_reasons
from donorcall.donors import actions
from donorcall.donors.models import PhoneNumber, ScreeningRun, Suppression, SuppressionReason
from donorcall.runtime import worker
from tests.factories import DonorFactory, PhoneNumberFactory
from tests.queue_world import WEDNESDAY_NOON_UTC, donor_on, make_campaign

NOW = WEDNESDAY_NOON_UTC
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    worker._next_tps_sweep[0] = None  # each test starts with a sweep due
    return time_machine


def claim(agent, campaign, at=None):
    return claim_next_donor(agent, campaigns=[campaign], now=at)


def screen(*registered: str, by=None):
    return actions.suppress_numbers_from_file(
        list(registered), reason=SuppressionReason.TPS, source="TPS June", by=by
    )


def number_of(donor) -> PhoneNumber:
    return PhoneNumber.objects.get(donor=donor, removed_at=None)


def blocked(donor, campaign) -> str | None:
    return QueueEntry.objects.get(donor=donor, campaign=campaign).blocked


def test_a_never_screened_uk_donor_is_not_handed_out(agent):
    campaign = make_campaign(requires_tps_screening=True)
    donor_on(campaign)
    assert claim(agent, campaign) is None
    assert out_of_data_reasons(campaign) == {Blocked.TPS_UNSCREENED: 1}


def test_after_a_screening_that_does_not_list_the_number_the_donor_is_callable(agent):
    campaign = make_campaign(requires_tps_screening=True)
    donor = donor_on(campaign)
    report = screen("+447700900999")  # someone else's number
    assert number_of(donor).tps_screened_at == NOW
    assert blocked(donor, campaign) is None
    assert claim(agent, campaign).donor_id == donor.pk
    run = ScreeningRun.objects.get()
    assert report.run == run
    assert (run.at, run.numbers_screened, run.registered_found) == (NOW, 1, 1)


def test_twenty_nine_days_later_the_worker_blocks_the_donor_again(agent, clock):
    campaign = make_campaign(requires_tps_screening=True)
    donor = donor_on(campaign)
    screen()
    clock.move_to(NOW + timedelta(days=27), tick=False)
    assert worker.expire_tps_screening() is False  # still within 28 days
    assert blocked(donor, campaign) is None
    later = NOW + timedelta(days=29)
    clock.move_to(later, tick=False)
    worker._next_tps_sweep[0] = None
    assert worker.expire_tps_screening() is True
    assert blocked(donor, campaign) == Blocked.TPS_UNSCREENED
    assert worker.expire_tps_screening() is False  # idempotent: nothing left to do
    assert claim(agent, campaign, at=later) is None
    screen()  # the next month's run makes them callable again at once
    assert blocked(donor, campaign) is None
    assert claim(agent, campaign, at=later).donor_id == donor.pk


def test_the_sweep_is_bounded_and_throttled(clock):
    campaign = make_campaign(requires_tps_screening=True)
    donors = [donor_on(campaign) for _ in range(3)]
    screen()
    clock.move_to(NOW + timedelta(days=29), tick=False)
    assert sweep_tps_screening(limit=2) == 2
    assert sweep_tps_screening(limit=2) == 1
    assert sweep_tps_screening(limit=2) == 0
    assert {blocked(donor, campaign) for donor in donors} == {Blocked.TPS_UNSCREENED}
    assert worker.expire_tps_screening() is False
    QueueEntry.objects.update(blocked=None)  # stale, as if the clock had just passed the line
    assert worker.expire_tps_screening() is False  # not yet: the next sweep is in ten minutes
    clock.move_to(NOW + timedelta(days=29, minutes=11), tick=False)
    assert worker.expire_tps_screening() is True
    assert {blocked(donor, campaign) for donor in donors} == {Blocked.TPS_UNSCREENED}


def test_a_registered_number_in_the_file_is_suppressed_as_before(agent):
    campaign = make_campaign(requires_tps_screening=True)
    donor = donor_on(campaign)
    number = number_of(donor).number
    report = screen(number)
    assert report.added == 1
    assert Suppression.objects.filter(value=number, reason=SuppressionReason.TPS).exists()
    assert blocked(donor, campaign) == Blocked.SUPPRESSED
    assert claim(agent, campaign) is None


def test_a_us_number_is_unaffected(agent):
    campaign = make_campaign(requires_tps_screening=True)
    donor = DonorFactory(timezone="Europe/London")  # in hours at NOW; the number decides
    PhoneNumberFactory(donor=donor, number="+12025550143")
    enqueue(campaign, [donor.pk], by=None)
    QueueEntry.objects.filter(donor=donor).update(due_at=NOW - timedelta(hours=1))
    refresh_queue([donor.pk])
    assert blocked(donor, campaign) is None
    assert claim(agent, campaign).donor_id == donor.pk


def test_a_donor_with_a_us_number_beside_an_unscreened_uk_one_stays_callable(agent):
    campaign = make_campaign(requires_tps_screening=True)
    donor = donor_on(campaign)
    PhoneNumberFactory(donor=donor, number="+12025550143", is_primary=False)
    refresh_queue([donor.pk])
    assert blocked(donor, campaign) is None


def test_a_campaign_not_requiring_screening_is_unaffected(agent, clock):
    plain = make_campaign("Plain")
    screening = make_campaign("Screened", requires_tps_screening=True)
    donor = donor_on(plain, screening)
    assert blocked(donor, plain) is None
    assert blocked(donor, screening) == Blocked.TPS_UNSCREENED
    assert claim(agent, plain).donor_id == donor.pk


def test_turning_screening_off_lets_the_sweep_unblock(clock):
    campaign = make_campaign(requires_tps_screening=True)
    donor = donor_on(campaign)
    assert blocked(donor, campaign) == Blocked.TPS_UNSCREENED
    type(campaign).objects.filter(pk=campaign.pk).update(requires_tps_screening=False)
    assert worker.expire_tps_screening() is True
    assert blocked(donor, campaign) is None


def test_a_number_added_after_the_run_is_not_screened(clock):
    campaign = make_campaign(requires_tps_screening=True)
    donor = donor_on(campaign)
    screen()
    other = donor_on(campaign)
    assert number_of(other).tps_screened_at is None
    assert blocked(other, campaign) == Blocked.TPS_UNSCREENED
    assert blocked(donor, campaign) is None


def test_fps_file_is_not_a_screening_run(clock):
    campaign = make_campaign(requires_tps_screening=True)
    donor = donor_on(campaign)
    report = actions.suppress_numbers_from_file(
        [], reason=SuppressionReason.FPS, source="FPS", by=None
    )
    assert report.run is None
    assert number_of(donor).tps_screened_at is None
    assert not ScreeningRun.objects.exists()


def test_the_upload_page_records_the_run(manager_client, manager):
    campaign = make_campaign(requires_tps_screening=True)
    donor = donor_on(campaign)
    file = SimpleUploadedFile("tps.txt", b"+447700900999\n", content_type="text/plain")
    data = {"file": file, "reason": "tps", "source": "TPS June"}
    response = manager_client.post("/donors/suppressions/screening/", data)
    assert response.status_code == 200
    assert "UK numbers screened" in response.content.decode()
    assert ScreeningRun.objects.get().by == manager
    assert blocked(donor, campaign) is None
