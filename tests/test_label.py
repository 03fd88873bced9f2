"""The efficiency label of Castaño et al. (2023): carbon_card.label."""

import csv
import math
from collections import Counter
from pathlib import Path

import pytest

from carbon_card.label import (
    WEIGHTS,
    LabelInput,
    castano_inputs,
    compound_label,
    efficiency_labels,
    percentile,
    rating,
)

DATA = Path(__file__).resolve().parent / "corpus" / "castano2023"


@pytest.fixture(scope="module")
def study_rows():
    return castano_inputs(DATA / "HFStreamlit.csv", DATA / "HFClean.csv")


def counts(labels):
    return dict(Counter(label for _, label in labels))


# --- The study's files ----------------------------------------------------------------------


def test_join_gives_1419_rows(study_rows):
    assert len(study_rows) == 1419
    ids = Counter(row.model_id for row in study_rows)
    assert ids["biomedical-ner-all"] == 4  # twice in each file
    assert ids["distilgpt2"] == 2
    # HFClean wins where not empty: its distilgpt2 downloads, not HFStreamlit's 1105785.
    assert {row.downloads for row in study_rows if row.model_id == "distilgpt2"} == {1172830.0}


def test_faithful_reproduces_the_study(study_rows):
    labels = efficiency_labels(study_rows, mode="faithful")
    assert [model for model, _ in labels] == [row.model_id for row in study_rows]
    assert counts(labels) == {"A": 37, "B": 486, "C": 826, "D": 55, "E": 15}


def test_corrected_is_the_default_and_spreads_the_labels(study_rows):
    labels = efficiency_labels(study_rows)
    assert labels == efficiency_labels(study_rows, mode="corrected")
    assert counts(labels) == {"A": 15, "B": 196, "C": 548, "D": 456, "E": 204}


def test_zero_emissions_row_differs_between_modes(study_rows):
    # The one model reporting 0 g: the study rates its CO2 index ref/0 = inf as A (numpy),
    # though the boundaries count it as 0; corrected mode rates it E.
    [i] = [i for i, row in enumerate(study_rows) if row.co2_eq_emissions == 0]
    assert efficiency_labels(study_rows, mode="faithful")[i] == ("xlmindic-base-multiscript-soham", "B")
    assert efficiency_labels(study_rows, mode="corrected")[i] == ("xlmindic-base-multiscript-soham", "D")


def test_reading_restores_the_csv_field_limit():
    before = csv.field_size_limit()
    castano_inputs(DATA / "HFStreamlit.csv", DATA / "HFClean.csv")
    assert csv.field_size_limit() == before


# --- Hand-made cases ------------------------------------------------------------------------


def test_percentile_is_numpy_linear():
    assert percentile([1, 2, 3, 4], 80) == pytest.approx(3.4)
    assert percentile([4, None, 1, 3, float("nan"), 2], 20) == pytest.approx(1.6)
    assert percentile([5], 60) == 5
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert math.isnan(percentile([None], 50))


@pytest.mark.parametrize(
    "index, expected",
    [
        (math.inf, 0), (5, 0),          # A (b0, inf]
        (4, 1), (3.5, 1),               # B (b1, b0]: the upper end is in
        (3, 2), (2.5, 2),               # C
        (2, 3), (1.5, 3),               # D
        (1, 4), (0.5, 4),               # E (0, b3]
        (0, 4), (-1, 4),                # in no interval: E
        (None, None), (math.nan, None),  # empty: no rating
    ],
)
def test_rating_intervals(index, expected):
    assert rating(index, [4, 3, 2, 1]) == expected


def test_rounding_halves_to_even():
    equal = {"x": 1.0, "y": 1.0}
    assert compound_label({"x": 0, "y": 1}, equal) == "A"  # 0.5 -> 0
    assert compound_label({"x": 1, "y": 2}, equal) == "C"  # 1.5 -> 2
    assert compound_label({"x": 2, "y": 3}, equal) == "C"  # 2.5 -> 2
    assert compound_label({"x": 3, "y": 4}, equal) == "E"  # 3.5 -> 4


def test_weights_renormalised_over_rated_metrics():
    ratings = dict.fromkeys(WEIGHTS)
    ratings.update(co2_eq_emissions=4, downloads=0)
    # 4 * 0.35 / (0.35 + 0.25) = 2.33 -> C (without renormalising: 1.4 -> B)
    assert compound_label(ratings) == "C"
    ratings.update(performance_score=0)
    # 1.4 / 0.8 = 1.75 -> C
    assert compound_label(ratings) == "C"
    assert compound_label(dict.fromkeys(WEIGHTS)) is None


def test_every_metric_empty_gives_no_label():
    rows = [
        LabelInput("distilgpt2", 100.0, 1000.0, None, 50.0, 0.5),
        LabelInput("small", 10.0, 1000.0, None, 5.0, 0.9),
        LabelInput("big", 1000.0, 1000.0, None, 500.0, 0.1),
        LabelInput("nothing"),
        LabelInput("downloads-only", downloads=0.0),
    ]
    labels = dict(efficiency_labels(rows))
    assert labels["nothing"] is None
    assert labels["downloads-only"] == "E"  # index 0: in no interval
    assert all(labels[m] in "ABCDE" for m in ("distilgpt2", "small", "big"))


def test_faithful_compares_the_raw_index_with_sqrt_boundaries():
    # CO2 only; reference: the first distilgpt2 row (100 g). Indexes 1, 100, 0.5, 0.25, 2.
    rows = [
        LabelInput("distilgpt2", co2_eq_emissions=100.0),
        LabelInput("distilgpt2", co2_eq_emissions=1.0),
        LabelInput("a", co2_eq_emissions=200.0),
        LabelInput("b", co2_eq_emissions=400.0),
        LabelInput("c", co2_eq_emissions=50.0),
    ]
    # corrected: boundaries 21.6, 1.4, 0.8, 0.45
    assert [label for _, label in efficiency_labels(rows)] == ["C", "A", "D", "E", "B"]
    # faithful: boundaries of sqrt(index) 3.13, 1.17, 0.88, 0.67, compared with the index
    assert [label for _, label in efficiency_labels(rows, mode="faithful")] == ["C", "A", "E", "E", "B"]


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        efficiency_labels([], mode="nonsense")


# --- The study's scale, for models labelled one at a time ---------------------------------------


def test_label_scale_file_is_the_study_computed_again():
    import io
    import sys

    sys.path.insert(0, str(DATA.parent))
    from castano import write_label_scale

    out = io.StringIO()
    write_label_scale(out)
    shipped = Path(__file__).resolve().parents[1] / "carbon_card" / "data" / "label_scale.csv"
    assert shipped.read_text(encoding="utf-8") == out.getvalue()


@pytest.mark.parametrize("mode, expected", [("faithful", {"A": 37, "B": 486, "C": 826, "D": 55, "E": 15}),
                                            ("corrected", {"A": 15, "B": 196, "C": 548, "D": 456, "E": 204})])
def test_rating_the_study_on_its_shipped_scale_gives_its_labels(study_rows, mode, expected):
    from carbon_card.label import ratings, study_scale

    scale = study_scale(mode)
    labels = [(row.model_id, compound_label(ratings(row, scale))) for row in study_rows]
    assert labels == efficiency_labels(study_rows, mode=mode)
    assert counts(labels) == expected
