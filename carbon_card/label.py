"""The efficiency label A–E of Castaño et al. (2023), computed for a set of models.

Source: J. Castaño, S. Martínez-Fernández, X. Franch, J. Bogner, "Exploring the Carbon
Footprint of Hugging Face's ML Models: A Repository Mining Study", ESEM 2023
(arXiv 2305.11164); code in github.com/GAISSA-UPC/ML-EnergyLabel (``app/energy_label.py``).

The label is *relative to a corpus*: it cannot be computed for one model alone.
For every model, five metrics are turned into an index relative to a reference model
(``distilgpt2``; where its value is empty, the column median):

- ``co2_eq_emissions`` (grams, lower is better: index = reference / value),
- ``size_efficency`` = model size / CO2 and ``datasets_size_efficency`` = dataset size / CO2,
- ``downloads`` and ``performance_score`` (higher is better: index = value / reference).

Each index is rated A–E by percentile boundaries of that index over the corpus (20/40/60/80,
downloads 60/85/94/96), and the label is the weighted mean of the available ratings
(A=0 … E=4; weights :data:`WEIGHTS`, renormalised over the rated metrics), rounded with
Python's ``round`` (halves to even). The column names keep the study's spelling.

Two modes:

- ``"faithful"``: exactly the study's code, including its defect: the CO2 boundaries are
  percentiles of ``sqrt(index)`` but are compared with the raw index, so most models get A
  on CO2. It also keeps a second quirk of that code: the boundaries are computed from
  indexes where a division by zero gives 0, but each row is rated from numpy values where
  it gives inf (a model reporting 0 g of CO2 is E in the boundaries, A in its own rating).
  On the study's own files (:func:`castano_inputs`, 1,419 rows) this gives A 37, B 486,
  C 826, D 55, E 15, the study's figures.
- ``"corrected"`` (the default): the CO2 boundaries are percentiles of the index itself,
  as for every other metric, so the CO2 rating — the heaviest weight — spreads over A–E
  as the study describes it instead of putting most models at A; and a division by zero
  gives index 0 (rating E) everywhere. Everything else is the same. On the study's files:
  A 15, B 196, C 548, D 456, E 204.

Standard library only (``numpy.nanpercentile``'s default linear interpolation is
reimplemented here).

For models audited one at a time (``carbon-card audit --label``), :func:`study_scale` keeps the
study's own references and boundaries (``data/label_scale.csv``): each model is rated as if it
were one more model of the study's corpus, both modes, corrected recommended.
"""

from __future__ import annotations

import csv
import functools
import math
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike

__all__ = [
    "LETTERS",
    "PERCENTILES",
    "REFERENCE_MODEL",
    "WEIGHTS",
    "LabelInput",
    "LabelScale",
    "castano_inputs",
    "compound_label",
    "efficiency_labels",
    "label_scale",
    "percentile",
    "rating",
    "ratings",
    "study_scale",
]

#: Weight of each metric in the label (the study's column names and spelling).
WEIGHTS: dict[str, float] = {
    "co2_eq_emissions": 0.35,
    "size_efficency": 0.10,
    "datasets_size_efficency": 0.10,
    "downloads": 0.25,
    "performance_score": 0.20,
}

#: Percentiles giving the boundaries b0 > b1 > b2 > b3 of each metric's index.
PERCENTILES: dict[str, tuple[float, ...]] = {
    "co2_eq_emissions": (80, 60, 40, 20),
    "size_efficency": (80, 60, 40, 20),
    "datasets_size_efficency": (80, 60, 40, 20),
    "downloads": (96, 94, 85, 60),
    "performance_score": (80, 60, 40, 20),
}

#: The model whose values are the reference of every index.
REFERENCE_MODEL = "distilgpt2"

#: Ratings 0..4 as letters.
LETTERS = "ABCDE"

_LOWER_IS_BETTER = frozenset({"co2_eq_emissions"})
_MODES = ("corrected", "faithful")

Number = float | None


@dataclass(frozen=True)
class LabelInput:
    """One model's raw values (None where empty). Sizes in bytes, emissions in grams."""

    model_id: str
    co2_eq_emissions: Number = None
    size: Number = None
    datasets_size: Number = None
    downloads: Number = None
    performance_score: Number = None


