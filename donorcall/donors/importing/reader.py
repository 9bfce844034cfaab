"""Read an import file as a stream of rows with the physical line each starts on.

Never reads the file whole: rows come one at a time from the csv module over a text wrapper,
and progress is the byte position in the file (the row count is unknown until the end).
Spreadsheets save CSV in several ways, so the encoding (UTF-8 with or without BOM, UTF-16,
else Windows-1252) and the delimiter (comma, semicolon or tab) are found from the file.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

DELIMITERS = ",;\t"
BLOCK = 1 << 20  # bytes read at a time when checking the encoding


class ImportFileError(Exception):
    """The file cannot be imported as it is; the message is safe to show (no cell values)."""


def detect_encoding(path: Path) -> str:
    """UTF-8 when every byte of the file decodes as UTF-8 (a fast pass in C), else cp1252,
    what Excel on Windows writes as "CSV". A byte-order mark decides at once."""
    with path.open("rb") as raw:
        start = raw.read(4)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        raw.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := raw.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def unique_headers(cells: list[str]) -> list[str]:
    """Headers as written, made unique (a second "Phone" becomes "Phone (2)") and never empty,
    because a mapping and every error message name a column by its header."""
    headers: list[str] = []
    for position, cell in enumerate(cells, start=1):
        header = cell.strip() or f"Column {position}"
        name, copy = header, 2
        while name in headers:
            name, copy = f"{header} ({copy})", copy + 1
        headers.append(name)
    return headers


class CsvSource:
    """An open import file: ``headers``, then ``rows()``; ``bytes_read`` for progress."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.total_bytes = self.path.stat().st_size
        self.raw = self.path.open("rb")
        self.text = io.TextIOWrapper(
            self.raw, encoding=detect_encoding(self.path), errors="replace", newline=""
        )
        first = self.text.readline()
        self.reader = csv.reader(
            self._lines(first), delimiter=sniff_delimiter(first), skipinitialspace=False
        )
        self.headers = unique_headers(next(self.reader, []))

    def _lines(self, first: str) -> Iterator[str]:
        yield first
        yield from self.text

    @property
    def bytes_read(self) -> int:
        return self.raw.tell() if not self.raw.closed else self.total_bytes

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for each row that is not blank; line 1 is the header."""
        line = self.reader.line_num
        try:
            for cells in self.reader:
                start, line = line + 1, self.reader.line_num
                if any(cell.strip() for cell in cells):
                    yield start, cells
        except csv.Error as error:  # e.g. a cell over the csv module's size limit
            raise ImportFileError(f"line {line + 1} cannot be read as CSV: {error}") from None

    def close(self) -> None:
        self.text.close()

    def __enter__(self) -> "CsvSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_headers(path: Path | str) -> list[str]:
    with CsvSource(path) as source:
        return source.headers
