"""The dump source: the Hub's public dump of model cards, read as parquet.

`librarian-bots/model_cards_with_metadata` holds one row per model of the Hub (`COLUMNS`:
the id, author, downloads, likes, dates, library, tags, task, and the whole README.md in
`card`). `Dump` reads such files, a single file, a folder of shards, or an
`hf://datasets/<owner>/<name>[/<subpath>]` path through `huggingface_hub.HfFileSystem`
(`HF_ENDPOINT`, `HF_TOKEN`), streamed in record batches with pyarrow: only the dump's columns
are read, `--min-downloads`, `--author`, `--search` and `--limit` are applied to each batch
before a card is parsed, and the rows kept go out in small `Chunk`s.

`audit_row` is the per-card function: the `check` pipeline on the card text alone (no side
files) with what the row lists about the model, giving the record of `carbon-card audit`
plus a `hub` object. It is pure (its result depends on the row alone), so it can be mapped
over processes or a Dask cluster (`carbon_card.parallel`), or over a `dask.dataframe` of the
shards (docs/dataset.md).

A file or row that cannot be read is a `Skipped` (one line naming the file and the row,
and how many rows are lost), never an exception that ends the run, never dropped silently.
pyarrow is imported when a dump is opened, never by `carbon-card check`.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .card import MAX_CARD_BYTES, CardReadError, parse_card
from .facts import Listing
from .facts.listing import hub_json
from .parallel import one_line
from .pipeline import Settings, run
from .report import card_json, estimate_json

__all__ = ["COLUMNS", "SCHEMA", "Chunk", "DatasetError", "Dump", "Selection", "Skipped", "audit_row", "audit_rows",
           "listing_of"]

SCHEMA = {"modelId": "string", "author": "string", "last_modified": "timestamp", "downloads": "integer",
          "likes": "integer", "library_name": "string", "tags": "list of strings", "pipeline_tag": "string",
          "createdAt": "timestamp", "card": "string"}
"""The dump's columns and the kind of values each holds (its parquet files: string, int64,
timestamp[us, tz=UTC], list<string>); a file may have others, which are not read."""
COLUMNS = tuple(SCHEMA)

INSTALL_HINT = "pip install 'carbon-card[dataset]'"

CHUNK_ROWS = 64
"""Rows per chunk sent to a worker: a few hundred milliseconds of work, so that the cost of
sending a chunk is small beside it, and a window of chunks in flight stays a few MB."""
CHUNK_BYTES = 4 * 2**20
"""A chunk is closed early once its cards hold this many characters (long cards)."""
BATCH_ROWS = 1024
"""Rows per record batch read from a file."""
_READ_BUFFER = 2**20
"""Pages are read through a buffer of this size rather than a row group's column at once, so
that memory does not grow with the row groups of the file."""


class DatasetError(Exception):
    """The dump cannot be read at all (no such path, no parquet file, pyarrow missing)."""


@dataclass(frozen=True)
class Selection:
    """Which rows are audited: every condition given must hold; `limit` counts rows kept."""

    min_downloads: int | None = None
    author: str | None = None
    """The author's name, compared without regard to case."""
    search: str | None = None
    """A part of the model id, compared without regard to case (as the Hub's search)."""
    limit: int | None = None

    @property
    def filters(self) -> bool:
        return self.min_downloads is not None or bool(self.author) or bool(self.search)


@dataclass(frozen=True)
class Skipped:
    """Rows of the dump that could not be read: no record is made for them."""

    file: str
    row: int | None
    """The first row lost, counted from 0 in its file; None when the whole file is lost."""
    rows: int | None
    """How many rows are lost; None when the file is unreadable and its row count unknown."""
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}: row {self.row}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Chunk:
    """Rows to audit, in the dump's order."""

    rows: list[dict[str, Any]]
    """Each row as a dict of the dump's columns (`card` cut after `MAX_CARD_BYTES` characters)."""
    where: list[tuple[str, int]]
    """The file and the row (from 0) of each row."""
    scanned: int
    """Rows of the dump read to make this chunk, the rows not selected included."""


