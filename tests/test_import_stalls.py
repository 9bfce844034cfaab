"""A worker killed mid-import: the worker's step fails the job, says nothing was written, and the
manager sees it on the job's page (donors/importing/stalls.py)."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from donorcall.donors.importing.jobs import claim_next_import
from donorcall.donors.importing.stalls import STALLED_AFTER, fail_stalled_imports, holding_lock
from donorcall.donors.models import Donor, ImportJob, ImportStatus
from donorcall.lib.clock import now
from donorcall.runtime.worker import STEPS
from tests.factories import DonorFactory

CONTENT = b"Reference,Surname,Phone\nR1,Lovelace,07700 900123\n"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def queue_import(client) -> ImportJob:
    uploaded = client.post("/donors/import/", {"file": SimpleUploadedFile("d.csv", CONTENT)})
    page = client.get(uploaded.url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    client.post(uploaded.url, data | {"mode": "all_or_nothing", "default_region": "GB"})
    return ImportJob.objects.get()


def test_an_import_whose_worker_died_is_failed_after_ten_quiet_minutes(manager_client):
    queue_import(manager_client)
    job = claim_next_import()  # the worker takes the job… and is killed before it ends
    assert job is not None and "fail_stalled_imports" in [s.__name__ for s in STEPS]

    with time_machine.travel(now() + STALLED_AFTER - timedelta(seconds=5), tick=False):
        assert fail_stalled_imports() is False
    with time_machine.travel(now() + STALLED_AFTER + timedelta(seconds=5), tick=False):
        assert fail_stalled_imports() is True
        assert fail_stalled_imports() is False

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "Nothing was imported" in job.message and "Upload the file again" in job.message
    page = manager_client.get(f"/donors/import/{job.pk}/").content.decode()
    assert "Failed" in page and "stopped answering" in page and "hx-trigger" not in page
    assert not Path(job.stored_path).exists()  # the upload held personal data


def test_an_import_that_saved_progress_recently_is_left_running(manager_client):
    queue_import(manager_client)
    job = claim_next_import()
    assert job is not None
    later = now() + STALLED_AFTER * 3
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=later - timedelta(minutes=1))

    with time_machine.travel(later, tick=False):
        assert fail_stalled_imports() is False

    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING


def test_finished_and_queued_imports_are_never_touched(manager_client):
    job = queue_import(manager_client)
    ImportJob.objects.create(original_name="old.csv", stored_path="x", status=ImportStatus.DONE)

    with time_machine.travel(now() + STALLED_AFTER * 10, tick=False):
        assert fail_stalled_imports() is False

    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.QUEUED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_long_merge_holding_its_lock_is_left_running_however_quiet(tmp_path):
    job = ImportJob.objects.create(
        original_name="d.csv", stored_path=str(tmp_path / "d.csv"), status=ImportStatus.RUNNING
    )
    merging, done = threading.Event(), threading.Event()

    def runner() -> None:
        try:
            with holding_lock(job), transaction.atomic():
                DonorFactory()
                merging.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=runner)
    thread.start()
    try:
        assert merging.wait(10)
        with time_machine.travel(now() + STALLED_AFTER * 2, tick=False):
            assert fail_stalled_imports() is False
    finally:
        done.set()
        thread.join()

    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.RUNNING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_runner_killed_mid_merge_wrote_nothing_and_its_job_is_failed(tmp_path):
    job = ImportJob.objects.create(
        original_name="d.csv", stored_path=str(tmp_path / "d.csv"), status=ImportStatus.RUNNING
    )
    merging = threading.Event()

    def killed_runner() -> None:
        try:
            with holding_lock(job), transaction.atomic():
                DonorFactory()
                merging.set()
                # The process dies: the server sees its session end, rolls the merge back and
                # lets go of the job's lock.
                connection.connection.close()
        except Exception:  # noqa: S110 -- the dead connection's errors are the point
            pass
        finally:
            connection.close()

    thread = threading.Thread(target=killed_runner)
    thread.start()
    thread.join()
    assert merging.is_set()

    with time_machine.travel(now() + STALLED_AFTER * 2, tick=False):
        assert fail_stalled_imports() is True

    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED
    assert not Donor.objects.exists()
