"""The staging table: clean rows land here before one set-based merge.

The standard bulk load: rows first, indexes after. A temporary table, so it needs no name per
job, writes no WAL on PostgreSQL and vanishes with the session if the process dies; it has no
index while the rows go in. PostgreSQL loads it with ``COPY … (FORMAT text)`` from the
tab-separated text the cleaning step serialised (the csv module, in C, is several times
faster than adapting each value; COPY's text format needs no quoting, so fewer bytes than CSV
and a cheaper parse on the server); SQLite with ``executemany``. Empty values travel as NULL:
NULL means "the file says nothing here", which the merge keeps apart from a value.

``prepare`` then adds the columns the merge fills in (the donor each row is, and its flags),
builds the indexes the checks and the merge join on, once, over the loaded rows (cheaper than
maintaining them row by row), and analyses the table; the runner counts it as part of the
merge.
"""

from collections.abc import Sequence
from datetime import date

from django.db import DatabaseError, connection

from .cleaning import CleanChunk
from .rows import COLUMNS

TABLE = "import_staging"
TYPES = {
    "line": "integer NOT NULL",
    "generated": "boolean NOT NULL",
    "is_organisation": "boolean",
    "date_of_birth": "date",
    "gift_amount": "decimal(12, 2)",
    "gift_date": "date",
    "gift_aid": "boolean",
}
# Filled in by merge.py once the rows are in: which donor each row is, and what it adds.
FLAGS = (
    "created",
    "details_changed",
    "add_phone",
    "add_mobile",
    "add_email",
    "add_address",
    "add_gift",
)


def postgres() -> bool:
    return connection.vendor == "postgresql"


class Staging:
    def __init__(self, consent_count: int):
        self.consent_columns = [f"consent_{index}" for index in range(consent_count)]
        self.columns = [*COLUMNS, *self.consent_columns]
        self.rows = 0

    def definition(self) -> str:
        """The loaded columns only: ``prepare`` adds the merge's own columns after the load."""
        return ", ".join(f"{name} {TYPES.get(name, 'text')}" for name in self.columns)

    def merge_columns(self) -> list[str]:
        """Filled in by the merge. Added after the load, not created with the table: COPY
        would otherwise write each row's defaults (~5% of the load, measured), while a column
        added with a constant default costs nothing per row on either database until the
        merge sets it."""
        flags = [*FLAGS, *(f"add_{name}" for name in self.consent_columns)]
        return ["donor_id bigint", *(f"{name} boolean NOT NULL DEFAULT false" for name in flags)]

    def create(self) -> None:
        with connection.cursor() as cursor:
            if postgres():
                # Only takes effect before the session's first temporary table; harmless after.
                cursor.execute("SET temp_buffers = '64MB'")
            cursor.execute(f"DROP TABLE IF EXISTS {qualified()}")
            cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} ({self.definition()})")

    @property
    def takes_csv(self) -> bool:
        """PostgreSQL wants the rows as COPY text (cleaning.to_copy_text), SQLite as tuples."""
        return postgres()

    def write(self, chunk: CleanChunk) -> None:
        if not chunk.good:
            return
        if isinstance(chunk.payload, str):
            self.copy(chunk.payload)
        else:
            self.insert(chunk.payload)
        self.rows += chunk.good

    def copy(self, text: str) -> None:
        # NULL '': an empty field is NULL, as an unquoted empty field was in the CSV format
        # (the writer writes None, and '', as an empty field).
        columns = ", ".join(self.columns)
        statement = f"COPY {TABLE} ({columns}) FROM STDIN (FORMAT text, NULL '')"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(text)

    def insert(self, rows: Sequence[tuple]) -> None:
        marks = ", ".join(["%s"] * len(self.columns))
        statement = f"INSERT INTO {TABLE} ({', '.join(self.columns)}) VALUES ({marks})"  # noqa: S608 -- column names are ours
        with connection.cursor() as cursor:
            cursor.executemany(statement, [sqlite_values(row) for row in rows])

    def prepare(self) -> None:
        """After the load, before the checks: add the merge's columns, index what the checks
        and the merge join on, and let the planner see the table's size (nothing analyses a
        temporary table by itself)."""
        with connection.cursor() as cursor:
            for column in self.merge_columns():
                cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN {column}")
            cursor.execute(f"CREATE UNIQUE INDEX import_staging_line ON {TABLE} (line)")
            cursor.execute(f"CREATE INDEX import_staging_ref ON {TABLE} (ref_key)")
            # Statistics only for what the checks join on: the other columns' cost time.
            cursor.execute(
                f"ANALYZE {TABLE} (line, reference, ref_key)" if postgres() else f"ANALYZE {TABLE}"
            )

    def drop(self) -> None:
        """Best effort: a broken connection takes its temporary table with it anyway, and
        the error that broke it is the one worth reporting."""
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {qualified()}")
        except DatabaseError:
            pass


def qualified() -> str:
    """The temporary schema's name for the table, so that DROP can never reach a real table
    that happens to share the name."""
    return f"pg_temp.{TABLE}" if postgres() else f"temp.{TABLE}"


def sqlite_values(row: tuple) -> tuple:
    """Dates as ISO text, the way Django stores them in SQLite (no deprecated adapter)."""
    return tuple(value.isoformat() if isinstance(value, date) else value for value in row)
