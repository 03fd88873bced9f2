#!/usr/bin/env python
"""Efficiency labels A–E of Castaño et al. (2023) on their own files, both modes.

    python benchmarks/castano_labels.py

The study reports A 37, B 486, C 826, D 55, E 15 for the 1,419 rows of
HFStreamlit.csv joined with HFClean.csv; "faithful" reproduces them, "corrected"
(carbon-card's default) fixes the study's CO2 boundaries (see carbon_card/label.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from carbon_card.label import castano_inputs, efficiency_labels

DATA = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "castano2023"
STUDY = {"A": 37, "B": 486, "C": 826, "D": 55, "E": 15}


def main() -> int:
    rows = castano_inputs(DATA / "HFStreamlit.csv", DATA / "HFClean.csv")
    print(f"{len(rows)} rows")
    print(f"{'study':<10}" + "".join(f"{k}{v:>6}  " for k, v in STUDY.items()))
    for mode in ("faithful", "corrected"):
        found = Counter(label for _, label in efficiency_labels(rows, mode=mode))
        print(f"{mode:<10}" + "".join(f"{k}{found.get(k, 0):>6}  " for k in "ABCDE"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