def _pyarrow():
    try:
        import pyarrow  # noqa: F401
        import pyarrow.compute
        import pyarrow.parquet
    except ImportError as error:
        raise DatasetError(f"reading a dataset needs pyarrow ({error}); {INSTALL_HINT}") from None
    return pyarrow


# =========================================================================== the files


class Dump:
    """The parquet files at a location, in name order."""

    def __init__(self, location: str):
        self.location = location
        self.pa = _pyarrow()
        self.fs, self.files = _locate(location)

    def display(self, path: str) -> str:
        """How a file is named in messages: as given, or its hf:// address."""
        return f"hf://{path}" if self.fs is not None else path

    def _open(self, path: str):
        """A `ParquetFile` of one file; `pyarrow.ArrowException` or `OSError` when it is not one."""
        source = self.fs.open(path, "rb") if self.fs is not None else path
        try:
            return self.pa.parquet.ParquetFile(source, buffer_size=_READ_BUFFER, pre_buffer=False)
        except BaseException:
            if self.fs is not None:
                source.close()
            raise

    def rows(self) -> int:
        """The rows of the files that can be opened (the others are reported when read)."""
        total = 0
        for path in self.files:
            try:
                parquet = self._open(path)
            except Exception:  # noqa: BLE001 - reported with its reason when the file is read
                continue
            with _closing(parquet):
                total += parquet.metadata.num_rows
        return total

    def chunks(self, selection: Selection, on_skip: Callable[[Skipped], None],
               done: set[str] | frozenset[str] = frozenset()) -> Iterator[Chunk]:
        """The selected rows in chunks, in the dump's order; rows whose model id is in `done`
        (already in the output of a resumed run) are counted as scanned but not sent."""
        chunk = _ChunkBuilder()
        kept = 0  # rows selected, for --limit
        for name, at, batch in self._batches(on_skip, chunk):
            positions = _select(batch, selection, self.pa.compute)
            if selection.limit is not None and len(positions) >= selection.limit - kept:
                positions = positions[:selection.limit - kept]
                chunk.scanned += positions[-1] + 1 if positions else 0  # the rest of the batch is not read
            else:
                chunk.scanned += len(batch)
            kept += len(positions)
            for position, row in zip(positions, self._rows(batch, positions)):
                if row["modelId"] is None:
                    on_skip(Skipped(name, at + position, 1, "no modelId: the row names no model"))
                elif row["modelId"] not in done:
                    chunk.add(row, (name, at + position))
                if chunk.full:
                    yield chunk.take()
            if selection.limit is not None and kept >= selection.limit:
                break
        if chunk.rows or chunk.scanned:
            yield chunk.take()

    def _batches(self, on_skip: Callable[[Skipped], None], chunk: _ChunkBuilder) -> Iterator[tuple[str, int, Any]]:
        """(file, its row of the batch's first, record batch) over every file, a row group at a
        time: a row group that cannot be decoded loses its own rows only (counted in `chunk`)."""
        for path in self.files:
            name = self.display(path)
            try:
                parquet = self._open(path)
            except Exception as error:  # noqa: BLE001 - pyarrow's and the file system's errors
                on_skip(Skipped(name, None, None, f"not a readable parquet file ({one_line(error)})"))
                continue
            with _closing(parquet):
                metadata = parquet.metadata
                problem = _schema_problem(parquet.schema_arrow, self.pa)
                if problem:
                    on_skip(Skipped(name, None, metadata.num_rows, f"{problem}; its {metadata.num_rows} rows skipped"))
                    chunk.scanned += metadata.num_rows
                    continue
                start = 0  # the row group's first row in the file
                for group in range(metadata.num_row_groups):
                    rows = metadata.row_group(group).num_rows
                    at = start
                    try:
                        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, row_groups=[group],
                                                          columns=list(COLUMNS), use_threads=False):
                            yield name, at, batch
                            at += len(batch)
                    except Exception as error:  # noqa: BLE001 - a page that cannot be read or decoded
                        lost = start + rows - at
                        on_skip(Skipped(name, at, lost, f"cannot be read ({one_line(error)}); {lost} rows skipped"))
                        chunk.scanned += lost
                    start += rows

    def _rows(self, batch, positions: list[int]) -> list[dict[str, Any]]:
        """The rows at `positions` of a batch, as dicts, each card cut where `check` stops reading."""
        if not positions:
            return []
        pa, pc = self.pa, self.pa.compute
        taken = batch if len(positions) == len(batch) else batch.take(pa.array(positions, pa.int64()))
        # check reads a file up to MAX_CARD_BYTES + 1 bytes and refuses it if it gets them all:
        # cut there too (in characters, each at least a byte), never sending 20 MB to a worker.
        index = taken.schema.get_field_index("card")
        taken = taken.set_column(index, "card", pc.utf8_slice_codeunits(taken.column(index), 0, MAX_CARD_BYTES + 1))
        # pyarrow turns times with a time zone into Python through pandas (40 MB more, and
        # its import time): the same instants without the zone, read back as UTC by `_time`.
        for name in ("last_modified", "createdAt"):
            index = taken.schema.get_field_index(name)
            taken = taken.set_column(index, name, taken.column(index).cast(pa.timestamp("us"), safe=False))
        return taken.to_pylist()


