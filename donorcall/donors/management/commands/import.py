"""`donorcall import donors FILE.csv`: import donors in the foreground, with a progress bar.

The same import as the page's (donors/importing/), run here instead of by the worker. The
report goes to stdout, one problem per line ("line 12, column Phone: …"); the progress bar
goes to stderr. The exit status is 1 when nothing was imported (bad rows, or a failure).
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from donorcall.donors.importing.fields import guess_mapping, import_fields
from donorcall.donors.importing.jobs import saved_mapping, start_import
from donorcall.donors.importing.reader import read_headers
from donorcall.donors.importing.runner import run_import
from donorcall.donors.models import ImportJob, ImportMode, ImportStatus
from donorcall.lib.errors import InvalidInput

BAR_WIDTH = 30


class ProgressBar:
    """``[#######-------]  45%  12,345 rows  8,120 rows/s  0:02`` on one line, redrawn with
    \\r; "saving…" once the file is read and the merge runs."""

    def __init__(self, stream: OutputWrapper):
        self.stream = stream
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def __call__(self, job: ImportJob) -> None:
        moment = time.monotonic()
        if moment - self.drawn_at < 0.2 and job.processed_bytes < job.total_bytes:
            return
        self.drawn_at = moment
        share = job.processed_bytes / job.total_bytes if job.total_bytes else 1.0
        filled = int(BAR_WIDTH * share)
        elapsed = moment - self.started
        rate = job.rows_read / max(elapsed, 1e-6)
        phase = "  saving…" if job.processed_bytes >= job.total_bytes else ""
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        clock = f"{int(elapsed) // 60}:{int(elapsed) % 60:02d}"
        line = f"\r[{bar}] {share:4.0%}  {job.rows_read:,} rows  {rate:,.0f} rows/s  {clock}{phase}"
        self.stream.write(line.ljust(78), ending="")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("")


class Command(BaseCommand):
    help = "Import donors from a CSV file (update by reference, add the rest)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["donors"], help="What the file holds.")
        parser.add_argument(
            "file", type=Path, help="The CSV file; its first row names the columns."
        )
        parser.add_argument(
            "--mapping", default="", help="Use the saved column mapping of this name."
        )
        parser.add_argument(
            "--save-mapping",
            default="",
            metavar="NAME",
            help="Save the mapping used under this name.",
        )
        parser.add_argument(
            "--valid-rows",
            action="store_true",
            help="Import the valid rows and report the bad ones (default: a bad "
            "row stops the whole import).",
        )
        parser.add_argument(
            "--region",
            default="GB",
            help="Country of numbers written without a country code (default GB).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Cleaning processes (default: one per core for big files).",
        )

    def handle(
        self,
        *args,
        file: Path,
        mapping: str,
        save_mapping: str,
        valid_rows: bool,
        region: str,
        workers: int | None,
        **options,
    ) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        columns = self.mapping(file, mapping)
        mode = ImportMode.VALID_ROWS if valid_rows else ImportMode.ALL_OR_NOTHING
        try:
            job = start_import(
                file.resolve(),
                original_name=file.name,
                mapping=columns,
                mode=mode,
                region=region,
                save_as=save_mapping,
                queue=False,
                by=None,
            )
        except InvalidInput as error:
            raise CommandError(error.message) from error
        bar = ProgressBar(self.stderr)
        job = run_import(job, progress=bar, workers=workers)
        bar.done()
        self.report(job)

    def mapping(self, file: Path, name: str) -> dict[str, str]:
        """The saved mapping asked for, else a guess from the headers; shown before it runs."""
        headers = read_headers(file)
        try:
            columns = (
                saved_mapping(name).mapping if name else guess_mapping(headers, import_fields())
            )
        except InvalidInput as error:
            raise CommandError(error.message) from error
        labels = {field.key: field.label for field in import_fields()}
        for header in headers:
            key = columns.get(header, "")
            self.stdout.write(f"  {header} → {labels.get(key, 'not imported')}")
        return columns

    def report(self, job: ImportJob) -> None:
        self.stdout.write(job.message)
        errors = [p for p in job.errors if p.get("level") != "warning"]
        warnings = [p for p in job.errors if p.get("level") == "warning"]
        for heading, problems in (
            ("Bad rows:", errors),
            ("Warnings (imported, but check):", warnings),
        ):
            if problems:
                self.stdout.write(heading)
            for problem in problems:
                self.stdout.write(
                    f"line {problem['line']}, column {problem['column']}: {problem['reason']}"
                )
        if job.status != ImportStatus.DONE:
            raise CommandError(f"import {job.pk}: {job.get_status_display().lower()}")
