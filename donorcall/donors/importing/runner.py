"""Run one import job: stream the file → clean rows → staging table → checks → one merge.

The file is read in chunks of rows; a big file's chunks are cleaned by a pool of processes
(cleaning.py) while this one reads ahead and copies the cleaned chunks into the staging table.
The checks, the merge and the job's outcome then run in one transaction: all or nothing by
default, or the valid rows only when the job asks for it. Progress is saved on the job about
twice a second, for the page's progress bar and as the runner's sign of life (stalls.py); the
command line passes a callback for its own.
"""

import logging
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import transaction

from donorcall.donors.models import ImportJob, ImportMode, ImportStatus
from donorcall.lib.clock import now

from .checks import check_staged
from .cleaning import Cleaning
from .fields import import_fields
from .merge import Counts, MergeContext, merge
from .reader import CsvSource, ImportFileError
from .report import Report
from .rows import Plan
from .staging import Staging
from .stalls import holding_lock

log = logging.getLogger("donorcall.import")

Progress = Callable[[ImportJob], None]
T = TypeVar("T")

CHUNK_ROWS = 5_000
PARALLEL_FROM_BYTES = 4 << 20  # about 25,000 rows: below this a pool costs more than it saves
SAVE_EVERY = 0.5  # seconds between progress writes to the job


def uploads_dir() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def default_workers(total_bytes: int) -> int:
    cores = os.cpu_count() or 1
    return cores if cores > 1 and total_bytes >= PARALLEL_FROM_BYTES else 0


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class ImportRun:
    """One run of a job. ``timings`` (seconds per phase) are for the benchmark."""

    job: ImportJob
    progress: Progress | None = None
    workers: int | None = None
    report: Report = field(default_factory=Report)
    timings: dict[str, float] = field(default_factory=dict)
    worker_peak_rss_kib: int = 0
    saved_at: float = 0.0

    def run(self) -> ImportJob:
        started = time.perf_counter()
        try:
            with holding_lock(self.job):
                start(self.job)
                self.import_file()
        except Exception as error:
            failed(self.job, error)
        finally:
            forget_upload(self.job)
            self.timings["total"] = time.perf_counter() - started
            if self.progress:
                self.progress(self.job)
        return self.job

    def import_file(self) -> None:
        with CsvSource(self.job.stored_path) as source:
            plan = self.plan(source.headers)
            staging = Staging(len(plan.consents))
            try:
                self.timed("stage", staging.create)
                self.stream(source, plan, staging)
                self.timed("merge", lambda: self.check_and_merge(plan, staging))
            finally:
                staging.drop()

    def plan(self, headers: list[str]) -> Plan:
        missing = [
            header for header, key in self.job.mapping.items() if key and header not in headers
        ]
        if missing:
            raise ImportFileError(f"The file has no column “{missing[0]}”, which the mapping uses.")
        return Plan.build(headers, self.job.mapping, import_fields(), self.job.default_region)

    def stream(self, source: CsvSource, plan: Plan, staging: Staging) -> None:
        workers = default_workers(source.total_bytes) if self.workers is None else self.workers
        cleaning = Cleaning(plan, workers=workers, as_csv=staging.takes_csv)
        rows = chunks(source.rows(), CHUNK_ROWS)
        for cleaned, position in cleaning.run(rows, lambda: source.bytes_read):
            self.worker_peak_rss_kib = max(self.worker_peak_rss_kib, cleaned.peak_rss_kib)
            for problems in cleaned.bad:
                self.report.reject(problems)
            self.timed("stage", partial(staging.write, cleaned))
            self.job.rows_read += cleaned.read
            self.job.processed_bytes = position
            self.tell()

    def check_and_merge(self, plan: Plan, staging: Staging) -> None:
        """Index and analyse the loaded rows (once, now that they are all in), then the checks,
        the merge and the job's outcome in one transaction: a job that still says "running"
        has written nothing (stalls.py)."""
        self.job.message = "Checking the rows against the database and saving them"
        self.tell(force=True)
        context = MergeContext(self.job.pk, self.job.created_by_id, now(), plan.consents)
        with transaction.atomic():
            staging.prepare()
            check_staged(plan, self.report)
            if self.report.bad_rows and self.job.mode == ImportMode.ALL_OR_NOTHING:
                finish(self.job, ImportStatus.REJECTED, Counts(), self.report)
            else:
                finish(self.job, ImportStatus.DONE, merge(context), self.report)

    def timed(self, phase: str, step: Callable[[], T]) -> T:
        began = time.perf_counter()
        try:
            return step()
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - began

    def tell(self, *, force: bool = False) -> None:
        """Save progress on the job (throttled) and call the command line's callback."""
        if self.progress:
            self.progress(self.job)
        moment = time.monotonic()
        if force or moment - self.saved_at >= SAVE_EVERY:
            self.saved_at = moment
            self.job.heartbeat_at = now()
            fields = ["processed_bytes", "rows_read", "message", "heartbeat_at"]
            ImportJob.objects.filter(pk=self.job.pk).update(
                **{name: getattr(self.job, name) for name in fields}
            )