def _empty(value: Number) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _ratio(numerator: Number, denominator: Number) -> Number:
    """numerator / denominator as pandas computes a column ratio: empty if either is empty,
    ±inf for x/0 (x != 0) and empty for 0/0."""
    if _empty(numerator) or _empty(denominator):
        return None
    if denominator == 0:
        return None if numerator == 0 else math.copysign(math.inf, numerator)
    return numerator / denominator


def percentile(values: Iterable[Number], q: float) -> float:
    """``numpy.nanpercentile(values, q)`` with the default (linear) interpolation.

    Empty values (None, NaN) are ignored; with no value left the result is NaN.
    """
    data = sorted(v for v in values if not _empty(v))
    if not data:
        return math.nan
    position = (len(data) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(data) - 1)
    t = position - low
    a, b = data[low], data[high]
    if a == b:  # also avoids inf - inf
        return a
    diff = b - a
    # numpy's _lerp: a + diff*t, or b - diff*(1-t) from the upper half.
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def rating(index: Number, boundaries: Sequence[float]) -> int | None:
    """Rating 0 (A) … 4 (E) of an index given boundaries b0 >= b1 >= b2 >= b3.

    A is (b0, inf], B (b1, b0], C (b2, b1], D (b3, b2], E (0, b3]; an index in none of
    these (e.g. 0) is E; an empty index has no rating (None).
    """
    if _empty(index):
        return None
    edges = [math.inf, *boundaries, 0.0]
    for i in range(len(edges) - 1):
        upper, lower = edges[i], edges[i + 1]
        if lower < index <= upper:
            return i
    return len(edges) - 2


def compound_label(ratings: dict[str, int | None], weights: dict[str, float] = WEIGHTS) -> str | None:
    """Weighted mean of the available ratings, weights renormalised over them, rounded
    with Python's ``round`` (halves to even), as a letter; None when nothing is rated."""
    rated = {m: r for m, r in ratings.items() if r is not None}
    if not rated:
        return None
    total = sum(weights[m] for m in rated)
    mean = sum(r * (weights[m] / total) for m, r in rated.items())
    return LETTERS[round(mean)]


def _metrics(row: LabelInput) -> dict[str, Number]:
    return {
        "co2_eq_emissions": None if _empty(row.co2_eq_emissions) else row.co2_eq_emissions,
        "size_efficency": _ratio(row.size, row.co2_eq_emissions),
        "datasets_size_efficency": _ratio(row.datasets_size, row.co2_eq_emissions),
        "downloads": None if _empty(row.downloads) else row.downloads,
        "performance_score": None if _empty(row.performance_score) else row.performance_score,
    }


def _index(value: Number, reference: Number, metric: str, ieee: bool = False) -> Number:
    """Step 4: value / reference (reference / value for CO2); a division error is 0.

    With ``ieee`` a division by zero follows numpy's float64 instead (x/0 is ±inf, 0/0
    empty): what the study's code does when it rates a row (see :func:`efficiency_labels`).
    """
    if _empty(value):
        return None
    numerator, denominator = (reference, value) if metric in _LOWER_IS_BETTER else (value, reference)
    if ieee:
        return _ratio(numerator, denominator)
    try:
        return numerator / denominator
    except ZeroDivisionError:
        return 0.0


@dataclass(frozen=True)
class LabelScale:
    """What a corpus fixes in the label: the reference value and the boundaries of each metric.

    Rating a model against the scale of a corpus gives the label the study's method gives it
    within that corpus, the model itself not moving the corpus's percentiles; `study_scale`
    is the scale of the study's own 1,419 rows, so that models audited one at a time get
    labels comparable with the study's and with one another."""

    mode: str
    references: dict[str, Number]
    """Each metric's reference value (the reference model's, else the column's median; None: no value)."""
    boundaries: dict[str, tuple[float, ...]]
    """Each metric's boundaries b0 >= b1 >= b2 >= b3 (NaN where the column is empty)."""


