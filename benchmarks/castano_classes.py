#!/usr/bin/env python
"""Reporting classes of Castaño et al. (2023) on their own 1,417 models: study rule vs carbon-card.

    python benchmarks/castano_classes.py [--list]

Every row of tests/corpus/castano2023/HFStreamlit.csv is rebuilt as a card twice:
- "rebuilt": the study's cleaned metadata as YAML front matter, then the card's body
  (tests/corpus/castano.py);
- "prose alone": the body only, no front matter.

For each, the reporting class comes from carbon-card's facts under two rules:
- "study rule": emissions from the metadata's `co2_eq_emissions`, hardware from its
  `hardware_used` or a "Hardware Type:" field of the text (what the study's code does);
- "carbon-card": every fact carbon-card gathers for the model (fields, tables, sentences).

The study reports, for these 1,417 models, Basic Energy Reporting 1,338 and Energy Awareness
79. `--list` prints every model whose class under carbon-card's reading differs from the
study's, with the facts that make the difference.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "corpus"))

from castano import castano_rows, rebuild_card  # noqa: E402

from carbon_card.assessment import reporting_class  # noqa: E402
from carbon_card.card import parse_card  # noqa: E402
from carbon_card.facts import gather  # noqa: E402

STUDY = {"Basic Energy Reporting": 1338, "Energy Awareness": 79}


def classes() -> dict:
    results = {"rebuilt/study rule": Counter(), "rebuilt/carbon-card": Counter(),
               "prose alone/study rule": Counter(), "prose alone/carbon-card": Counter()}
    differences = []
    for row in castano_rows():
        study_class = "Energy Awareness" if row["hardware_used"].strip() not in ("", "Not Specified") \
            else "Basic Energy Reporting"
        for variant, text in (("rebuilt", rebuild_card(row)), ("prose alone", row.get("modelcard_text", ""))):
            card = parse_card(text, row["modelId"])
            facts = gather(card, model_name=row["modelId"])
            for rule in ("castano", "carbon-card"):
                label = reporting_class(facts, card, rule=rule)
                results[f"{variant}/{'study rule' if rule == 'castano' else 'carbon-card'}"][label] += 1
                if variant == "rebuilt" and rule == "carbon-card" and label != study_class:
                    hardware = [f"{f.text!r} at {f.provenance()}" for f in facts.disclosed("hardware")]
                    differences.append((row["modelId"], study_class, label, hardware))
    return {"results": results, "differences": differences}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list every model whose class differs from the study's")
    args = parser.parse_args()
    found = classes()
    print(f"study (Castaño et al. 2023, README of the data): {dict(STUDY)}")
    for name, counts in found["results"].items():
        print(f"{name:26} {dict(sorted(counts.items()))}")
    print(f"models where carbon-card's reading of the rebuilt cards differs from the study: "
          f"{len(found['differences'])}")
    if args.list:
        for model, study, ours, hardware in found["differences"]:
            print(f"- {model}: study {study}, carbon-card {ours}; hardware: {'; '.join(hardware) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
