"""Parquet shards with the schema of the Hub's dump of model cards, from the corpus's real cards.

`librarian-bots/model_cards_with_metadata` has one row per model: `modelId`, `author`,
`last_modified`, `downloads`, `likes`, `library_name`, `tags`, `pipeline_tag`, `createdAt`,
`card` (the whole README.md). `corpus_rows()` gives such rows for the 1,417 cards rebuilt from
Castaño et al. (2023) (with the study's downloads, likes, dates, library and task), the real
cards of `cards-real/` (their current revision) and the gold cards of `gold/`; the Hub's
`pipeline_tag` and `library_name` of those are what their front matter says, as the Hub
derives them. `write_shards()` writes rows as `data/train-0000N-of-0000M.parquet`.

    python tests/corpus/dump.py DIR [--cards N] [--shards M]
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from castano import _as_list, _flag, card_task, castano_rows, rebuild_card  # noqa: E402

COLUMNS = ("modelId", "author", "last_modified", "downloads", "likes", "library_name", "tags", "pipeline_tag",
           "createdAt", "card")


def schema():
    """The dump's schema, as its parquet files have it."""
    import pyarrow as pa

    time = pa.timestamp("us", tz="UTC")
    return pa.schema([("modelId", pa.string()), ("author", pa.string()), ("last_modified", time),
                      ("downloads", pa.int64()), ("likes", pa.int64()), ("library_name", pa.string()),
                      ("tags", pa.list_(pa.string())), ("pipeline_tag", pa.string()), ("createdAt", time),
                      ("card", pa.string())])


def _time(cell: str) -> datetime | None:
    return datetime.fromisoformat(cell).astimezone(timezone.utc) if cell else None


def _number(cell: str) -> int:
    try:
        return int(float(cell))
    except ValueError:
        return 0


def _downloads(model_id: str) -> int:
    return int(hashlib.sha1(model_id.encode()).hexdigest()[:8], 16) % 200_000


_FRONT_KEY = re.compile(r"^(pipeline_tag|library_name):[ \t]*['\"]?([\w.-]+)", re.MULTILINE)


def _front_keys(text: str) -> dict[str, str]:
    """The card's own `pipeline_tag` and `library_name`: what the Hub lists of a card."""
    front = re.match(r"\A\ufeff?---\r?\n(.*?)\r?\n---", text, re.DOTALL)
    return dict(_FRONT_KEY.findall(front.group(1))) if front else {}


def castano_dump_rows() -> Iterator[dict[str, Any]]:
    """The study's 1,417 cards; the study kept model names without their owner: `castano/<name>`."""
    seen: dict[str, int] = {}
    for row in castano_rows():
        name = row["modelId"]
        seen[name] = seen.get(name, 0) + 1
        model_id = f"castano/{name}" + (f"-{seen[name]}" if seen[name] > 1 else "")
        libraries = _as_list(row.get("library_name", ""))
        tags = sorted(column[3:] for column, cell in row.items() if column.startswith("is_") and _flag(cell))
        yield {"modelId": model_id, "author": "castano", "last_modified": _time(row["lastModified"]),
               "downloads": _number(row["downloads"]), "likes": _number(row["likes"]),
               "library_name": libraries[0] if libraries else None, "tags": tags, "pipeline_tag": card_task(row),
               "createdAt": _time(row["created_at"]), "card": rebuild_card(row)}


def _plain_row(model_id: str, text: str) -> dict[str, Any]:
    keys = _front_keys(text)
    return {"modelId": model_id, "author": model_id.split("/")[0] if "/" in model_id else None,
            "last_modified": None, "downloads": _downloads(model_id), "likes": _downloads(model_id) % 97,
            "library_name": keys.get("library_name"), "tags": [], "pipeline_tag": keys.get("pipeline_tag"),
            "createdAt": None, "card": text}


def real_dump_rows() -> Iterator[dict[str, Any]]:
    """The real cards of `cards-real/` at their current revision (the dump has one row per model)."""
    lines = (HERE / "cards-real" / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        name, described = line.split("\t")[:2]
        if "--rev-" in name:
            continue
        text = (HERE / "cards-real" / name).read_bytes().decode("utf-8")
        yield _plain_row(described.split(" ")[0], text)


def gold_dump_rows() -> Iterator[dict[str, Any]]:
    """The gold cards, named by their model id, else their repository."""
    lines = (HERE / "gold" / "index.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    seen: dict[str, int] = {}
    for line in lines[1:]:
        entry = dict(zip(header, line.split("\t")))
        model_id = entry["model_id"] or entry["repository"]
        seen[model_id] = seen.get(model_id, 0) + 1
        if seen[model_id] > 1:
            model_id += f"-{seen[model_id]}"
        text = (HERE / "gold" / "cards" / entry["file"]).read_bytes().decode("utf-8")
        yield _plain_row(model_id, text)


def corpus_rows() -> list[dict[str, Any]]:
    """Every card of the corpus as a row of the dump: Castaño's, then the real, then the gold."""
    return [*castano_dump_rows(), *real_dump_rows(), *gold_dump_rows()]


def replicated(rows: list[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    """`count` rows cycling over `rows`, each copy past the first renamed `<id>-c<copy>`."""
    for index in range(count):
        row = rows[index % len(rows)]
        copy = index // len(rows)
        yield row if not copy else {**row, "modelId": f"{row['modelId']}-c{copy}"}


def write_shards(rows: Iterable[dict[str, Any]], folder: Path, rows_per_shard: int,
                 row_group_size: int = 1000) -> list[Path]:
    """Write rows as `folder/data/train-0000N-of-0000M.parquet`, `rows_per_shard` rows each,
    a shard at a time (memory holds one shard's rows)."""
    import itertools

    import pyarrow as pa
    import pyarrow.parquet as pq

    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rows = iter(rows)
    while batch := list(itertools.islice(rows, rows_per_shard)):
        path = data / f"train-{len(written):05d}.parquet"
        pq.write_table(pa.Table.from_pylist(batch, schema=schema()), path, row_group_size=row_group_size)
        written.append(path)
    return [path.rename(data / f"{path.stem}-of-{len(written):05d}.parquet") for path in written]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cards", type=int, default=None, help="rows in all (default: the corpus once)")
    parser.add_argument("--shards", type=int, default=4)
    args = parser.parse_args()
    corpus = corpus_rows()
    count = args.cards or len(corpus)
    paths = write_shards(replicated(corpus, count), args.folder, -(-count // args.shards))
    print(f"wrote {count} rows in {len(paths)} shards under {args.folder / 'data'}")