def run_import(
    job: ImportJob, *, progress: Progress | None = None, workers: int | None = None
) -> ImportJob:
    """Run ``job`` to the end (DONE, REJECTED or FAILED) and return it.

    ``workers``: processes that clean the rows; None decides by the file's size, 0 cleans
    them in this process.
    """
    return ImportRun(job, progress, workers).run()


def start(job: ImportJob) -> None:
    job.status = ImportStatus.RUNNING
    job.started_at = job.started_at or now()
    job.total_bytes = Path(job.stored_path).stat().st_size
    job.processed_bytes = job.rows_read = 0
    job.message = "Reading the file"
    job.heartbeat_at = now()
    job.save(
        update_fields=[
            "status",
            "started_at",
            "total_bytes",
            "processed_bytes",
            "rows_read",
            "message",
            "heartbeat_at",
        ]
    )


def finish(job: ImportJob, status: str, counts: Counts, report: Report) -> None:
    job.status = status
    job.donors_created, job.donors_updated = counts.created, counts.updated
    job.donors_unchanged = counts.unchanged
    job.rows_rejected = report.bad_rows
    job.suppressed_numbers = report.suppressed_numbers
    job.errors = report.as_list()
    job.processed_bytes = job.total_bytes
    job.message = summary(job, report)
    job.finished_at = now()
    job.save()


def failed(job: ImportJob, error: Exception) -> None:
    """A crash: nothing was merged (the merge is one transaction). The message shows our own
    errors' text only; a database error's text can quote a row, so it is named, not shown."""
    where = "".join(traceback.format_tb(error.__traceback__))
    log.error("import %s failed: %s\n%s", job.pk, type(error).__name__, where)
    if isinstance(error, ImportFileError | FileNotFoundError | UnicodeError):
        reason = str(error) if isinstance(error, ImportFileError) else "the file cannot be read"
    else:
        reason = f"an unexpected error ({type(error).__name__}); the details are in the log"
    job.status = ImportStatus.FAILED
    job.message = f"The import failed and nothing was imported: {reason}"
    job.finished_at = now()
    job.save()


def summary(job: ImportJob, report: Report) -> str:
    more = f" {report.omitted:,} more problems are not listed." if report.omitted else ""
    if job.status == ImportStatus.REJECTED:
        return (
            f"Nothing was imported: {job.rows_rejected:,} of {job.rows_read:,} rows are bad. "
            "Correct them and import the file again, or choose to import the valid rows." + more
        )
    left_out = f" {job.rows_rejected:,} bad rows were left out." if job.rows_rejected else ""
    return (
        f"{job.rows_read:,} rows read: {job.donors_created:,} donors created, "
        f"{job.donors_updated:,} updated, {job.donors_unchanged:,} unchanged.{left_out}{more}"
    )


def forget_upload(job: ImportJob) -> None:
    """An uploaded file holds personal data and is not needed once the job has run. A file
    the command line was pointed at is the user's own, and stays."""
    path = Path(job.stored_path)
    if path.parent.resolve() == uploads_dir().resolve():
        path.unlink(missing_ok=True)
