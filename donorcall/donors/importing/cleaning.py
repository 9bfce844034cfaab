"""Cleaning chunks of rows, in this process or spread over a pool of processes.

Cleaning is pure Python and CPU-bound (phone numbers, time zones, emails, dates, gifts), so a
big file's chunks go to one worker process per core while this process reads the file and
copies the cleaned chunks into the staging table. A worker also serialises its chunk for
``COPY``, so the main process only streams text to the database. Chunks come back in file
order, and only a few are in flight at once, so memory stays bounded.

Workers start from a fresh interpreter (forkserver) rather than a fork of this one: the
database connection pool runs threads here, and forking a threaded process is unsafe.
"""

import csv
import io
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from .fields import ImportField
from .numbers import NumberCache
from .pool import clean, start
from .rows import Plan, Problem, RowCleaner

Chunk = list[tuple[int, list[str]]]


@dataclass
class CleanChunk:
    """A chunk's good rows, as text for COPY or as tuples, and its bad rows' problems."""

    read: int
    good: int
    payload: str | list[tuple]
    bad: list[list[Problem]] = field(default_factory=list)
    peak_rss_kib: int = 0  # the worker process's, for the benchmark's memory figure


def clean_chunk(cleaner: RowCleaner, chunk: Chunk, as_csv: bool) -> CleanChunk:
    rows: list[tuple] = []
    bad: list[list[Problem]] = []
    for line, cells in chunk:
        row, problems = cleaner.clean(line, cells)
        if row is None:
            bad.append(problems)
        else:
            rows.append(row)
    return CleanChunk(len(chunk), len(rows), to_copy_text(rows) if as_csv else rows, bad)


def to_copy_text(rows: list[tuple]) -> str:
    """Rows in COPY's text format (tab-separated, backslash escapes), written by the csv
    module in C rather than value by value: None is an empty field, which the staging's COPY
    (``NULL ''``) reads as NULL. The writer escapes a tab, newline or backslash in a value with
    a backslash, which COPY reads back as that character; it leaves a carriage return alone,
    which COPY would take for the end of a line, so it becomes COPY's ``\\r``. (Every
    backslash the writer wrote before it is doubled, so ``\\r`` is always an escape.)"""
    buffer = io.StringIO()
    csv.writer(
        buffer,
        delimiter="\t",
        quoting=csv.QUOTE_NONE,
        quotechar=None,
        escapechar="\\",
        lineterminator="\n",
    ).writerows(rows)
    text = buffer.getvalue()
    return text.replace("\r", "\\r") if "\r" in text else text


def worker_state(plan: dict, as_csv: bool) -> tuple[RowCleaner, bool]:
    """What a pool worker (pool.py) keeps: its own cleaner, with its own caches."""
    rebuilt = Plan(**{**plan, "consents": [ImportField(**item) for item in plan["consents"]]})
    return RowCleaner(rebuilt, NumberCache(rebuilt.region)), as_csv


# --- this process's side -----------------------------------------------------------------------


class Cleaning:
    """``run(chunks, position)`` yields (cleaned chunk, bytes read when it was read)."""

    def __init__(self, plan: Plan, *, workers: int, as_csv: bool):
        self.plan, self.workers, self.as_csv = plan, workers, as_csv

    def run(self, chunks: Iterable[Chunk], position: Callable[[], int]) -> Iterator[tuple]:
        if self.workers < 2:
            cleaner = RowCleaner(self.plan, NumberCache(self.plan.region))
            for chunk in chunks:
                yield clean_chunk(cleaner, chunk, self.as_csv), position()
            return
        yield from self.run_in_pool(chunks, position)

    def run_in_pool(self, chunks: Iterable[Chunk], position: Callable[[], int]) -> Iterator:
        """Each worker is a pool of one process, and each chunk is split between them by the
        last digits of the row's phone number: however a number is written, it always goes to
        the same worker, so each number is parsed by one worker only (numbers.py caches by
        raw value and by number). The parts of a chunk come back as one chunk, in file order."""
        context = pool_context()
        pools = [
            ProcessPoolExecutor(
                1, context, initializer=start, initargs=(asdict(self.plan), self.as_csv)
            )
            for _ in range(self.workers)
        ]
        route = Router(self.plan.columns.get("phone"), self.workers)
        in_flight: deque[tuple[list[Future], int]] = deque()
        try:
            for chunk in chunks:
                parts = route(chunk)
                futures = [
                    pool.submit(clean, part)
                    for pool, part in zip(pools, parts, strict=True)
                    if part
                ]
                in_flight.append((futures, position()))
                if len(in_flight) > 2:
                    futures, read = in_flight.popleft()
                    yield joined([future.result() for future in futures]), read
            while in_flight:
                futures, read = in_flight.popleft()
                yield joined([future.result() for future in futures]), read
        finally:
            for pool in pools:
                pool.shutdown(cancel_futures=True)


def pool_context() -> Any:
    """Fork server workers that start with Django set up (preload.py), once per process."""
    if os.name != "posix":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["donorcall.donors.importing.preload"])
    return context


class Router:
    """Splits a chunk into one part per worker by the last digits of the phone column (the
    whole chunk to one worker, in turn, when no column is mapped to phone)."""

    def __init__(self, column: int | None, workers: int):
        self.column, self.workers, self.turn = column, workers, 0

    def __call__(self, chunk: Chunk) -> list[Chunk]:
        parts: list[Chunk] = [[] for _ in range(self.workers)]
        if self.column is None:
            self.turn = (self.turn + 1) % self.workers
            parts[self.turn] = chunk
            return parts
        column = self.column
        for row in chunk:
            cells = row[1]
            raw = cells[column] if column < len(cells) else ""
            parts[hash(tail_digits(raw)) % self.workers].append(row)
        return parts


def tail_digits(raw: str, length: int = 6) -> str:
    """The last digits of a raw number: the same however it is written."""
    digits = [ch for ch in raw[-2 * length - 8 :] if ch.isdigit()]
    return "".join(digits[-length:])


def joined(parts: list[CleanChunk]) -> CleanChunk:
    """One chunk from its workers' parts: the rows (their order does not matter to the staging
    table, which keeps each row's line), and the bad rows in file order."""
    if len(parts) == 1:
        return parts[0]
    payloads = [part.payload for part in parts]
    payload: str | list[tuple] = (
        "".join(p for p in payloads if isinstance(p, str))
        if all(isinstance(p, str) for p in payloads)
        else [row for p in payloads if isinstance(p, list) for row in p]
    )
    bad = sorted((problems for part in parts for problems in part.bad), key=lambda p: p[0].line)
    return CleanChunk(
        read=sum(part.read for part in parts),
        good=sum(part.good for part in parts),
        payload=payload,
        bad=bad,
        peak_rss_kib=max(part.peak_rss_kib for part in parts),
    )