@contextlib.contextmanager
def _closing(parquet) -> Iterator[Any]:
    try:
        yield parquet
    finally:
        parquet.close(force=True)  # the file object of an hf:// file too


class _ChunkBuilder:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.where: list[tuple[str, int]] = []
        self.size = self.scanned = 0

    def add(self, row: dict[str, Any], where: tuple[str, int]) -> None:
        self.rows.append(row)
        self.where.append(where)
        self.size += len(row["card"] or "")

    @property
    def full(self) -> bool:
        return len(self.rows) >= CHUNK_ROWS or self.size >= CHUNK_BYTES

    def take(self) -> Chunk:
        chunk = Chunk(self.rows, self.where, self.scanned)
        self.__init__()
        return chunk


def _schema_problem(schema, pa) -> str | None:
    """What keeps a file's rows from being read as the dump's: a column missing, or of another type."""
    types = pa.types

    def string(t) -> bool:
        return types.is_string(t) or types.is_large_string(t)

    kinds = {"string": string, "integer": types.is_integer, "timestamp": types.is_timestamp,
             "list of strings": lambda t: (types.is_list(t) or types.is_large_list(t)) and string(t.value_type)}
    missing = [column for column in COLUMNS if column not in schema.names]
    if missing:
        others = [name for name in schema.names if name not in COLUMNS]
        instead = f" (it has {', '.join(others)} instead)" if others else ""
        return (f"no column {', '.join(missing)}{instead}: not the schema of the Hub's dump of model cards "
                f"({', '.join(COLUMNS)})")
    for column, kind in SCHEMA.items():
        found = schema.field(column).type
        if not kinds[kind](found):
            return f"column {column} is {found}, not {kind}"
    return None


def _select(batch, selection: Selection, pc) -> list[int]:
    """The positions of the batch's rows that the selection keeps."""
    mask = None
    conditions = []
    if selection.min_downloads is not None:
        conditions.append(pc.greater_equal(batch.column("downloads"), selection.min_downloads))
    if selection.author:
        conditions.append(pc.equal(pc.utf8_lower(batch.column("author")), selection.author.lower()))
    if selection.search:
        conditions.append(pc.match_substring(batch.column("modelId"), selection.search, ignore_case=True))
    if not conditions:
        return list(range(len(batch)))
    for condition in conditions:
        condition = pc.fill_null(condition, False)  # a row missing the value does not match
        mask = condition if mask is None else pc.and_(mask, condition)
    return pc.indices_nonzero(mask).to_pylist()


