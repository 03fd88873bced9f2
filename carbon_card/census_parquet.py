"""`carbon-card audit --format parquet`: one row per model, for analysis beyond the census.

The columns are the predictors of the GLM of Agarwal and Chakraborti (2025), "The Hidden AI
Race" (parameters, likes, downloads, the repository's age in days, the task's domain, the
organisation tag, as far as the Hub tells them; with the library, the task and the creation
year), and the training emissions with their tier. The repository's age is counted at the time
of the run (`observed_at`, in the file's metadata), from the Hub's `createdAt`.

Rows are written in row groups as records come, so memory stays flat, into a temporary file
beside the output that replaces it only when the run ends: an interrupted run leaves no partial
file. pyarrow is imported here only (the `carbon-card[dataset]` extra).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from .census import LABEL_MODES, entry_of

__all__ = ["COLUMNS", "ROW_GROUP", "ParquetUnavailable", "TableWriter", "require_pyarrow"]

ROW_GROUP = 4096
"""Rows per row group: the rows held in memory at once."""

# (name, pyarrow type name, what it holds)
COLUMNS = (
    ("repo_id", "string", "the model"),
    ("author", "string", "the Hub's author (the namespace)"),
    ("error", "string", "why the model could not be audited (null: audited)"),
    ("disclosure_tier", "string", "T1 ... T4, none: what the card discloses"),
    ("estimate_tier", "string", "the tier of the estimate: T1 reported ... T4, none"),
    ("emissions_g", "float64", "training emissions, grams CO2e: central value"),
    ("emissions_low_g", "float64", "5th percentile"),
    ("emissions_high_g", "float64", "95th percentile"),
    ("atci_tco2e_per_1e21_flop", "float64", "emissions per training compute"),
    ("parameters", "float64", "total parameters (active ones when only they are known)"),
    ("likes", "int64", "the Hub's likes"),
    ("downloads", "int64", "the Hub's downloads (last 30 days)"),
    ("created_at", "timestamp", "the Hub's createdAt, UTC"),
    ("created_year", "int32", "the year of createdAt (or of the created fact)"),
    ("last_modified", "timestamp", "the Hub's lastModified, UTC"),
    ("age_days", "float64", "days from created_at to observed_at (the run's time)"),
    ("pipeline_tag", "string", "the task"),
    ("domain", "string", "the task's domain, Agarwal and Chakraborti (2025), Table 1"),
    ("library", "string", "the library"),
    ("author_kind", "string", "the author's kind as the tags tell it (census.AuthorKind)"),
    ("label_corrected", "string", "the efficiency label (--label), corrected mode"),
    ("label_faithful", "string", "the efficiency label (--label), faithful mode"),
)


class ParquetUnavailable(Exception):
    """pyarrow is not installed."""


def require_pyarrow():
    """pyarrow's parquet module, or ParquetUnavailable with the line to install it."""
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise ParquetUnavailable(f"--format parquet needs pyarrow ({error}); pip install 'carbon-card[dataset]'") \
            from None
    return pq


def _schema(observed_at: datetime):
    import pyarrow as pa

    types = {"string": pa.string(), "float64": pa.float64(), "int64": pa.int64(), "int32": pa.int32(),
             "timestamp": pa.timestamp("us", tz="UTC")}
    return pa.schema([pa.field(name, types[kind], metadata={"description": what}) for name, kind, what in COLUMNS],
                     metadata={"carbon_card.observed_at": observed_at.isoformat(),
                               "carbon_card.age_days": "days from created_at to observed_at, the time of the run"})


def row_of(record: dict[str, Any], observed_at: datetime) -> dict[str, Any]:
    """The row of one audit record."""
    entry = entry_of(record)
    emissions = entry.emissions or (None, None, None)
    labels = entry.labels or {}
    age = (observed_at - entry.created_at).total_seconds() / 86400 if entry.created_at else None
    audited = entry.error is None
    return {
        "repo_id": entry.repo_id, "author": entry.author, "error": entry.error,
        "disclosure_tier": entry.disclosure if audited else None, "estimate_tier": entry.estimate_tier,
        "emissions_g": emissions[0], "emissions_low_g": emissions[1], "emissions_high_g": emissions[2],
        "atci_tco2e_per_1e21_flop": entry.atci, "parameters": entry.params, "likes": entry.likes,
        "downloads": entry.downloads, "created_at": entry.created_at, "created_year": entry.year,
        "last_modified": entry.last_modified, "age_days": age, "pipeline_tag": entry.task,
        "domain": entry.domain if audited else None, "library": entry.library,
        "author_kind": entry.author_kind.value if audited else None,
        **{f"label_{mode}": labels.get(mode) for mode in LABEL_MODES},
    }


class TableWriter:
    """Writes rows to `path` in row groups; `close` puts the file in place, `discard` drops it."""

    def __init__(self, path: str, observed_at: datetime | None = None, row_group: int = ROW_GROUP):
        pq = require_pyarrow()
        self.path = path
        self.observed_at = observed_at or datetime.now(timezone.utc)
        self.row_group = row_group
        self.schema = _schema(self.observed_at)
        folder = os.path.dirname(os.path.abspath(path))
        # Beside the output (the same file system, so the rename is atomic), with the usual permissions.
        self.temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.part")
        self.writer = pq.ParquetWriter(self.temporary, self.schema)
        self.rows: list[dict[str, Any]] = []

    def add(self, record: dict[str, Any]) -> None:
        self.rows.append(row_of(record, self.observed_at))
        if len(self.rows) >= self.row_group:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self._flush()
        self.writer.close()
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        try:
            self.writer.close()
        finally:
            if os.path.exists(self.temporary):
                os.unlink(self.temporary)
