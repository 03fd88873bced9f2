#!/usr/bin/env python
"""Accuracy and calibration of the estimator on published training figures.

    python benchmarks/estimator_accuracy.py [--rows]

For every row of tests/corpus/reference/published_training_emissions.csv that states its
emissions, the estimator runs at every tier the row supports, from the row's own facts only:
- T2: accelerator-hours (or count x hours), hardware and region (grid intensity from the
  location table, not the row's own figure); PUE only where the row states it;
- T3: parameters (active for mixture-of-experts), training tokens (or stated FLOPs),
  hardware and region;
- T4: parameters alone.
It prints per row the error |log10(estimate / published)| and whether the 90% interval covers
the published figure, then per tier the median error and the coverage.
Goals: median error <= 0.05 (T2) and <= 0.2 (T3); coverage >= 90% at every tier; T4 intervals
narrower than a factor of 30 end to end. Constants come from their sources, not from this file.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import statistics
import sys
from pathlib import Path

from carbon_card.estimate import estimate
from carbon_card.facts import Fact, Facts

REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "reference" / "published_training_emissions.csv"
GOALS = {"T2": 0.05, "T3": 0.2}

# Where the rows' runs took place, as the rows' sources say (the rows state grid intensities,
# which the estimator must not be given: it looks the region up itself).
_LOCATION = [
    (r"BLOOM", "France"), (r"OLMo 7B \(A100", "Australia"), (r"OLMo 7B \(MI250X", "Finland"),
    (r"T5-11B", "Taiwan"), (r"Meena", "Georgia, USA"), (r"GShard", "North Carolina, USA"),
    (r"Switch", "Georgia, USA"), (r"Evolved", "Iowa, USA"), (r"GPT-3", "USA"),
]


def _location(row: dict) -> str | None:
    for pattern, place in _LOCATION:
        if re.search(pattern, row["model"]):
            return place
    return None


def _number(cell: str) -> float | None:
    try:
        return float(cell) if cell.strip() else None
    except ValueError:
        return None


def _facts(row: dict, tier: str) -> Facts | None:
    def fact(quantity, value):
        return Fact(quantity, value, str(value), "flag", quantity)

    facts = []
    params_active = _number(row["params_active"])
    params = _number(row["params_total"])
    if tier == "T4":
        if not (params_active or params):
            return None
        facts.append(fact("params_active" if params_active else "params", params_active or params))
        return Facts(tuple(facts))
    hardware = row["hardware"].split("(")[0].strip()
    facts.append(fact("hardware", hardware))
    place = _location(row)
    if place:
        facts.append(fact("location", place))
    if _number(row["pue"]):
        facts.append(fact("pue", _number(row["pue"])))
    if tier == "T2":
        hours = _number(row["accel_hours"])
        if not hours:
            return None
        facts.append(fact("accelerator_hours", hours))
    else:
        flops = _number(row["train_flops"])
        tokens = _number(row["train_tokens"])
        if flops:
            facts.append(fact("train_flops", flops))
        elif (params_active or params) and tokens:
            facts.append(fact("params_active" if params_active else "params", params_active or params))
            facts.append(fact("train_tokens", tokens))
        else:
            return None
    return Facts(tuple(facts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", action="store_true", help="print every row")
    args = parser.parse_args()
    results: dict[str, list[tuple[str, float, bool, float]]] = {"T2": [], "T3": [], "T4": []}
    with open(REFERENCE, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if _number(row["emissions_tco2e"])]
    for row in rows:
        truth = _number(row["emissions_tco2e"]) * 1e6
        for tier in results:
            facts = _facts(row, tier)
            if facts is None:
                continue
            found = estimate(facts)
            if found.tier != tier or found.emissions_g is None:
                continue
            interval = found.emissions_g
            error = abs(math.log10(interval.central / truth))
            covered = interval.low <= truth <= interval.high
            results[tier].append((row["model"], error, covered, interval.high / interval.low))
            if args.rows:
                print(f"{tier} {row['model'][:40]:40} published {truth / 1e6:10.2f} t  estimate "
                      f"{interval.central / 1e6:10.2f} t [{interval.low / 1e6:.2f}, {interval.high / 1e6:.2f}]  "
                      f"error {error:.3f}  {'covered' if covered else 'MISSED'}")
    print(f"reference: {REFERENCE.name} ({len(rows)} rows with published emissions)")
    for tier, found in results.items():
        if not found:
            print(f"{tier}: no row")
            continue
        median = statistics.median(error for _, error, _, _ in found)
        coverage = sum(covered for _, _, covered, _ in found) / len(found)
        width = statistics.median(w for _, _, _, w in found)
        goal = GOALS.get(tier)
        verdict = "" if goal is None else f" (goal <= {goal}: {'PASS' if median <= goal else 'FAIL'})"
        print(f"{tier}: {len(found)} rows, median error {median:.3f}{verdict}, coverage {coverage:.0%} "
              f"(goal >= 90%: {'PASS' if coverage >= 0.9 else 'FAIL'}), median interval width x{width:.1f}"
              + (f" (goal < 30: {'PASS' if width < 30 else 'FAIL'})" if tier == "T4" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
