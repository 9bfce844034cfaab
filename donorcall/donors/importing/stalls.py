"""Imports whose runner stopped: a worker killed mid-import must not leave its job "running"
for ever.

A runner shows it is alive in two ways. It saves its progress, with ``heartbeat_at``, about
twice a second while it reads the file; and on PostgreSQL it holds a session lock on its job
(``pg_advisory_lock``) from start to end, which the database lets go of the moment the
runner's connection closes, however the process died. The checks and the merge are one
transaction that saves the job's outcome (done or rejected) with the rows, so a job still
"running" never has half its rows in: either the transaction committed and the job says so,
or nothing was written.

The worker's step fails a running job when it has shown no sign of life for
``STALLED_AFTER`` and, on PostgreSQL, nobody holds its lock (the merge of a big file can
run longer than that without saving progress; the lock says it is still at work). SQLite
needs no lock: the merge holds SQLite's only write lock, so the step cannot write until the
merge has committed, with the job's outcome.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from donorcall.donors.models import ImportJob, ImportStatus
from donorcall.lib.clock import now

log = logging.getLogger("donorcall.import")

STALLED_AFTER = timedelta(minutes=10)
LOCK_SPACE = 0x696D7074  # "impt": pg_advisory_lock's first key, the job's id is the second
BATCH = 20
STALLED_MESSAGE = (
    "The import stopped: the worker running it stopped answering (nothing heard from it for "
    "{minutes} minutes). Nothing was imported, because an import saves its rows in one "
    "transaction, and that transaction never finished. Upload the file again to import it."
)


@contextmanager
def holding_lock(job: ImportJob) -> Iterator[None]:
    """PostgreSQL: hold the job's session lock while the block runs."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, job.pk])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, job.pk])
        except DatabaseError:
            pass  # a broken connection has let go of the lock already


def runner_alive(job_id: int) -> bool:
    """PostgreSQL: whether a session holds the job's lock (the caller's transaction keeps the
    lock if it was free, so no runner can take it meanwhile). SQLite: no way to tell; False."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_SPACE, job_id])
        (taken,) = cursor.fetchone()
    return not taken


def quiet_jobs(cutoff: datetime) -> QuerySet[ImportJob]:
    """Running jobs with no sign of life since ``cutoff``."""
    running = ImportJob.objects.filter(status=ImportStatus.RUNNING)
    signed = running.annotate(last_sign=Coalesce("heartbeat_at", "started_at", "created_at"))
    return signed.filter(last_sign__lt=cutoff).order_by("last_sign", "id")


def fail_stalled_imports() -> bool:
    """The worker's step: fail the running imports whose runner has stopped."""
    cutoff = now() - STALLED_AFTER
    quiet = list(quiet_jobs(cutoff).values_list("pk", flat=True)[:BATCH])
    return sum(fail_if_stalled(pk, cutoff) for pk in quiet) > 0


def fail_if_stalled(pk: int, cutoff: datetime) -> bool:
    from .runner import forget_upload

    with transaction.atomic():
        jobs = quiet_jobs(cutoff).filter(pk=pk)
        if connection.vendor == "postgresql":
            jobs = jobs.select_for_update(skip_locked=True, of=("self",))
        job = jobs.first()
        if job is None or runner_alive(pk):
            return False
        job.status = ImportStatus.FAILED
        job.message = STALLED_MESSAGE.format(minutes=int(STALLED_AFTER.total_seconds() // 60))
        job.finished_at = now()
        job.save(update_fields=["status", "message", "finished_at"])
    log.warning("import %s failed: its runner stopped (no sign of life since %s)", pk, cutoff)
    forget_upload(job)
    return True