def _locate(location: str):
    """(the file system or None for local files, the parquet files at `location` in name order)."""
    if location.startswith("hf://"):
        path = location[len("hf://"):].strip("/")
        if not path.startswith("datasets/") or path.count("/") < 2:
            raise DatasetError(f"{location}: give hf://datasets/<owner>/<name>[/<folder or file>]")
        from huggingface_hub import HfFileSystem

        endpoint = os.environ.get("HF_ENDPOINT") or None
        fs = HfFileSystem(endpoint=endpoint.rstrip("/") if endpoint else None)
        try:
            if fs.isfile(path):
                return fs, [path]
            if not fs.isdir(path):
                raise DatasetError(f"{location}: no such dataset, folder or file on the Hub")
            files = sorted(p for p in fs.find(path) if p.endswith(".parquet"))
        except DatasetError:
            raise
        except Exception as error:  # noqa: BLE001 - huggingface_hub's HTTP and validation errors
            raise DatasetError(f"{location}: cannot list the dataset ({one_line(error)})") from None
    elif os.path.isfile(location):
        return None, [location]
    elif os.path.isdir(location):
        fs = None
        files = sorted(os.path.join(folder, name) for folder, _, names in os.walk(location)
                       for name in names if name.endswith(".parquet"))
    else:
        raise DatasetError(f"{location}: no such file or folder")
    if not files:
        raise DatasetError(f"{location}: no .parquet file")
    return fs, files


# =========================================================================== one card


def audit_rows(rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`audit_row` of each row: the unit of work sent to a worker."""
    return [audit_row(row) for row in rows]


def audit_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The audit record of one row of the dump: `check --format json`'s record of its card
    (read alone, with the row's listing), plus `repo_id`, `sha` (None), `downloads`,
    `has_card` and `hub` (what the row lists). A row whose card cannot be read gives a failure
    record whose `error` says why. Pure: the same row gives the same record, anywhere.

    `row` has the dump's columns, as pyarrow (`to_pylist`) or pandas (`to_dict`) gives them.
    """
    listing = listing_of(row)
    repo_id = listing.repo_id
    path = f"{repo_id}/README.md"
    text = row.get("card")
    hub = hub_json(listing)
    try:
        if not isinstance(text, str):  # None, or pandas' NA
            return _failure(repo_id, listing.downloads, "no card", "the dump has no card for this model", hub)
        card = parse_card(text.encode("utf-8", "surrogatepass"), path)
        result = run(card, None, Settings(model_id=repo_id), listing=listing)
        return {"repo_id": repo_id, "sha": None, "downloads": listing.downloads, "has_card": True,
                **card_json(result.assessment), "estimate": estimate_json(result.estimate), "hub": hub}
    except CardReadError as error:
        line = f" (line {error.line})" if error.line else ""
        return _failure(repo_id, listing.downloads, "unreadable card", f"README.md: {error.message}{line}", hub)
    except Exception as bug:  # noqa: BLE001 - one card must not stop the run
        return _failure(repo_id, listing.downloads, "internal error",
                        f"internal error ({type(bug).__name__}: {bug}); please report it", hub)


def _failure(repo_id: str, downloads: int | None, reason: str, message: str, hub: dict) -> dict[str, Any]:
    # The shape of `carbon_card.audit`'s failure records.
    return {"repo_id": repo_id, "sha": None, "downloads": downloads, "path": f"{repo_id}/README.md",
            "error": {"reason": reason, "message": message, "line": None}, "findings": [], "hub": hub}


def listing_of(row: Mapping[str, Any]) -> Listing:
    """What a row lists about its model."""
    return Listing(
        repo_id=str(row["modelId"]),
        author=_text(row.get("author")),
        created_at=_time(row.get("createdAt")),
        last_modified=_time(row.get("last_modified")),
        downloads=_int(row.get("downloads")),
        likes=_int(row.get("likes")),
        library_name=_text(row.get("library_name")),
        pipeline_tag=_text(row.get("pipeline_tag")),
        tags=_tags(row.get("tags")),
    )


# Values as pyarrow gives them, and as pandas does: numpy numbers and arrays, NaN or NA for a
# missing number or text, NaT for a missing time.

def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):  # pandas' NA
        return None


def _tags(value: Any) -> tuple[str, ...]:
    if value is None or isinstance(value, (str, float)):
        return ()
    try:
        return tuple(str(tag) for tag in value)
    except TypeError:  # pandas' NA
        return ()


def _time(value: Any) -> datetime | None:
    if not isinstance(value, datetime) or value != value:  # None, NaT
        return None
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        value = value.to_pydatetime()
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)

