"""`check`'s pipeline on 10 MB cards built to make a reader slow, as a multiple of reading them.

    python benchmarks/adversarial.py [--size 10000000] [--only NAME]

Each body of tests/adversarial.py is repeated to `--size` characters. For each, the CPU time of
the whole pipeline (card -> facts -> estimate -> assessment -> patch) is printed beside the
irreducible reading of the same text (benchmarks/limit.py's: lower-case it and make one pass of
the readers' vocabulary over it), and their ratio; both in this process, one after the other,
so that the machine's drift hits both. The issue's goal: any 10 MB card under 3 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from adversarial import PIECES, card  # noqa: E402
from limit import _VOCABULARY  # noqa: E402

from carbon_card.card import parse_card  # noqa: E402
from carbon_card.pipeline import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--only", help="one body, by its name")
    args = parser.parse_args()
    print(f"{'body':30s} {'read s':>7s} {'check s':>8s} {'multiple':>9s}")
    worst = 0.0
    for name, piece in PIECES.items():
        if args.only and name != args.only:
            continue
        text = card(piece, args.size)
        started = time.process_time()
        sum(1 for _ in _VOCABULARY.finditer(text.lower()))
        read = time.process_time() - started
        started = time.process_time()
        run(parse_card(text, "model/README.md"), None, want_patch=True)
        checked = time.process_time() - started
        worst = max(worst, checked)
        print(f"{name:30s} {read:7.2f} {checked:8.2f} {checked / max(read, 1e-3):8.1f}x", flush=True)
    print(f"slowest: {worst:.2f} s CPU for {args.size:,} characters")


if __name__ == "__main__":
    main()
