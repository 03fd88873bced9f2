"""Rebuild model cards from the files of Castaño et al. (2023), for tests and benchmarks.

`HFStreamlit.csv` holds, per model, the study's cleaned metadata and the card's Markdown body
(front matter removed). A card is rebuilt as YAML front matter from the metadata columns
(the carbon fields where the study found them, datasets, library, tags from the `is_*`
columns) followed by `modelcard_text`. The YAML values are the study's cleaned ones, not
the authors' raw text: the carbon block comes out as clean as the study made it.
"""

from __future__ import annotations

import ast
import csv
import functools
import math
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
STREAMLIT_CSV = HERE / "castano2023" / "HFStreamlit.csv"

_CARBON_COLUMNS = ("source", "training_type", "geographical_location", "hardware_used")


def _as_list(cell: str) -> list[str]:
    try:
        value = ast.literal_eval(cell) if cell else []
    except (ValueError, SyntaxError):
        return [cell]
    return [item for item in value if item] if isinstance(value, list) else [str(value)]


def _flag(cell: str) -> bool:
    try:
        return float(cell) > 0
    except ValueError:
        return False


def castano_rows(path: Path = STREAMLIT_CSV) -> list[dict[str, str]]:
    # Many tests read the study: the file is read once per process, each caller gets its own rows.
    return [dict(row) for row in _read_rows(path)]


@functools.lru_cache(maxsize=None)
def _read_rows(path: Path) -> tuple[dict[str, str], ...]:
    # Card bodies exceed the csv module's default field limit, which is global state: raise
    # it for this read only, so that other code keeps the default.
    previous = csv.field_size_limit(sys.maxsize)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return tuple(csv.DictReader(handle))
    finally:
        csv.field_size_limit(previous)


def rebuild_card(row: dict[str, str]) -> str:
    """The card text of one row: front matter from the metadata columns, then the body."""
    try:
        return _rebuilt(tuple(row.items()))  # YAML dumping is slow; many tests rebuild the whole study
    except TypeError:  # a value that cannot be hashed: built without the cache
        return _rebuild(row)


@functools.lru_cache(maxsize=None)
def _rebuilt(items: tuple[tuple[str, str], ...]) -> str:
    return _rebuild(dict(items))


def _rebuild(row: dict[str, str]) -> str:
    block: dict[str, object] = {"emissions": float(row["co2_eq_emissions"])}
    for column in _CARBON_COLUMNS:
        value = row.get(column, "").strip()
        if value and value != "Not Specified":
            block[column] = value
    metadata: dict[str, object] = {}
    datasets = _as_list(row.get("datasets", ""))
    if datasets:
        metadata["datasets"] = datasets
    libraries = _as_list(row.get("library_name", ""))
    if libraries:
        metadata["library_name"] = libraries[0]
    tags = sorted(name[3:] for name, cell in row.items() if name.startswith("is_") and _flag(cell))
    if tags:
        metadata["tags"] = tags
    metadata["co2_eq_emissions"] = block
    front = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n{row.get('modelcard_text', '')}"


# The pipeline tag of a card, from the study's tag columns: the first of these the card carries.
_TASKS = ("text-classification", "token-classification", "question-answering", "summarization", "translation",
          "text2text-generation", "image-classification", "tabular-classification", "tabular-regression")


def card_task(row: dict[str, str]) -> str | None:
    return next((task for task in _TASKS if _flag(row.get(f"is_{task}", ""))), None)


def _positive(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


_AUTOTRAIN_SOURCE = "Castano et al. 2023 (arXiv 2305.11164), HFStreamlit.csv: AutoTrain card, CodeCarbon"


def autotrain_runs(path: Path = STREAMLIT_CSV) -> list[dict[str, object]]:
    """The AutoTrain fine-tunes of the study whose cards give measured emissions (CodeCarbon, as
    AutoTrain ran them) and whose `pytorch_model.bin` size is known: model id, task, parameters
    (the bytes of float32 weights over 4), grams, and the year the model was created."""
    runs = []
    for row in castano_rows(path):
        grams, size = _positive(row["co2_eq_emissions"]), _positive(row["size"])
        if row["source"] == "AutoTrain" and grams is not None and size is not None:
            runs.append({"model_id": row["modelId"], "task": card_task(row) or "", "params": round(size / 4),
                         "emissions_g": grams, "year": int(row["created_at"][:4]), "source": _AUTOTRAIN_SOURCE})
    return runs


def castano_cards(path: Path = STREAMLIT_CSV) -> Iterator[tuple[str, str]]:
    """(model id, rebuilt card text) for every row of the study's file."""
    for row in castano_rows(path):
        yield row["modelId"], rebuild_card(row)


def write_cards(out_dir: Path, copies: int = 1) -> int:
    """Write each rebuilt card as `<out_dir>/<n>/<model id>/README.md`; return the count."""
    count = 0
    for copy in range(copies):
        for index, (model_id, text) in enumerate(castano_cards()):
            folder = out_dir / str(copy) / f"{index:04d}-{model_id.replace('/', '__')}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "README.md").write_text(text, encoding="utf-8")
            count += 1
    return count


AUTOTRAIN_COLUMNS = ("model_id", "task", "params", "emissions_g", "year", "source")


def write_autotrain_runs(out) -> None:
    """`carbon_card/data/autotrain_finetunes.csv`: what `autotrain_runs` finds, as CSV."""
    writer = csv.DictWriter(out, AUTOTRAIN_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(autotrain_runs())


SCALE_COLUMNS = ("mode", "metric", "reference", "b0", "b1", "b2", "b3", "source", "year")
_SCALE_SOURCE = ("Castano et al. 2023 (arXiv 2305.11164): HFStreamlit.csv joined with HFClean.csv (1,419 rows), "
                 "reference model distilgpt2")


def write_label_scale(out) -> None:
    """`carbon_card/data/label_scale.csv`: the references and boundaries of the efficiency label
    over the study's own rows, in both modes (floats written exactly)."""
    from carbon_card.label import WEIGHTS, castano_inputs, label_scale

    inputs = castano_inputs(STREAMLIT_CSV, HERE / "castano2023" / "HFClean.csv")
    writer = csv.DictWriter(out, SCALE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for mode in ("corrected", "faithful"):
        scale = label_scale(inputs, mode)
        for metric in WEIGHTS:
            reference = scale.references[metric]
            writer.writerow({"mode": mode, "metric": metric, "reference": "" if reference is None else repr(reference),
                             **{f"b{i}": repr(b) for i, b in enumerate(scale.boundaries[metric])},
                             "source": _SCALE_SOURCE, "year": 2023})


if __name__ == "__main__":
    if sys.argv[1:] == ["--autotrain"]:
        write_autotrain_runs(sys.stdout)
    elif sys.argv[1:] == ["--label-scale"]:
        write_label_scale(sys.stdout)
    else:
        target = Path(sys.argv[1] if len(sys.argv) > 1 else "castano-cards")
        print(f"wrote {write_cards(target)} cards under {target}")
