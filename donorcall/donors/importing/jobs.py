"""Import jobs: the uploads they read, starting one, saved mappings, and the worker's step.

The page queues a job and the worker runs it; the command line starts one and runs it at
once. Uploads are stored under ``DATA_DIR/imports`` with a random name: the name a person
gave their file never becomes part of a path.
"""

import re
import secrets
import time
from datetime import timedelta
from pathlib import Path

import phonenumbers
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404

from donorcall.donors.models import ColumnMapping, ImportJob, ImportMode, ImportStatus
from donorcall.lib.cards import contains_card_number, reject_card_numbers
from donorcall.lib.clock import now
from donorcall.lib.errors import InvalidInput
from donorcall.staff.models import User

from .fields import check_mapping, import_fields
from .reader import read_headers
from .runner import run_import, uploads_dir

WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods (zip) and old .xls
TOKEN = re.compile(r"^[0-9a-f]{32}$")
STALE_AFTER = timedelta(days=1)  # an upload nobody started an import for
SWEEP_EVERY = 600.0  # seconds between looks for stale uploads
last_sweep = 0.0


def store_upload(upload: UploadedFile) -> str:
    """Save an uploaded file and return its token (the random part of its stored name)."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    with (folder / f"{token}.csv").open("xb") as stored:
        for piece in upload.chunks():
            stored.write(piece)
    return token


def accept_upload(upload: UploadedFile) -> str:
    """Store an upload that looks like a CSV file with a header row; refuse anything else."""
    token = store_upload(upload)
    path = upload_path(token)
    try:
        check_readable(path)
    except InvalidInput:
        path.unlink(missing_ok=True)
        raise
    return token


def check_readable(path: Path) -> None:
    with path.open("rb") as stored:
        start = stored.read(8)
    if start.startswith(WORKBOOKS):
        raise InvalidInput(
            "This is a spreadsheet workbook, not a CSV file. Open it in Excel or LibreOffice, "
            "choose Save as → CSV (UTF-8), and upload that file.",
            field="file",
        )
    if not read_headers(path):
        raise InvalidInput(
            "The file is empty: its first row should name the columns.", field="file"
        )


def upload_path(token: str) -> Path:
    """The stored upload for ``token``; 404 for anything else, so a token is never a path."""
    path = uploads_dir() / f"{token}.csv"
    if not TOKEN.match(token) or not path.is_file():
        raise Http404("No such upload")
    return path


def clean_region(region: str) -> str:
    region = region.strip().upper()
    region = {"UK": "GB"}.get(region, region)
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput(
            "Enter the default country as a two-letter code, e.g. GB.", field="default_region"
        )
    return region


def start_import(
    path: Path,
    *,
    original_name: str,
    mapping: dict[str, str],
    mode: str = ImportMode.ALL_OR_NOTHING,
    region: str = "GB",
    save_as: str = "",
    queue: bool = True,
    by: User | None,
) -> ImportJob:
    """A new job for the file at ``path``: QUEUED for the worker, or RUNNING when the
    caller runs it at once (the command line)."""
    headers = read_headers(path)
    mapping = {header: mapping.get(header, "") for header in headers}
    problems = check_mapping(mapping, import_fields())
    if problems:
        raise InvalidInput(" ".join(problems), field="mapping")
    if mode not in ImportMode.values:
        raise InvalidInput("Choose how to treat bad rows.", field="mode")
    region = clean_region(region)
    with transaction.atomic():
        if save_as.strip():
            save_mapping(save_as, headers=headers, mapping=mapping, by=by)
        return ImportJob.objects.create(
            original_name=shown_name(original_name),
            stored_path=str(path),
            mapping=mapping,
            mode=mode,
            default_region=region,
            created_by=by,
            status=ImportStatus.QUEUED if queue else ImportStatus.RUNNING,
            total_bytes=path.stat().st_size,
        )


def shown_name(name: str) -> str:
    """The uploaded file's name, as shown on the job (never used in a path)."""
    return "file.csv" if contains_card_number(name) else name[:255]


def save_mapping(
    name: str, *, headers: list[str], mapping: dict[str, str], by: User | None
) -> ColumnMapping:
    """Save (or replace) a mapping under ``name`` for files with these headers."""
    name = reject_card_numbers(name.strip(), field="save_as")[:100]
    entry, _ = ColumnMapping.objects.update_or_create(
        name=name, defaults={"headers": headers, "mapping": mapping, "created_by": by}
    )
    return entry


def saved_mapping(name: str) -> ColumnMapping:
    try:
        return ColumnMapping.objects.get(name=name)
    except ColumnMapping.DoesNotExist:
        raise InvalidInput(f"There is no saved mapping called “{name}”.", field="mapping") from None


def job_for(user: User, pk: int) -> ImportJob:
    """Import jobs belong to the organisation: any manager may follow any of them."""
    if not user.has_perm("donors.view_importjob"):
        raise Http404("No such import")
    return get_object_or_404(ImportJob, pk=pk)


def claim_next_import() -> ImportJob | None:
    """Take the oldest queued job and mark it running, in one short transaction. SKIP LOCKED
    lets several workers claim side by side on PostgreSQL; SQLite's IMMEDIATE transactions
    let only one writer in at a time."""
    with transaction.atomic():
        queued = ImportJob.objects.filter(status=ImportStatus.QUEUED).order_by("created_at", "id")
        if connection.vendor == "postgresql":
            queued = queued.select_for_update(skip_locked=True)
        job = queued.first()
        if job is None:
            return None
        job.status, job.started_at = ImportStatus.RUNNING, now()
        job.heartbeat_at = job.started_at
        job.save(update_fields=["status", "started_at", "heartbeat_at"])
    return job


def run_next_import() -> bool:
    """The worker's step: run one queued import, if there is one."""
    job = claim_next_import()
    if job is None:
        return False
    run_import(job)
    return True


def forget_stale_uploads() -> bool:
    """The worker's step: delete uploads nobody started an import for within a day (they
    hold personal data). A queued or running job's file is kept however old."""
    global last_sweep
    folder = uploads_dir()
    if time.monotonic() - last_sweep < SWEEP_EVERY or not folder.is_dir():
        return False
    last_sweep = time.monotonic()
    in_use = set(
        ImportJob.objects.filter(
            status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).values_list("stored_path", flat=True)
    )
    cutoff = (now() - STALE_AFTER).timestamp()
    stale = [
        path
        for path in folder.glob("*.csv")
        if path.stat().st_mtime < cutoff and str(path) not in in_use
    ]
    for path in stale:
        path.unlink(missing_ok=True)
    return False  # housekeeping: never a reason to run the loop again at once
