#!/usr/bin/env python
"""The fine-tuning estimate (tier T4) against measured fine-tuning runs of the Hub.

    python benchmarks/finetune_accuracy.py [--rows]

Castaño et al. (2023) mined 1,291 AutoTrain model cards (tests/corpus/castano2023): each
states the emissions of its own fine-tuning run, measured by CodeCarbon as AutoTrain ran it.
The estimator gets what a card without that line would give it: a fine-tune (AutoTrain only
fine-tunes) of so many parameters for a task (the card's pipeline tag). The parameters are
the bytes of the model's `pytorch_model.bin` (the study's `size`) over 4: AutoTrain saved
float32 weights (a BERT-base of 438,006,125 bytes is 109.5M parameters).

Each run is estimated twice: from the card alone, and with the year the Hub created its
repository (the study's `created_at`, the `created` fact a listing gives), as the census does.

It prints the median error |log10(estimate / measured)|, the median of log10(estimate /
measured) (the bias: above 0 the estimate is too high), the coverage of the 90% interval and
its median width, for all rows and per task; then how many of the published fine-tuning runs'
own token counts the prior of their group holds, each with its model family left out. Goal
(issue 4): coverage >= 90%.

The AutoTrain runs are also half of the fine-tuning token prior (carbon_card/data/
autotrain_finetunes.csv, beside the published runs of published_finetunes.csv): each run is
estimated with its own task's AutoTrain runs left out of the prior, so the figures are out of
sample.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "corpus"))

from castano import autotrain_runs  # noqa: E402

from carbon_card.estimate import estimate, finetune_token_prior, published_finetunes  # noqa: E402
from carbon_card.facts import Fact, Facts  # noqa: E402

def _facts(params: float, task: str | None, created: int | None = None) -> Facts:
    facts = [Fact("params", params, f"{params:.4g}", "flag", "params"),
             Fact("training_type", "fine-tuning", "fine-tuning", "flag", "training_type")]
    if task:
        facts.append(Fact("task", task, task, "flag", "task"))
    if created is not None:
        facts.append(Fact("created", created, str(created), "hub", "createdAt"))
    return Facts(tuple(facts))


def _summary(name: str, found: list[tuple[float, bool, float]]) -> str:
    median = statistics.median(abs(e) for e, _, _ in found)
    bias = statistics.median(e for e, _, _ in found)
    coverage = sum(c for _, c, _ in found) / len(found)
    width = statistics.median(w for _, _, w in found)
    return (f"{name:22} {len(found):5} runs, median error {median:.2f}, bias {bias:+.2f}, "
            f"coverage {coverage:4.0%}, median width x{width:,.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", action="store_true", help="print every run")
    args = parser.parse_args()
    print("fine-tuning (T4) against AutoTrain's measured runs (Castaño et al. 2023)")
    for dated in (False, True):
        by_task: dict[str, list[tuple[float, bool, float]]] = {}
        for run in autotrain_runs():
            task, measured = run["task"] or None, run["emissions_g"]
            # The run's own task is left out of the AutoTrain part of the token prior.
            held_out = frozenset({f"AutoTrain {run['task']}"})
            facts = _facts(run["params"], task, run["year"] if dated else None)
            found = estimate(facts, held_out=held_out).emissions_g
            error = math.log10(found.central / measured)
            covered = found.low <= measured <= found.high
            by_task.setdefault(task or "(no task)", []).append((error, covered, found.high / found.low))
            if args.rows and not dated:
                print(f"{run['model_id'][:50]:50} {task or '-':22} measured {measured:10.3f} g  estimate "
                      f"{found.central:10.3f} g [{found.low:.3g}, {found.high:.3g}]  "
                      f"{'covered' if covered else 'MISSED'}")
        every = [result for results in by_task.values() for result in results]
        name = "all, with the date" if dated else "all"
        print(_summary(name, every)
              + f" (goal >= 90%: {'PASS' if sum(c for _, c, _ in every) >= 0.9 * len(every) else 'FAIL'})")
        if not dated:
            for task, found in sorted(by_task.items(), key=lambda item: -len(item[1])):
                print("  " + _summary(task, found))
    # The prior against the published runs' own tokens, each with its model family left out.
    for group in ("generation", "classification"):
        runs = [run for run in published_finetunes() if run.task_group == group]
        held = [finetune_token_prior(group, frozenset({run.family})) for run in runs]
        covered = sum(prior.low <= run.tokens <= prior.high for run, prior in zip(runs, held, strict=True))
        print(f"published {group} runs: {len(runs)}, their tokens within the {group} prior (family left out): "
              f"{covered / len(runs):.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