def label_scale(rows: Sequence[LabelInput], mode: str = "corrected",
                reference_model: str = REFERENCE_MODEL) -> LabelScale:
    """The references and boundaries of a corpus (steps 3 to 5 of the study)."""
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, not {mode!r}")
    table = [_metrics(row) for row in rows]

    # Step 3: reference values, from the first row of the reference model, else the median.
    reference_row = next((m for r, m in zip(rows, table) if r.model_id == reference_model), None)
    references: dict[str, Number] = {}
    for metric in WEIGHTS:
        value = None if reference_row is None else reference_row[metric]
        if _empty(value):
            column = [m[metric] for m in table if not _empty(m[metric])]
            value = statistics.median(column) if column else None
        references[metric] = value

    # Steps 4 and 5: indexes (a missing reference leaves the whole column empty), boundaries high to low.
    boundaries: dict[str, tuple[float, ...]] = {}
    for metric in WEIGHTS:
        column = [None if references[metric] is None else _index(m[metric], references[metric], metric)
                  for m in table]
        if mode == "faithful" and metric == "co2_eq_emissions":
            column = [None if _empty(v) else math.sqrt(v) for v in column]
        boundaries[metric] = tuple(percentile(column, q) for q in PERCENTILES[metric])
    return LabelScale(mode, references, boundaries)


def ratings(row: LabelInput, scale: LabelScale) -> dict[str, int | None]:
    """Step 6: the rating 0 (A) ... 4 (E) of each metric of a row on a scale (None: not rated)."""
    metrics = _metrics(row)
    found: dict[str, int | None] = {}
    for metric in WEIGHTS:
        reference = scale.references[metric]
        index = None if reference is None else _index(metrics[metric], reference, metric)
        # The study's code computes the boundaries from indexes of Python floats (a division by
        # zero raises, giving 0) but rates each row from numpy float64 values (a division by zero
        # gives inf, hence A): FAITHFUL mode keeps that inconsistency, CORRECTED mode uses the same
        # index (0, hence E) for both.
        if scale.mode == "faithful" and index == 0 and reference is not None:
            index = _index(metrics[metric], reference, metric, ieee=True)
        found[metric] = rating(index, scale.boundaries[metric])
    return found


def efficiency_labels(
    rows: Sequence[LabelInput],
    mode: str = "corrected",
    reference_model: str = REFERENCE_MODEL,
) -> list[tuple[str, str | None]]:
    """The label of every row, as ``(model_id, label)`` in row order (label None when no
    metric can be rated). The labels are relative to ``rows``: boundaries and medians are
    computed over them. ``mode`` is ``"corrected"`` (default) or ``"faithful"``.
    """
    scale = label_scale(rows, mode, reference_model)
    return [(row.model_id, compound_label(ratings(row, scale))) for row in rows]


@functools.cache
def study_scale(mode: str = "corrected") -> LabelScale:
    """The scale of the study's 1,419 rows (`data/label_scale.csv`, written from
    :func:`castano_inputs` by ``python tests/corpus/castano.py --label-scale``)."""
    from .tables import load_table

    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, not {mode!r}")
    references: dict[str, Number] = {}
    boundaries: dict[str, tuple[float, ...]] = {}
    for row in load_table("label_scale.csv"):
        if row["mode"] == mode:
            references[row["metric"]] = float(row["reference"]) if row["reference"] else None
            boundaries[row["metric"]] = tuple(float(row[f"b{i}"]) for i in range(4))
    return LabelScale(mode, references, boundaries)


# --- The study's files -------------------------------------------------------------------

_FIELDS = ("co2_eq_emissions", "size", "datasets_size", "downloads", "performance_score")


def _read_csv(path: str | PathLike) -> list[dict[str, str]]:
    previous = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize if sys.maxsize < 2**63 else 2**31 - 1)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    finally:
        csv.field_size_limit(previous)


def _number(text: str | None) -> Number:
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def castano_inputs(
    streamlit_csv: str | PathLike, clean_csv: str | PathLike
) -> list[LabelInput]:
    """Step 1 of the study: ``HFStreamlit.csv`` left-joined with ``HFClean.csv`` (its
    ``modelName`` renamed ``modelId``) on ``modelId``; for every column in both files the
    ``HFClean.csv`` value wins where it is not empty. A model id found k times in
    HFClean gives k rows (1,417 rows make 1,419). ``performance_score`` exists only in
    HFStreamlit.csv.
    """
    streamlit = _read_csv(streamlit_csv)
    clean: dict[str, list[dict[str, str]]] = {}
    for row in _read_csv(clean_csv):
        clean.setdefault(row["modelName"], []).append(row)

    inputs = []
    for row in streamlit:
        model_id = row["modelId"]
        for override in clean.get(model_id, [None]):
            values = {}
            for field in _FIELDS:
                value = _number(row.get(field))
                if override is not None:
                    better = _number(override.get(field))
                    if better is not None:
                        value = better
                values[field] = value
            inputs.append(LabelInput(model_id=model_id, **values))
    return inputs
