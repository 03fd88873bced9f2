"""`check --diff` against `check` alone over the 1,417 rebuilt Castano cards (issue #5).

Goal: `check --diff` within 1.5x the time of `check`. Both commands are fresh processes of the
installed console script, run alternately (so that load on the machine hits both alike), and
each figure is the median of `--runs` runs after one untimed warm-up of each. `--unsafe-fixes`
is timed too: it adds the estimate to every card that states no emissions, the costliest fix.

    python benchmarks/bench_patch.py [--runs 9] [--json]

The corpus is the one `bench_check.py` builds and caches in `benchmarks/.cache/castano`.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import _corpus, _median, _shown, _time_once, _tool, _version  # noqa: E402

GOAL_RATIO = 1.5
REPRODUCE = "python benchmarks/bench_patch.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each command (median)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached corpus first")
    args = parser.parse_args(argv)
    say = (lambda line="": print(line, file=sys.stderr)) if args.json else print

    carbon_card = _tool("carbon-card")
    directory, count = _corpus("castano", 0, args.rebuild, say)
    base = [carbon_card, "check", "-q", "--fail-on", "never", str(directory)]
    commands = {
        "check": base,
        "check --diff": [*base[:2], "--diff", *base[2:]],
        "check --diff --unsafe-fixes": [*base[:2], "--diff", "--unsafe-fixes", *base[2:]],
    }
    ok = (0, 1)  # --diff exits 1 when a card would change
    for command in commands.values():
        _time_once(command, ok)  # warm-up: bytecode written, cards in the page cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(_time_once(command, ok))
    medians = {name: _median(values) for name, values in times.items()}

    say(f"carbon-card {_version([carbon_card, '--version'])}, Python {platform.python_version()}, "
        f"{platform.platform()}; {count:,} cards in {_shown(directory)}; median of {args.runs} runs")
    say(f"reproduce: {REPRODUCE} --runs {args.runs}")
    for name, seconds in medians.items():
        ratio = seconds / medians["check"]
        goal = ""
        if name != "check":
            goal = f"  ratio {ratio:.2f} (goal <= {GOAL_RATIO}: {'PASS' if ratio <= GOAL_RATIO else 'FAIL'})"
        say(f"  {name:<30} {seconds:7.3f} s{goal}")
    if args.json:
        print(json.dumps({"cards": count, "runs": args.runs, "median_s": medians, "times_s": times,
                          "ratio": {name: medians[name] / medians["check"] for name in medians}}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
